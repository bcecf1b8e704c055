#include "release/changelog.hpp"

#include <ctime>

#include "commit/text.hpp"

namespace keel::release {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-' || c == '.' ||
         c == '+';
}

// "#12" references in text: the numbers, in order, without repeats.
std::vector<std::string> issue_refs(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '#' || (i > 0 && is_word(text[i - 1]))) continue;
    std::size_t j = i + 1;
    while (j < text.size() && is_digit(text[j])) ++j;
    if (j == i + 1 || (j < text.size() && is_word(text[j]) && text[j] != '.')) continue;
    std::string number(text.substr(i + 1, j - i - 1));
    bool seen = false;
    for (const auto& n : out) seen = seen || n == number;
    if (!seen) out.push_back(number);
  }
  return out;
}

// Turns "#12" into a Markdown link where the forge is known.
std::string link_issues(std::string_view text, const Forge& forge) {
  if (forge.kind == Forge::Kind::none || text.find('#') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size() + 64);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '#' && (i == 0 || !is_word(text[i - 1]))) {
      std::size_t j = i + 1;
      while (j < text.size() && is_digit(text[j])) ++j;
      if (j > i + 1 && (j == text.size() || !is_word(text[j]) || text[j] == '.')) {
        std::string_view number = text.substr(i + 1, j - i - 1);
        out += "[#";
        out += number;
        out += "](";
        out += forge.issue_url(number);
        out += ')';
        i = j - 1;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

Data commit_data(const Change& c, const ChangelogSettings& s, bool breaking_group) {
  const commit::Message& m = c.message;
  Data d = Data::object();
  d.set("id", Data::text(c.id));
  d.set("short_id", Data::text(c.id.substr(0, 7)));
  d.set("commit_url", Data::text(s.forge.kind == Forge::Kind::none ? std::string() : s.forge.commit_url(c.id)));
  d.set("type", Data::text(m.type));
  d.set("scope", Data::text(m.scope));
  d.set("description", Data::text(link_issues(m.conventional ? m.description : m.header, s.forge)));
  d.set("breaking", Data::flag(m.breaking));
  d.set("breaking_description", Data::text(link_issues(m.breaking_description, s.forge)));
  // What the entry says: the break itself in the breaking group.
  d.set("text", Data::text(link_issues(breaking_group ? m.breaking_description
                                                      : (m.conventional ? m.description : m.header),
                                       s.forge)));
  // Issues the footers close or refer to (Closes #1, Refs: #2, Fixes #3).
  Data issues = Data::list();
  if (s.forge.kind != Forge::Kind::none) {
    for (const auto& f : m.footers) {
      std::string token = commit::lower_ascii(f.token);
      if (token != "closes" && token != "fixes" && token != "refs" && token != "resolves" && token != "close" &&
          token != "fix" && token != "resolve")
        continue;
      std::string value = f.separator == " #" ? "#" + f.value : f.value;
      for (const auto& n : issue_refs(value)) {
        Data issue = Data::object();
        issue.set("number", Data::text(n));
        issue.set("url", Data::text(s.forge.issue_url(n)));
        issues.push(std::move(issue));
      }
    }
  }
  d.set("issues", std::move(issues));
  return d;
}

}  // namespace

std::string Forge::commit_url(std::string_view id) const {
  switch (kind) {
    case Kind::github:
    case Kind::gitea: return base + "/commit/" + std::string(id);
    case Kind::gitlab: return base + "/-/commit/" + std::string(id);
    case Kind::bitbucket: return base + "/commits/" + std::string(id);
    case Kind::none: break;
  }
  return {};
}

std::string Forge::issue_url(std::string_view number) const {
  switch (kind) {
    case Kind::github:
    case Kind::gitea:
    case Kind::bitbucket: return base + "/issues/" + std::string(number);
    case Kind::gitlab: return base + "/-/issues/" + std::string(number);
    case Kind::none: break;
  }
  return {};
}

std::string Forge::compare_url(std::string_view from, std::string_view to) const {
  switch (kind) {
    case Kind::github:
    case Kind::gitea: return base + "/compare/" + std::string(from) + "..." + std::string(to);
    case Kind::gitlab: return base + "/-/compare/" + std::string(from) + "..." + std::string(to);
    case Kind::bitbucket: return base + "/branches/compare/" + std::string(to) + "%0D" + std::string(from);
    case Kind::none: break;
  }
  return {};
}

Forge forge_from_remote(std::string_view url) {
  Forge f;
  std::string_view rest = url;
  // scheme://[user@]host[:port]/path, or scp-like [user@]host:path.
  std::string host;
  std::string path;
  if (std::size_t scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest.remove_prefix(scheme + 3);
    std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return f;
    host = std::string(rest.substr(0, slash));
    path = std::string(rest.substr(slash + 1));
  } else {
    std::size_t colon = rest.find(':');
    if (colon == std::string_view::npos || rest.find('/') < colon) return f;
    host = std::string(rest.substr(0, colon));
    path = std::string(rest.substr(colon + 1));
  }
  if (std::size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
  if (std::size_t port = host.find(':'); port != std::string::npos) host.erase(port);
  host = commit::lower_ascii(host);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.size() > 4 && path.ends_with(".git")) path.resize(path.size() - 4);
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  if (path.empty() || path.find('/') == std::string::npos || host.empty()) return f;
  auto named = [&](std::string_view word) {
    return host == std::string(word) + ".com" || host == std::string(word) + ".org" ||
           host.starts_with(std::string(word) + ".") || host.find("." + std::string(word) + ".") != std::string::npos;
  };
  if (named("github")) f.kind = Forge::Kind::github;
  else if (named("gitlab")) f.kind = Forge::Kind::gitlab;
  else if (named("bitbucket")) f.kind = Forge::Kind::bitbucket;
  else if (named("gitea") || host == "codeberg.org") f.kind = Forge::Kind::gitea;
  else return f;
  f.base = "https://" + host + "/" + path;
  return f;
}

Data section_data(const Section& section, const ChangelogSettings& s) {
  Data d = Data::object();
  d.set("version", Data::text(section.version));
  d.set("tag", Data::text(section.tag));
  d.set("previous_tag", Data::text(section.previous_tag));
  d.set("date", Data::text(section.date));
  d.set("unreleased", Data::flag(section.tag.empty()));
  std::string compare;
  if (s.forge.kind != Forge::Kind::none && !section.previous_tag.empty())
    compare = s.forge.compare_url(section.previous_tag, section.tag.empty() ? "HEAD" : section.tag);
  d.set("compare_url", Data::text(std::move(compare)));

  Data groups = Data::list();
  // Breaking changes first, then each configured type in order.
  Data breaking = Data::list();
  for (const Change* c : section.changes)
    if (c->message.breaking) breaking.push(commit_data(*c, s, true));
  if (breaking.truthy() && !s.breaking_title.empty()) {
    Data g = Data::object();
    g.set("title", Data::text(s.breaking_title));
    g.set("breaking", Data::flag(true));
    g.set("commits", std::move(breaking));
    groups.push(std::move(g));
  }
  for (const Group& group : s.groups) {
    if (group.title.empty()) continue;
    Data commits = Data::list();
    for (const Change* c : section.changes) {
      const auto& m = c->message;
      std::string_view type = m.conventional ? std::string_view(m.type) : std::string_view("revert");
      if (!m.conventional && !m.is_revert) continue;
      if (commit::lower_ascii(type) == group.type) commits.push(commit_data(*c, s, false));
    }
    if (!commits.truthy()) continue;
    Data g = Data::object();
    g.set("title", Data::text(group.title));
    g.set("breaking", Data::flag(false));
    g.set("commits", std::move(commits));
    groups.push(std::move(g));
  }
  d.set("empty", Data::flag(!groups.truthy()));
  d.set("groups", std::move(groups));
  return d;
}

std::string_view default_template() {
  return R"({{#compare_url}}
## [{{version}}]({{compare_url}}){{#date}} ({{date}}){{/date}}
{{/compare_url}}
{{^compare_url}}
## {{version}}{{#date}} ({{date}}){{/date}}
{{/compare_url}}
{{#groups}}

### {{title}}

{{#commits}}
* {{#scope}}**{{scope}}:** {{/scope}}{{text}} ({{#commit_url}}[{{short_id}}]({{commit_url}}){{/commit_url}}{{^commit_url}}{{short_id}}{{/commit_url}}){{#issues}}, closes [#{{number}}]({{url}}){{/issues}}
{{/commits}}
{{/groups}}
{{#empty}}

No notable changes.
{{/empty}}

)";
}

std::string_view default_header() { return "# Changelog\n\n"; }

std::string format_date(std::int64_t seconds, int offset_minutes) {
  std::time_t t = static_cast<std::time_t>(seconds + std::int64_t(offset_minutes) * 60);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string today(std::int64_t now_seconds) { return format_date(now_seconds, 0); }

bool has_version_heading(std::string_view text, std::string_view version) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!line.empty() && line.front() == '#') {
      for (std::size_t at = line.find(version); at != std::string_view::npos; at = line.find(version, at + 1)) {
        char before = at == 0 ? ' ' : line[at - 1];
        std::size_t after_at = at + version.size();
        char after = after_at >= line.size() ? ' ' : line[after_at];
        bool before_ok = !is_word(before) || before == 'v';
        if (before == 'v' && at >= 2 && is_word(line[at - 2])) before_ok = false;
        // "1.2.0" must not match inside "1.2.0-rc.1" or "11.2.0".
        bool after_ok = !(is_word(after) && after != '.') && !(after == '.' && after_at + 1 < line.size() &&
                                                                is_word(line[after_at + 1]));
        if (after == '-' || after == '+') after_ok = false;
        if (before_ok && after_ok) return true;
      }
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return false;
}

namespace {

// The line starting at pos, without its line break.
std::string_view line_at(std::string_view text, std::size_t pos) {
  std::size_t end = text.find('\n', pos);
  std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

// Where the first release heading ("## ") starts, after a "# Title" line
// and what follows it; 0 in a file without a title.
std::size_t first_section(std::string_view text) {
  if (!text.starts_with("# ")) return 0;
  for (std::size_t pos = 0; pos < text.size();) {
    if (text.substr(pos).starts_with("## ")) return pos;
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return text.size();
}

// "## Unreleased", "## [Unreleased]" or "## [Unreleased](compare url)": the
// headings the built-in template and Keep a Changelog give unreleased work.
bool is_unreleased_heading(std::string_view line) {
  if (!line.starts_with("## ")) return false;
  line.remove_prefix(3);
  if (line.starts_with('[')) line.remove_prefix(1);
  constexpr std::string_view word = "unreleased";
  if (line.size() < word.size() || commit::lower_ascii(line.substr(0, word.size())) != word) return false;
  return line.size() == word.size() || !is_word(line[word.size()]);
}

// The end of the section whose heading starts at pos: the next heading of
// its level or above, or the end of the text.
std::size_t section_end(std::string_view text, std::size_t pos) {
  for (pos = text.find('\n', pos); pos != std::string_view::npos; pos = text.find('\n', pos)) {
    ++pos;
    std::string_view rest = text.substr(pos);
    if (rest.starts_with("## ") || rest.starts_with("# ")) return pos;
  }
  return text.size();
}

}  // namespace

bool has_unreleased_section(std::string_view changelog) {
  std::size_t at = first_section(changelog);
  return at < changelog.size() && is_unreleased_heading(line_at(changelog, at));
}

std::string prepend(std::string_view existing, std::string_view sections) {
  std::size_t insert = first_section(existing);
  // The released sections take the place of the Unreleased one: its changes
  // are theirs now.
  std::size_t keep_from = has_unreleased_section(existing) ? section_end(existing, insert) : insert;
  std::string out;
  out.reserve(existing.size() + sections.size() + 1);
  out.append(existing.substr(0, insert));
  // A title without a trailing newline, or with a paragraph and no blank
  // line after it, gets the separation it needs.
  if (!out.empty() && !out.ends_with('\n')) out += '\n';
  if (!out.empty() && !out.ends_with("\n\n") && !out.ends_with("\n\r\n")) out += '\n';
  out.append(sections);
  out.append(existing.substr(keep_from));
  return out;
}

}  // namespace keel::release
