// Commits, revision walks and reachability on a merge history, in a full and
// in a shallow clone, compared with git rev-list.

#include <algorithm>
#include <set>
#include <unordered_map>

#include "git/commit.hpp"
#include "git/refs.hpp"
#include "git/revwalk.hpp"
#include "git_support.hpp"

using namespace keel;
using namespace keel::test;

namespace {

// root, then five topics merged with --no-ff, each with a commit on main in
// between, then an executable bit set. pkg/a changes only on the topics.
// Dates are one minute apart so "newest first" is well defined.
void make_merge_history(const std::filesystem::path& dir) {
  git_init_dir(dir);
  sh(dir, R"(
    t=1700000000
    at() { t=$((t+60)); export GIT_AUTHOR_DATE="@$t +0100" GIT_COMMITTER_DATE="@$t +0100"; }
    mkdir -p pkg/a pkg/b && echo 0 > pkg/a/file && echo 0 > pkg/b/file
    git add . && at && git commit -q -m root
    for i in 1 2 3 4 5; do
      git checkout -q -b topic$i
      echo $i > pkg/a/t$i && git add . && at && git commit -q -m "a: topic $i"
      echo $i > pkg/b/t$i && git add . && at && git commit -q -m "b: topic $i"
      git checkout -q main
      echo $i >> pkg/b/file && git add . && at && git commit -q -m "b: main $i"
      at && git merge -q --no-ff -m "merge topic $i" topic$i
      [ $i = 2 ] && git tag v1
    done
    chmod +x pkg/b/file && git add . && at && git commit -q -m 'b: executable'
  )");
}

// Built once: the tests below only read it.
const std::filesystem::path& merge_history() {
  static TempDir dir;
  static bool made = (make_merge_history(dir.path()), true);
  (void)made;
  return dir.path();
}

std::vector<std::string> rev_list(const std::filesystem::path& dir, const std::string& args) {
  return split(sh(dir, "git rev-list " + args), '\n');
}

std::vector<std::string> walk(const git::Repository& repo, const std::vector<std::string>& tips,
                              const std::vector<std::string>& hidden, git::WalkOptions options = {}) {
  auto w = must(git::RevWalk::create(repo, options));
  for (const auto& t : tips) REQUIRE(w.push(must(git::resolve_commit(repo, t))).ok());
  for (const auto& h : hidden) REQUIRE(w.hide(must(git::resolve_commit(repo, h))).ok());
  std::vector<std::string> out;
  REQUIRE(w.for_each([&](const git::Oid& id) {
             out.push_back(id.hex());
             return true;
           }).ok());
  return out;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// Every commit comes before its parents.
void check_topological(const git::Repository& repo, const std::vector<std::string>& order) {
  std::unordered_map<std::string, std::size_t> pos;
  for (std::size_t i = 0; i < order.size(); ++i) pos[order[i]] = i;
  for (std::size_t i = 0; i < order.size(); ++i)
    for (const auto& p : must(git::lookup_commit(repo, oid(order[i]))).parents)
      if (pos.count(p.hex())) CHECK(pos[p.hex()] > i);
}

}  // namespace

TEST_CASE("git: revwalk matches git rev-list on a merge history") {
  const auto& dir = merge_history();
  auto repo = open_repo(dir);

  auto all = walk(repo, {"HEAD"}, {});
  CHECK(all.size() == 22);
  CHECK(std::to_string(all.size()) == trimmed(sh(dir, "git rev-list --count HEAD")));
  CHECK(as_set(all) == as_set(rev_list(dir, "HEAD")));
  check_topological(repo, all);

  auto since = walk(repo, {"HEAD"}, {"v1"});  // v1..HEAD
  CHECK(std::to_string(since.size()) == trimmed(sh(dir, "git rev-list --count v1..HEAD")));
  CHECK(as_set(since) == as_set(rev_list(dir, "v1..HEAD")));
  check_topological(repo, since);

  auto several = walk(repo, {"topic5", "topic3"}, {"topic1", "v1"});
  CHECK(as_set(several) == as_set(rev_list(dir, "topic5 topic3 ^topic1 ^v1")));

  auto first = walk(repo, {"HEAD"}, {"v1"}, {git::Order::topological_time, true});
  CHECK(first == rev_list(dir, "--first-parent v1..HEAD"));

  auto by_time = walk(repo, {"HEAD"}, {}, {git::Order::time, false});
  CHECK(by_time == rev_list(dir, "--date-order HEAD"));
}

TEST_CASE("git: revwalk streams and stops when asked") {
  const auto& dir = merge_history();
  auto repo = open_repo(dir);
  auto w = must(git::RevWalk::create(repo));
  REQUIRE(w.push(must(git::resolve_commit(repo, "HEAD"))).ok());
  auto first = must(w.next());
  CHECK(first == must(git::resolve_commit(repo, "HEAD")));
  int seen = 0;
  REQUIRE(w.for_each([&](const git::Oid&) { return ++seen < 3; }).ok());
  CHECK(seen == 3);

  auto bad = must(git::RevWalk::create(repo));
  auto tree = oid(sh(dir, "git rev-parse 'HEAD^{tree}'"));
  CHECK_FALSE(bad.push(tree).ok());
}

TEST_CASE("git: reachability compared with git merge-base --is-ancestor") {
  const auto& dir = merge_history();
  auto repo = open_repo(dir);
  const std::vector<std::string> revs{"HEAD", "v1", "topic1", "topic4", "main~3"};
  // "a b yes" when b is an ancestor of a (or a itself), in one shell.
  auto answers = split(sh(dir, "for a in HEAD v1 topic1 topic4 main~3; do for b in HEAD v1 topic1 topic4 main~3; do "
                               "git merge-base --is-ancestor $b $a && echo yes || echo no; done; done"),
                       '\n');
  REQUIRE(answers.size() == revs.size() * revs.size());
  for (std::size_t i = 0; i < revs.size(); ++i) {
    for (std::size_t j = 0; j < revs.size(); ++j) {
      auto a = must(git::resolve_commit(repo, revs[i]));
      auto b = must(git::resolve_commit(repo, revs[j]));
      bool git_says = answers[i * revs.size() + j] == "yes";
      INFO(revs[i] << " reaches " << revs[j]);
      CHECK(must(git::is_reachable(repo, a, b)) == git_says);
      CHECK(must(git::is_descendant_of(repo, a, b)) == (git_says && a != b));
    }
  }
}

TEST_CASE("git: commit metadata compared with git log") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "f", "1\n", "root");
  sh(dir.path(), "echo 2 > f && git add f && GIT_AUTHOR_DATE='@1700000000 -0230' "
                 "git -c user.name='Ann Author' -c user.email=ann@example.invalid "
                 "commit -q -m 'feat: first line' -m 'continued body' --cleanup=verbatim");
  auto repo = open_repo(dir.path());
  auto c = must(git::lookup_commit(repo, must(git::resolve_commit(repo, "HEAD"))));
  CHECK(c.summary == trimmed(sh(dir.path(), "git log -1 --format=%s")));
  CHECK(c.message == "feat: first line\n\ncontinued body\n");
  CHECK(c.author.name == "Ann Author");
  CHECK(c.author.email == "ann@example.invalid");
  CHECK(c.author.time == 1700000000);
  CHECK(c.author.offset_minutes == -150);
  CHECK(std::to_string(c.committer.time) == trimmed(sh(dir.path(), "git log -1 --format=%ct")));
  REQUIRE(c.parents.size() == 1);
  CHECK(c.parents[0] == oid(sh(dir.path(), "git rev-parse HEAD~1")));
  CHECK_FALSE(c.shallow);

  sh(dir.path(), "git commit -q --allow-empty -F - <<'EOF'\nline one\nline two\n\nbody\nEOF\n");
  c = must(git::lookup_commit(repo, must(git::resolve_commit(repo, "HEAD"))));
  CHECK(c.summary == "line one line two");
  CHECK(c.summary == trimmed(sh(dir.path(), "git log -1 --format=%s")));
}

TEST_CASE("git: touches_path agrees with git diff-tree against the first parent") {
  const auto& dir = merge_history();
  auto repo = open_repo(dir);
  // Each commit against its first parent (a root against the empty tree),
  // in one git process; diff-tree prints the id of each commit that differs.
  auto git_touching = [&](const std::string& path) {
    std::set<std::string> out;
    for (const auto& line : split(sh(dir, "git rev-list --parents HEAD | cut -d' ' -f1,2 | "
                                          "git diff-tree --stdin --root -r --name-only -- " + path),
                                  '\n'))
      if (git::Oid::from_hex(line)) out.insert(line);
    return out;
  };
  auto ours = [&](const std::string& path) {
    std::set<std::string> out;
    for (const auto& c : rev_list(dir, "HEAD"))
      if (must(git::touches_path(repo, oid(c), path))) out.insert(c);
    return out;
  };
  CHECK(ours("pkg/a") == git_touching("pkg/a"));
  CHECK(ours("pkg/a/") == git_touching("pkg/a"));
  CHECK(ours("pkg/b") == git_touching("pkg/b"));
  CHECK(ours("pkg/b/file") == git_touching("pkg/b/file"));  // includes the chmod +x commit
  CHECK(ours("pkg/ab").empty());
  CHECK(ours("").size() == 22);
  auto chmod = must(git::resolve_commit(repo, "HEAD"));
  CHECK(must(git::touches_path(repo, chmod, "pkg/b")));
  CHECK_FALSE(must(git::touches_path(repo, chmod, "pkg/a")));
}

TEST_CASE("git: history in a shallow clone stops at the boundary, as git does") {
  TempDir dir;
  sh(dir.path(), "git clone -q --depth 4 file://" + merge_history().string() + " clone");
  auto clone = dir / "clone";
  auto repo = open_repo(clone);
  REQUIRE(repo.is_shallow());

  auto all = walk(repo, {"HEAD"}, {});
  CHECK(std::to_string(all.size()) == trimmed(sh(clone, "git rev-list --count HEAD")));
  CHECK(as_set(all) == as_set(rev_list(clone, "HEAD")));
  check_topological(repo, all);
  CHECK(as_set(walk(repo, {"HEAD"}, {"HEAD~2"})) == as_set(rev_list(clone, "HEAD~2..HEAD")));
  CHECK(walk(repo, {"HEAD"}, {}, {git::Order::topological_time, true}) == rev_list(clone, "--first-parent HEAD"));
  CHECK(walk(repo, {"HEAD"}, {}, {git::Order::time, false}) == rev_list(clone, "--date-order HEAD"));

  auto head = must(git::resolve_commit(repo, "HEAD"));
  auto deep = must(git::resolve_commit(repo, "HEAD~3"));
  CHECK(must(git::is_descendant_of(repo, head, deep)));
  CHECK_FALSE(must(git::is_descendant_of(repo, deep, head)));

  auto boundary = must(git::lookup_commit(repo, deep));
  CHECK(boundary.shallow);
  CHECK(boundary.parents.empty());
  CHECK(trimmed(sh(clone, "git log -1 --format=%P HEAD~3")).empty());
  CHECK(must(git::touches_path(repo, deep, "pkg/a")));  // a boundary is a root
}
