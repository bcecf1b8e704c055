// File contents between the index and the work tree (git/files.hpp), and
// hiding unstaged changes with them (hooks/backup.hpp).

#include "git/files.hpp"
#include "git/status.hpp"
#include "git_support.hpp"
#include "hooks/backup.hpp"

using namespace keel;
using namespace keel::test;

namespace {

std::string show(const std::filesystem::path& dir, const std::string& path) { return sh(dir, "git show :" + path); }

}  // namespace

TEST_CASE("git files: differing_from_index looks at the given files only and trusts stat data only when safe") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "same.txt", "aaaa\n", "first");
  git_commit_file(dir.path(), "other.txt", "x\n", "second");
  dir.write("same.txt", "bbbb\n");
  sh(dir.path(), "git add same.txt");
  auto repo = open_repo(dir.path());
  CHECK(must(git::differing_from_index(repo, {"same.txt", "other.txt"})).empty());
  // Same size, written right after the index: only its bytes can tell.
  dir.write("same.txt", "cccc\n");
  dir.write("other.txt", "y\n");
  CHECK(must(git::differing_from_index(repo, {"same.txt"})) == std::vector<std::string>{"same.txt"});
  // Touched but unchanged is not a difference.
  dir.write("same.txt", "bbbb\n");
  CHECK(must(git::differing_from_index(repo, {"same.txt"})).empty());
  std::filesystem::remove(dir / "same.txt");
  CHECK(must(git::differing_from_index(repo, {"same.txt", "missing"})) == std::vector<std::string>{"same.txt"});
}

TEST_CASE("git files: checkout_content applies core.autocrlf as checkout would") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "a.txt", "one\ntwo\n", "first");
  sh(dir.path(), "git config core.autocrlf true");
  auto repo = open_repo(dir.path());
  auto entries = must(git::index_entries(repo));
  REQUIRE(entries.size() == 1);
  CHECK(must(git::checkout_content(repo, entries[0].id, "a.txt")) == "one\r\ntwo\r\n");
}

TEST_CASE("git files: merge_text merges separate changes and reports overlapping ones") {
  std::string base = "1\n2\n3\n4\n5\n6\n7\n";
  auto clean = must(git::merge_text(base, "1 ours\n2\n3\n4\n5\n6\n7\n", "1\n2\n3\n4\n5\n6\n7 theirs\n"));
  CHECK(clean.clean);
  CHECK(clean.text == "1 ours\n2\n3\n4\n5\n6\n7 theirs\n");
  auto conflict = must(git::merge_text(base, "1 ours\n2\n3\n4\n5\n6\n7\n", "1 theirs\n2\n3\n4\n5\n6\n7\n"));
  CHECK_FALSE(conflict.clean);
}

TEST_CASE("git files: use_index_file reads the temporary index git commit -a gives hooks") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "a.txt", "a\n", "first");
  dir.write("a.txt", "changed\n");
  sh(dir.path(), "cp .git/index ../tmp-index && GIT_INDEX_FILE=../tmp-index git add a.txt");
  auto repo = open_repo(dir.path());
  CHECK(must(git::staged_changes(repo)).empty());
  REQUIRE(git::use_index_file(repo, dir.path().parent_path() / "tmp-index").ok());
  auto staged = must(git::staged_changes(repo));
  REQUIRE(staged.size() == 1);
  CHECK(staged[0].path == "a.txt");
  std::filesystem::remove(dir.path().parent_path() / "tmp-index");
}

TEST_CASE("hooks backup: hide shows the staged bytes, restore puts the user's back") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "f.txt", "1\n2\n3\n4\n5\n6\n7\n", "first");
  dir.write("f.txt", "1 staged\n2\n3\n4\n5\n6\n7\n");
  sh(dir.path(), "git add f.txt");
  dir.write("f.txt", "1 staged\n2\n3\n4\n5\n6\n7 unstaged\n");
  auto repo = open_repo(dir.path());
  auto hidden = must(hooks::Backup::hide(repo, {"f.txt"}));
  REQUIRE(hidden.has_value());
  CHECK(read_text(dir / "f.txt") == "1 staged\n2\n3\n4\n5\n6\n7\n");
  CHECK(std::filesystem::exists(hooks::Backup::directory(repo) / "manifest"));

  SUBCASE("untouched") {
    auto report = must(hidden->restore());
    CHECK(report.merged.empty());
    CHECK(report.conflicted.empty());
    CHECK(read_text(dir / "f.txt") == "1 staged\n2\n3\n4\n5\n6\n7 unstaged\n");
    CHECK_FALSE(std::filesystem::exists(hooks::Backup::directory(repo)));
  }
  SUBCASE("rewritten apart from the unstaged lines") {
    dir.write("f.txt", "1 STAGED\n2\n3\n4\n5\n6\n7\n");
    auto report = must(hidden->restore());
    CHECK(report.merged == std::vector<std::string>{"f.txt"});
    CHECK(read_text(dir / "f.txt") == "1 STAGED\n2\n3\n4\n5\n6\n7 unstaged\n");
  }
  SUBCASE("rewritten where the unstaged lines are") {
    dir.write("f.txt", "1 staged\n2\n3\n4\n5\n6\n7 fmt\n");
    auto report = must(hidden->restore());
    CHECK(report.conflicted == std::vector<std::string>{"f.txt"});
    REQUIRE(report.kept_backup.has_value());
    CHECK(read_text(*report.kept_backup / "0.rewrite") == "1 staged\n2\n3\n4\n5\n6\n7 fmt\n");
    CHECK(read_text(dir / "f.txt") == "1 staged\n2\n3\n4\n5\n6\n7 unstaged\n");
  }
  SUBCASE("recovered after a crash") {
    auto report = must(hooks::recover(repo));
    REQUIRE(report.has_value());
    CHECK(report->merged == std::vector<std::string>{"f.txt"});
    CHECK(read_text(dir / "f.txt") == "1 staged\n2\n3\n4\n5\n6\n7 unstaged\n");
    CHECK_FALSE(must(hooks::recover(repo)).has_value());
  }
  CHECK(show(dir.path(), "f.txt") == "1 staged\n2\n3\n4\n5\n6\n7\n");
}

TEST_CASE("hooks backup: a backup without its manifest was never used") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "f.txt", "x\n", "first");
  auto repo = open_repo(dir.path());
  std::filesystem::create_directories(hooks::Backup::directory(repo));
  dir.write(".git/keel/unstaged/0.work", "half written");
  CHECK_FALSE(must(hooks::recover(repo)).has_value());
  CHECK_FALSE(std::filesystem::exists(hooks::Backup::directory(repo)));
  CHECK(read_text(dir / "f.txt") == "x\n");
}
