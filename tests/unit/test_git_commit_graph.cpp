// git's commit-graph file read by keel (src/git/commit_graph) against libgit2
// and git on the same commits: parents in order, octopus merges, committer
// times; commits newer than the file; damaged and unsupported files.

#include <fstream>

#include "git/commit.hpp"
#include "git/commit_graph.hpp"
#include "git/refs.hpp"
#include "git_support.hpp"

using namespace keel;
using namespace keel::test;

namespace {

// A root, a run of commits, two side branches, an octopus merge of three
// branches, and a plain merge.
void make_graph_history(const std::filesystem::path& dir) {
  git_init_dir(dir);
  sh(dir, R"sh(
    set -e
    t=1700000000
    at() { t=$((t+60)); export GIT_AUTHOR_DATE="@$t +0200" GIT_COMMITTER_DATE="@$t +0200"; }
    c() { echo "$1" > "$1" && git add "$1" && at && git commit -q -m "feat: $1"; }
    c root; c two; c three
    git checkout -q -b a && c a1
    git checkout -q main && git checkout -q -b b && c b1
    git checkout -q main && c four
    at && git merge -q --no-ff -m 'octopus' a b
    git checkout -q -b c HEAD~1 && c c1
    git checkout -q main && at && git merge -q --no-ff -m 'merge c' c
    c five
  )sh");
}

std::filesystem::path graph_file(const std::filesystem::path& dir) {
  return dir / ".git" / "objects" / "info" / "commit-graph";
}

}  // namespace

TEST_CASE("git: the commit-graph gives libgit2's parents and committer times") {
  TempDir dir;
  make_graph_history(dir.path());
  CHECK(git::CommitGraph::open(dir / ".git" / "objects") == nullptr);  // none written yet
  sh(dir.path(), "git commit-graph write --reachable");
  auto graph = git::CommitGraph::open(dir / ".git" / "objects");
  REQUIRE(graph != nullptr);
  auto repo = open_repo(dir.path());
  auto commits = split(sh(dir.path(), "git rev-list --all"), '\n');
  CHECK(graph->size() == commits.size());
  bool octopus = false;
  for (const auto& hex : commits) {
    INFO("commit " << hex);
    std::vector<git::Oid> parents;
    std::int64_t time = 0;
    REQUIRE(graph->lookup(oid(hex), parents, time));
    auto theirs = must(git::lookup_commit(repo, oid(hex)));
    CHECK(parents == theirs.parents);
    CHECK(time == theirs.committer.time);
    octopus = octopus || parents.size() == 3;
  }
  CHECK(octopus);

  // Not in the file: a tree, and a commit made after it was written.
  std::vector<git::Oid> parents;
  std::int64_t time = 0;
  CHECK_FALSE(graph->lookup(oid(trimmed(sh(dir.path(), "git rev-parse HEAD^{tree}"))), parents, time));
  sh(dir.path(), "git commit -q --allow-empty -m 'fix: later'");
  CHECK_FALSE(graph->lookup(oid(trimmed(sh(dir.path(), "git rev-parse HEAD"))), parents, time));
}

TEST_CASE("git: a damaged or split commit-graph is not used") {
  TempDir dir;
  make_graph_history(dir.path());
  sh(dir.path(), "git commit-graph write --reachable");
  auto path = graph_file(dir.path());
  std::string good = read_text(path);
  auto write = [&](const std::string& bytes) {
    std::filesystem::permissions(path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  };
  auto opens = [&] { return git::CommitGraph::open(dir / ".git" / "objects") != nullptr; };
  REQUIRE(opens());

  for (std::size_t cut : {std::size_t(0), std::size_t(7), std::size_t(40), good.size() / 2, good.size() - 21}) {
    write(good.substr(0, cut));
    CHECK_FALSE(opens());
  }
  std::string bad = good;
  bad[5] = 2;  // SHA-256
  write(bad);
  CHECK_FALSE(opens());
  bad = good;
  bad[7] = 1;  // one base graph: positions would not be this file's
  write(bad);
  CHECK_FALSE(opens());

  // Every byte flipped in turn: whatever the file then says, lookups stay
  // inside it (the sanitizer build checks the reads) and name no more
  // parents than it has records.
  auto repo = open_repo(dir.path());
  auto commits = split(sh(dir.path(), "git rev-list --all"), '\n');
  std::vector<git::CommitInfo> truth;
  for (const auto& hex : commits) truth.push_back(must(git::lookup_commit(repo, oid(hex))));
  for (std::size_t i = 0; i < good.size() - 20; ++i) {
    bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x41);
    write(bad);
    auto graph = git::CommitGraph::open(dir / ".git" / "objects");
    if (!graph) continue;
    for (const auto& c : truth) {
      std::vector<git::Oid> parents;
      std::int64_t time = 0;
      if (graph->lookup(c.id, parents, time)) CHECK(parents.size() <= truth.size());
    }
  }
  write(good);

  sh(dir.path(), "rm -f .git/objects/info/commit-graph && git commit-graph write --reachable --split");
  CHECK_FALSE(opens());  // a chain under commit-graphs/, not the single file
}
