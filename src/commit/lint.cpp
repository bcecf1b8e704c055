#include "commit/lint.hpp"

#include <optional>

#include "commit/rules.hpp"

namespace keel::commit {

namespace {

using Check = std::optional<std::string> (*)(const Message&, const Rule&);

struct Def {
  RuleInfo info;
  Check check;
};

// In the order findings are reported: header, type, scope, subject, body, footer.
const Def k_rules[] = {
    {{"header-trim", ValueKind::none, false}, rules::header_trim},
    {{"header-max-length", ValueKind::limit, false}, rules::header_max_length},
    {{"type-empty", ValueKind::none, false}, rules::type_empty},
    {{"type-case", ValueKind::cases, true}, rules::type_case},
    {{"type-enum", ValueKind::words, false}, rules::type_enum},
    {{"scope-empty", ValueKind::none, true}, rules::scope_empty},
    {{"scope-enum", ValueKind::words, false}, rules::scope_enum},
    {{"scope-case", ValueKind::cases, true}, rules::scope_case},
    {{"subject-empty", ValueKind::none, false}, rules::subject_empty},
    {{"subject-case", ValueKind::cases, true}, rules::subject_case},
    {{"subject-full-stop", ValueKind::text, false}, rules::subject_full_stop},
    {{"body-leading-blank", ValueKind::none, false}, rules::body_leading_blank},
    {{"body-max-line-length", ValueKind::limit, false}, rules::body_max_line_length},
    {{"footer-leading-blank", ValueKind::none, false}, rules::footer_leading_blank},
    {{"footer-max-line-length", ValueKind::limit, false}, rules::footer_max_line_length},
};

Rule rule(Level level, When when = When::always) {
  Rule r;
  r.level = level;
  r.when = when;
  return r;
}

Rule with_words(Rule r, std::vector<std::string> words) {
  r.words = std::move(words);
  return r;
}

Rule with_limit(Rule r, std::int64_t limit) {
  r.limit = limit;
  return r;
}

}  // namespace

std::span<const RuleInfo> rule_infos() {
  static const std::vector<RuleInfo> infos = [] {
    std::vector<RuleInfo> v;
    for (const auto& d : k_rules) v.push_back(d.info);
    return v;
  }();
  return infos;
}

Rules conventional_rules() {
  Rules r;
  r["body-leading-blank"] = rule(Level::warning);
  r["body-max-line-length"] = with_limit(rule(Level::error), 100);
  r["footer-leading-blank"] = rule(Level::warning);
  r["footer-max-line-length"] = with_limit(rule(Level::error), 100);
  r["header-max-length"] = with_limit(rule(Level::error), 100);
  r["header-trim"] = rule(Level::error);
  r["scope-case"] = rule(Level::error);
  r["scope-empty"] = rule(Level::off, When::never);  // not in config-conventional
  r["scope-enum"] = rule(Level::error);
  r["subject-case"] =
      with_words(rule(Level::error, When::never), {"sentence-case", "start-case", "pascal-case", "upper-case"});
  r["subject-empty"] = rule(Level::error);
  r["subject-full-stop"] = rule(Level::error);
  r["subject-full-stop"].text = ".";
  r["type-case"] = with_words(rule(Level::error), {"lower-case"});
  r["type-empty"] = rule(Level::error);
  r["type-enum"] = with_words(
      rule(Level::error), {"build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert", "style", "test"});
  return r;
}

std::vector<Finding> lint(const Message& message, const Rules& rules) {
  std::vector<Finding> findings;
  for (const auto& def : k_rules) {
    auto it = rules.find(def.info.name);
    if (it == rules.end() || it->second.level == Level::off) continue;
    if (auto problem = def.check(message, it->second))
      findings.push_back({std::string(def.info.name), it->second.level, std::move(*problem)});
  }
  return findings;
}

std::string_view ignored_as(const Message& m, const Ignore& ignore) {
  if (ignore.merges && m.is_merge) return "merge";
  // `revert: …` is a Conventional Commit of type revert and is linted.
  if (ignore.reverts && m.is_revert && !m.conventional) return "revert";
  if (ignore.fixups && m.is_fixup) return "fixup";
  if (ignore.fixups && m.is_squash) return "squash";
  if (ignore.fixups && m.is_amend) return "amend";
  if (ignore.versions && m.is_version) return "version";
  return {};
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::off: return "off";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "off";
}

}  // namespace keel::commit
