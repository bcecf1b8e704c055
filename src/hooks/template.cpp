#include "hooks/template.hpp"

#include <unistd.h>

#include <algorithm>
#include <functional>
#include <tuple>
#include <utility>

namespace keel::hooks {

namespace {

constexpr std::string_view k_names[] = {"staged_files", "all_files", "push_files", "files"};
constexpr FileSet k_sets[] = {FileSet::staged, FileSet::all, FileSet::push, FileSet::files};

// Room for the shell's path and flag, "sh" as $0, and what the kernel adds.
constexpr std::size_t k_margin = 4096;

bool is_plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_./:@%+=,-").find(c) != std::string_view::npos;
}

// A template at run[i] ('{'): what it names and its length.
struct Token {
  enum class Kind { none, files, all_args, arg, named } kind = Kind::none;
  FileSet set = FileSet::files;
  std::size_t arg = 0;
  std::size_t length = 0;
  std::string name;  // Kind::named
};

// `values` null: the hook templates only, as when no values are known yet.
Token token_at(std::string_view run, std::size_t i, const Expansion* values) {
  Token t;
  std::size_t close = run.find('}', i);
  if (close == std::string_view::npos) return t;
  std::string_view name = run.substr(i + 1, close - i - 1);
  t.length = close - i + 1;
  if (values && values->named.count(std::string(name))) {
    t.kind = Token::Kind::named;
    t.name = name;
    return t;
  }
  if (values && !values->hook_templates) return Token{};
  for (std::size_t k = 0; k < std::size(k_names); ++k) {
    if (name == k_names[k]) {
      t.kind = Token::Kind::files;
      t.set = k_sets[k];
      return t;
    }
  }
  if (name.empty() || name.size() > 4 || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return Token{};
  t.arg = static_cast<std::size_t>(std::stoul(std::string(name)));
  t.kind = t.arg == 0 ? Token::Kind::all_args : Token::Kind::arg;
  return t;
}

// How the shell reads the text where a template stands.
enum class Quote { none, single, dbl };

// Walks `run` as a POSIX shell would tokenise it, as far as quoting goes:
// '…', "…", backslashes, $(…), ${…}, `…` and comments. Calls on_text for
// text to keep and on_token for each template with the quoting it is in.
class Scanner {
 public:
  using TextFn = std::function<void(std::string_view)>;
  // `joined`: the template stands in an assignment word (FILES={files}),
  // where the shell would take a second field as the command to run.
  using TokenFn = std::function<void(const Token&, Quote, bool joined)>;
  using UnknownFn = std::function<void(std::string_view name)>;

  Scanner(std::string_view run, TextFn on_text, TokenFn on_token, UnknownFn on_unknown = {},
          const Expansion* values = nullptr)
      : m_run(run),
        m_text(std::move(on_text)),
        m_token(std::move(on_token)),
        m_unknown(std::move(on_unknown)),
        m_values(values) {}

  void scan() {
    std::size_t kept = 0;  // m_run[kept, i) is text not yet passed on
    std::size_t i = 0;
    while (i < m_run.size()) {
      char c = m_run[i];
      track_words(i);
      Context& top = m_stack.back();
      // After '$' a brace is the shell's own ${…} (only reached inside '…').
      if (c == '{' && (i == 0 || m_run[i - 1] != '$')) {
        Token t = token_at(m_run, i, m_values);
        if (t.kind != Token::Kind::none) {
          m_text(m_run.substr(kept, i - kept));
          m_token(t, quote_of(top.kind), in_assignment(i));
          i += t.length;
          kept = i;
          continue;
        }
        if (m_unknown)
          if (auto name = identifier_in_braces(i); !name.empty()) m_unknown(name);
      }
      i = step(i);
    }
    m_text(m_run.substr(kept));
  }

 private:
  enum class Kind { top, single, dbl, subst, param, backtick };
  struct Context {
    Kind kind;
    int depth = 0;  // open parentheses of $(…), braces of ${…}
    // Words, where the shell reads commands (top level, $(…), `…`): where
    // the current word starts, and whether it is still in the command's
    // assignments, before its name.
    std::size_t word_start = std::string_view::npos;
    bool command_position = true;
  };

  static bool reads_commands(Kind k) { return k == Kind::top || k == Kind::subst || k == Kind::backtick; }

  // NAME= at the start of `word`.
  static bool starts_assignment(std::string_view word) {
    std::size_t eq = word.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    auto name_char = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    };
    return !(word[0] >= '0' && word[0] <= '9') && std::all_of(word.begin(), word.begin() + eq, name_char);
  }

  void track_words(std::size_t i) {
    Context& top = m_stack.back();
    if (!reads_commands(top.kind)) return;
    char c = m_run[i];
    if (c == ' ' || c == '\t') {
      if (top.word_start != std::string_view::npos &&
          !starts_assignment(m_run.substr(top.word_start, i - top.word_start)))
        top.command_position = false;
      top.word_start = std::string_view::npos;
      return;
    }
    if (c == '<' || c == '>') {  // a redirection ends a word, not the command's assignments
      top.word_start = std::string_view::npos;
      return;
    }
    if (std::string_view("\n;&|()").find(c) != std::string_view::npos) {
      top.word_start = std::string_view::npos;
      top.command_position = true;
      return;
    }
    if (top.word_start == std::string_view::npos) top.word_start = i;
  }

  // Whether a template at i is inside an assignment word of a command.
  bool in_assignment(std::size_t i) const {
    for (auto it = m_stack.rbegin(); it != m_stack.rend(); ++it) {
      if (!reads_commands(it->kind)) continue;
      return it->command_position && it->word_start != std::string_view::npos &&
             starts_assignment(m_run.substr(it->word_start, i - it->word_start));
    }
    return false;
  }

  static Quote quote_of(Kind k) {
    if (k == Kind::single) return Quote::single;
    if (k == Kind::dbl) return Quote::dbl;
    return Quote::none;
  }

  // "name" for "{name}" at i when name looks like an identifier (dotted,
  // as vars.NAME, where named templates are in use).
  std::string_view identifier_in_braces(std::size_t i) const {
    std::size_t close = m_run.find('}', i);
    if (close == std::string_view::npos || close == i + 1) return {};
    std::string_view name = m_run.substr(i + 1, close - i - 1);
    bool dotted = m_values && !m_values->hook_templates;
    auto word = [&](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
             (dotted && (c == '.' || c == '-'));
    };
    if (!std::all_of(name.begin(), name.end(), word) || (name[0] >= '0' && name[0] <= '9')) return {};
    return name;
  }

  // Moves past the character (or escape, or opening) at i; returns the next index.
  std::size_t step(std::size_t i) {
    char c = m_run[i];
    char next = i + 1 < m_run.size() ? m_run[i + 1] : '\0';
    Context& top = m_stack.back();
    if (top.kind == Kind::single) {
      if (c == '\'') m_stack.pop_back();
      return i + 1;
    }
    if (c == '\\') return std::min(i + 2, m_run.size());
    if (c == '$' && next == '(') {
      m_stack.push_back({Kind::subst, 1});
      return i + 2;
    }
    if (c == '$' && next == '{') {
      m_stack.push_back({Kind::param, 1});
      return i + 2;
    }
    if (c == '`') {
      if (top.kind == Kind::backtick)
        m_stack.pop_back();
      else
        m_stack.push_back({Kind::backtick});
      return i + 1;
    }
    if (top.kind == Kind::dbl) {
      if (c == '"') m_stack.pop_back();
      return i + 1;
    }
    // Outside quotes: the top level, $(…), ${…} and `…`.
    if (c == '\'' || c == '"') {
      m_stack.push_back({c == '"' ? Kind::dbl : Kind::single});  // `top` is no longer valid
      return i + 1;
    }
    // A '#' that starts a word (track_words has just opened it) starts a comment.
    if (c == '#' && reads_commands(top.kind) && top.word_start == i) {
      std::size_t end = m_run.find('\n', i);
      return end == std::string_view::npos ? m_run.size() : end;
    }
    if (top.kind == Kind::subst && (c == '(' || c == ')')) {
      top.depth += c == '(' ? 1 : -1;
      if (top.depth == 0) m_stack.pop_back();
    }
    if (top.kind == Kind::param && (c == '{' || c == '}')) {
      top.depth += c == '{' ? 1 : -1;
      if (top.depth == 0) m_stack.pop_back();
    }
    return i + 1;
  }

  std::string_view m_run;
  TextFn m_text;
  TokenFn m_token;
  UnknownFn m_unknown;
  const Expansion* m_values;
  std::vector<Context> m_stack{{Kind::top}};
};

// A file named "-rf" would be an option to the command; "./-rf" is the same file.
std::string file_argument(const std::string& path) { return path.front() == '-' ? "./" + path : path; }

// Builds a ShellCall: each list of values is appended to the arguments the
// first time a template uses it, and every use refers to those positions.
class CallBuilder {
 public:
  explicit CallBuilder(const Expansion& values) : m_values(values) {}

  void text(std::string_view t) {
    m_call.script.append(t);
    m_compact.append(t);
  }

  void token(const Token& t, Quote q, bool joined) {
    std::size_t first = 0, count = 0;
    if (t.kind == Token::Kind::files) {
      std::tie(first, count) = files(t.set);
    } else if (t.kind == Token::Kind::named) {
      std::tie(first, count) = named(t.name);
    } else {
      std::tie(first, count) = hook_args();
      if (t.kind == Token::Kind::arg) {
        bool given = t.arg <= count;
        first += t.arg - 1;
        count = given ? 1 : 0;
      }
    }
    if (joined && count > 1) {
      // One word, the values joined by spaces, as "$@" gives in an assignment.
      std::string inner;
      for (std::size_t k = 0; k < count; ++k) inner += (k ? " ${" : "${") + std::to_string(first + k + 1) + "}";
      std::string word = q == Quote::dbl ? inner : q == Quote::single ? "'\"" + inner + "\"'" : "\"" + inner + "\"";
      m_call.script += word;
      m_compact += word;
    } else {
      std::string refs;
      for (std::size_t k = 0; k < count; ++k) {
        if (k) refs += ' ';
        refs += "\"${" + std::to_string(first + k + 1) + "}\"";
      }
      m_call.script += requoted(refs, q);
      m_compact += requoted("\"$@\"", q);
    }
    // "$@" is every argument: right only while all of them are this list's.
    std::pair<std::size_t, std::size_t> range{first, count};
    if (t.kind == Token::Kind::arg) m_compact_ok = false;
    if (m_list && *m_list != range) m_compact_ok = false;
    m_list = range;
  }

  ShellCall take() {
    if (m_compact_ok && m_list && m_list->first == 0 && m_list->second == m_call.args.size())
      m_call.compact = std::move(m_compact);
    return std::move(m_call);
  }

 private:
  std::pair<std::size_t, std::size_t> files(FileSet set) {
    auto known = m_files.find(set);
    if (known != m_files.end()) return known->second;
    std::size_t first = m_call.args.size();
    if (auto it = m_values.files.find(set); it != m_values.files.end())
      for (const auto& f : it->second)
        if (!f.empty()) m_call.args.push_back(file_argument(f));
    return m_files[set] = {first, m_call.args.size() - first};
  }

  std::pair<std::size_t, std::size_t> named(const std::string& name) {
    auto known = m_named.find(name);
    if (known != m_named.end()) return known->second;
    std::size_t first = m_call.args.size();
    const auto& list = m_values.named.at(name);
    m_call.args.insert(m_call.args.end(), list.begin(), list.end());
    return m_named[name] = {first, list.size()};
  }

  std::pair<std::size_t, std::size_t> hook_args() {
    if (!m_args) {
      m_args = {m_call.args.size(), m_values.args.size()};
      m_call.args.insert(m_call.args.end(), m_values.args.begin(), m_values.args.end());
    }
    return *m_args;
  }

  // Closes the user's quote around the references, then reopens it.
  static std::string requoted(const std::string& refs, Quote q) {
    if (q == Quote::single) return "'" + refs + "'";
    if (q == Quote::dbl) return "\"" + refs + "\"";
    return refs;
  }

  const Expansion& m_values;
  ShellCall m_call;
  std::string m_compact;
  bool m_compact_ok = true;
  std::optional<std::pair<std::size_t, std::size_t>> m_list;  // the one list used so far
  std::map<FileSet, std::pair<std::size_t, std::size_t>> m_files;
  std::map<std::string, std::pair<std::size_t, std::size_t>> m_named;
  std::optional<std::pair<std::size_t, std::size_t>> m_args;
};

bool fits(const ShellCall& call, std::size_t limit) {
  if (call.script.size() > k_max_argument_bytes) return false;
  for (const auto& a : call.args)
    if (a.size() > k_max_argument_bytes) return false;
  return argv_bytes(call) <= limit;
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
  Scanner scanner(run, [](std::string_view) {}, [&](const Token& t, Quote, bool) {
    if (t.kind == Token::Kind::files && std::find(out.begin(), out.end(), t.set) == out.end()) out.push_back(t.set);
  });
  scanner.scan();
  return out;
}

std::vector<std::string> unknown_templates(std::string_view run) {
  std::vector<std::string> out;
  Scanner scanner(run, [](std::string_view) {}, [](const Token&, Quote, bool) {}, [&](std::string_view name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.emplace_back(name);
  });
  scanner.scan();
  return out;
}

std::vector<std::string> unknown_templates(std::string_view run, const Expansion& values) {
  std::vector<std::string> out;
  Scanner scanner(
      run, [](std::string_view) {}, [](const Token&, Quote, bool) {},
      [&](std::string_view name) {
        if (std::find(out.begin(), out.end(), name) == out.end()) out.emplace_back(name);
      },
      &values);
  scanner.scan();
  return out;
}

std::vector<std::string> template_names() { return {std::begin(k_names), std::end(k_names)}; }

ShellCall expand(std::string_view run, const Expansion& values) {
  CallBuilder builder(values);
  Scanner scanner(
      run, [&](std::string_view t) { builder.text(t); },
      [&](const Token& t, Quote q, bool joined) { builder.token(t, q, joined); }, {}, &values);
  scanner.scan();
  return builder.take();
}

std::optional<std::vector<ShellCall>> expand_batched(std::string_view run, const Expansion& values, FileSet batched,
                                                     std::size_t limit) {
  auto it = values.files.find(batched);
  const std::vector<std::string> all = it == values.files.end() ? std::vector<std::string>{} : it->second;
  Expansion part = values;
  auto call_for = [&](std::size_t start, std::size_t end) {
    part.files[batched].assign(all.begin() + static_cast<std::ptrdiff_t>(start),
                               all.begin() + static_cast<std::ptrdiff_t>(end));
    return expand(run, part);
  };

  std::vector<ShellCall> out;
  if (all.empty()) {
    ShellCall call = call_for(0, 0);
    if (!fits(call, limit)) return std::nullopt;
    out.push_back(std::move(call));
    return out;
  }
  // Nearly always everything fits at once: one expansion, no search.
  if (ShellCall whole = call_for(0, all.size()); fits(whole, limit)) {
    out.push_back(std::move(whole));
    return out;
  }
  std::size_t start = 0;
  while (start < all.size()) {
    // The longest run of files from `start` that fits; the size grows with
    // every file, so a binary search finds it.
    std::size_t lo = start, hi = all.size();  // [start, lo) fits; [start, hi] is the bound
    while (lo < hi) {
      std::size_t mid = lo + (hi - lo + 1) / 2;
      if (fits(call_for(start, mid), limit))
        lo = mid;
      else
        hi = mid - 1;
    }
    if (lo == start) return std::nullopt;
    out.push_back(call_for(start, lo));
    start = lo;
  }
  return out;
}

std::size_t argv_bytes(const ShellCall& call) {
  std::size_t n = call.script.size() + 1 + sizeof(char*);
  for (const auto& a : call.args) n += a.size() + 1 + sizeof(char*);
  return n;
}

std::size_t environment_size(const std::vector<std::string>& entries) {
  std::size_t n = 0;
  for (const auto& e : entries) n += e.size() + 1 + sizeof(char*);
  return n;
}

std::size_t command_line_limit(std::size_t env_bytes) {
  long arg_max = ::sysconf(_SC_ARG_MAX);
  std::size_t total = arg_max > 0 ? static_cast<std::size_t>(arg_max) : 131072;
  return total > env_bytes + k_margin ? total - env_bytes - k_margin : 0;
}

}  // namespace keel::hooks
