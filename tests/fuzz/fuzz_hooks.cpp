// libFuzzer target for the text a hooks configuration brings: globs, `run`
// templates, and the splitter that decides whether a command needs a shell.
// The input is three fields separated by NUL bytes: a glob, a path, and a
// run text. Besides sanitizer reports it checks properties the hook runner
// relies on and aborts when one breaks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "hooks/glob.hpp"
#include "hooks/template.hpp"
#include "process/shell_words.hpp"

using namespace keel;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

std::string_view field(std::string_view& rest) {
  std::size_t end = rest.find('\0');
  std::string_view out = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string glob(field(rest));
  std::string path(field(rest));
  std::string run(field(rest));

  bool matched = hooks::glob_match(glob, path);
  require(hooks::any_glob_matches({glob}, path) == matched);
  require(hooks::any_glob_matches({"\x01never", glob}, path) == (matched || hooks::glob_match("\x01never", path)));

  // A quoted word comes back as itself whenever the splitter takes it.
  if (auto words = process::simple_command_words("true " + hooks::shell_quote(path))) {
    require(words->size() == 2 && (*words)[1] == path);
  }
  (void)process::simple_command_words(run);

  hooks::Expansion values;
  values.files[hooks::FileSet::staged] = {path, glob, "-x", "a b"};
  values.files[hooks::FileSet::all] = {path};
  values.args = {glob, path};
  (void)hooks::file_templates(run);
  hooks::ShellCall call = hooks::expand(run, values);
  // No value ever becomes script text: the script is the same for any values.
  hooks::Expansion other = values;
  for (auto& [set, files] : other.files)
    for (auto& f : files)
      if (!f.empty()) f = "v";
  for (auto& a : other.args) a = "v";
  require(hooks::expand(run, other).script == call.script);
  constexpr std::size_t limit = 1024;
  if (auto batches = hooks::expand_batched(run, values, hooks::FileSet::staged, limit))
    for (const auto& b : *batches) require(hooks::argv_bytes(b) <= limit);
  return 0;
}
