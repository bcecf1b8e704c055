#pragma once
// Lint rules for commit messages. Rule names, levels and meanings follow
// commitlint; the default set is @commitlint/config-conventional's. Pure
// logic: lint() sees a parsed Message and a rule set, nothing else
// (settings.hpp builds the set from keel's configuration).

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commit/message.hpp"

namespace keel::commit {

enum class Level { off, warning, error };
enum class When { always, never };  // the rule's condition holds, or must not

// What a rule's `value` is.
enum class ValueKind {
  none,   // type-empty, header-trim, ...
  words,  // type-enum, scope-enum: allowed words
  cases,  // *-case: case names from text_case.hpp
  limit,  // *-max-length, *-max-line-length: characters
  text,   // subject-full-stop: the stop
};

struct Rule {
  Level level = Level::off;
  When when = When::always;  // only the *-case rules take `never` from config
  std::vector<std::string> words;  // ValueKind::words and ::cases
  std::int64_t limit = 0;
  std::string text;
  bool operator==(const Rule&) const = default;
};

using Rules = std::map<std::string, Rule, std::less<>>;

struct RuleInfo {
  std::string_view name;
  ValueKind value;
  bool configurable_when;  // has a `when` key (always|never)
};

// Every rule keel knows, in the order findings are reported.
std::span<const RuleInfo> rule_infos();

// config-conventional: type-enum, type-case, type-empty, subject-empty,
// subject-full-stop, subject-case, header-max-length, header-trim,
// body-leading-blank, body-max-line-length, footer-leading-blank,
// footer-max-line-length; and scope-enum and scope-case at error level with
// an empty value, which checks nothing until a project lists its scopes or
// cases.
Rules conventional_rules();

struct Finding {
  std::string rule;
  Level level;
  std::string message;  // "type must be one of ...; found 'feet'"
  bool operator==(const Finding&) const = default;
};

// A header that is not `type(scope): description` has no type and no
// subject: type-empty reports why the header is malformed and subject-empty
// follows, as in commitlint. An empty message gives one finding,
// subject-empty "message is empty".
std::vector<Finding> lint(const Message& message, const Rules& rules);

// Messages skipped before linting; all on by default, as in commitlint.
struct Ignore {
  bool merges = true;   // is_merge (and, for commits, several parents)
  bool reverts = true;  // git revert's `Revert "…"` / `Reapply "…"`; `revert: …` is linted
  bool fixups = true;   // fixup!, squash!, amend!
  bool versions = true;  // is_version: "1.2.3", "chore: v1.2.3 [skip ci]"
};

// "merge", "revert", "fixup", "squash", "amend" or "version" when ignored;
// else empty.
std::string_view ignored_as(const Message& message, const Ignore& ignore);

std::string_view level_name(Level level);  // "error", "warning", "off"

}  // namespace keel::commit
