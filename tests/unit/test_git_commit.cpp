// Commits read through libgit2 (src/git/commit) against what git itself
// says about the same objects: message bytes, parents, the committer's time
// and zone, for whole and deltified packed commits, loose ones, a commit with
// extra headers and leading blank lines, and a merge.

#include <set>

#include "git/commit.hpp"
#include "git_support.hpp"

using namespace keel;
using namespace keel::test;

namespace {

// Commits whose messages share a long body, so that `git repack -f` with a
// wide window stores some of them as deltas; one with a gpgsig-style header,
// an encoding header and leading blank lines in its message; and a merge.
void make_history(const std::filesystem::path& dir) {
  git_init_dir(dir);
  sh(dir, R"sh(
    set -e
    body=$(seq 1 400 | tr '\n' ' ')
    for i in $(seq 1 30); do
      echo $i > f$i && git add f$i
      GIT_COMMITTER_DATE="@$((1700000000 + i * 60)) +0$((i % 10))30" git commit -q -m "feat: change $i" -m "$body $i"
    done
    git checkout -q -b side HEAD~3
    echo side > side && git add side && git commit -q -m 'fix: side'
    git checkout -q main && git merge -q --no-ff -m 'merge side' side
    tree=$(git rev-parse HEAD^{tree})
    printf 'tree %s\nparent %s\nauthor A <a@x> 1700009999 -0230\ncommitter C <c@x> 1700009999 -0230\nencoding ISO-8859-1\ngpgsig -----BEGIN-----\n line\n -----END-----\n\n\n\nodd: message\n' "$tree" "$(git rev-parse HEAD)" > odd
    odd=$(git hash-object -t commit -w odd) && git update-ref refs/heads/main $odd && rm odd
  )sh");
}

// Which commits the pack stores as deltas, by git's own account.
std::set<std::string> deltified_commits(const std::filesystem::path& dir) {
  std::set<std::string> deltas;
  for (const auto& line : split(sh(dir, "git verify-pack -v .git/objects/pack/*.idx"), '\n')) {
    std::vector<std::string> words;
    for (const auto& f : split(line, ' '))
      if (!f.empty()) words.push_back(f);
    if (words.size() >= 7 && words[1] == "commit") deltas.insert(words[0]);
  }
  return deltas;
}

// The message as git stores it, with the leading blank lines that libgit2
// (and so keel) drop.
std::string stored_message(const std::filesystem::path& dir, const std::string& hex) {
  std::string raw = sh(dir, "git cat-file commit " + hex);
  std::string message = raw.substr(raw.find("\n\n") + 2);
  return message.substr(message.find_first_not_of('\n') == std::string::npos ? message.size()
                                                                               : message.find_first_not_of('\n'));
}

void check_every_commit(const std::filesystem::path& dir) {
  auto repo = open_repo(dir);
  for (const auto& hex : split(sh(dir, "git rev-list --all"), '\n')) {
    INFO("commit " << hex);
    git::CommitBrief brief;
    REQUIRE(git::read_brief(repo, oid(hex), brief).ok());
    CHECK(brief.message == stored_message(dir, hex));
    std::vector<git::Oid> parents;
    for (const auto& p : split(trimmed(sh(dir, "git rev-parse " + hex + "^@")), '\n'))
      if (!p.empty()) parents.push_back(oid(p));
    CHECK(brief.parents == parents);
    CHECK(brief.parent_count == parents.size());
    CHECK(brief.time == std::stoll(trimmed(sh(dir, "git show -s --format=%ct " + hex))));
    std::string zone = trimmed(sh(dir, "git show -s --format=%cd --date=format:%z " + hex));
    int minutes = std::stoi(zone.substr(1, 2)) * 60 + std::stoi(zone.substr(3, 2));
    CHECK(brief.offset_minutes == (zone[0] == '-' ? -minutes : minutes));
  }
}

}  // namespace

TEST_CASE("git: read_brief agrees with git on loose commits") {
  TempDir dir;
  make_history(dir.path());
  check_every_commit(dir.path());
}

TEST_CASE("git: read_brief agrees with git on whole and deltified packed commits") {
  TempDir dir;
  make_history(dir.path());
  sh(dir.path(), "git repack -q -a -d -f --window=250 --depth=50");
  REQUIRE_FALSE(deltified_commits(dir.path()).empty());  // the test must see both kinds
  sh(dir.path(), "git commit -q --allow-empty -m 'fix: loose after the pack'");
  check_every_commit(dir.path());
}

TEST_CASE("git: read_brief of what is not a commit fails with the id") {
  TempDir dir;
  make_history(dir.path());
  auto repo = open_repo(dir.path());
  git::CommitBrief brief;
  auto missing = git::read_brief(repo, oid(std::string(40, '0')), brief);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("'" + std::string(40, '0') + "'") != std::string::npos);
  auto tree = git::read_brief(repo, oid(trimmed(sh(dir.path(), "git rev-parse HEAD^{tree}"))), brief);
  CHECK_FALSE(tree.ok());
}
