#include "dist/deb.hpp"

#include <ctime>

#include "core/utf8.hpp"

namespace keel::dist::deb {

namespace {

bool lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lower_or_digit(c) || (c >= 'A' && c <= 'Z'); }

Error field_error(std::string_view field, const std::string& problem) {
  return Error{"invalid " + std::string(field) + ": " + problem, {}, Exit::config};
}

// A one-line field: valid UTF-8, no control character.
Status single_line(std::string_view field, std::string_view value, bool required) {
  if (value.empty()) return required ? Status(field_error(field, "it is empty")) : ok_status();
  if (utf8::find_invalid(value)) return field_error(field, "it is not valid UTF-8");
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7f) return field_error(field, "it holds a control character");
  if (value.front() == ' ' || value.back() == ' ') return field_error(field, "it starts or ends with a space");
  return ok_status();
}

// One relation (Depends: "libc6 (>= 2.36) | libc6-udeb"): package names,
// version constraints and alternatives, nothing else.
Status relation(std::string_view field, std::string_view value) {
  if (auto s = single_line(field, value, true); !s) return s;
  for (char c : value) {
    bool ok = alnum(c) || std::string_view("+-.~:|()<>=, ").find(c) != std::string_view::npos;
    if (!ok) return field_error(field, "unexpected character " + quote(std::string(1, c)) + " in " + quote(value));
  }
  if (value.find(',') != std::string_view::npos)
    return field_error(field, quote(value) + " holds a ','; give each relation as its own list item");
  return ok_status();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// deb-control(5): the synopsis on the field's line, then each line of the
// extended description after a space, an empty line as " .".
Result<std::string> folded_description(std::string_view text) {
  if (utf8::find_invalid(text)) return field_error("Description", "it is not valid UTF-8");
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string_view::npos) lines.pop_back();
  if (lines.empty() || lines.front().find_first_not_of(' ') == std::string_view::npos)
    return field_error("Description", "the first line (the synopsis) is empty");
  for (std::size_t i = 0; i < lines.size(); ++i)
    for (unsigned char c : lines[i])
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return field_error("Description", "line " + std::to_string(i + 1) + " holds a control character");
  std::string_view synopsis = lines.front();
  if (synopsis.size() > 80) return field_error("Description", "the synopsis (the first line) is longer than 80 characters");
  if (synopsis.front() == ' ' || synopsis.back() == ' ')
    return field_error("Description", "the synopsis starts or ends with a space");
  std::string out(synopsis);
  out += '\n';
  std::size_t first = 1;
  while (first < lines.size() && lines[first].find_first_not_of(" \t") == std::string_view::npos) ++first;
  for (std::size_t i = first; i < lines.size(); ++i) {
    bool blank = lines[i].find_first_not_of(" \t") == std::string_view::npos;
    out += blank ? " ." : " " + std::string(lines[i]);
    out += '\n';
  }
  return out;
}

Status maintainer_field(std::string_view value) {
  if (auto s = single_line("Maintainer", value, true); !s) return s;
  std::size_t lt = value.find('<'), at = value.find('@'), gt = value.find('>');
  if (lt == std::string_view::npos || lt == 0 || at == std::string_view::npos || gt != value.size() - 1 || at < lt ||
      value[lt - 1] != ' ')
    return field_error("Maintainer", quote(value) + " is not \"Full Name <email@address>\"");
  return ok_status();
}

std::string rfc5322_date(std::int64_t when) {
  std::time_t t = static_cast<std::time_t>(when);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

Status check_package_name(std::string_view name) {
  if (name.size() < 2) return Error{"invalid package name " + quote(name) + ": it needs at least two characters", {}, Exit::config};
  if (!lower_or_digit(name.front()))
    return Error{"invalid package name " + quote(name) + ": it must start with a lowercase letter or a digit", {},
                 Exit::config};
  for (char c : name)
    if (!lower_or_digit(c) && c != '+' && c != '-' && c != '.')
      return Error{"invalid package name " + quote(utf8::find_invalid(name) ? "(not UTF-8)" : name) +
                       ": only lowercase letters, digits, '+', '-' and '.' are allowed",
                   {}, Exit::config};
  return ok_status();
}

Result<std::string> version_from_semver(std::string_view version) {
  std::string out;
  std::size_t plus = version.find('+');
  std::string_view main = version.substr(0, plus);
  std::size_t dash = main.find('-');
  out += main.substr(0, dash);
  if (dash != std::string_view::npos) out += "~" + std::string(main.substr(dash + 1));
  if (plus != std::string_view::npos) out += "+" + std::string(version.substr(plus + 1));
  auto bad = [&](const char* why) {
    return Error{"invalid Debian version " + quote(utf8::find_invalid(out) ? "(not UTF-8)" : out) + ": " + why, {},
                 Exit::config};
  };
  if (out.empty() || !(out.front() >= '0' && out.front() <= '9')) return bad("it must start with a digit");
  for (char c : out)
    if (!alnum(c) && c != '.' && c != '+' && c != '~' && c != '-')
      return bad("only letters, digits, '.', '+', '~' and '-' are allowed");
  if (out.find('-') != std::string::npos) return bad("a '-' would start a Debian revision");
  return out;
}

std::string architecture(std::string_view goarch) {
  if (goarch == "386") return "i386";
  if (goarch == "arm") return "armhf";
  if (goarch == "ppc64le") return "ppc64el";
  return std::string(goarch);
}

Result<std::string> control_file(const Control& c) {
  if (auto s = check_package_name(c.package); !s) return s.error();
  if (auto s = single_line("Version", c.version, true); !s) return s.error();
  if (auto s = single_line("Architecture", c.architecture, true); !s) return s.error();
  if (auto s = maintainer_field(c.maintainer); !s) return s.error();
  for (auto [field, value] : {std::pair{"Section", &c.section}, {"Priority", &c.priority}}) {
    if (auto s = single_line(field, *value, true); !s) return s.error();
    for (char ch : *value)
      if (!lower_or_digit(ch) && ch != '-' && ch != '/' && ch != '+' && ch != '.')
        return field_error(field, quote(*value) + " holds " + quote(std::string(1, ch)));
  }
  if (!c.homepage.empty()) {
    if (auto s = single_line("Homepage", c.homepage, true); !s) return s.error();
    if (!(c.homepage.starts_with("https://") || c.homepage.starts_with("http://")) ||
        c.homepage.find_first_of(" \t") != std::string::npos)
      return field_error("Homepage", quote(c.homepage) + " is not an http(s) URL");
  }
  auto description = folded_description(c.description);
  if (!description) return description.error();

  std::string out;
  auto field = [&](std::string_view name, const std::string& value) {
    if (!value.empty()) out += std::string(name) + ": " + value + "\n";
  };
  field("Package", c.package);
  field("Version", c.version);
  field("Architecture", c.architecture);
  field("Maintainer", c.maintainer);
  field("Installed-Size", std::to_string(c.installed_size_kib));
  for (auto [name, list] : {std::pair{"Depends", &c.depends}, {"Recommends", &c.recommends},
                            {"Conflicts", &c.conflicts}, {"Replaces", &c.replaces}, {"Provides", &c.provides}}) {
    for (const auto& item : *list)
      if (auto s = relation(name, item); !s) return s.error();
    field(name, join(*list));
  }
  field("Section", c.section);
  field("Priority", c.priority);
  field("Homepage", c.homepage);
  out += "Description: " + *description;
  return out;
}

namespace {

// "  * text", wrapped at 80 columns with continuation lines under the text
// (Debian policy 4.4 wants changelog lines within 80 columns).
std::string bullet(std::string_view text) {
  std::string out = "  *";
  std::size_t column = 3;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    if (word.empty()) break;
    if (column + 1 + word.size() > 80 && column > 4) {
      out += "\n   ";
      column = 3;
    }
    out += ' ';
    out += word;
    column += 1 + word.size();
    i = end;
  }
  return out + "\n";
}

}  // namespace

std::string changelog(const std::string& package, const std::string& version, const std::string& maintainer,
                      const std::vector<std::string>& changes, std::int64_t date) {
  std::string out = package + " (" + version + ") unstable; urgency=medium\n\n";
  if (changes.empty()) out += bullet("Release " + version + ".");
  for (const auto& c : changes) out += bullet(c);
  out += "\n -- " + maintainer + "  " + rfc5322_date(date) + "\n";
  return out;
}

std::string copyright(std::string_view given, const std::string& package, const std::string& holder,
                      const std::string& licence_name) {
  if (given.starts_with("Format: ")) {
    std::string out(given);
    if (out.back() != '\n') out += '\n';  // a file of lines ends with one
    return out;
  }
  // The notices the licence text gives ("Copyright (c) 2023 Jane Doe"),
  // else the holder's name.
  std::vector<std::string> notices;
  for (std::size_t start = 0; start < given.size();) {
    std::size_t nl = given.find('\n', start);
    if (nl == std::string_view::npos) nl = given.size();
    std::string_view line = given.substr(start, nl - start);
    start = nl + 1;
    std::size_t lead = line.find_first_not_of(" \t");
    if (lead == std::string_view::npos) continue;
    line.remove_prefix(lead);
    if (!line.starts_with("Copyright ") || notices.size() >= 20) continue;
    line.remove_prefix(10);
    for (std::string_view mark : {"(c) ", "(C) ", "\xc2\xa9 "})
      if (line.starts_with(mark)) line.remove_prefix(mark.size());
    bool clean = !utf8::find_invalid(line);
    for (unsigned char c : line) clean = clean && c >= 0x20 && c != 0x7f;
    if (clean && !line.empty()) notices.emplace_back(line);
  }
  if (notices.empty()) notices.push_back(holder);
  std::string out =
      "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
      "Upstream-Name: " + package + "\n\nFiles: *\nCopyright: " + notices.front() + "\n";
  for (std::size_t i = 1; i < notices.size(); ++i) out += "           " + notices[i] + "\n";
  out += "License: " + licence_name + "\n";
  std::size_t start = 0;
  std::string_view text = given;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  while (start <= text.size() && !text.empty()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    out += line.find_first_not_of(" \t") == std::string_view::npos ? " ." : " " + std::string(line);
    out += '\n';
    start = nl + 1;
    if (nl == text.size()) break;
  }
  return out;
}

std::string lintian_overrides(const std::string& package, const std::vector<std::pair<std::string, std::string>>& given,
                              bool keel_changelog) {
  std::string out;
  if (keel_changelog)
    out += "# keel dist wrote this package's changelog.Debian: one entry, for the version built.\n"
           "# A first upload to Debian's archive must close an ITP bug; a package built by\n"
           "# keel dist is not uploaded there, so it has no such bug to close.\n" +
           package + ": initial-upload-closes-no-bugs\n";
  for (const auto& [tag, why] : given) out += "# " + why + "\n" + package + ": " + tag + "\n";
  return out;
}

std::string md5sums_line(const std::string& md5_hex, const std::string& path) { return md5_hex + "  " + path + "\n"; }

}  // namespace keel::dist::deb
