// Templates in hook commands: shell quoting, expansion and batching.
#include <doctest/doctest.h>

#include "hooks/template.hpp"
#include "support.hpp"

using namespace keel::hooks;

TEST_CASE("hooks template: shell quoting") {
  CHECK(shell_quote("a.txt") == "a.txt");
  CHECK(shell_quote("dir/x-y_z.c") == "dir/x-y_z.c");
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("$(rm -rf /)") == "'$(rm -rf /)'");
  CHECK(shell_quote("new\nline") == "'new\nline'");
  CHECK(shell_quote("caf\xe9") == "'caf\xe9'");
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("-n") == "-n");
}

TEST_CASE("hooks template: the file templates a command uses, in order") {
  CHECK(file_templates("eslint {staged_files}") == std::vector<FileSet>{FileSet::staged});
  CHECK(file_templates("x {files} {all_files} {files}") == std::vector<FileSet>{FileSet::files, FileSet::all});
  CHECK(file_templates("echo ${HOME} {1}").empty());
}

TEST_CASE("hooks template: expansion") {
  Expansion v;
  v.files[FileSet::staged] = {"a.txt", "b c.txt"};
  v.args = {".git/COMMIT_EDITMSG", "message"};
  CHECK(expand("lint {staged_files}", v) == "lint a.txt 'b c.txt'");
  CHECK(expand("keel commit lint {1}", v) == "keel commit lint .git/COMMIT_EDITMSG");
  CHECK(expand("x {0}", v) == "x .git/COMMIT_EDITMSG message");
  CHECK(expand("x {3}", v) == "x ");  // an argument git did not pass is empty
  CHECK(expand("echo ${HOME} {unknown} {", v) == "echo ${HOME} {unknown} {");
  CHECK(expand("x {all_files}", v) == "x ");
  v.files[FileSet::all] = {"-rf", "a/-b"};
  CHECK(expand("rm {all_files}", v) == "rm ./-rf a/-b");  // never an option
}

TEST_CASE("hooks template: batches fit the limit and keep every file once, in order") {
  Expansion v;
  for (int i = 0; i < 100; ++i) v.files[FileSet::staged].push_back("file-" + std::to_string(i) + ".txt");
  v.args = {"x"};
  auto batches = expand_batched("lint {staged_files} --arg {1}", v, FileSet::staged, 200);
  REQUIRE(batches);
  CHECK(batches->size() > 1);
  std::string all;
  for (const auto& b : *batches) {
    CHECK(b.size() <= 200);
    CHECK(b.rfind("lint ", 0) == 0);
    CHECK(b.size() >= 9);
    CHECK(b.substr(b.size() - 8) == " --arg x");
    all += b.substr(5, b.size() - 13) + " ";
  }
  std::string expected;
  for (int i = 0; i < 100; ++i) expected += "file-" + std::to_string(i) + ".txt ";
  CHECK(all == expected);
}

TEST_CASE("hooks template: no files still gives one run; a name longer than the limit none") {
  Expansion v;
  auto one = expand_batched("true {files}", v, FileSet::files, 100);
  REQUIRE(one);
  CHECK(*one == std::vector<std::string>{"true "});
  v.files[FileSet::files] = {std::string(200, 'x')};
  CHECK_FALSE(expand_batched("true {files}", v, FileSet::files, 100));
}

TEST_CASE("hooks template: the command line budget") {
  CHECK(command_line_limit(0) <= 32 * 4096 - 1);
  CHECK(command_line_limit(0) > 4096);
  CHECK(command_line_limit(1u << 30) == 0);
  CHECK(environment_size({"A=b", "PATH=/bin"}) == 4 + 10 + 2 * sizeof(char*));
}
