#include "release/files.hpp"

// GCC 12 with -fsanitize=address,undefined reports -Wmaybe-uninitialized
// inside libstdc++'s regex compiler (std::function members of its states), a
// false positive that -Werror would turn into a failed sanitizer build.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>

#include "config/parse.hpp"
#include "core/json_document.hpp"
#include "core/utf8.hpp"

namespace keel::release {

namespace {

struct PresetName {
  Preset preset;
  std::string_view name;
};

constexpr PresetName k_presets[] = {
    {Preset::package_json, "package.json"}, {Preset::cargo_toml, "Cargo.toml"},
    {Preset::pyproject_toml, "pyproject.toml"}, {Preset::meson_build, "meson.build"},
    {Preset::version_file, "VERSION"},
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_ident(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

std::size_t skip_space(std::string_view s, std::size_t i) {
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

// The index of the quote closing the JSON string that opens at i.
std::size_t json_string_end(std::string_view s, std::size_t i) {
  for (std::size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] == '\\') ++j;
    else if (s[j] == '"') return j;
  }
  return std::string_view::npos;
}

// The top-level object's "version" string values.
std::vector<Span> package_json(std::string_view s) {
  std::vector<Span> out;
  std::string stack;  // open brackets
  bool key_next = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      std::size_t end = json_string_end(s, i);
      if (end == std::string_view::npos) break;
      if (stack == "{" && key_next) {
        std::string_view key = s.substr(i + 1, end - i - 1);
        std::size_t colon = skip_space(s, end + 1);
        if (key == "version" && colon < s.size() && s[colon] == ':') {
          std::size_t value = skip_space(s, colon + 1);
          if (value < s.size() && s[value] == '"') {
            std::size_t value_end = json_string_end(s, value);
            if (value_end != std::string_view::npos) out.push_back({value + 1, value_end});
          }
        }
        key_next = false;
      }
      i = end;
    } else if (c == '{' || c == '[') {
      stack += c;
      key_next = c == '{';
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
      key_next = false;
    } else if (c == ',') {
      key_next = !stack.empty() && stack.back() == '{';
    }
  }
  return out;
}


// package_json's spans, trusted only when nlohmann/json reads the same
// document: the file must be JSON, and each span must hold exactly the
// top-level "version" string the library decodes. The scan only says where
// the value's bytes are, which the library does not.
Result<std::vector<Span>> package_json_checked(const std::string& path, std::string_view content) {
  auto doc = json::parse_document(content, path, Exit::config);
  if (!doc) return Error{doc.error().message, "nothing was written; fix the file", Exit::config};
  std::vector<Span> spans = package_json(content);
  const nlohmann::ordered_json* version = nullptr;
  if (doc->is_object())
    if (auto it = doc->find("version"); it != doc->end() && it->is_string()) version = &*it;
  // Several places are find_versions' to report, with their count.
  if (spans.size() == 1 && (!version || content.substr(spans[0].begin, spans[0].end - spans[0].begin) !=
                                            version->get_ref<const std::string&>()))
    return Error{"cannot place the version of " + quote(path) + " exactly: its \"version\" value has escapes",
                 "nothing was written; write the version as plain text", Exit::config};
  return spans;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::size_t skip_blanks(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

// The byte offset of a 1-based line and column, the column counted in code
// points as toml++ counts it; npos when the text has no such place.
std::size_t offset_of(std::string_view s, int line, int column) {
  std::size_t at = 0;
  for (int l = 1; l < line; ++l) {
    at = s.find('\n', at);
    if (at == std::string_view::npos) return at;
    ++at;
  }
  for (int c = 1; c < column; ++c) {
    if (at >= s.size() || s[at] == '\n') return std::string_view::npos;
    std::size_t len = utf8::sequence_length(s.substr(at));
    at += len == 0 ? 1 : len;
  }
  return at;
}

// `version` in the TOML tables named in wanted ("package",
// "workspace.package"), read by toml++ through the config reader, which
// says where each key starts. The span is the string's bytes between its
// quotes, and only when they are exactly the value toml++ decoded: a value
// with escapes or on several lines is refused rather than half-rewritten.
Result<std::vector<Span>> toml_version(const std::string& path, std::string_view s,
                                       std::initializer_list<std::string_view> wanted) {
  auto doc = config::parse_toml(s, path, config::Origin::Kind::project);
  if (!doc) return doc.error();
  std::vector<Span> out;
  for (std::string_view table : wanted) {
    std::vector<std::string> key;
    for (std::size_t from = 0;;) {
      std::size_t dot = table.find('.', from);
      key.emplace_back(table.substr(from, dot == std::string_view::npos ? dot : dot - from));
      if (dot == std::string_view::npos) break;
      from = dot + 1;
    }
    key.emplace_back("version");
    const config::Value* v = doc->find_path(key);
    if (!v || !v->is_string()) continue;
    const std::string& value = v->as_string();
    // The reader gives the key's position; the value follows its '='.
    std::size_t quote_at = offset_of(s, v->origin().line, v->origin().column);
    if (quote_at != std::string_view::npos) {
      std::size_t eq = s.find('=', quote_at);
      quote_at = eq == std::string_view::npos || s.find('\n', quote_at) < eq ? std::string_view::npos
                                                                             : skip_blanks(s, eq + 1);
    }
    std::size_t begin = quote_at + 1, end = begin + value.size();
    bool plain = quote_at < s.size() && (s[quote_at] == '"' || s[quote_at] == '\'') && end < s.size() &&
                 s.compare(begin, value.size(), value) == 0 && s[end] == s[quote_at] &&
                 s.compare(quote_at, 3, std::string(3, s[quote_at])) != 0;
    if (!plain)
      return Error{"cannot place the version of " + quote(path) + " exactly: its " + quote(std::string(table)) +
                       " version has escapes or spans lines",
                   "nothing was written; write the version as a plain one-line string", Exit::config};
    out.push_back({begin, end});
  }
  return out;
}

// version: '…' among the arguments of the first project( … ) call. One
// pass: comments and strings are skipped, identifiers read whole, brackets
// counted once project( has been seen (depth 0 before it).
std::vector<Span> meson_build(std::string_view s) {
  std::vector<Span> out;
  int depth = 0;
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '\'') {
      std::size_t close = s.find('\'', i + 1);
      i = close == std::string_view::npos ? s.size() : close + 1;
    } else if (is_ident(c)) {
      std::size_t j = i;
      while (j < s.size() && is_ident(s[j])) ++j;
      std::string_view word = s.substr(i, j - i);
      std::size_t next = skip_space(s, j);
      char after = next < s.size() ? s[next] : '\0';
      if (depth == 0 && word == "project" && after == '(') {
        depth = 1;
        j = next + 1;
      } else if (depth == 1 && word == "version" && after == ':') {
        std::size_t q = skip_space(s, next + 1);
        std::size_t close = q < s.size() && s[q] == '\'' ? s.find('\'', q + 1) : std::string_view::npos;
        if (close != std::string_view::npos) out.push_back({q + 1, close});
      }
      i = j;
    } else {
      if (depth > 0 && (c == '(' || c == '[' || c == '{')) ++depth;
      if (depth > 0 && (c == ')' || c == ']' || c == '}') && --depth == 0) break;
      ++i;
    }
  }
  return out;
}

Result<std::vector<Span>> custom(const FileRule& rule, std::string_view content) {
  std::size_t group = 0;
  auto translated = translate_named_group(rule.regex, group);
  if (!translated) return translated.error();
  std::regex re;
  try {
    re = std::regex(*translated, std::regex::ECMAScript | std::regex::multiline);
  } catch (const std::regex_error& e) {
    return Error{"invalid regex " + quote(rule.regex) + " for " + quote(rule.path) + ": " + e.what(), {}, Exit::config};
  }
  std::vector<Span> out;
  auto begin = std::cregex_iterator(content.data(), content.data() + content.size(), re);
  for (auto it = begin; it != std::cregex_iterator(); ++it) {
    const auto& m = *it;
    if (group >= m.size() || !m[group].matched) continue;
    auto at = static_cast<std::size_t>(m.position(group));
    auto length = static_cast<std::size_t>(m.length(group));
    if (length == 0) continue;
    out.push_back({at, at + length});
  }
  return out;
}

std::string places(std::size_t n) { return std::to_string(n) + (n == 1 ? " place" : " places"); }

}  // namespace

std::optional<Preset> parse_preset(std::string_view name) {
  for (const auto& p : k_presets)
    if (p.name == name) return p.preset;
  return std::nullopt;
}

Preset preset_for_path(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  for (const auto& p : k_presets)
    if (p.name == base) return p.preset;
  return Preset::none;
}

Result<std::string> translate_named_group(std::string_view regex, std::size_t& group) {
  std::string out;
  group = 0;
  std::size_t number = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < regex.size(); ++i) {
    char c = regex[i];
    if (c == '\\') {
      out += c;
      if (i + 1 < regex.size()) out += regex[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      continue;
    }
    if (c == '(') {
      std::string_view rest = regex.substr(i);
      std::size_t skip = 0;
      if (rest.starts_with("(?<version>")) skip = 11;
      else if (rest.starts_with("(?P<version>")) skip = 12;
      if (skip) {
        if (group) return Error{"regex " + quote(regex) + " has two groups named version", {}, Exit::config};
        group = ++number;
        out += '(';
        i += skip - 1;
        continue;
      }
      if (rest.starts_with("(?<") || rest.starts_with("(?P<"))
        return Error{"regex " + quote(regex) + ": only the group named version may have a name", {}, Exit::config};
      if (!rest.starts_with("(?")) ++number;
    }
    out += c;
  }
  return out;
}

Result<std::vector<Span>> find_versions(const FileRule& rule, std::string_view content) {
  Preset preset = rule.preset;
  if (preset == Preset::none && rule.regex.empty()) preset = preset_for_path(rule.path);
  std::vector<Span> spans;
  switch (preset) {
    case Preset::package_json: {
      auto checked = package_json_checked(rule.path, content);
      if (!checked) return checked.error();
      spans = std::move(checked).value();
      break;
    }
    case Preset::cargo_toml:
    case Preset::pyproject_toml: {
      auto found = preset == Preset::cargo_toml ? toml_version(rule.path, content, {"package", "workspace.package"})
                                                : toml_version(rule.path, content, {"project", "tool.poetry"});
      if (!found) return found.error();
      spans = std::move(found).value();
      break;
    }
    case Preset::meson_build: spans = meson_build(content); break;
    case Preset::version_file: {
      std::string_view t = trim(content);
      if (!t.empty()) {
        auto at = static_cast<std::size_t>(t.data() - content.data());
        spans.push_back({at, at + t.size()});
      }
      break;
    }
    case Preset::none: {
      if (rule.regex.empty())
        return Error{"no preset or regex for version file " + quote(rule.path),
                     "set preset (package.json, Cargo.toml, pyproject.toml, meson.build, VERSION) or regex",
                     Exit::config};
      auto found = custom(rule, content);
      if (!found) return found.error();
      spans = std::move(found).value();
      break;
    }
  }
  // pyproject.toml may carry the version in both [project] and [tool.poetry].
  std::size_t expected = static_cast<std::size_t>(rule.count);
  bool ok = spans.size() == expected || (preset == Preset::pyproject_toml && rule.count == 1 && spans.size() == 2);
  if (!ok)
    return Error{"version not found exactly as expected in " + quote(rule.path) + ": found " + places(spans.size()) +
                     ", expected " + std::to_string(expected),
                 "nothing was written; fix the file or the [[release.files]] entry", Exit::config};
  return spans;
}

Result<std::string> replace_version(const FileRule& rule, std::string_view content, std::string_view version) {
  auto spans = find_versions(rule, content);
  if (!spans) return spans.error();
  std::string out;
  out.reserve(content.size() + 16);
  std::size_t at = 0;
  for (const Span& s : *spans) {
    out.append(content.substr(at, s.begin - at));
    out.append(version);
    at = s.end;
  }
  out.append(content.substr(at));
  return out;
}

}  // namespace keel::release
