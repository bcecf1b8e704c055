// The walk behind `keel release next` and the changelog: the commits it
// collects and whether the tip reaches the hidden commit, compared with
// git rev-list and git merge-base on merges, an unmerged tagged branch and
// a commit dated before the release it follows.

#include <set>

#include "git/refs.hpp"
#include "git_support.hpp"
#include "release/history.hpp"

using namespace keel;
using namespace keel::test;

namespace {

// main: root, a tagged release, two merged topics, a commit whose clock was
// ten days behind, and a tip. side: forks before the release and carries a
// tag of its own that main never merges.
void make_release_history(const std::filesystem::path& dir) {
  git_init_dir(dir);
  sh(dir, R"(
    set -e
    t=1700000000
    n=0
    at() { t=$((t+60)); export GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000"; }
    c() { n=$((n+1)); echo "$1" > file$n && git add file$n && at && git commit -q -m "$1"; }
    c 'feat: root'
    c 'fix: one'
    git checkout -q -b side
    c 'feat: side one'
    c 'feat: side two'
    git tag side-tag
    git checkout -q main
    c 'fix: released'
    git tag release
    for i in 1 2; do
      git checkout -q -b topic$i
      c "feat: topic $i"
      git checkout -q main
      c "fix: main $i"
      at && git merge -q --no-ff -m "merge topic $i" topic$i
    done
    echo skew > skew && git add skew
    GIT_AUTHOR_DATE="@$((t-864000)) +0000" GIT_COMMITTER_DATE="@$((t-864000)) +0000" git commit -q -m 'fix: skewed clock'
    c 'feat: tip'
  )");
}

std::set<std::string> collected(const git::Repository& repo, const std::string& tip,
                                const std::vector<std::string>& hidden, bool* reached) {
  std::vector<git::Oid> hide;
  for (const auto& h : hidden) hide.push_back(must(git::resolve_commit(repo, h)));
  std::vector<release::Change> changes;
  auto st = release::collect_changes(repo, must(git::resolve_commit(repo, tip)), hide, "", changes, reached);
  INFO("error: " << (st ? "" : st.error().message));
  REQUIRE(st.ok());
  std::set<std::string> out;
  for (const auto& c : changes) out.insert(c.id);
  CHECK(out.size() == changes.size());  // each commit once
  return out;
}

}  // namespace

TEST_CASE("release: collect_changes agrees with git rev-list and merge-base on every pair") {
  TempDir dir;
  make_release_history(dir.path());
  // The same answers whether the walk reads loose commits through libgit2
  // or scans them from a pack.
  SUBCASE("loose commits") {}
  SUBCASE("a pack") { sh(dir.path(), "git gc -q"); }
  auto repo = open_repo(dir.path());
  const std::vector<std::string> revs{"main", "release", "side-tag", "topic1", "main~2", "main~1"};
  for (const auto& tip : revs) {
    for (const auto& hidden : revs) {
      INFO(hidden << ".." << tip);
      bool reached = false;
      auto ours = collected(repo, tip, {hidden}, &reached);
      auto theirs = split(sh(dir.path(), "git rev-list " + hidden + ".." + tip), '\n');
      CHECK(ours == std::set<std::string>(theirs.begin(), theirs.end()));
      bool git_says = sh(dir.path(), "git merge-base --is-ancestor " + hidden + " " + tip + " && echo yes || true")
                          .starts_with("yes");
      CHECK(reached == git_says);
    }
  }
}

TEST_CASE("release: collect_changes with nothing hidden takes every commit, merges included") {
  TempDir dir;
  make_release_history(dir.path());
  auto repo = open_repo(dir.path());
  bool reached = true;
  auto ours = collected(repo, "main", {}, &reached);
  CHECK_FALSE(reached);
  auto theirs = split(sh(dir.path(), "git rev-list main"), '\n');
  CHECK(ours == std::set<std::string>(theirs.begin(), theirs.end()));
  CHECK(ours.size() == 11);  // 9 commits and 2 merges
}

TEST_CASE("release: a long packed history read on several threads gives git log's messages in walk order") {
  TempDir dir;
  git_init_dir(dir.path());
  // 700 commits through fast-import, so that messages are parsed on every
  // core; then packed, plus one loose commit on top.
  sh(dir.path(), R"sh(
    set -e
    i=1
    while [ $i -le 700 ]; do
      msg="fix(part$((i % 7))): change $i"
      printf 'commit refs/heads/main\nmark :%d\ncommitter T <t@x> %d +0000\ndata %d\n%s\n' \
        $i $((1700000000 + i)) $(( ${#msg} + 1 )) "$msg"
      [ $i -gt 1 ] && printf 'from :%d\n' $((i - 1))
      printf 'M 644 inline f\ndata %d\n%d\n\n' $(( ${#i} + 1 )) $i
      i=$((i + 1))
    done | git fast-import --quiet
    git checkout -q main && git tag v1 main~650 && git gc -q
    git commit -q --allow-empty -m 'feat: loose on top'
  )sh");
  auto repo = open_repo(dir.path());
  std::vector<release::Change> changes;
  bool reached = false;
  auto st = release::collect_changes(repo, must(git::resolve_commit(repo, "HEAD")),
                                     {must(git::resolve_commit(repo, "v1"))}, "", changes, &reached);
  REQUIRE(st.ok());
  CHECK(reached);
  auto ids = split(sh(dir.path(), "git rev-list v1..HEAD"), '\n');
  auto headers = split(sh(dir.path(), "git log --format=%s v1..HEAD"), '\n');
  REQUIRE(changes.size() == ids.size());
  REQUIRE(headers.size() == ids.size());
  CHECK(ids.size() == 651);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CHECK(changes[i].id == ids[i]);
    CHECK(changes[i].message.header == headers[i]);
  }
}
