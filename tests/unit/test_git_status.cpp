// The index, staged and unstaged changes and untracked files, compared with
// git's -z output so that odd file names are compared byte for byte.

#include <algorithm>

#include "git/status.hpp"
#include "git_support.hpp"

using namespace keel;
using namespace keel::test;

namespace {

const std::string k_newline_name = "new\nline";
const std::string k_latin1_name = "caf\xe9 menu";  // not UTF-8
const std::string k_quoted_name = "it's a \"file\".txt";

// "M path", "R100 old new"... as git diff --name-status -z prints them,
// similarity scores dropped.
std::vector<std::string> git_name_status(const std::filesystem::path& dir, const std::string& args) {
  auto fields = split(sh(dir, "git diff --name-status -z " + args), '\0');
  std::vector<std::string> out;
  for (std::size_t i = 0; i < fields.size();) {
    char letter = fields[i][0];
    if (letter == 'R' || letter == 'C') {
      out.push_back(std::string(1, letter) + " " + fields[i + 1] + " -> " + fields[i + 2]);
      i += 3;
    } else {
      out.push_back(std::string(1, letter) + " " + fields[i + 1]);
      i += 2;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

char letter(git::ChangeKind kind) {
  switch (kind) {
    case git::ChangeKind::added: return 'A';
    case git::ChangeKind::modified: return 'M';
    case git::ChangeKind::deleted: return 'D';
    case git::ChangeKind::renamed: return 'R';
    case git::ChangeKind::type_changed: return 'T';
    case git::ChangeKind::conflicted: return 'U';
  }
  return '?';
}

std::vector<std::string> name_status(const std::vector<git::Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) {
    if (c.kind == git::ChangeKind::renamed)
      out.push_back("R " + c.old_path + " -> " + c.path);
    else
      out.push_back(std::string(1, letter(c.kind)) + " " + c.path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const git::Change* find(const std::vector<git::Change>& changes, const std::string& path) {
  for (const auto& c : changes)
    if (c.path == path) return &c;
  return nullptr;
}

// A repository with one commit and then every kind of change.
void make_changes(const TempDir& dir) {
  git_init(dir.path());
  for (const char* f : {"keep", "modify", "remove", "partial", "link", "gone-from-worktree"})
    dir.write(f, std::string(f) + "\n");
  dir.write("old-name", "content long enough for rename detection to pair it\n");
  sh(dir.path(), "git add . && git commit -q -m base");
  dir.write("modify", "changed\n");
  dir.write("partial", "staged\n");
  sh(dir.path(), "git add modify partial && git rm -q remove && git mv old-name new-name && "
                 "rm link && ln -s keep link && git add link");
  dir.write("partial", "staged\nand then not\n");  // partially staged
  dir.write(k_newline_name, "x\n");
  dir.write(k_latin1_name, "y\n");
  dir.write(k_quoted_name, "z\n");
  sh(dir.path(), "git add -A -- 'new*' 'caf*' 'it*' && rm gone-from-worktree");
  dir.write("ita", "intent\n");
  dir.write("ita-empty", "");
  sh(dir.path(), "git add -N ita ita-empty");
  dir.write("untracked dir/inner", "u\n");
  dir.write("untracked", "u\n");
  dir.write("untracked \xfe\nodd", "u\n");
  dir.write(".gitignore", "*.log\n");
  dir.write("ignored.log", "i\n");
}

}  // namespace

TEST_CASE("git: staged, unstaged, untracked, partially staged and intent-to-add, compared with git") {
  TempDir dir;
  make_changes(dir);
  auto repo = open_repo(dir.path());

  auto staged = must(git::staged_changes(repo));
  CHECK(name_status(staged) == git_name_status(dir.path(), "--cached"));
  auto unstaged = must(git::unstaged_changes(repo));
  CHECK(name_status(unstaged) == git_name_status(dir.path(), ""));
  auto untracked = must(git::untracked_files(repo));
  CHECK(untracked == split(sh(dir.path(), "git ls-files -z --others --exclude-standard"), '\0'));

  auto rename = find(staged, "new-name");
  REQUIRE(rename);
  CHECK(rename->kind == git::ChangeKind::renamed);
  CHECK(rename->old_path == "old-name");
  CHECK(find(staged, "link")->kind == git::ChangeKind::type_changed);
  CHECK(find(staged, "link")->new_mode == 0120000);
  CHECK(find(staged, "remove")->kind == git::ChangeKind::deleted);
  CHECK(find(staged, k_newline_name)->kind == git::ChangeKind::added);
  CHECK(find(staged, k_latin1_name));
  CHECK(find(staged, k_quoted_name));
  CHECK_FALSE(find(staged, "ita"));  // intent-to-add is not staged
  CHECK(find(unstaged, "ita")->kind == git::ChangeKind::added);
  CHECK(find(unstaged, "ita-empty")->kind == git::ChangeKind::added);
  CHECK(find(unstaged, "gone-from-worktree")->kind == git::ChangeKind::deleted);

  auto state = must(git::working_state(repo));
  CHECK(name_status(state.staged) == name_status(staged));
  CHECK(name_status(state.unstaged) == name_status(unstaged));
  CHECK(state.untracked == untracked);
  CHECK(state.partially_staged == std::vector<std::string>{"partial"});
  CHECK(state.intent_to_add == std::vector<std::string>{"ita", "ita-empty"});
}

TEST_CASE("git: index entries compared with git ls-files --stage") {
  TempDir dir;
  make_changes(dir);
  auto repo = open_repo(dir.path());
  std::vector<std::string> ours;
  for (const auto& e : must(git::index_entries(repo))) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%06o", e.mode);
    ours.push_back(std::string(mode) + " " + e.id.hex() + " " + std::to_string(e.stage) + "\t" + e.path);
    CHECK(e.intent_to_add == (e.path == "ita" || e.path == "ita-empty"));
  }
  CHECK(ours == split(sh(dir.path(), "git ls-files -z --stage"), '\0'));
}

TEST_CASE("git: status on an unborn branch stages everything as added") {
  TempDir dir;
  git_init(dir.path());
  dir.write("a", "1\n");
  dir.write("dir/b", "2\n");
  sh(dir.path(), "git add a dir/b");
  dir.write("a", "changed\n");
  auto repo = open_repo(dir.path());
  auto state = must(git::working_state(repo));
  CHECK(name_status(state.staged) == std::vector<std::string>{"A a", "A dir/b"});
  CHECK(name_status(state.staged) == git_name_status(dir.path(), "--cached"));
  CHECK(name_status(state.unstaged) == std::vector<std::string>{"M a"});
  CHECK(state.partially_staged == std::vector<std::string>{"a"});
}

TEST_CASE("git: a staged submodule is flagged") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "f", "1\n", "base");
  git_init_dir(dir / "sub");
  git_commit_file(dir / "sub", "s", "1\n", "sub base");
  sh(dir.path(), "git -c advice.addEmbeddedRepo=false add sub");
  auto repo = open_repo(dir.path());
  auto staged = must(git::staged_changes(repo));
  REQUIRE(staged.size() == 1);
  CHECK(staged[0].path == "sub");
  CHECK(staged[0].submodule);
  CHECK(staged[0].new_mode == git::k_mode_submodule);
  CHECK(staged[0].new_id == oid(sh(dir / "sub", "git rev-parse HEAD")));
  auto entries = must(git::index_entries(repo));
  CHECK(std::count_if(entries.begin(), entries.end(), [](auto& e) { return e.is_submodule(); }) == 1);
}

TEST_CASE("git: a merge conflict shows as conflicted") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "f", "base\n", "base");
  sh(dir.path(), "git checkout -q -b other");
  git_commit_file(dir.path(), "f", "other\n", "other");
  sh(dir.path(), "git checkout -q main");
  git_commit_file(dir.path(), "f", "main\n", "main");
  sh(dir.path(), "git merge -q other >/dev/null 2>&1 || true");
  auto repo = open_repo(dir.path());
  auto staged = must(git::staged_changes(repo));
  REQUIRE(staged.size() == 1);
  CHECK(staged[0].kind == git::ChangeKind::conflicted);
  auto entries = must(git::index_entries(repo));
  CHECK(entries.size() == 3);  // stages 1, 2 and 3
}

TEST_CASE("git: a bare repository has no status") {
  TempDir dir;
  sh(dir.path(), "git init -q --bare b.git");
  auto repo = open_repo(dir / "b.git");
  auto staged = git::staged_changes(repo);
  REQUIRE_FALSE(staged.ok());
  CHECK(staged.error().message == "repository " + quote((dir / "b.git").string()) + " has no work tree");
}
