// Keys of `keel commit`: the commit message lint rules and what is skipped.
// The defaults are commitlint's config-conventional; src/commit/lint.cpp's
// conventional_rules() holds the same set, and a unit test keeps the two equal.
#include "config/keys/tables.hpp"

namespace keel::config::keys {

#define KEEL_LEVEL(rule, level, what)                                                                 \
  {"commit.rules." rule ".level", KeyType::choice, "\"" level "\"", rule ": " what " Level: error, warn or off.", 0, \
   "error|warn|off"}

static const KeyDecl k_commit_keys[] = {
    {"commit.ignore_merges", KeyType::boolean, "true",
     "Skip merge messages (Merge branch 'x', Merge pull request #1 ...) and, with --range, commits with "
     "several parents.",
     0},
    {"commit.ignore_reverts", KeyType::boolean, "true",
     "Skip the messages git revert writes (Revert \"...\", Reapply \"...\"); 'revert: ...' is still linted.", 0},
    {"commit.ignore_fixups", KeyType::boolean, "true",
     "Skip fixup!, squash! and amend! messages, which git rebase --autosquash folds away.", 0},
    {"commit.ignore_versions", KeyType::boolean, "true",
     "Skip messages whose header is only a version (1.2.3, v1.2.3, chore: 1.2.3 [skip ci]), as npm version "
     "and release tools write them.",
     0},

    KEEL_LEVEL("header-trim", "error", "the header may not start or end with whitespace."),
    KEEL_LEVEL("header-max-length", "error", "the header is at most value characters long."),
    {"commit.rules.header-max-length.value", KeyType::integer, "100", "Longest header, in characters.", 0},
    KEEL_LEVEL("type-empty", "error", "the header is 'type(scope): description' with a type."),
    KEEL_LEVEL("type-case", "error", "the type is in one of the cases in value."),
    {"commit.rules.type-case.value", KeyType::string_list, R"(["lower-case"])",
     "Cases for the type: lower-case, upper-case, camel-case, kebab-case, pascal-case, sentence-case, "
     "snake-case, start-case.",
     0},
    {"commit.rules.type-case.when", KeyType::choice, R"("always")",
     "always: the type must be in one of the cases; never: in none of them.", 0, "always|never"},
    KEEL_LEVEL("type-enum", "error", "the type is one of value."),
    {"commit.rules.type-enum.value", KeyType::string_list,
     R"(["build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert", "style", "test"])",
     "Allowed types.", 0},
    KEEL_LEVEL("scope-empty", "off", "with when = never, the header has a scope; with always, it has none."),
    {"commit.rules.scope-empty.when", KeyType::choice, R"("never")",
     "never: a scope is required (feat(): x has none); always: a scope is refused.", 0, "always|never"},
    KEEL_LEVEL("scope-enum", "error", "each part of the scope (split at /, \\ and ,) is one of value."),
    {"commit.rules.scope-enum.value", KeyType::string_list, "",
     "Allowed scopes; unset or empty allows every scope. A commit without a scope passes.", 0},
    KEEL_LEVEL("scope-case", "error", "each part of the scope is in one of the cases in value."),
    {"commit.rules.scope-case.value", KeyType::string_list, "",
     "Cases for the scope, as for type-case; unset or empty checks nothing.", 0},
    {"commit.rules.scope-case.when", KeyType::choice, R"("always")",
     "always: the scope must be in one of the cases; never: in none of them.", 0, "always|never"},
    KEEL_LEVEL("subject-empty", "error", "the header has a description."),
    KEEL_LEVEL("subject-case", "error", "the description's case, checked when it starts with a letter."),
    {"commit.rules.subject-case.value", KeyType::string_list,
     R"(["sentence-case", "start-case", "pascal-case", "upper-case"])", "Cases for the description, as for type-case.",
     0},
    {"commit.rules.subject-case.when", KeyType::choice, R"("never")",
     "always: the description must be in one of the cases; never: in none of them.", 0, "always|never"},
    KEEL_LEVEL("subject-full-stop", "error", "the description does not end with value ('...' may)."),
    {"commit.rules.subject-full-stop.value", KeyType::string, R"(".")", "The refused full stop.", 0},
    KEEL_LEVEL("body-leading-blank", "warn", "a blank line separates the header from the body."),
    KEEL_LEVEL("body-max-line-length", "error", "body lines are at most value characters long."),
    {"commit.rules.body-max-line-length.value", KeyType::integer, "100",
     "Longest body line, in characters; lines with an http(s) URL are exempt.", 0},
    KEEL_LEVEL("footer-leading-blank", "warn", "a blank line precedes the footers."),
    KEEL_LEVEL("footer-max-line-length", "error", "footer lines are at most value characters long."),
    {"commit.rules.footer-max-line-length.value", KeyType::integer, "100",
     "Longest footer line, in characters; lines with an http(s) URL are exempt.", 0},
};

#undef KEEL_LEVEL

const KeyTable commit_table{"commit", k_commit_keys};

}  // namespace keel::config::keys
