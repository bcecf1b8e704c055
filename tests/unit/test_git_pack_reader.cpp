// Commits read straight from pack files (src/git/pack_reader, commit_text)
// against what git and libgit2 say about the same objects: every byte, every
// parent, the committer's time, in packs with whole and deltified commits,
// with loose objects beside them, and with damaged files.

#include <fstream>
#include <set>

#include "git/commit.hpp"
#include "git/commit_text.hpp"
#include "git/pack_reader.hpp"
#include "git/refs.hpp"
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

std::vector<std::string> all_commits(const std::filesystem::path& dir) {
  return split(sh(dir, "git rev-list --all"), '\n');
}

}  // namespace

TEST_CASE("git: parse_commit_text agrees with libgit2 on every commit") {
  TempDir dir;
  make_history(dir.path());
  auto repo = open_repo(dir.path());
  for (const auto& hex : all_commits(dir.path())) {
    INFO("commit " << hex);
    auto raw = sh(dir.path(), "git cat-file commit " + hex);
    git::CommitBrief ours;
    REQUIRE(git::parse_commit_text(raw, ours));
    auto theirs = must(git::lookup_commit(repo, oid(hex)));
    CHECK(ours.message == theirs.message);
    CHECK(ours.parents == theirs.parents);
    CHECK(ours.parent_count == theirs.parents.size());
    CHECK(ours.time == theirs.committer.time);
    CHECK(ours.offset_minutes == theirs.committer.offset_minutes);
  }
}

TEST_CASE("git: parse_commit_text refuses what is not the standard layout") {
  git::CommitBrief out;
  const std::string tree = "tree " + std::string(40, 'a') + "\n";
  const std::string who = "author A <a@x> 1 +0000\ncommitter C <c@x> 1700000000 -0130\n";
  CHECK(git::parse_commit_text(tree + who + "\nmsg\n", out));
  CHECK(out.time == 1700000000);
  CHECK(out.offset_minutes == -90);
  CHECK(out.message == "msg\n");
  CHECK(git::parse_commit_text(tree + who, out));  // no message at all
  CHECK(out.message.empty());
  CHECK_FALSE(git::parse_commit_text("", out));
  CHECK_FALSE(git::parse_commit_text(who + tree + "\nmsg\n", out));
  CHECK_FALSE(git::parse_commit_text("tree 123\n" + who + "\nmsg\n", out));
  CHECK_FALSE(git::parse_commit_text(tree + "parent xyz\n" + who + "\nm\n", out));
  CHECK_FALSE(git::parse_commit_text(tree + "author A <a@x> 1 +0000\n\nm\n", out));
  CHECK_FALSE(git::parse_commit_text(tree + "author A\ncommitter C <c@x> soon +0000\n\nm\n", out));
  CHECK_FALSE(git::parse_commit_text(tree + "author A\ncommitter C <c@x> 1 +00\n\nm\n", out));
  CHECK_FALSE(git::parse_commit_text(tree + who + "encoding x", out));  // header without its newline
}

TEST_CASE("git: the pack reader returns git's exact bytes, and only for whole commits") {
  TempDir dir;
  make_history(dir.path());
  auto commits = all_commits(dir.path());
  {
    git::PackReader loose(dir / ".git" / "objects");
    std::string out;
    CHECK_FALSE(loose.read_commit(oid(commits.front()), out));  // nothing packed yet
  }
  sh(dir.path(), "git repack -q -a -d -f --window=250 --depth=50");
  auto deltas = deltified_commits(dir.path());
  REQUIRE_FALSE(deltas.empty());  // the test must see both kinds

  git::PackReader reader(dir / ".git" / "objects");
  std::size_t whole = 0;
  for (const auto& hex : commits) {
    INFO("commit " << hex);
    std::string out;
    bool read = reader.read_commit(oid(hex), out);
    CHECK(read == (deltas.count(hex) == 0));
    if (read) {
      CHECK(out == sh(dir.path(), "git cat-file commit " + hex));
      whole++;
    }
  }
  CHECK(whole > 0);
  std::string out;
  CHECK_FALSE(reader.read_commit(oid(trimmed(sh(dir.path(), "git rev-parse HEAD^{tree}"))), out));  // not a commit
  CHECK_FALSE(reader.read_commit(oid(std::string(40, '0')), out));

  // A commit made after the repack is loose: left to libgit2.
  sh(dir.path(), "git commit -q --allow-empty -m 'fix: loose'");
  git::PackReader after(dir / ".git" / "objects");
  CHECK_FALSE(after.read_commit(oid(trimmed(sh(dir.path(), "git rev-parse HEAD"))), out));

  // read_brief takes either path and gives the same answers.
  auto repo = open_repo(dir.path());
  for (const auto& hex : all_commits(dir.path())) {
    git::CommitBrief brief;
    REQUIRE(git::read_brief(repo, oid(hex), brief).ok());
    CHECK(brief.message == must(git::lookup_commit(repo, oid(hex))).message);
  }
}

TEST_CASE("git: the pack reader refuses damaged packs and indexes without reading past them") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "f", "1\n", "feat: one");
  sh(dir.path(), "git repack -q -a -d");
  auto head = oid(trimmed(sh(dir.path(), "git rev-parse HEAD")));
  auto pack_dir = dir / ".git" / "objects" / "pack";
  std::filesystem::path idx, pack;
  for (const auto& e : std::filesystem::directory_iterator(pack_dir)) {
    if (e.path().extension() == ".idx") idx = e.path();
    if (e.path().extension() == ".pack") pack = e.path();
  }
  {
    git::PackReader reader(dir / ".git" / "objects");
    std::string out;
    REQUIRE(reader.read_commit(head, out));
  }
  std::string pack_bytes = read_text(pack);
  std::string idx_bytes = read_text(idx);
  auto write = [](const std::filesystem::path& p, const std::string& bytes) {
    std::filesystem::permissions(p, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
  };
  auto readable = [&] {
    git::PackReader reader(dir / ".git" / "objects");
    std::string out;
    return reader.read_commit(head, out);
  };

  // Every byte of the pack after its header flipped in turn: whatever breaks,
  // the reader either refuses or, when the byte was not part of the commit,
  // still returns git's exact text.
  std::string expected = sh(dir.path(), "git cat-file commit HEAD");
  for (std::size_t i = 12; i < pack_bytes.size(); ++i) {
    std::string bad = pack_bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    write(pack, bad);
    git::PackReader reader(dir / ".git" / "objects");
    std::string out;
    if (reader.read_commit(head, out)) CHECK(out == expected);
  }
  write(pack, pack_bytes);
  CHECK(readable());

  write(idx, idx_bytes.substr(0, idx_bytes.size() - 41));  // truncated index
  CHECK_FALSE(readable());
  std::string bad_offset = idx_bytes;
  std::size_t count = 3;  // the commit, its tree and its blob
  std::size_t offsets = 8 + 1024 + count * 24;
  for (std::size_t k = 0; k < count; ++k) bad_offset[offsets + 4 * k] = static_cast<char>(0x7f);
  write(idx, bad_offset);
  CHECK_FALSE(readable());
  for (std::size_t k = 0; k < count; ++k) bad_offset[offsets + 4 * k] = static_cast<char>(0x80);  // large, none there
  write(idx, bad_offset);
  CHECK_FALSE(readable());
  write(idx, idx_bytes);
  write(pack, pack_bytes.substr(0, 40));  // truncated pack
  CHECK_FALSE(readable());
}

TEST_CASE("git: a pack scan returns git's bytes for a walk from the tip, and gives up on what is not there") {
  TempDir dir;
  make_history(dir.path());
  auto commits = split(sh(dir.path(), "git rev-list --all"), '\n');  // newest first, as a walk asks
  // Without deltas every commit is found; with them, the deltified ones
  // are skipped, for the walk to ask libgit2.
  int window = 0;
  SUBCASE("whole commits") { window = 0; }
  SUBCASE("deltas") { window = 250; }
  sh(dir.path(), "git repack -q -a -d -f --window=" + std::to_string(window));
  auto deltas = deltified_commits(dir.path());
  CHECK(deltas.empty() == (window == 0));
  git::PackReader packs(dir / ".git" / "objects");
  REQUIRE(packs.largest() != nullptr);
  git::PackScan scan(packs.largest());
  for (const auto& hex : commits) {
    INFO("commit " << hex);
    std::string out;
    bool taken = scan.take(oid(hex), out);
    CHECK(taken == (deltas.count(hex) == 0));
    if (taken) CHECK(out == sh(dir.path(), "git cat-file commit " + hex));
  }
  std::string out;
  CHECK(scan.take(oid(commits.front()), out) == (deltas.count(commits.front()) == 0));  // again, from memory
  CHECK_FALSE(scan.take(oid(std::string(40, '0')), out));
  CHECK(scan.scanned() <= 2 * (commits.size() + 2) + 256);
}

TEST_CASE("git: a pack scan without a pack finds nothing") {
  git::PackScan scan(nullptr);
  std::string out;
  CHECK_FALSE(scan.take(oid(std::string(40, 'a')), out));
  CHECK(scan.scanned() == 0);
}
