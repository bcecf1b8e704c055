// Opening repositories of every shape, HEAD, references and revisions.

#include <cctype>
#include <unordered_map>

#include "git/refs.hpp"
#include "git_support.hpp"

using namespace keel;
using namespace keel::test;

TEST_CASE("git: oid converts, compares and hashes") {
  const std::string hex = "0123456789abcdef0123456789abcdef01234567";
  auto id = git::Oid::from_hex(hex);
  REQUIRE(id.has_value());
  CHECK(id->hex() == hex);
  CHECK(id->short_hex(7) == "0123456");
  CHECK(git::Oid::from_hex("0123456789ABCDEF0123456789ABCDEF01234567") == id);
  CHECK_FALSE(git::Oid::from_hex("0123").has_value());
  CHECK_FALSE(git::Oid::from_hex(std::string(39, '0') + "g").has_value());
  for (int c = 0; c < 256; ++c) {
    bool digit = std::isxdigit(c) != 0;
    for (std::size_t at : {0u, 17u, 39u}) {
      std::string s = hex;
      s[at] = static_cast<char>(c);
      INFO("byte " << c << " at " << at);
      CHECK(git::Oid::from_hex(s).has_value() == digit);
    }
  }
  CHECK(git::Oid().is_zero());
  CHECK(git::Oid() < *id);
  git_oid raw = id->raw();
  CHECK(git::Oid(raw) == *id);
  std::unordered_map<git::Oid, int> map{{*id, 1}, {git::Oid(), 2}};
  CHECK(map.at(*id) == 1);
}

TEST_CASE("git: discovery from a subdirectory finds the work tree root") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "a/b/file.txt", "x\n", "first");
  auto repo = open_repo(dir / "a/b");
  CHECK(repo.workdir() == dir.path());
  CHECK(repo.git_dir() == dir / ".git");
  CHECK(repo.common_dir() == dir / ".git");
  CHECK_FALSE(repo.is_bare());
  CHECK_FALSE(repo.is_worktree());
  CHECK_FALSE(repo.is_shallow());
  CHECK_FALSE(repo.is_empty());
}

TEST_CASE("git: outside any repository discovery fails with a hint") {
  TempDir dir;
  auto repo = git::Repository::discover(dir.path());
  REQUIRE_FALSE(repo.ok());
  CHECK(repo.error().message == "not a git repository: " + quote(dir.path().string()));
  CHECK(repo.error().exit == Exit::usage);
}

TEST_CASE("git: bare repository") {
  TempDir dir;
  sh(dir.path(), "git init -q --bare -b main repo.git");
  auto repo = open_repo(dir / "repo.git");
  CHECK(repo.is_bare());
  CHECK(repo.is_empty());
  CHECK(repo.workdir().empty());
  CHECK(repo.git_dir() == dir / "repo.git");
  auto h = must(git::head(repo));
  CHECK(h.unborn);
  CHECK(h.branch == "main");
}

TEST_CASE("git: unborn HEAD") {
  TempDir dir;
  git_init(dir.path());
  auto repo = open_repo(dir.path());
  CHECK(repo.is_empty());
  auto h = must(git::head(repo));
  CHECK(h.unborn);
  CHECK_FALSE(h.detached);
  CHECK(h.branch == "main");
  CHECK(h.ref == "refs/heads/main");
  CHECK_FALSE(h.commit.has_value());
  CHECK(must(git::local_branches(repo)).empty());
  auto r = git::resolve_commit(repo, "HEAD");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "unknown revision 'HEAD'");
  CHECK(r.error().hint == "the current branch has no commits yet");
}

TEST_CASE("git: HEAD on a branch and detached, compared with git") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "f", "1\n", "one");
  std::string second = git_commit_file(dir.path(), "f", "2\n", "two");
  sh(dir.path(), "git checkout -q -b feature/x");
  auto repo = open_repo(dir.path());

  auto h = must(git::head(repo));
  CHECK(h.branch == trimmed(sh(dir.path(), "git symbolic-ref --short HEAD")));
  CHECK(h.branch == "feature/x");
  CHECK(h.commit == oid(second));

  sh(dir.path(), "git checkout -q --detach HEAD~1");
  h = must(git::head(repo));
  CHECK(h.detached);
  CHECK(h.branch.empty());
  CHECK(h.commit == oid(sh(dir.path(), "git rev-parse HEAD")));
}

TEST_CASE("git: branches and references by glob") {
  TempDir dir;
  git_init(dir.path());
  std::string c1 = git_commit_file(dir.path(), "f", "1\n", "one");
  sh(dir.path(), "git branch zeta && git branch alpha/nested && "
                 "git update-ref refs/remotes/origin/main HEAD && "
                 "git symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main && "
                 "git symbolic-ref refs/remotes/origin/broken refs/remotes/origin/gone");
  auto repo = open_repo(dir.path());

  auto branches = must(git::local_branches(repo));
  std::vector<std::string> names;
  for (const auto& b : branches) names.push_back(b.short_name);
  CHECK(names == split(sh(dir.path(), "git for-each-ref --format='%(refname:short)' refs/heads"), '\n'));
  CHECK(branches.front().name == "refs/heads/alpha/nested");
  CHECK(branches.front().target == oid(c1));

  auto remotes = must(git::references(repo, "refs/remotes/origin/*"));
  REQUIRE(remotes.size() == 2);  // the dangling one is left out
  CHECK(remotes[0].name == "refs/remotes/origin/HEAD");
  CHECK(remotes[0].symbolic);
  CHECK(remotes[0].target == oid(c1));
  CHECK(remotes[1].name == "refs/remotes/origin/main");
}

TEST_CASE("git: resolving revisions") {
  TempDir dir;
  git_init(dir.path());
  std::string c1 = git_commit_file(dir.path(), "f", "1\n", "one");
  std::string c2 = git_commit_file(dir.path(), "f", "2\n", "two");
  sh(dir.path(), "git tag -a -m 'release' v1 HEAD~1");
  auto repo = open_repo(dir.path());

  CHECK(must(git::resolve_commit(repo, "HEAD")) == oid(c2));
  CHECK(must(git::resolve_commit(repo, "HEAD~1")) == oid(c1));
  CHECK(must(git::resolve_commit(repo, "v1")) == oid(c1));  // peeled through the tag object
  CHECK(must(git::resolve_commit(repo, c2.substr(0, 10))) == oid(c2));

  auto unknown = git::resolve_commit(repo, "foo");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message == "unknown revision 'foo'");
  CHECK(unknown.error().exit == Exit::usage);
  CHECK(git::resolve_commit(repo, "HEAD..HEAD~1").error().message == "unknown revision 'HEAD..HEAD~1'");
  CHECK(git::resolve_commit(repo, "HEAD:f").error().message == "revision 'HEAD:f' is not a commit");
}

TEST_CASE("git: shallow clone") {
  TempDir dir;
  git_init_dir(dir / "origin");
  for (int i = 0; i < 3; ++i) git_commit_file(dir / "origin", "f", std::to_string(i), "c" + std::to_string(i));
  sh(dir.path(), "git clone -q --depth 1 file://" + (dir / "origin").string() + " clone");
  auto repo = open_repo(dir / "clone");
  CHECK(repo.is_shallow());
  auto h = must(git::head(repo));
  CHECK(repo.is_shallow_commit(*h.commit));
  CHECK_FALSE(open_repo(dir / "origin").is_shallow());
}

TEST_CASE("git: linked worktree") {
  TempDir dir;
  git_init_dir(dir / "main");
  git_commit_file(dir / "main", "f", "1\n", "one");
  sh(dir / "main", "git worktree add -q -b side ../linked");
  auto repo = open_repo(dir / "linked");
  CHECK(repo.is_worktree());
  CHECK(repo.workdir() == dir / "linked");
  CHECK(repo.git_dir() == dir / "main/.git/worktrees/linked");
  CHECK(repo.common_dir() == dir / "main/.git");
  CHECK(must(git::head(repo)).branch == "side");
  CHECK(must(git::head(open_repo(dir / "main"))).branch == "main");
}
