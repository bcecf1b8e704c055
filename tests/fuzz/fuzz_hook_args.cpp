// libFuzzer target for file names that reach a hook command. The input is a
// list of names separated by NUL bytes. Each list goes through every
// template and quoting form a user may write around it, and the command
// really runs through /bin/sh: it must receive exactly those names, one
// argument each ("./" before a leading '-'), and nothing else may run. A
// name that ran code would either change what printf prints or leave a file
// in the empty directory the command runs in. It aborts when either happens.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "hooks/template.hpp"
#include "process/process.hpp"
#include "process/shell_words.hpp"

using namespace keel;

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz-hook-args: %s\n", what);
    std::abort();
  }
}

std::vector<std::string> names_in(std::string_view rest) {
  std::vector<std::string> out;
  while (!rest.empty() && out.size() < 64) {
    std::size_t end = rest.find('\0');
    out.emplace_back(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  return out;
}

const std::filesystem::path& empty_directory() {
  static const std::filesystem::path dir = [] {
    char templ[] = "/tmp/keel-fuzz-hook-args-XXXXXX";
    require(::mkdtemp(templ) != nullptr, "cannot make a temporary directory");
    return std::filesystem::path(templ);
  }();
  return dir;
}

struct Form {
  const char* run;  // printf's arguments; %s\0 per argument
  const char* before;  // text the form joins to the first name
  const char* after;   // and to the last
};

// Every quoting a user may write around the template, alone and with text
// on either side inside the quotes.
constexpr Form k_forms[] = {
    {"printf '%s\\0' {staged_files}", "", ""},
    {"printf '%s\\0' '{staged_files}'", "", ""},
    {"printf '%s\\0' \"{staged_files}\"", "", ""},
    {"printf '%s\\0' 'a{staged_files}b'", "a", "b"},
    {"printf '%s\\0' \"a{staged_files}b\"", "a", "b"},
    {"printf '%s\\0' \"$(printf x)\"'{staged_files}'", "x", ""},
    {"printf '%s\\0' `printf y`{staged_files}", "y", ""},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> names = names_in(std::string_view(reinterpret_cast<const char*>(data), size));
  std::vector<std::string> expected;
  for (const auto& n : names)
    if (!n.empty()) expected.push_back(n.front() == '-' ? "./" + n : n);
  if (expected.empty()) return 0;  // a command with no files does not run

  hooks::Expansion values;
  values.files[hooks::FileSet::staged] = names;

  // Without a shell: the split words are the names themselves.
  hooks::ShellCall direct = hooks::expand("keel-argv {staged_files}", values);
  auto words = process::simple_command_words(direct.script, direct.args);
  require(words.has_value(), "a plain command needs the shell");
  std::vector<std::string> want{"keel-argv"};
  want.insert(want.end(), expected.begin(), expected.end());
  require(*words == want, "the split words are not the names");

  for (const Form& form : k_forms) {
    hooks::ShellCall call = hooks::expand(form.run, values);
    require(!call.compact.empty(), "one list and no compact script");
    // Both forms the shell may get: the "${N}" references and "$@".
    for (const std::string& text : {call.script, call.compact}) {
      process::Command cmd = process::Command::shell_command(call.script, call.args, process::k_default_shell, text);
      cmd.cwd = empty_directory();
      cmd.out = process::Output::capture();
      cmd.err = process::Output::capture();
      process::Outcome o = process::run(cmd);
      std::string want_out;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        if (i == 0) want_out += form.before;
        want_out += expected[i];
        if (i + 1 == expected.size()) want_out += form.after;
        want_out += '\0';
      }
      require(o.exit_code == 0 && o.err.empty(), "the command failed");
      require(o.out == want_out, "the command received other arguments than the names");
      require(std::filesystem::is_empty(empty_directory()), "a name ran code: a file appeared");
    }
  }
  return 0;
}
