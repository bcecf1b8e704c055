#include "process/shell_words.hpp"

#include <algorithm>
#include <iterator>

namespace keel::process {

namespace {

// Characters with a meaning to the shell outside quotes (glob, expansion,
// redirection, control, grouping, history in interactive bash).
bool is_special(char c) {
  static constexpr std::string_view k_special = "$`|&;<>(){}*?[]!#\n\r";
  return k_special.find(c) != std::string_view::npos;
}

// Reserved words and builtins of dash and bash. The shell runs its builtin,
// not the program of that name, and the two differ: some change the shell
// or have no program (cd, export), others parse options or format output
// their own way (`true --help`, `printf %q`, `pwd` logical or physical,
// `kill %1`, `echo -e`).
bool needs_shell(std::string_view command) {
  static constexpr std::string_view k_words[] = {
      "!", ".", ":", "[", "[[", "alias", "bg", "bind", "break", "builtin", "caller", "case", "cd", "chdir",
      "command", "compgen", "complete", "compopt", "coproc", "continue", "declare", "dirs", "disown", "do",
      "done", "echo", "elif", "else", "enable", "esac", "eval", "exec", "exit", "export", "false", "fc", "fg",
      "fi", "for", "function", "getopts", "hash", "help", "history", "if", "jobs", "kill", "let", "local",
      "logout", "mapfile", "popd", "printf", "pushd", "pwd", "read", "readarray", "readonly", "return",
      "select", "set", "shift", "shopt", "source", "suspend", "test", "then", "time", "times", "trap",
      "type", "typeset", "ulimit", "umask", "unalias", "unset", "until", "wait", "while",
  };
  return command.empty() || std::find(std::begin(k_words), std::end(k_words), command) != std::end(k_words);
}

// `true` and `false` are builtins whose programs behave the same, exit
// status and (no) output, except for the --help and --version their
// programs read. Run as programs, as GNU make runs them: a no-op task or a
// `true {staged_files}` hook then starts no shell.
bool builtin_needs_shell(const std::vector<std::string>& words) {
  const std::string& command = words.front();
  if (command != "true" && command != "false") return needs_shell(command);
  return std::any_of(words.begin() + 1, words.end(),
                     [](const std::string& w) { return w == "--help" || w == "--version"; });
}

// "${N}" at inside[i], inside double quotes: its length, or 0 when the
// text there is anything else.
std::size_t positional_reference(std::string_view inside, std::size_t i, std::size_t& number) {
  if (inside.substr(i, 2) != "${") return 0;
  std::size_t end = i + 2;
  number = 0;
  while (end < inside.size() && inside[end] >= '0' && inside[end] <= '9' && end - i < 8)
    number = number * 10 + static_cast<std::size_t>(inside[end++] - '0');
  if (end == i + 2 || end >= inside.size() || inside[end] != '}' || number == 0) return 0;
  return end + 1 - i;
}

// The text of a "…" quote, with positional references replaced; nullopt
// when it holds anything else the shell would interpret.
std::optional<std::string> double_quoted(std::string_view inside, const std::vector<std::string>& positional) {
  std::string out;
  for (std::size_t i = 0; i < inside.size(); ++i) {
    char c = inside[i];
    if (c == '`' || c == '\\' || c == '!') return std::nullopt;
    if (c != '$') {
      out += c;
      continue;
    }
    std::size_t number = 0;
    std::size_t length = positional_reference(inside, i, number);
    if (length == 0) return std::nullopt;
    if (number <= positional.size()) out += positional[number - 1];
    i += length - 1;
  }
  return out;
}

}  // namespace

std::optional<std::vector<std::string>> simple_command_words(std::string_view script,
                                                             const std::vector<std::string>& positional) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  bool first_word_has_equals = false;
  for (std::size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    // A tilde starts a word's expansion; bash (not in POSIX mode) also
    // expands one after '=' or ':' in any word that looks like an assignment.
    if (c == '~' && (!in_word || script[i - 1] == '=' || script[i - 1] == ':')) return std::nullopt;
    if (words.empty() && c == '=') first_word_has_equals = true;
    if (c == '\'') {
      std::size_t close = script.find('\'', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      word.append(script.substr(i + 1, close - i - 1));
      i = close;
    } else if (c == '"') {
      std::size_t close = script.find('"', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      auto inside = double_quoted(script.substr(i + 1, close - i - 1), positional);
      if (!inside) return std::nullopt;
      word.append(*inside);
      i = close;
    } else if (c == '\\') {
      if (i + 1 >= script.size() || script[i + 1] == '\n') return std::nullopt;
      word += script[++i];
    } else if (is_special(c)) {
      return std::nullopt;
    } else {
      word += c;
    }
    in_word = true;
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty() || first_word_has_equals || builtin_needs_shell(words)) return std::nullopt;
  return words;
}

}  // namespace keel::process
