#include "hooks/glob.hpp"

#include <algorithm>

namespace keel::hooks {

namespace {

// One bracket class at glob[gi] ('['); sets `end` past the ']'. A '[' with
// no closing bracket is an ordinary character.
bool class_matches(std::string_view glob, std::size_t gi, char c, std::size_t& end, bool& valid) {
  std::size_t i = gi + 1;
  bool negate = i < glob.size() && (glob[i] == '!' || glob[i] == '^');
  if (negate) ++i;
  bool hit = false;
  bool first = true;
  for (; i < glob.size() && (first || glob[i] != ']'); first = false) {
    char lo = glob[i];
    if (lo == '\\' && i + 1 < glob.size()) lo = glob[++i];
    char hi = lo;
    if (i + 2 < glob.size() && glob[i + 1] == '-' && glob[i + 2] != ']') {
      hi = glob[i + 2];
      if (hi == '\\' && i + 3 < glob.size()) hi = glob[++i + 2];
      i += 2;
    }
    if (c >= lo && c <= hi) hit = true;
    ++i;
  }
  valid = i < glob.size();
  end = i + 1;
  return hit != negate;
}

// Matches one path segment pattern (no '/') against one name.
bool match_segment(std::string_view glob, std::string_view name) {
  std::size_t gi = 0, ni = 0;
  std::size_t star_g = std::string_view::npos, star_n = 0;
  while (ni < name.size()) {
    if (gi < glob.size()) {
      char g = glob[gi];
      if (g == '*') {
        star_g = gi++;
        star_n = ni;
        continue;
      }
      if (g == '[') {
        std::size_t end = 0;
        bool valid = false;
        bool hit = class_matches(glob, gi, name[ni], end, valid);
        if (valid) {
          if (hit) {
            gi = end;
            ++ni;
            continue;
          }
        } else if (name[ni] == '[') {
          ++gi;
          ++ni;
          continue;
        }
      } else if (g == '?' || (g == '\\' && gi + 1 < glob.size() && glob[gi + 1] == name[ni]) ||
                 (g != '\\' && g == name[ni])) {
        gi += g == '\\' ? 2 : 1;
        ++ni;
        continue;
      }
    }
    if (star_g == std::string_view::npos) return false;
    gi = star_g + 1;  // let the last '*' take one more character
    ni = ++star_n;
  }
  while (gi < glob.size() && glob[gi] == '*') ++gi;
  return gi == glob.size();
}

void split_into(std::string_view s, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = s.find('/', start);
    out.push_back(s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return;
    start = slash + 1;
  }
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  split_into(s, out);
  return out;
}

// Segment lists: "**" segments match zero or more path segments. With
// `below`, the list ends in an implied "**": the path lies below what the
// segments name.
template <class Segments>
bool match_segments(const Segments& g, std::size_t gi, const std::vector<std::string_view>& p, std::size_t pi,
                    bool below = false) {
  for (; gi < g.size(); ++gi, ++pi) {
    if (g[gi] == "**") {
      if (gi + 1 == g.size() && !below) return pi < p.size();  // "dir/**": something below
      for (std::size_t k = pi; k <= p.size(); ++k)
        if (match_segments(g, gi + 1, p, k, below)) return true;
      return false;
    }
    if (pi >= p.size() || !match_segment(g[gi], p[pi])) return false;
  }
  return below ? pi < p.size() : pi == p.size();
}

// The '}' that closes the '{' at open, and the top-level ',' between them;
// npos when it is not closed.
std::size_t closing_brace(std::string_view glob, std::size_t open, std::vector<std::size_t>& commas) {
  int depth = 0;
  for (std::size_t i = open; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '[') {  // a class holds braces and commas as characters
      std::size_t close = glob.find(']', i + 2);
      if (close != std::string_view::npos) i = close;
      continue;
    }
    if (c == '{') ++depth;
    if (c == '}' && --depth == 0) return i;
    if (c == ',' && depth == 1) commas.push_back(i);
  }
  return std::string_view::npos;
}

bool expand_into(std::string_view glob, std::vector<std::string>& out) {
  for (std::size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '\\') {
      ++i;
      continue;
    }
    if (glob[i] == '[') {
      std::size_t close = glob.find(']', i + 2);
      if (close != std::string_view::npos) i = close;
      continue;
    }
    if (glob[i] != '{') continue;
    std::vector<std::size_t> commas;
    std::size_t close = closing_brace(glob, i, commas);
    if (close == std::string_view::npos) continue;  // an unclosed brace is a character
    std::string_view head = glob.substr(0, i), tail = glob.substr(close + 1);
    std::size_t start = i + 1;
    commas.push_back(close);
    for (std::size_t end : commas) {
      std::string alternative(head);
      alternative.append(glob.substr(start, end - start));
      alternative.append(tail);
      if (!expand_into(alternative, out)) return false;
      start = end + 1;
    }
    return true;
  }
  if (out.size() >= k_max_alternatives) return false;
  out.emplace_back(glob);
  return true;
}

bool has_brace(std::string_view glob) { return glob.find('{') != std::string_view::npos; }

}  // namespace

std::optional<std::vector<std::string>> brace_alternatives(std::string_view glob) {
  std::vector<std::string> out;
  if (!expand_into(glob, out)) return std::nullopt;
  return out;
}

namespace {

// Whether `match` takes the path for the glob or one of its {a,b} alternatives.
template <class Match>
bool any_alternative(std::string_view glob, std::string_view path, Match match) {
  if (!has_brace(glob)) return match(glob, path);
  auto alternatives = brace_alternatives(glob);
  if (!alternatives) return false;
  for (const auto& a : *alternatives)
    if (match(a, path)) return true;
  return false;
}

// SUFFIX when the segments are "**" and "*SUFFIX" with no wildcard, class or
// escape in SUFFIX: '*' then matches any name that ends with it.
std::optional<std::string> plain_suffix(const std::vector<std::string>& segments) {
  if (segments.size() != 2 || segments[0] != "**" || segments[1].size() < 2 || segments[1][0] != '*')
    return std::nullopt;
  std::string suffix = segments[1].substr(1);
  if (suffix.find_first_of("*?[\\") != std::string::npos) return std::nullopt;
  return suffix;
}

// "DIR/" when the segments are plain names, none of them "**", then "**".
std::optional<std::string> plain_dir_prefix(const std::vector<std::string>& segments) {
  if (segments.size() < 2 || segments.back() != "**") return std::nullopt;
  std::string prefix;
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i] == "**" || segments[i].find_first_of("*?[\\") != std::string::npos) return std::nullopt;
    prefix += segments[i];
    prefix += '/';
  }
  return prefix;
}

// True when a name of path ends with suffix: a directory's name (one with
// something below it), or the file's own when `file_too`.
bool any_name_ends_with(std::string_view path, std::string_view suffix, bool file_too) {
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = path.find('/', start);
    bool last = slash == std::string_view::npos;
    std::string_view name = path.substr(start, last ? std::string_view::npos : slash - start);
    if ((file_too || !last) && name.ends_with(suffix)) return true;
    if (last) return false;
    start = slash + 1;
  }
}

}  // namespace

KeelGlob::KeelGlob(std::string_view glob) {
  std::vector<std::string> alternatives;
  if (!has_brace(glob)) alternatives.emplace_back(glob);
  else if (auto all = brace_alternatives(glob)) alternatives = std::move(*all);
  for (auto& pattern : alternatives) {
    bool dir_only = !pattern.empty() && pattern.back() == '/';
    if (dir_only) pattern.pop_back();
    bool anchored = pattern.find('/') != std::string::npos;
    if (anchored && pattern.front() == '/') pattern.erase(0, 1);
    if (pattern.empty()) continue;  // matches nothing
    if (!anchored) pattern = "**/" + pattern;
    Alternative a;
    a.dir_only = dir_only;
    for (auto segment : split(pattern)) a.segments.emplace_back(segment);
    a.name_suffix = plain_suffix(a.segments);
    a.dir_prefix = plain_dir_prefix(a.segments);
    m_alternatives.push_back(std::move(a));
  }
}

bool KeelGlob::matches(std::string_view path) const {
  // Reused: a task's inputs are tens of thousands of paths.
  thread_local std::vector<std::string_view> p;
  bool split = false;
  for (const auto& a : m_alternatives) {
    if (a.name_suffix) {
      if (any_name_ends_with(path, *a.name_suffix, !a.dir_only)) return true;
      continue;
    }
    // The file below DIR, or a directory below it above the file: both
    // are "something below DIR".
    if (a.dir_prefix) {
      if (path.starts_with(*a.dir_prefix)) return true;
      continue;
    }
    if (!split) {
      split_into(path, p);
      split = true;
    }
    // The glob names the file itself, or a directory somewhere above it:
    // the segments with "**" after them.
    if (!a.dir_only && match_segments(a.segments, 0, p, 0)) return true;
    if (match_segments(a.segments, 0, p, 0, true)) return true;
  }
  return false;
}

bool glob_match(std::string_view glob, std::string_view path) { return KeelGlob(glob).matches(path); }

// Without separators every character is alike: the whole path is one
// "segment" to the wildcard matcher, '/' included.
bool lefthook_glob_match(std::string_view glob, std::string_view path) {
  return any_alternative(glob, path, match_segment);
}

bool any_glob_matches(const std::vector<std::string>& globs, std::string_view path) {
  for (const auto& g : globs)
    if (glob_match(g, path)) return true;
  return false;
}

std::vector<KeelGlob> keel_globs(const std::vector<std::string>& globs) {
  return std::vector<KeelGlob>(globs.begin(), globs.end());
}

bool any_glob_matches(const std::vector<KeelGlob>& globs, std::string_view path) {
  return std::any_of(globs.begin(), globs.end(), [&](const KeelGlob& g) { return g.matches(path); });
}

}  // namespace keel::hooks
