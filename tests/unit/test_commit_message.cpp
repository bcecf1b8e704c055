// The Conventional Commits parser: the specification's examples, the edge
// cases of hooks.md section 2 and messages that are not Conventional Commits.
#include <doctest/doctest.h>

#include "commit/message.hpp"
#include "support.hpp"

using namespace keel::commit;

namespace {

// "Token|separator|value" per footer, for one-line comparisons.
std::vector<std::string> footers(const Message& m) {
  std::vector<std::string> out;
  for (const auto& f : m.footers) out.push_back(f.token + "|" + f.separator + "|" + f.value);
  return out;
}

void check_not_conventional(const std::string& text, const std::string& problem) {
  INFO("message: " << text);
  Message m = parse(text);
  CHECK_FALSE(m.conventional);
  CHECK(m.problem == problem);
  CHECK(m.type.empty());
  CHECK(m.scope.empty());
  CHECK(m.description.empty());
  CHECK_FALSE(m.breaking);
}

}  // namespace

TEST_CASE("commit: spec example with a BREAKING CHANGE footer") {
  Message m = parse(
      "feat: allow provided config object to extend other configs\n"
      "\n"
      "BREAKING CHANGE: `extends` key in config file is now used for extending other config files\n");
  CHECK(m.conventional);
  CHECK(m.problem.empty());
  CHECK(m.type == "feat");
  CHECK(m.scope.empty());
  CHECK_FALSE(m.bang);
  CHECK(m.description == "allow provided config object to extend other configs");
  CHECK(m.breaking);
  CHECK(m.breaking_description == "`extends` key in config file is now used for extending other config files");
  CHECK(m.body.empty());
  CHECK(footers(m) == std::vector<std::string>{
                          "BREAKING CHANGE|: |`extends` key in config file is now used for extending other config files"});
  CHECK(m.footer_line == 3);
  CHECK(m.footer_leading_blank);
}

TEST_CASE("commit: spec example with ! to draw attention to a breaking change") {
  Message m = parse("feat!: send an email to the customer when a product is shipped");
  CHECK(m.conventional);
  CHECK(m.type == "feat");
  CHECK(m.bang);
  CHECK(m.breaking);
  CHECK(m.breaking_description == "send an email to the customer when a product is shipped");
  CHECK(m.footers.empty());
}

TEST_CASE("commit: spec example with scope and !") {
  Message m = parse("feat(api)!: send an email to the customer when a product is shipped");
  CHECK(m.conventional);
  CHECK(m.type == "feat");
  CHECK(m.scope == "api");
  CHECK(m.bang);
  CHECK(m.breaking);
  CHECK(m.description == "send an email to the customer when a product is shipped");
}

TEST_CASE("commit: spec example with both ! and a BREAKING CHANGE footer") {
  Message m = parse("chore!: drop support for Node 6\n\nBREAKING CHANGE: use JavaScript features not available in Node 6.\n");
  CHECK(m.conventional);
  CHECK(m.type == "chore");
  CHECK(m.bang);
  CHECK(m.breaking);
  // The footer describes the break better than the header does.
  CHECK(m.breaking_description == "use JavaScript features not available in Node 6.");
}

TEST_CASE("commit: spec examples without a body") {
  Message docs = parse("docs: correct spelling of CHANGELOG");
  CHECK(docs.conventional);
  CHECK(docs.type == "docs");
  CHECK(docs.description == "correct spelling of CHANGELOG");
  CHECK(docs.body.empty());
  CHECK(docs.body_line == 0);
  CHECK(docs.footers.empty());
  CHECK_FALSE(docs.breaking);

  Message lang = parse("feat(lang): add Polish language");
  CHECK(lang.conventional);
  CHECK(lang.scope == "lang");
  CHECK(lang.description == "add Polish language");
}

TEST_CASE("commit: spec example with a multi-paragraph body and several footers") {
  Message m = parse(
      "fix: prevent racing of requests\n"
      "\n"
      "Introduce a request id and a reference to latest request. Dismiss\n"
      "incoming responses other than from latest request.\n"
      "\n"
      "Remove timeouts which were used to mitigate the racing issue but are\n"
      "obsolete now.\n"
      "\n"
      "Reviewed-by: Z\n"
      "Refs: #123\n");
  CHECK(m.conventional);
  CHECK(m.type == "fix");
  CHECK(m.body ==
        "Introduce a request id and a reference to latest request. Dismiss\n"
        "incoming responses other than from latest request.\n"
        "\n"
        "Remove timeouts which were used to mitigate the racing issue but are\n"
        "obsolete now.");
  CHECK(m.body_line == 3);
  CHECK(m.body_leading_blank);
  CHECK(footers(m) == std::vector<std::string>{"Reviewed-by|: |Z", "Refs|: |#123"});
  CHECK(m.footers[0].line == 9);
  CHECK(m.footers[1].line == 10);
  CHECK(m.footer_text == "Reviewed-by: Z\nRefs: #123");
  CHECK_FALSE(m.breaking);
}

TEST_CASE("commit: spec example of a revert with Refs") {
  Message m = parse("revert: let us never again speak of the noodle incident\n\nRefs: 676104e, a215868\n");
  CHECK(m.conventional);
  CHECK(m.type == "revert");
  CHECK(m.is_revert);
  CHECK(m.reverted == "676104e");
  CHECK(footers(m) == std::vector<std::string>{"Refs|: |676104e, a215868"});
}

TEST_CASE("commit: headers that are not type(scope): description") {
  check_not_conventional("fix:", "description is empty");
  check_not_conventional("fix:  ", "description is empty");
  check_not_conventional("fix:x", "expected a space after ':'");
  check_not_conventional("fix:\tx", "expected a space after ':'");
  check_not_conventional("feat-x: y", "expected '(scope)', '!' or ': ' after 'feat'");
  check_not_conventional("Update readme", "expected '(scope)', '!' or ': ' after 'Update'");
  check_not_conventional("WIP", "expected '(scope)', '!' or ': ' after 'WIP'");
  check_not_conventional("feat (api): x", "expected '(scope)', '!' or ': ' after 'feat'");
  check_not_conventional("feat(api: x", "scope is not closed with ')'");
  check_not_conventional("feat((api)): x", "scope may not contain '('");
  check_not_conventional("feat(a)(b): x", "expected '!' or ': ' after 'feat(a)'");
  check_not_conventional("feat(api) : x", "expected '!' or ': ' after 'feat(api)'");
  check_not_conventional("feat!!: x", "expected ': ' after 'feat!'");
  check_not_conventional("feat! x", "expected ': ' after 'feat!'");
  check_not_conventional(": x", "header does not start with a type");
  check_not_conventional("(api): x", "header does not start with a type");
  check_not_conventional("\xF0\x9F\x8E\x89 initial commit", "header does not start with a type");
  check_not_conventional("f\xC3\xA9" "at: x", "expected '(scope)', '!' or ': ' after 'f'");
}

TEST_CASE("commit: a long header is shortened when quoted back") {
  check_not_conventional(std::string(200, 'w') + " x", "expected '(scope)', '!' or ': ' after '" + std::string(57, 'w') +
                                                           "...'");
}

TEST_CASE("commit: types and scopes that parse") {
  Message upper = parse("FIX: x");  // case is the type-case rule's business
  CHECK(upper.conventional);
  CHECK(upper.type == "FIX");

  Message word = parse("my_type2: x");
  CHECK(word.conventional);
  CHECK(word.type == "my_type2");

  Message spaced = parse("feat(my scope/sub, other): x");
  CHECK(spaced.conventional);
  CHECK(spaced.scope == "my scope/sub, other");

  Message extra = parse("feat:   x  y");
  CHECK(extra.conventional);
  CHECK(extra.description == "x  y");

  Message colon = parse("fix(ci): run on: push");
  CHECK(colon.description == "run on: push");

  Message unicode = parse("docs: d\xC3\xA9" "crire l'\xC3\xA9tat");
  CHECK(unicode.conventional);
  CHECK(unicode.description == "d\xC3\xA9" "crire l'\xC3\xA9tat");
}

TEST_CASE("commit: whitespace around the header is kept but not parsed") {
  Message m = parse("  feat: x  \n");
  CHECK(m.conventional);
  CHECK(m.header == "  feat: x  ");
  CHECK(m.type == "feat");
  CHECK(m.description == "x");
}

TEST_CASE("commit: CRLF line ends") {
  Message m = parse("fix(io): read CRLF\r\n\r\nA body line.\r\n\r\nRefs: #7\r\nBREAKING CHANGE: gone\r\n");
  CHECK(m.conventional);
  CHECK(m.header == "fix(io): read CRLF");
  CHECK(m.description == "read CRLF");
  CHECK(m.body == "A body line.");
  CHECK(footers(m) == std::vector<std::string>{"Refs|: |#7", "BREAKING CHANGE|: |gone"});
  CHECK(m.breaking);
}

TEST_CASE("commit: empty messages") {
  for (const char* text : {"", "\n", "\n\n   \n\t\n", "\r\n"}) {
    Message m = parse(text);
    CHECK_FALSE(m.conventional);
    CHECK(m.problem == "message is empty");
    CHECK(m.header.empty());
    CHECK(m.header_line == 0);
  }
}

TEST_CASE("commit: leading blank lines are skipped") {
  Message m = parse("\n\nfeat: x\n\nbody\n");
  CHECK(m.header == "feat: x");
  CHECK(m.header_line == 3);
  CHECK(m.body_line == 5);
}

TEST_CASE("commit: a breaking-change note is read in any case, as conventional-commits-parser does") {
  Message lower = parse("feat: x\n\nbreaking change: y\n");
  CHECK(lower.breaking);
  CHECK(lower.breaking_description == "y");
  CHECK(lower.body == "breaking change: y");  // a footer token has no space: still the body
  CHECK(lower.footers.empty());

  Message mixed = parse("feat: x\n\nBreaking-Change: y\n");
  CHECK(mixed.breaking);
  CHECK(footers(mixed) == std::vector<std::string>{"Breaking-Change|: |y"});

  Message dash = parse("feat: x\n\nBREAKING-CHANGE: y\n");
  CHECK(dash.breaking);
  CHECK(dash.breaking_description == "y");

  // The parser's note needs the colon.
  Message hash = parse("feat: x\n\nBREAKING CHANGE #12\n");
  CHECK_FALSE(hash.breaking);
  CHECK(hash.footers.empty());
  CHECK_FALSE(parse("feat: x\n\nBREAKING CHANGES: plural is no keyword\n").breaking);
}

TEST_CASE("commit: a note runs on over paragraphs until a footer token line") {
  Message m = parse("feat: x\n\nBREAKING CHANGE: the flag is gone.\n\nExplain the migration.\n");
  CHECK(m.breaking);
  CHECK(m.notes == std::vector<std::string>{"the flag is gone.\n\nExplain the migration."});
  Message ended = parse("fix: y\n\nbody\n* BREAKING CHANGE: a\nmore\nReviewed-by: Z\nafter\n");
  CHECK(ended.notes == std::vector<std::string>{"a\nmore"});
  Message two = parse("fix: y\n\nBREAKING CHANGE: a\nBREAKING-CHANGE: b\n");
  CHECK(two.notes == std::vector<std::string>{"a", "b"});
  // After a field line (`-hash-`), the parser reads no more notes.
  CHECK_FALSE(parse("fix: y\n\n-hash-\nBREAKING CHANGE: a\n").breaking);
}

TEST_CASE("commit: a revert as semantic-release's parser sees it") {
  Message git = parse("Revert \"feat: x\"\n\nThis reverts commit 1234567890abcdef1234567890abcdef12345678.\n");
  CHECK(git.revert_header == "feat: x");
  CHECK(git.revert_hash == "1234567890abcdef1234567890abcdef12345678");
  Message forge = parse("Revert \"chore(deps): update x\" (#2682)\n\nThis reverts commit abcdef1.\n");
  CHECK(forge.revert_header == "chore(deps): update x\" (#2682)");
  CHECK(forge.revert_hash == "abcdef1");
  Message typed = parse("revert: fix: y\n\nthis reverts commit abcdef1234\n");
  CHECK(typed.revert_header == "fix: y");
  CHECK(typed.revert_hash == "abcdef1234");
  CHECK(parse("Revert \"feat: x\"\n\nThis reverts commit abc.\n").revert_hash.empty());  // under 7
  CHECK(parse("Revert \"feat: x\"\n").revert_hash.empty());
  CHECK(parse("revert: drop x\n\nRefs: 1234567\n").revert_hash.empty());
  CHECK(parse("fix: Revert \"x\"\n\nThis reverts commit 1234567.\n").revert_hash.empty());
}

TEST_CASE("commit: a breaking footer on a header that is not conventional still counts") {
  Message m = parse("Update readme\n\nBREAKING CHANGE: y\n");
  CHECK_FALSE(m.conventional);
  CHECK(m.breaking);
}

TEST_CASE("commit: footer values run over several lines until the next token") {
  Message m = parse(
      "feat: x\n"
      "\n"
      "BREAKING CHANGE: the old flag is gone;\n"
      "use --new instead, which also\n"
      "  covers the old case.\n"
      "Refs #42\n");
  CHECK(footers(m) == std::vector<std::string>{
                          "BREAKING CHANGE|: |the old flag is gone;\nuse --new instead, which also\n  covers the old case.",
                          "Refs| #|42"});
  CHECK(m.breaking_description == "the old flag is gone;\nuse --new instead, which also\n  covers the old case.");
}

TEST_CASE("commit: a breaking footer may start its text on the next line") {
  Message m = parse("feat: x\n\nBREAKING CHANGE:\nthe config format changed\n");
  CHECK(m.breaking);
  CHECK(m.breaking_description == "the config format changed");
}

TEST_CASE("commit: git trailers are footers, unlike in commitlint") {
  Message m = parse("fix: x\n\nBody.\n\nSigned-off-by: A U Thor <a@example.com>\nReviewed-by: Z\nCloses #12\n");
  CHECK(m.body == "Body.");
  CHECK(footers(m) == std::vector<std::string>{"Signed-off-by|: |A U Thor <a@example.com>", "Reviewed-by|: |Z",
                                               "Closes| #|12"});
}

TEST_CASE("commit: an issue reference inside the body does not start the footers") {
  Message m = parse("fix: x\n\nThis fixes the crash, see issue #1234 for the\ndetails.\n");
  CHECK(m.body == "This fixes the crash, see issue #1234 for the\ndetails.");
  CHECK(m.footers.empty());
}

TEST_CASE("commit: lines that only look like footers stay in the body") {
  CHECK(parse("docs: x\n\nUsage:\n  keel lint\n").footers.empty());          // no value after ':'
  CHECK(parse("docs: x\n\nhttps://example.com/a\n").footers.empty());        // no space after ':'
  CHECK(parse("docs: x\n\nToken:value\n").footers.empty());
  CHECK(parse("docs: x\n\nSnake_case: v\n").footers.empty());              // '_' is not a token character
  CHECK(parse("docs: x\n\n-dash: v\n").footers.empty());
  CHECK(parse("docs: x\n\nRefs # 12\n").footers.empty());
  CHECK(parse("docs: x\n\nTwo words: v\n").footers.empty());
}

TEST_CASE("commit: the footer block is the trailing run of token paragraphs") {
  Message two = parse("feat: x\n\nbody\n\nRefs: #1\n\nSigned-off-by: A\n");
  CHECK(two.body == "body");
  CHECK(footers(two) == std::vector<std::string>{"Refs|: |#1", "Signed-off-by|: |A"});
  CHECK(two.footer_text == "Refs: #1\n\nSigned-off-by: A");

  Message interrupted = parse("feat: x\n\nRefs: #1\n\nsome text\n\nAcked-by: B\n");
  CHECK(interrupted.body == "Refs: #1\n\nsome text");
  CHECK(footers(interrupted) == std::vector<std::string>{"Acked-by|: |B"});
  CHECK(interrupted.footer_line == 7);

  Message only = parse("feat: x\n\nRefs: #1\n");
  CHECK(only.body.empty());
  CHECK(only.body_line == 0);
  CHECK(footers(only) == std::vector<std::string>{"Refs|: |#1"});
}

TEST_CASE("commit: body and footers without the blank line") {
  Message body = parse("feat: x\nbody right under\n\nRefs: #1\n");
  CHECK(body.conventional);
  CHECK(body.body == "body right under");
  CHECK(body.body_line == 2);
  CHECK_FALSE(body.body_leading_blank);
  CHECK(body.footer_leading_blank);

  Message footer = parse("feat: x\nRefs: #1\n");
  CHECK(footer.body.empty());
  CHECK(footers(footer) == std::vector<std::string>{"Refs|: |#1"});
  CHECK(footer.footer_line == 2);
  CHECK_FALSE(footer.footer_leading_blank);

  Message mixed = parse("feat: x\nbody\nRefs: #1\n");  // one paragraph that does not start with a token
  CHECK(mixed.body == "body\nRefs: #1");
  CHECK(mixed.footers.empty());
}

TEST_CASE("commit: merge messages") {
  for (const char* header : {"Merge branch 'feature'", "Merge branch 'feature' into main",
                             "Merge branches 'a' and 'b'", "Merge remote-tracking branch 'origin/main'",
                             "Merge tag 'v1.2.0'", "Merge commit 'abc1234'", "Merge pull request #12 from me/topic",
                             "Merge feature/x into main", "Merged in feature/x (pull request #5)",
                             "Merged PR 42: add x", "Automatic merge from release/1.0 -> main",
                             "Auto-merged feature into main"}) {
    INFO(header);
    Message m = parse(std::string(header) + "\n\n* topic:\n  feat: x\n");
    CHECK(m.is_merge);
    CHECK_FALSE(m.conventional);
  }
  for (const char* header : {"Merge sort for the index", "merge: x", "feat: Merge branch handling", "Merged"}) {
    INFO(header);
    CHECK_FALSE(parse(header).is_merge);
  }
}

TEST_CASE("commit: git revert messages") {
  Message m = parse(
      "Revert \"feat: add x\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n");
  CHECK(m.is_revert);
  CHECK_FALSE(m.conventional);
  CHECK(m.reverted == "0123456789abcdef0123456789abcdef01234567");

  Message reapply = parse("Reapply \"feat: add x\"\n\nThis reverts commit abc1234.\n");
  CHECK(reapply.is_revert);
  CHECK(reapply.reverted == "abc1234");

  Message typed = parse("revert: feat: add x\n\nThis reverts commit deadbeef.\n");
  CHECK(typed.conventional);
  CHECK(typed.is_revert);
  CHECK(typed.reverted == "deadbeef");

  Message refs = parse("revert(api): undo x\n\nRefs: not-a-sha\n");
  CHECK(refs.is_revert);
  CHECK(refs.reverted.empty());

  CHECK_FALSE(parse("feat: revert button\n\nRefs: 676104e\n").is_revert);
  // As commitlint's default ignores: either case of the first letter.
  CHECK(parse("revert the last change\n").is_revert);
  CHECK(parse("reapply the last change\n").is_revert);
  CHECK_FALSE(parse("Reverted x\n").is_revert);
  CHECK(parse("feat: revert button\n\nRefs: 676104e\n").reverted.empty());
}

TEST_CASE("commit: fixup!, squash! and amend! messages") {
  Message fixup = parse("fixup! feat: add x");
  CHECK(fixup.is_fixup);
  CHECK_FALSE(fixup.conventional);
  CHECK(parse("squash! feat: add x\n\nmore").is_squash);
  CHECK(parse("amend! feat: add x\n\nfeat: add x properly").is_amend);
  CHECK(parse("fixup! fixup! feat: add x").is_fixup);
  CHECK_FALSE(parse("fixup!feat: x").is_fixup);
  CHECK_FALSE(parse("fix: fixup! x").is_fixup);
}

TEST_CASE("commit: headers that only name a version") {
  for (const char* header : {"1.2.3", "v1.2.3", "1.0.0-rc.1+build.5", "chore: 1.2.3", "chore(release): v1.2.3",
                             "chore: 1.2.3 [skip ci]", "2.0.0 released"})
    CHECK_MESSAGE(is_version_header(header), header);
  for (const char* header : {"", "1.2", "01.2.3", "vv1.2.3", "feat: 1.2.3", "chore 1.2.3", "chore(x: 1.2.3",
                             "chore: bump to 1.2.3", "release 1.2.3"})
    CHECK_MESSAGE(!is_version_header(header), header);
  CHECK(parse("1.2.3\n").is_version);
  CHECK_FALSE(parse("fix: 1.2.3\n").is_version);
}
