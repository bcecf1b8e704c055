// The index, staged and unstaged changes and untracked files, compared with
// git's -z output so that odd file names are compared byte for byte.

#include <algorithm>
#include <iterator>
#include <random>

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

namespace {

// A tree three levels deep in which most directories stay as committed.
void make_nested_changes(const TempDir& dir) {
  git_init(dir.path());
  for (const char* d : {"a", "a/x", "a/y", "b", "b/x", "c", "d", "e/f/g"})
    for (const char* f : {"1", "2", "3"}) dir.write(std::string(d) + "/" + f, std::string(d) + f + "\n");
  dir.write("top", "top\n");
  dir.write("file-then-dir", "file\n");
  dir.write("dir-then-file/inner", "inner\n");
  dir.write("c/moved", "content long enough for rename detection to pair it\n");
  // Files as new as the index are racily clean to git: git add hashes them
  // again and drops the tree cache of their directories.
  sh(dir.path(), "find . -path ./.git -prune -o -type f -exec touch -d 2000-01-01 {} + && "
                 "git add -A && git commit -q -m base");
  dir.write("a/x/1", "changed\n");        // deep in a changed directory
  dir.write("a/new/1", "new\n");          // a new directory beside clean ones
  dir.write("top", "changed\n");          // a file at the root
  sh(dir.path(), "git add -A a top && git rm -q -r --cached d && git rm -q file-then-dir dir-then-file/inner");
  dir.write("file-then-dir/now", "dir\n");
  dir.write("dir-then-file", "file\n");
  sh(dir.path(), "git add file-then-dir dir-then-file && git mv c/moved b/x/moved");
  dir.write("e/f/g/ita", "intent\n");
  sh(dir.path(), "git add -N e/f/g/ita");
}

}  // namespace

TEST_CASE("git: staged changes of a deep tree where most directories are as committed, compared with git") {
  TempDir dir;
  make_nested_changes(dir);
  auto repo = open_repo(dir.path());
  auto staged = must(git::staged_changes(repo));
  CHECK(name_status(staged) == git_name_status(dir.path(), "--cached"));
  CHECK(name_status(staged) == std::vector<std::string>{
                                   "A a/new/1", "A file-then-dir/now", "D d/1", "D d/2", "D d/3",
                                   "D dir-then-file/inner", "M a/x/1", "M top", "R c/moved -> b/x/moved",
                                   "R file-then-dir -> dir-then-file"});
  // Then an index with no tree cache at all: git add writes none.
  sh(dir.path(), "git commit -q -m next && rm .git/index && git add -A");
  dir.write("b/x/1", "again\n");
  sh(dir.path(), "git add b/x/1");
  auto again = open_repo(dir.path());
  CHECK(name_status(must(git::staged_changes(again))) == git_name_status(dir.path(), "--cached"));
  CHECK(name_status(must(git::staged_changes(again))) == std::vector<std::string>{"A d/1", "A d/2", "A d/3", "A e/f/g/ita", "M b/x/1"});
}

namespace {

// Content long enough for rename detection to pair a moved file.
std::string long_content(const std::string& name) {
  return name + ": a line long enough for both libgit2 and git to pair the file when it is renamed\n";
}

// One random change staged the way a user would stage it.
void stage_random_change(const TempDir& dir, std::mt19937& random) {
  auto tracked = split(sh(dir.path(), "git ls-files -z"), '\0');
  static const char* const dirs[] = {"p", "p/q", "p/q/r", "s", "s/t", "u", "n1", "n2/m"};
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  std::string file = tracked.empty() ? std::string("p/f0") : tracked[pick(tracked.size())];
  std::string other = std::string(dirs[pick(std::size(dirs))]) + "/f" + std::to_string(pick(4));
  std::string parent = std::filesystem::path(file).parent_path().string();
  // A symbolic link to nothing is there too.
  bool other_exists = std::filesystem::exists(std::filesystem::symlink_status(dir / other));
  // libgit2 does not pair some renames of symbolic links that git pairs;
  // and writing to one writes to its target.
  if (std::filesystem::is_symlink(dir / file)) return;
  switch (pick(6)) {
    case 0:
      dir.write(file, "changed " + std::to_string(random()) + "\n");
      sh(dir.path(), "git add -- '" + file + "'");
      break;
    case 1:
      if (other_exists) return;
      dir.write(other, long_content("new " + other));
      sh(dir.path(), "git add -- '" + other + "'");
      break;
    case 2: sh(dir.path(), "git rm -q --cached -- '" + file + "'"); break;
    case 3:
      if (!parent.empty()) sh(dir.path(), "git rm -q -r --cached -- '" + parent + "'");
      break;
    case 4:
      if (other_exists) return;
      std::filesystem::create_directories((dir / other).parent_path());
      sh(dir.path(), "git mv -- '" + file + "' '" + other + "'");
      break;
    default:
      std::filesystem::remove(dir / file);
      std::filesystem::create_symlink("target", dir / file);
      sh(dir.path(), "git add -- '" + file + "'");
  }
}

}  // namespace

#ifdef KEEL_LIBGIT2_TREE_CACHE_LOOKUP
#include "git/staged_scope.hpp"

// Only the static build's libgit2 can read the tree cache (patch 0003).
std::optional<std::vector<std::string>> scope_of(const std::filesystem::path& dir) {
  git_repository* repo = nullptr;
  REQUIRE(git_repository_open(&repo, dir.c_str()) == 0);
  git::Handle<git_repository, git_repository_free> owned_repo(repo);
  git_index* index = nullptr;
  REQUIRE(git_repository_index(&index, repo) == 0);
  git::Handle<git_index, git_index_free> owned_index(index);
  git_object* head = nullptr;
  REQUIRE(git_revparse_single(&head, repo, "HEAD^{tree}") == 0);
  git::Handle<git_object, git_object_free> owned_head(head);
  return git::detail::staged_scope(repo, index, reinterpret_cast<git_tree*>(head));
}

std::vector<std::string> staged_scope_of(const std::filesystem::path& dir) {
  auto scope = scope_of(dir);
  REQUIRE(scope.has_value());
  return *scope;
}

TEST_CASE("git: the staged scope leaves out the directories whose cached tree is HEAD's") {
  TempDir dir;
  make_nested_changes(dir);
  // Only a/y is as committed under a directory that changed; every other
  // directory holds a change (none is as committed at the root).
  CHECK(staged_scope_of(dir.path()) == std::vector<std::string>{"a/1", "a/2", "a/3", "a/new", "a/x", "b", "c", "d",
                                                                "dir-then-file", "e", "file-then-dir", "top"});
  sh(dir.path(), "git rm -q --cached e/f/g/ita && git commit -q -m next");
  CHECK(staged_scope_of(dir.path()).empty());  // the index is HEAD's tree
  dir.write("a/x/1", "again\n");
  sh(dir.path(), "git add a/x/1");
  CHECK(staged_scope_of(dir.path()) == std::vector<std::string>{"a/1", "a/2", "a/3", "a/x", "dir-then-file", "top"});
  auto repo = open_repo(dir.path());
  CHECK(name_status(must(git::staged_changes(repo))) == std::vector<std::string>{"M a/x/1"});
}
#endif

// The static build narrows the comparison to the directories whose cached
// tree differs from HEAD's; every round checks it against git itself.
TEST_CASE("git: staged changes after random changes to a deep tree, compared with git") {
  TempDir dir;
  git_init(dir.path());
  for (const char* d : {"p", "p/q", "p/q/r", "s", "s/t", "u"})
    for (const char* f : {"f0", "f1", "f2"}) dir.write(std::string(d) + "/" + f, long_content(std::string(d) + f));
  std::mt19937 random(20261207);
#ifdef KEEL_LIBGIT2_TREE_CACHE_LOOKUP
  int narrowed = 0;
#endif
  for (int round = 0; round < 40; ++round) {
    sh(dir.path(), "find . -path ./.git -prune -o -type f -exec touch -d 2000-01-01 {} + && "
                   "git add -A && git commit -q --allow-empty -m round");
    for (int i = 0, n = 1 + static_cast<int>(random() % 4); i < n; ++i) stage_random_change(dir, random);
    auto repo = open_repo(dir.path());
    INFO("round " << round);
    CHECK(name_status(must(git::staged_changes(repo))) == git_name_status(dir.path(), "--cached"));
#ifdef KEEL_LIBGIT2_TREE_CACHE_LOOKUP
    if (auto scope = scope_of(dir.path()); scope && !scope->empty()) ++narrowed;
#endif
  }
#ifdef KEEL_LIBGIT2_TREE_CACHE_LOOKUP
  CHECK(narrowed >= 10);  // the rounds did test the narrowing
#endif
}

// A walk asks whether a directory's files are tracked within the part of
// the list below that directory. Names with bytes just before and after
// '/' ("a-b", "a.b", "a0") sit between a directory's paths in byte order;
// every answer, narrowed or not, is checked against the list itself.
TEST_CASE("git: tracked files, asked of the whole list and of the part below a directory") {
  TempDir dir;
  git_init(dir.path());
  const std::vector<std::string> files = {"a-b/x", "a.b/x", "a/x", "a/b/c", "a/b/c-d", "a/b.c/d", "a0", "ab/x",
                                          "a/b0", "z/y/x/w", "top"};
  for (const auto& f : files) dir.write(f, "x\n");
  sh(dir.path(), "git add -A");
  auto repo = open_repo(dir.path());
  auto dir_of = [](const std::string& p) {
    auto slash = p.rfind('/');
    return slash == std::string::npos ? std::string() : p.substr(0, slash);
  };
  auto holds = [&](const std::string& d) {
    return std::any_of(files.begin(), files.end(), [&](const std::string& f) { return f.rfind(d + "/", 0) == 0; });
  };
  const std::vector<std::string> asked = {"a-b/x", "a.b/x", "a/x", "a/b/c", "a/b", "a/b/c-d", "a/b.c/d", "a0",
                                          "ab/x",  "a/b0",  "a/y", "a/b/c/d", "z/y/x/w", "z/y/x", "top", "to",
                                          "a",     "a-b",   "a.b", "z",     "z/y",     "nothing/here"};
  for (auto read : {+[](const git::Repository& r) { return git::TrackedFiles::read(r); },
                    +[](const git::Repository& r) { return git::TrackedFiles::read_file(r.git_dir() / "index"); }}) {
    auto tracked = must(read(repo));
    for (const auto& p : asked) {
      INFO("path " << p);
      bool in_list = std::find(files.begin(), files.end(), p) != files.end();
      CHECK(tracked.tracked(p) == in_list);
      CHECK(tracked.tracked(p, tracked.under(dir_of(p))) == in_list);
      CHECK(tracked.holds(p) == holds(p));
      CHECK(tracked.holds(p, tracked.under(dir_of(p))) == holds(p));
      // Below a directory, found within the part below its parent.
      auto whole = tracked.under(p), narrowed = tracked.under(p, tracked.under(dir_of(p)));
      CHECK(narrowed.first == whole.first);
      CHECK(narrowed.last == whole.last);
      CHECK((whole.first < whole.last) == holds(p));
    }
  }
}
