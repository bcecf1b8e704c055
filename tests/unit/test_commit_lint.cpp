// The lint rules, one at a time, with the exact text of every finding; the
// default set (config-conventional) and the ignored kinds of message.
#include <doctest/doctest.h>

#include "commit/lint.hpp"
#include "support.hpp"

using namespace keel::commit;
using Lines = std::vector<std::string>;

namespace {

Lines check(const std::string& text, const Rules& rules = conventional_rules()) {
  Lines out;
  for (const auto& f : lint(parse(text), rules))
    out.push_back(std::string(level_name(f.level)) + " " + f.rule + ": " + f.message);
  return out;
}

// Just one rule, at error level.
Rules only(const std::string& name, Rule r = {}) {
  r.level = Level::error;
  Rules rules;
  rules[name] = std::move(r);
  return rules;
}

Rules only_preset(const std::string& name) { return only(name, conventional_rules().at(name)); }

Rule words(std::vector<std::string> w, When when = When::always) {
  Rule r;
  r.words = std::move(w);
  r.when = when;
  return r;
}

Rule limit(std::int64_t n) {
  Rule r;
  r.limit = n;
  return r;
}

const std::string k_types = "build, chore, ci, docs, feat, fix, perf, refactor, revert, style, test";

}  // namespace

TEST_CASE("commit lint: good messages pass the default rules") {
  for (const char* text : {
           "feat: add x",
           "fix(parser): handle CRLF",
           "feat(api)!: drop v1 endpoints",
           "chore!: drop support for Node 6\n\nBREAKING CHANGE: use JavaScript features not available in Node 6.",
           "docs: correct spelling of CHANGELOG",
           "refactor(core/io, ui): split reader\n\nLonger text.\n\nSecond paragraph.\n\nReviewed-by: Z\nRefs: #123",
           "revert: let us never again speak of the noodle incident\n\nRefs: 676104e, a215868",
           "perf: 2x faster startup",
           "style: `Eslint` configuration",
           "ci: use actions/checkout v4...",
           "test: cover \xC3\xA9" "clair",
       }) {
    INFO(text);
    CHECK(check(text) == Lines{});
  }
}

TEST_CASE("commit lint: findings come in a fixed order with their levels") {
  CHECK(check(" Feet: Add x.\nbody\nRefs: #1") ==
        Lines{"error header-trim: header must not start with whitespace",
              "error type-case: type must be lower-case; found 'Feet'",
              "error type-enum: type must be one of " + k_types + "; found 'Feet'; did you mean 'feat'?",
              "error subject-case: subject must not be sentence-case; found 'Add x.'",
              "error subject-full-stop: subject may not end with '.'",
              "warning body-leading-blank: body must have a leading blank line"});
}

TEST_CASE("commit lint: an empty message") {
  CHECK(check("") == Lines{"error subject-empty: message is empty"});
  CHECK(check("\n\n") == Lines{"error subject-empty: message is empty"});
  CHECK(check("", only("type-empty")) == Lines{});
}

TEST_CASE("commit lint: header-trim") {
  Rules r = only("header-trim");
  CHECK(check("feat: x", r) == Lines{});
  CHECK(check("feat: x\n  indented body", r) == Lines{});
  CHECK(check(" feat: x", r) == Lines{"error header-trim: header must not start with whitespace"});
  CHECK(check("feat: x \n", r) == Lines{"error header-trim: header must not end with whitespace"});
  CHECK(check("\tfeat: x\t", r) == Lines{"error header-trim: header must not be surrounded by whitespace"});
}

TEST_CASE("commit lint: header-max-length") {
  Rules r = only_preset("header-max-length");
  std::string at_limit = "feat: " + std::string(94, 'x');
  CHECK(check(at_limit, r) == Lines{});
  CHECK(check(at_limit + "y", r) ==
        Lines{"error header-max-length: header must not be longer than 100 characters; found 101"});
  std::string accents;  // 94 two-byte characters: counted as characters
  for (int i = 0; i < 94; ++i) accents += "\xC3\xA9";
  CHECK(check("feat: " + accents, r) == Lines{});
  CHECK(check("feat: x", only("header-max-length", limit(5))) ==
        Lines{"error header-max-length: header must not be longer than 5 characters; found 7"});
}

TEST_CASE("commit lint: type-empty explains headers that are not conventional") {
  Rules r = only("type-empty");
  CHECK(check("feat: x", r) == Lines{});
  CHECK(check("Update readme", r) ==
        Lines{"error type-empty: header is not 'type(scope): description': expected '(scope)', '!' or ': ' after "
              "'Update'"});
  CHECK(check("fix:", r) == Lines{"error type-empty: header is not 'type(scope): description': description is empty"});
  CHECK(check(": x", r) ==
        Lines{"error type-empty: header is not 'type(scope): description': header does not start with a type"});
  CHECK(check("feat(): x", r) == Lines{});  // an empty scope is no scope, as commitlint reads it
  r["scope-empty"].level = Level::error;
  r["scope-empty"].when = When::never;
  CHECK(check("feat(): x", r) == Lines{"error scope-empty: scope may not be empty"});
  CHECK(check("feat: x", r) == Lines{"error scope-empty: scope may not be empty"});
  CHECK(check("feat(a): x", r) == Lines{});
  r["scope-empty"].when = When::always;
  CHECK(check("feat(a): x", r) == Lines{"error scope-empty: scope must be empty"});
  CHECK(check("feat(): x", r) == Lines{});
}

TEST_CASE("commit lint: a malformed header gives type-empty and subject-empty, as in commitlint") {
  CHECK(check("fix:") == Lines{"error type-empty: header is not 'type(scope): description': description is empty",
                                "error subject-empty: subject may not be empty"});
  CHECK(check("fix:x") == Lines{"error type-empty: header is not 'type(scope): description': expected a space after ':'",
                                 "error subject-empty: subject may not be empty"});
}

TEST_CASE("commit lint: type-case") {
  Rules r = only_preset("type-case");
  CHECK(check("feat: x", r) == Lines{});
  CHECK(check("feat_2: x", r) == Lines{});
  CHECK(check("2fa: x", r) == Lines{});  // starts with a digit: in every case
  CHECK(check("FIX: x", r) == Lines{"error type-case: type must be lower-case; found 'FIX'"});
  CHECK(check("Feat: x", r) == Lines{"error type-case: type must be lower-case; found 'Feat'"});

  Rules upper = only("type-case", words({"upper-case"}));
  CHECK(check("FEAT: x", upper) == Lines{});
  CHECK(check("feat: x", upper) == Lines{"error type-case: type must be upper-case; found 'feat'"});

  Rules either = only("type-case", words({"lower-case", "upper-case", "pascal-case"}));
  CHECK(check("Feat: x", either) == Lines{});
  CHECK(check("fEAT: x", either) ==
        Lines{"error type-case: type must be lower-case, upper-case or pascal-case; found 'fEAT'"});

  Rules never = only("type-case", words({"upper-case"}, When::never));
  CHECK(check("feat: x", never) == Lines{});
  CHECK(check("FEAT: x", never) == Lines{"error type-case: type must not be upper-case; found 'FEAT'"});
}

TEST_CASE("commit lint: type-enum") {
  Rules r = only_preset("type-enum");
  for (const char* type : {"build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert", "style", "test"})
    CHECK(check(std::string(type) + ": x", r) == Lines{});
  CHECK(check("feet: x", r) ==
        Lines{"error type-enum: type must be one of " + k_types + "; found 'feet'; did you mean 'feat'?"});
  CHECK(check("FIX: x", r) ==
        Lines{"error type-enum: type must be one of " + k_types + "; found 'FIX'; did you mean 'fix'?"});
  CHECK(check("whatever: x", r) == Lines{"error type-enum: type must be one of " + k_types + "; found 'whatever'"});
  CHECK(check("Update readme", r) == Lines{});  // no type: type-empty's business

  Rules own = only("type-enum", words({"add", "remove"}));
  CHECK(check("add: x", own) == Lines{});
  CHECK(check("feat: x", own) == Lines{"error type-enum: type must be one of add, remove; found 'feat'"});
  CHECK(check("feat: x", only("type-enum")) == Lines{});  // an empty list allows every type
}

TEST_CASE("commit lint: scope-enum") {
  CHECK(check("feat(anything): x") == Lines{});  // the default list is empty
  Rules r = only("scope-enum", words({"api", "ui", "core/io"}));
  CHECK(check("feat: x", r) == Lines{});
  CHECK(check("feat(api): x", r) == Lines{});
  CHECK(check("feat(api/ui): x", r) == Lines{});
  CHECK(check("feat(api,ui): x", r) == Lines{});
  CHECK(check("feat(api, ui): x", r) == Lines{});
  CHECK(check("feat(api\\ui): x", r) == Lines{});
  CHECK(check("feat(core/io): x", r) == Lines{});  // listed whole
  CHECK(check("feat(db): x", r) == Lines{"error scope-enum: scope must be one of api, ui, core/io; found 'db'"});
  CHECK(check("feat(api, db): x", r) == Lines{"error scope-enum: scope must be one of api, ui, core/io; found 'db'"});
  CHECK(check("feat(API): x", r) == Lines{"error scope-enum: scope must be one of api, ui, core/io; found 'API'"});
}

TEST_CASE("commit lint: scope-case") {
  CHECK(check("feat(AnyCase): x") == Lines{});  // no cases configured
  Rules r = only("scope-case", words({"lower-case"}));
  CHECK(check("feat: x", r) == Lines{});
  CHECK(check("feat(api): x", r) == Lines{});
  CHECK(check("feat(api/auth, ui): x", r) == Lines{});
  CHECK(check("feat(API): x", r) == Lines{"error scope-case: scope must be lower-case; found 'API'"});
  CHECK(check("feat(api/Auth): x", r) == Lines{"error scope-case: scope must be lower-case; found 'api/Auth'"});

  Rules kebab = only("scope-case", words({"kebab-case"}));
  CHECK(check("feat(my-scope): x", kebab) == Lines{});
  CHECK(check("feat(myScope): x", kebab) == Lines{"error scope-case: scope must be kebab-case; found 'myScope'"});
  CHECK(check("feat(my_scope): x", kebab) == Lines{"error scope-case: scope must be kebab-case; found 'my_scope'"});

  Rules never = only("scope-case", words({"upper-case"}, When::never));
  CHECK(check("feat(Api): x", never) == Lines{});
  CHECK(check("feat(API): x", never) == Lines{"error scope-case: scope must not be upper-case; found 'API'"});
}

TEST_CASE("commit lint: subject-empty") {
  Rules r = only("subject-empty");
  CHECK(check("feat: x", r) == Lines{});
  CHECK(check("feat:", r) == Lines{"error subject-empty: subject may not be empty"});
  CHECK(check("feat(api)!:   ", r) == Lines{"error subject-empty: subject may not be empty"});
  CHECK(check("no type here", r) == Lines{"error subject-empty: subject may not be empty"});
  CHECK(check("", r) == Lines{"error subject-empty: message is empty"});
}

TEST_CASE("commit lint: subject-case with config-conventional's never list") {
  Rules r = only_preset("subject-case");
  for (const char* ok : {"feat: add x", "feat: add API support", "feat: 1.2 release", "feat: `Foo` bar",
                         "feat: \"Quoted\" start", "feat: \xC3\x89" "clair support", "feat: iPhone support",
                         "feat: add X", "feat: x"}) {
    INFO(ok);
    CHECK(check(ok, r) == Lines{});
  }
  CHECK(check("feat: Add x", r) == Lines{"error subject-case: subject must not be sentence-case; found 'Add x'"});
  CHECK(check("feat: API support", r) ==
        Lines{"error subject-case: subject must not be sentence-case; found 'API support'"});
  CHECK(check("feat: I'm done", r) == Lines{"error subject-case: subject must not be sentence-case; found 'I'm done'"});
  CHECK(check("feat: Add Thing", r) ==
        Lines{"error subject-case: subject must not be sentence-case or start-case; found 'Add Thing'"});
  CHECK(check("feat: AddThing", r) ==
        Lines{"error subject-case: subject must not be sentence-case or pascal-case; found 'AddThing'"});
  CHECK(check("feat: ADD THING", r) ==
        Lines{"error subject-case: subject must not be sentence-case, start-case or upper-case; found 'ADD THING'"});
  // Quoted text is left out: "Add" alone is also start-case and pascal-case.
  CHECK(check("feat: Add \"x\"", r) ==
        Lines{"error subject-case: subject must not be sentence-case, start-case or pascal-case; found 'Add \"x\"'"});
}

TEST_CASE("commit lint: long text is shortened when quoted back") {
  std::string subject = "Add " + std::string(100, 'x');
  CHECK(check("feat: " + subject, only_preset("subject-case")) ==
        Lines{"error subject-case: subject must not be sentence-case; found '" + subject.substr(0, 57) + "...'"});
  std::string scope, shown;  // cut at a character boundary
  for (int i = 0; i < 70; ++i) scope += "\xC3\xA9";
  for (int i = 0; i < 57; ++i) shown += "\xC3\xA9";
  CHECK(check("feat(" + scope + "): x", only("scope-enum", words({"api"}))) ==
        Lines{"error scope-enum: scope must be one of api; found '" + shown + "...'"});
}

TEST_CASE("commit lint: subject-case always") {
  Rules r = only("subject-case", words({"lower-case"}));
  CHECK(check("feat: add x", r) == Lines{});
  CHECK(check("feat: add `Foo`", r) == Lines{});
  CHECK(check("feat: Add x", r) == Lines{"error subject-case: subject must be lower-case; found 'Add x'"});
  Rules two = only("subject-case", words({"lower-case", "sentence-case"}));
  CHECK(check("feat: Add x", two) == Lines{});
  CHECK(check("feat: add x", two) == Lines{});
  CHECK(check("feat: add X", two) ==
        Lines{"error subject-case: subject must be lower-case or sentence-case; found 'add X'"});
  CHECK(check("feat: aDD", two) == Lines{"error subject-case: subject must be lower-case or sentence-case; found 'aDD'"});
}

TEST_CASE("commit lint: subject-full-stop") {
  Rules r = only_preset("subject-full-stop");
  CHECK(check("feat: x", r) == Lines{});
  CHECK(check("feat: wait for it...", r) == Lines{});
  CHECK(check("feat: version 1.2", r) == Lines{});
  CHECK(check("feat: x.", r) == Lines{"error subject-full-stop: subject may not end with '.'"});
  CHECK(check("feat: x. ", r) == Lines{"error subject-full-stop: subject may not end with '.'"});
  Rule bang;
  bang.text = "!";
  CHECK(check("feat: x!", only("subject-full-stop", bang)) == Lines{"error subject-full-stop: subject may not end with '!'"});
  CHECK(check("feat: x.", only("subject-full-stop", bang)) == Lines{});
}

TEST_CASE("commit lint: body-leading-blank") {
  Rules r = conventional_rules();
  CHECK(check("feat: x\n\nbody") == Lines{});
  CHECK(check("feat: x\nbody") == Lines{"warning body-leading-blank: body must have a leading blank line"});
  CHECK(check("feat: x\nbody\n\nRefs: #1") == Lines{"warning body-leading-blank: body must have a leading blank line"});
  CHECK(check("feat: x\nbody", only("body-leading-blank")) ==
        Lines{"error body-leading-blank: body must have a leading blank line"});
}

TEST_CASE("commit lint: body-max-line-length") {
  Rules r = only_preset("body-max-line-length");
  std::string line100(100, 'b');
  CHECK(check("feat: x\n\n" + line100, r) == Lines{});
  CHECK(check("feat: x\n\nshort\n\n" + line100 + "b\n" + line100 + "bb", r) ==
        Lines{"error body-max-line-length: body lines must not be longer than 100 characters; line 5 has 101"});
  std::string url = "see https://example.com/" + std::string(120, 'p');
  CHECK(check("feat: x\n\n" + url, r) == Lines{});
  CHECK(check("feat: x\n\n" + std::string(120, 'h') + " https:// " , r).size() == 1);  // a bare scheme is no URL
  CHECK(check("feat: x\n\nfour five six", only("body-max-line-length", limit(8))) ==
        Lines{"error body-max-line-length: body lines must not be longer than 8 characters; line 3 has 13"});
}

TEST_CASE("commit lint: footer-leading-blank") {
  CHECK(check("feat: x\n\nRefs: #1") == Lines{});
  CHECK(check("feat: x\n\nbody\n\nRefs: #1") == Lines{});
  CHECK(check("feat: x\nRefs: #1") == Lines{"warning footer-leading-blank: footer must have a leading blank line"});
  // An issue number in the body is not a footer (commitlint #896).
  CHECK(check("fix: x\n\nsee issue #1234 for the\ndetails") == Lines{});
}

TEST_CASE("commit lint: footer-max-line-length") {
  Rules r = only_preset("footer-max-line-length");
  std::string value(94, 'v');
  CHECK(check("feat: x\n\nRefs: " + value, r) == Lines{});
  CHECK(check("feat: x\n\nbody\n\nRefs: #1\nBREAKING CHANGE: " + value, r) ==
        Lines{"error footer-max-line-length: footer lines must not be longer than 100 characters; line 6 has 111"});
  CHECK(check("feat: x\n\nSee: https://example.com/" + value, r) == Lines{});
}

TEST_CASE("commit lint: levels") {
  Rules r = conventional_rules();
  r["type-enum"].level = Level::warning;
  CHECK(check("feet: x", r) ==
        Lines{"warning type-enum: type must be one of " + k_types + "; found 'feet'; did you mean 'feat'?"});
  r["type-enum"].level = Level::off;
  CHECK(check("feet: x", r) == Lines{});
  r.erase("subject-case");
  CHECK(check("feat: Add x", r) == Lines{});
}

TEST_CASE("commit lint: ignored messages") {
  Ignore all;
  CHECK(ignored_as(parse("Merge branch 'x'"), all) == "merge");
  CHECK(ignored_as(parse("Merge pull request #3 from a/b\n\nfeat: x"), all) == "merge");
  CHECK(ignored_as(parse("Revert \"feat: x\"\n\nThis reverts commit abcdef1."), all) == "revert");
  CHECK(ignored_as(parse("Reapply \"feat: x\""), all) == "revert");
  CHECK(ignored_as(parse("revert: feat: x"), all).empty());  // a Conventional Commit: linted
  CHECK(ignored_as(parse("fixup! feat: x"), all) == "fixup");
  CHECK(ignored_as(parse("squash! feat: x"), all) == "squash");
  CHECK(ignored_as(parse("amend! feat: x"), all) == "amend");
  CHECK(ignored_as(parse("1.2.3"), all) == "version");
  CHECK(ignored_as(parse("chore: v2.0.0-rc.1 [skip ci]"), all) == "version");
  CHECK(ignored_as(parse("feat: x"), all).empty());
  CHECK(ignored_as(parse(""), all).empty());

  Ignore none{false, false, false, false};
  for (const char* text : {"Merge branch 'x'", "Revert \"feat: x\"", "fixup! x", "squash! x", "amend! x", "1.2.3"})
    CHECK(ignored_as(parse(text), none).empty());
  CHECK(check("Merge branch 'x'") == Lines{"error type-empty: header is not 'type(scope): description': expected "
                                           "'(scope)', '!' or ': ' after 'Merge'",
                                           "error subject-empty: subject may not be empty"});
}

TEST_CASE("commit lint: the rule table") {
  Lines names;
  for (const auto& info : rule_infos()) names.emplace_back(info.name);
  CHECK(names == Lines{"header-trim", "header-max-length", "type-empty", "type-case", "type-enum", "scope-empty",
                       "scope-enum", "scope-case", "subject-empty", "subject-case", "subject-full-stop", "body-leading-blank",
                       "body-max-line-length", "footer-leading-blank", "footer-max-line-length"});
  Rules preset = conventional_rules();
  CHECK(preset.size() == names.size());
  for (const auto& name : names) CHECK(preset.count(name) == 1);
}
