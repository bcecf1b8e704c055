// git's cleanup of an edited message (comments, scissors, whitespace) and
// the comment prefix taken from core.commentChar.
#include <doctest/doctest.h>

#include "commit/cleanup.hpp"
#include "support.hpp"

using namespace keel::commit;

TEST_CASE("commit cleanup: comments and git's template lines go") {
  std::string raw =
      "feat: add x\n"
      "# Please enter the commit message for your changes. Lines starting\n"
      "# with '#' will be ignored, and an empty message aborts the commit.\n"
      "\n"
      "Body.\n"
      "#\n"
      "# On branch main\n";
  CHECK(cleanup(raw, "#") == "feat: add x\n\nBody.\n");
}

TEST_CASE("commit cleanup: only lines starting with the prefix are comments") {
  CHECK(cleanup("fix: x\n\n # indented is text\nissue #1\n", "#") == "fix: x\n\n # indented is text\nissue #1\n");
}

TEST_CASE("commit cleanup: everything from the scissors line down goes") {
  std::string raw =
      "fix: x\n"
      "\n"
      "# ------------------------ >8 ------------------------\n"
      "# Do not modify or remove the line above.\n"
      "diff --git a/f b/f\n"
      "+added line\n";
  CHECK(cleanup(raw, "#") == "fix: x\n");
  // Not quite the scissors line: a comment like any other.
  CHECK(cleanup("fix: x\n# ----------- >8 -----------\nkept\n", "#") == "fix: x\nkept\n");
  CHECK(cleanup("fix: x\n# ------------------------ >8 ------------------------\r\ndiff\n", "#") == "fix: x\n");
}

TEST_CASE("commit cleanup: trailing whitespace, blank runs, leading and trailing blank lines") {
  CHECK(cleanup("\n\n  \nfeat: x   \n\n\n\nbody\t\n\n\n", "#") == "feat: x\n\nbody\n");
  CHECK(cleanup("feat: x", "#") == "feat: x\n");
  CHECK(cleanup("  feat: x", "#") == "  feat: x\n");  // leading spaces stay: header-trim reports them
}

TEST_CASE("commit cleanup: CRLF becomes LF") {
  CHECK(cleanup("feat: x\r\n\r\nbody\r\n# comment\r\n", "#") == "feat: x\n\nbody\n");
}

TEST_CASE("commit cleanup: an empty or comment-only message becomes empty") {
  CHECK(cleanup("", "#").empty());
  CHECK(cleanup("\n\n", "#").empty());
  CHECK(cleanup("# only\n# comments\n", "#").empty());
  CHECK(cleanup("# ------------------------ >8 ------------------------\nfeat: x\n", "#").empty());
}

TEST_CASE("commit cleanup: a custom comment character") {
  std::string raw =
      "feat: x\n"
      "# a heading, kept\n"
      "; git's template line\n"
      "; ------------------------ >8 ------------------------\n"
      "diff\n";
  CHECK(cleanup(raw, ";") == "feat: x\n# a heading, kept\n");
}

TEST_CASE("commit cleanup: a comment string of several characters") {
  CHECK(cleanup("feat: x\n// note\n/ kept\n", "//") == "feat: x\n/ kept\n");
  CHECK(cleanup("feat: x\n// ------------------------ >8 ------------------------\nrest\n", "//") == "feat: x\n");
}

TEST_CASE("commit cleanup: no prefix keeps comment lines and scissors") {
  CHECK(cleanup("feat: x  \n\n# Heading\n# ------------------------ >8 ------------------------\n", "") ==
        "feat: x\n\n# Heading\n# ------------------------ >8 ------------------------\n");
}

TEST_CASE("commit cleanup: the comment prefix from core.commentChar") {
  CHECK(comment_prefix(std::nullopt) == "#");
  CHECK(comment_prefix(std::string("")) == "#");
  CHECK(comment_prefix(std::string("auto")) == "#");
  CHECK(comment_prefix(std::string(";")) == ";");
  CHECK(comment_prefix(std::string("//")) == "//");
  CHECK(comment_prefix(std::string("\xC2\xA7")) == "\xC2\xA7");
  CHECK(comment_prefix(std::string("a\nb")) == "#");
}
