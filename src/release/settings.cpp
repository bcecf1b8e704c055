#include "release/settings.hpp"

#include "commit/text.hpp"

namespace keel::release {

namespace {

using config::Value;

Error bad(const Value& v, std::string_view key, const std::string& problem) {
  std::string where = v.origin().describe();
  return Error{where + ": invalid " + quote(key) + ": " + problem, {}, Exit::config};
}

Result<semver::Version> version_key(const config::Config& c, std::string_view key, std::string_view fallback) {
  const Value* v = c.find(key);
  std::string text = v && v->is_string() && !v->as_string().empty() ? v->as_string() : std::string(fallback);
  auto parsed = semver::parse(text);
  if (!parsed) return v ? bad(*v, key, parsed.error().message) : parsed.error();
  return std::move(parsed).value();
}

Result<TagTemplate> template_key(const config::Config& c, std::string_view key, std::string_view fallback) {
  const Value* v = c.find(key);
  std::string text = v && v->is_string() && !v->as_string().empty() ? v->as_string() : std::string(fallback);
  auto t = TagTemplate::parse(text);
  if (!t && v) return bad(*v, key, t.error().message);
  return t;
}

Result<std::vector<FileRule>> file_rules(const config::Config& c, const std::string& key) {
  std::vector<FileRule> out;
  const Value* list = c.find(key);
  if (!list || !list->is_array()) return out;
  for (const Value& item : list->items()) {
    FileRule r;
    for (std::size_t i = 0; i < item.size(); ++i) {
      const std::string& field = item.key_at(i);
      const Value& v = item.value_at(i);
      std::string name = key + "." + field;
      if (field == "path" || field == "preset" || field == "regex") {
        if (!v.is_string()) return bad(v, name, "expected a string");
        if (field == "path") r.path = v.as_string();
        if (field == "regex") r.regex = v.as_string();
        if (field == "preset") {
          auto p = parse_preset(v.as_string());
          if (!p)
            return bad(v, name,
                       "unknown preset " + quote(v.as_string()) +
                           "; expected package.json, Cargo.toml, pyproject.toml, meson.build or VERSION");
          r.preset = *p;
        }
      } else if (field == "count") {
        if (v.type() != Value::Type::integer || v.as_int() < 1 || v.as_int() > 1000)
          return bad(v, name, "expected a positive integer");
        r.count = static_cast<int>(v.as_int());
      } else {
        return bad(v, name, "unknown field; expected path, preset, regex or count");
      }
    }
    if (r.path.empty()) return bad(item, key, "an entry has no path");
    if (r.preset != Preset::none && !r.regex.empty()) return bad(item, key, "an entry has both preset and regex");
    if (r.preset == Preset::none && r.regex.empty() && preset_for_path(r.path) == Preset::none)
      return bad(item, key,
                 "no preset for " + quote(r.path) + "; set preset (package.json, Cargo.toml, pyproject.toml, "
                                                   "meson.build, VERSION) or regex");
    if (!r.regex.empty()) {
      std::size_t group = 0;
      auto translated = translate_named_group(r.regex, group);
      if (!translated) return bad(item, key, translated.error().message);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::string fill(std::string_view text, std::string_view version, std::string_view tag, std::string_view previous) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view rest = text.substr(i);
    if (rest.starts_with("{version}")) {
      out += version;
      i += 8;
    } else if (rest.starts_with("{tag}")) {
      out += tag;
      i += 4;
    } else if (rest.starts_with("{previous_version}")) {
      out += previous;
      i += 17;
    } else {
      out += text[i];
    }
  }
  return out;
}

Result<Settings> settings_from_config(const config::Config& c) {
  Settings s;
  auto tag = template_key(c, "release.tag_template", "v{version}");
  if (!tag) return tag.error();
  auto initial = version_key(c, "release.initial_version", "0.1.0");
  if (!initial) return initial.error();
  auto files = file_rules(c, "release.files");
  if (!files) return files.error();
  s.root = Unit{"", "", std::move(tag).value(), *initial, c.get_string("release.changelog.path", "CHANGELOG.md"),
                std::move(files).value()};

  s.rules.zero_major_breaking_major = c.get_string("release.zero_major_breaking", "minor") == "major";
  if (const Value* types = c.find("release.types"); types && types->is_table()) {
    s.rules.types.clear();
    for (std::size_t i = 0; i < types->size(); ++i) {
      const Value& v = types->value_at(i);
      auto b = parse_bump(v.as_string());
      if (!b)
        return bad(v, "release.types." + types->key_at(i),
                   "expected major, minor, patch or none, found " + quote(v.as_string()));
      s.rules.types[commit::lower_ascii(types->key_at(i))] = *b;
    }
  }
  s.branches = c.get_list("release.branches");
  s.before = c.get_list("release.before");
  s.after = c.get_list("release.after");
  s.commit_message = c.get_string("release.commit_message", "chore(release): {version}");
  s.remote = c.get_string("release.remote", "origin");
  s.changelog_template = c.get_string("release.changelog.template");
  s.changelog.breaking_title = c.get_string("release.changelog.breaking_title", "Breaking Changes");
  if (const Value* sections = c.find("release.changelog.sections"); sections && sections->is_table()) {
    s.changelog.groups.clear();
    for (std::size_t i = 0; i < sections->size(); ++i) {
      s.changelog.groups.push_back({commit::lower_ascii(sections->key_at(i)), sections->value_at(i).as_string()});
    }
  }

  if (const Value* packages = c.find("release.packages"); packages && packages->is_table()) {
    for (std::size_t i = 0; i < packages->size(); ++i) {
      const std::string& name = packages->key_at(i);
      std::string prefix = "release.packages." + name;
      const Value& table = packages->value_at(i);
      const Value* path = table.find("path");
      if (!path || path->as_string().empty())
        return Error{table.origin().describe() + ": package " + quote(name) + " has no path",
                     "set " + prefix + ".path to its directory", Exit::config};
      std::string dir = path->as_string();
      while (!dir.empty() && dir.back() == '/') dir.pop_back();
      while (dir.starts_with("./")) dir.erase(0, 2);
      auto ptag = template_key(c, prefix + ".tag_template", "{package}@{version}");
      if (!ptag) return ptag.error();
      auto pinitial = version_key(c, prefix + ".initial_version", semver::to_string(s.root.initial));
      if (!pinitial) return pinitial.error();
      auto pfiles = file_rules(c, prefix + ".files");
      if (!pfiles) return pfiles.error();
      std::string changelog = c.get_string(prefix + ".changelog", dir + "/CHANGELOG.md");
      s.packages.push_back(Unit{name, dir, std::move(ptag).value(), *pinitial, changelog, std::move(pfiles).value()});
    }
  }
  return s;
}

}  // namespace keel::release
