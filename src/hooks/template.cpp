#include "hooks/template.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>

namespace keel::hooks {

namespace {

constexpr std::string_view k_names[] = {"staged_files", "all_files", "push_files", "files"};
constexpr FileSet k_sets[] = {FileSet::staged, FileSet::all, FileSet::push, FileSet::files};

// Linux caps each argument at 32 pages (MAX_ARG_STRLEN); a shell script is
// one argument.
constexpr std::size_t k_max_arg_strlen = 32 * 4096;
// Room for the shell's path, "-c", pointers and what the kernel adds.
constexpr std::size_t k_margin = 4096;

bool is_plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_./:@%+=,-").find(c) != std::string_view::npos;
}

// A template at run[i] ('{'): its name and length, or nothing.
struct Token {
  enum class Kind { none, files, all_args, arg } kind = Kind::none;
  FileSet set = FileSet::files;
  std::size_t arg = 0;
  std::size_t length = 0;
};

Token token_at(std::string_view run, std::size_t i) {
  Token t;
  std::size_t close = run.find('}', i);
  if (close == std::string_view::npos) return t;
  std::string_view name = run.substr(i + 1, close - i - 1);
  t.length = close - i + 1;
  for (std::size_t k = 0; k < std::size(k_names); ++k) {
    if (name == k_names[k]) {
      t.kind = Token::Kind::files;
      t.set = k_sets[k];
      return t;
    }
  }
  if (name.empty() || name.size() > 4 || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    t.kind = Token::Kind::none;
    return t;
  }
  t.arg = static_cast<std::size_t>(std::stoul(std::string(name)));
  t.kind = t.arg == 0 ? Token::Kind::all_args : Token::Kind::arg;
  return t;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ' ';
    out += shell_quote(item);
  }
  return out;
}

// A file named "-rf" would be an option to the command; "./-rf" is the same file.
std::string file_word(const std::string& path) { return shell_quote(path.front() == '-' ? "./" + path : path); }

std::string joined_files(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) {
    if (f.empty()) continue;
    if (!out.empty()) out += ' ';
    out += file_word(f);
  }
  return out;
}

}  // namespace

std::string shell_quote(std::string_view text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), is_plain)) return std::string(text);
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string_view template_name(FileSet set) {
  for (std::size_t k = 0; k < std::size(k_sets); ++k)
    if (k_sets[k] == set) return k_names[k];
  return "files";
}

std::vector<FileSet> file_templates(std::string_view run) {
  std::vector<FileSet> out;
  for (std::size_t i = run.find('{'); i != std::string_view::npos; i = run.find('{', i + 1)) {
    Token t = token_at(run, i);
    if (t.kind == Token::Kind::files && std::find(out.begin(), out.end(), t.set) == out.end()) out.push_back(t.set);
  }
  return out;
}

std::string expand(std::string_view run, const Expansion& values) {
  std::string out;
  std::size_t i = 0;
  while (i < run.size()) {
    std::size_t open = run.find('{', i);
    if (open == std::string_view::npos) break;
    out.append(run.substr(i, open - i));
    Token t = token_at(run, open);
    switch (t.kind) {
      case Token::Kind::none:
        out += '{';
        i = open + 1;
        continue;
      case Token::Kind::files: {
        auto it = values.files.find(t.set);
        if (it != values.files.end()) out += joined_files(it->second);
        break;
      }
      case Token::Kind::all_args: out += joined(values.args); break;
      case Token::Kind::arg:
        if (t.arg <= values.args.size()) out += shell_quote(values.args[t.arg - 1]);
        break;
    }
    i = open + t.length;
  }
  out.append(run.substr(std::min(i, run.size())));
  return out;
}

std::optional<std::vector<std::string>> expand_batched(std::string_view run, const Expansion& values, FileSet batched,
                                                       std::size_t limit) {
  auto it = values.files.find(batched);
  const std::vector<std::string> all = it == values.files.end() ? std::vector<std::string>{} : it->second;
  Expansion part = values;
  part.files[batched].clear();
  std::size_t fixed = expand(run, part).size();
  std::size_t uses = 0;  // how often the batched template appears
  for (std::size_t i = run.find('{'); i != std::string_view::npos; i = run.find('{', i + 1)) {
    Token t = token_at(run, i);
    if (t.kind == Token::Kind::files && t.set == batched) ++uses;
  }
  uses = std::max<std::size_t>(uses, 1);

  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < all.size() || out.empty()) {
    std::size_t size = fixed;
    std::size_t end = start;
    while (end < all.size()) {
      std::size_t add = (file_word(all[end]).size() + 1) * uses;
      if (size + add > limit) break;
      size += add;
      ++end;
    }
    if (end == start && start < all.size()) return std::nullopt;
    part.files[batched].assign(all.begin() + static_cast<std::ptrdiff_t>(start), all.begin() + static_cast<std::ptrdiff_t>(end));
    out.push_back(expand(run, part));
    start = end;
    if (all.empty()) break;
  }
  return out;
}

std::size_t environment_size(const std::vector<std::string>& entries) {
  std::size_t n = 0;
  for (const auto& e : entries) n += e.size() + 1 + sizeof(char*);
  return n;
}

std::size_t command_line_limit(std::size_t env_bytes) {
  long arg_max = ::sysconf(_SC_ARG_MAX);
  std::size_t total = arg_max > 0 ? static_cast<std::size_t>(arg_max) : 131072;
  std::size_t room = total > env_bytes + k_margin ? total - env_bytes - k_margin : 0;
  return std::min(room, k_max_arg_strlen - 1);
}

}  // namespace keel::hooks
