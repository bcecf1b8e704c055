#include "commit/settings.hpp"

#include "commit/text.hpp"
#include "commit/text_case.hpp"

namespace keel::commit {

namespace {

// The schema already limited these to its choices; the fallback keeps the
// preset when a key table entry has no default.
Level level_of(const std::string& text, Level fallback) {
  if (text == "error") return Level::error;
  if (text == "warn") return Level::warning;
  if (text == "off") return Level::off;
  return fallback;
}

std::string_view level_text(Level level) { return level == Level::warning ? "warn" : level_name(level); }

When when_of(const std::string& text, When fallback) {
  if (text == "always") return When::always;
  if (text == "never") return When::never;
  return fallback;
}

Error invalid(const std::string& key, std::string problem, std::string hint = {}) {
  return Error{"invalid value for " + quote(key) + ": " + std::move(problem), std::move(hint), Exit::config};
}

// Reads `.value` into r per the rule's kind; an Error for values the schema
// cannot judge.
Result<Rule> read_value(const config::Config& c, const RuleInfo& info, const std::string& prefix, Rule r) {
  std::string key = prefix + ".value";
  switch (info.value) {
    case ValueKind::none: break;
    case ValueKind::words:
    case ValueKind::cases:
      if (c.find(key)) r.words = c.get_list(key);
      if (info.value == ValueKind::cases)
        for (const auto& name : r.words)
          if (!parse_case(name))
            return invalid(key, "unknown case " + quote(name), "cases are " + join_or(case_names()));
      break;
    case ValueKind::limit:
      r.limit = c.get_int(key, r.limit);
      if (r.limit < 0) return invalid(key, "expected a length of 0 or more, found " + std::to_string(r.limit));
      break;
    case ValueKind::text: r.text = c.get_string(key, r.text); break;
  }
  return r;
}

}  // namespace

Result<Settings> settings_from_config(const config::Config& c) {
  Settings s;
  Rules preset = conventional_rules();
  for (const auto& info : rule_infos()) {
    std::string prefix = "commit.rules." + std::string(info.name);
    Rule r = preset[std::string(info.name)];
    r.level = level_of(c.get_string(prefix + ".level", std::string(level_text(r.level))), r.level);
    if (info.configurable_when) {
      r.when = when_of(c.get_string(prefix + ".when", r.when == When::never ? "never" : "always"), r.when);
    }
    auto read = read_value(c, info, prefix, std::move(r));
    if (!read) return read.error();
    s.rules[std::string(info.name)] = std::move(read.value());
  }
  s.ignore.merges = c.get_bool("commit.ignore_merges", true);
  s.ignore.reverts = c.get_bool("commit.ignore_reverts", true);
  s.ignore.fixups = c.get_bool("commit.ignore_fixups", true);
  s.ignore.versions = c.get_bool("commit.ignore_versions", true);
  return s;
}

}  // namespace keel::commit
