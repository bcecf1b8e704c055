// Tag templates, the last release, bump decisions and next versions.
#include <doctest/doctest.h>

#include "release/version.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::release;

namespace {

semver::Version v(const char* text) {
  auto r = semver::parse(text);
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::string s(const std::optional<semver::Version>& version) {
  return version ? semver::to_string(*version) : std::string("(none)");
}

Change change(std::string id, std::string_view message) { return Change{std::move(id), commit::parse(message)}; }

std::vector<VersionTag> tags(std::initializer_list<const char*> versions) {
  std::vector<VersionTag> out;
  for (const char* t : versions) out.push_back({std::string("v") + t, v(t)});
  return out;
}

// The next version after current for these messages (ids are made up).
std::string next_after(const char* current, std::initializer_list<const char*> messages, NextOptions o = {},
                       Rules rules = {}, std::vector<VersionTag> existing = {}) {
  std::vector<Change> changes;
  int n = 0;
  for (const char* m : messages) changes.push_back(change(std::string(40, static_cast<char>('a' + n++)), m));
  std::optional<semver::Version> cur;
  if (current) cur = v(current);
  Decision d = decide(changes, rules, cur ? &*cur : nullptr);
  auto next = next_version(cur, d, existing, o);
  REQUIRE_MESSAGE(next.ok(), (next.ok() ? "" : next.error().message));
  return s(next->version);
}

}  // namespace

TEST_CASE("release tag template: matching and formatting") {
  auto t = TagTemplate::parse("v{version}").value();
  CHECK(s(t.match("v1.2.3")) == "1.2.3");
  CHECK(s(t.match("v1.2.3-rc.1")) == "1.2.3-rc.1");
  CHECK(s(t.match("v1.2.3+build.5")) == "1.2.3+build.5");
  CHECK_FALSE(t.match("1.2.3"));
  CHECK_FALSE(t.match("vv1.2.3"));
  CHECK_FALSE(t.match("v1.2"));
  CHECK_FALSE(t.match("v01.2.3"));
  CHECK_FALSE(t.match("release-1"));
  CHECK_FALSE(t.match("v"));
  CHECK(t.format(v("1.4.0")) == "v1.4.0");

  auto bare = TagTemplate::parse("{version}").value();
  CHECK(s(bare.match("2.0.0")) == "2.0.0");
  CHECK_FALSE(bare.match("v2.0.0"));

  auto pkg = TagTemplate::parse("{package}@{version}").value();
  CHECK(s(pkg.match("core@1.0.0", "core")) == "1.0.0");
  CHECK_FALSE(pkg.match("cli@1.0.0", "core"));
  CHECK_FALSE(pkg.match("core-extra@1.0.0", "core"));
  CHECK(pkg.format(v("0.3.0"), "cli") == "cli@0.3.0");

  auto suffix = TagTemplate::parse("release/{version}/final").value();
  CHECK(s(suffix.match("release/3.1.0/final")) == "3.1.0");
  CHECK_FALSE(suffix.match("release/3.1.0"));
}

TEST_CASE("release tag template: errors") {
  CHECK(TagTemplate::parse("v").error().message == "invalid tag template 'v': no {version} placeholder");
  CHECK(TagTemplate::parse("{version}-{version}").error().message ==
        "invalid tag template '{version}-{version}': {version} appears twice");
  CHECK(TagTemplate::parse("{package}{package}{version}").error().message ==
        "invalid tag template '{package}{package}{version}': {package} appears twice");
}

TEST_CASE("release last stable: highest stable version, pre-releases ignored") {
  auto all = tags({"1.0.0", "1.10.0", "1.9.0", "2.0.0-rc.1"});
  REQUIRE(last_stable(all));
  CHECK(last_stable(all)->name == "v1.10.0");
  CHECK(last_stable(tags({"1.0.0-alpha.1"})) == nullptr);
  CHECK(last_stable({}) == nullptr);
}

TEST_CASE("release bump: types") {
  CHECK(next_after("1.2.3", {"fix: a"}) == "1.2.4");
  CHECK(next_after("1.2.3", {"perf: a"}) == "1.2.4");
  // The revert rule needs the commit it reverts named, as semantic-release's does.
  CHECK(next_after("1.2.3", {"revert: a\n\nThis reverts commit 1234567."}) == "1.2.4");
  CHECK(next_after("1.2.3", {"revert: a"}) == "(none)");
  // Types match in their case, or all upper case (semantic-release's JSHint rules).
  CHECK(next_after("1.2.3", {"Feat: a"}) == "(none)");
  CHECK(next_after("1.2.3", {"FEAT: a"}) == "1.3.0");
  // The angular header pattern's looser forms have a type.
  CHECK(next_after("1.2.3", {"feat(): a"}) == "1.3.0");
  CHECK(next_after("1.2.3", {"fix(a)(b): c"}) == "1.2.4");
  // A note after a further paragraph, in the body, in any case, on any header.
  CHECK(next_after("1.0.0", {"feat: x\n\nBREAKING CHANGE: the flag is gone.\n\nExplain the migration."}) ==
        "2.0.0");
  CHECK(next_after("1.0.0", {"fix: x\n\nSome text.\nBreaking change: y\n\nMore text."}) == "2.0.0");
  CHECK(next_after("1.0.0", {"Update readme\n\nBREAKING CHANGE: y"}) == "2.0.0");
  CHECK(next_after("1.0.0", {"Merge pull request #3 from a/b\n\n* BREAKING CHANGE: y"}) == "2.0.0");
  CHECK(next_after("1.2.3", {"feat: a", "fix: b"}) == "1.3.0");
  CHECK(next_after("1.2.3", {"fix: a", "feat(x)!: b"}) == "2.0.0");
  CHECK(next_after("1.2.3", {"chore: a\n\nBREAKING CHANGE: gone"}) == "2.0.0");
  CHECK(next_after("1.2.3", {"docs: a\n\nBREAKING-CHANGE: gone"}) == "2.0.0");
  CHECK(next_after("1.2.3", {"chore: a", "docs: b", "ci: c"}) == "(none)");
  CHECK(next_after("1.2.3", {"not conventional", "fix: real"}) == "1.2.4");
  CHECK(next_after("1.2.3", {"not conventional"}) == "(none)");
}

TEST_CASE("release bump: 0.x rules") {
  CHECK(next_after("0.3.1", {"feat!: x"}) == "0.4.0");
  CHECK(next_after("0.3.1", {"fix!: x"}) == "0.4.0");
  CHECK(next_after("0.3.1", {"refactor!: x"}) == "0.4.0");
  CHECK(next_after("0.3.1", {"feat: x"}) == "0.4.0");
  CHECK(next_after("0.3.1", {"fix: x"}) == "0.3.2");
  Rules major;
  major.zero_major_breaking_major = true;
  CHECK(next_after("0.3.1", {"feat!: x"}, {}, major) == "1.0.0");
}

TEST_CASE("release bump: configurable type map") {
  Rules r;
  r.types["docs"] = Bump::patch;
  r.types["feat"] = Bump::patch;
  r.types.erase("perf");
  CHECK(next_after("1.0.0", {"docs: x"}, {}, r) == "1.0.1");
  CHECK(next_after("1.0.0", {"feat: x"}, {}, r) == "1.0.1");
  CHECK(next_after("1.0.0", {"perf: x"}, {}, r) == "(none)");
}

TEST_CASE("release bump: first release is the initial version") {
  CHECK(next_after(nullptr, {"feat: x"}) == "0.1.0");
  CHECK(next_after(nullptr, {"chore: x"}) == "0.1.0");
  NextOptions o;
  o.initial = v("1.0.0");
  CHECK(next_after(nullptr, {"fix: x"}, o) == "1.0.0");
  o.pre = "beta";
  CHECK(next_after(nullptr, {"fix: x"}, o) == "1.0.0-beta.1");
}

TEST_CASE("release bump: Release-As") {
  CHECK(next_after("1.2.3", {"chore: x\n\nRelease-As: 2.0.0"}) == "2.0.0");
  CHECK(next_after("1.2.3", {"chore: x\n\nRelease-As: 1.5.0", "fix: y\n\nRelease-As: 1.4.0"}) == "1.5.0");
  CHECK(next_after("1.2.3", {"feat: x\n\nrelease-as: 3.0.0"}) == "3.0.0");
  // An unparsable footer is ignored.
  CHECK(next_after("1.2.3", {"feat: x\n\nRelease-As: soon"}) == "1.3.0");

  std::vector<Change> changes{change(std::string(40, 'a'), "fix: x\n\nRelease-As: 1.0.0")};
  auto cur = v("1.2.3");
  auto next = next_version(cur, decide(changes, {}, &cur), {}, {});
  REQUIRE_FALSE(next.ok());
  CHECK(next.error().message == "Release-As version '1.0.0' is not above the last release '1.2.3'");
}

TEST_CASE("release bump: a revert in the same range cancels its commit") {
  std::string feat = "1234567890abcdef1234567890abcdef12345678";
  std::vector<Change> changes{
      change(std::string(40, 'b'), "Revert \"feat: x\"\n\nThis reverts commit 1234567890abcdef1234567890abcdef12345678."),
      change(std::string(40, 'c'), "fix: y"),
      change(feat, "feat: x"),
  };
  auto cur = v("1.0.0");
  Decision d = decide(changes, {}, &cur);
  CHECK(d.bump == Bump::patch);
  CHECK(d.cancelled == std::vector<std::pair<std::size_t, std::size_t>>{{0, 2}});
  CHECK(d.considered == 1);

  // Only the revert and its commit: nothing left.
  std::vector<Change> pair{changes[0], changes[2]};
  CHECK(decide(pair, {}, &cur).bump == Bump::none);

  // A Refs footer names no commit for semantic-release: the feat counts.
  std::vector<Change> typed{change(std::string(40, 'd'), "revert: drop x\n\nRefs: 1234567"), changes[2]};
  CHECK(decide(typed, {}, &cur).bump == Bump::minor);

  // An abbreviated id is not the commit's id: both count.
  std::vector<Change> short_id{change(std::string(40, 'e'), "Revert \"feat: x\"\n\nThis reverts commit 1234567."),
                               changes[2]};
  Decision s = decide(short_id, {}, &cur);
  CHECK(s.cancelled.empty());
  CHECK(s.bump == Bump::minor);

  // The header must be the one the revert quotes: a forge's "(#2682)"
  // suffix matches nothing, and the revert is a patch on its own.
  std::string dep = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";
  std::vector<Change> suffixed{
      change(std::string(40, 'f'), "Revert \"chore(deps): update x\" (#2682)\n\nThis reverts commit " + dep + "."),
      change(dep, "chore(deps): update x")};
  Decision sf = decide(suffixed, {}, &cur);
  CHECK(sf.cancelled.empty());
  CHECK(sf.bump == Bump::patch);

  // A revert of a revert cancels that pair; the first commit stays.
  std::string first_revert = std::string(40, '1');
  std::vector<Change> twice{
      change(std::string(40, '2'),
             "Revert \"Revert \"feat: x\"\"\n\nThis reverts commit " + first_revert + "."),
      change(first_revert, changes[0].message.header + "\n\nThis reverts commit " + feat + "."), changes[2]};
  Decision tw = decide(twice, {}, &cur);
  CHECK(tw.cancelled == std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}});
  CHECK(tw.bump == Bump::minor);

  // A revert of a commit outside the range is a patch.
  std::vector<Change> outside{changes[0]};
  CHECK(decide(outside, {}, &cur).bump == Bump::patch);
}

TEST_CASE("release bump: merges and non-conventional messages") {
  std::vector<Change> changes{change(std::string(40, 'a'), "Merge branch 'feature'"),
                              change(std::string(40, 'b'), "update stuff"), change(std::string(40, 'c'), "fix: y")};
  auto cur = v("1.0.0");
  Decision d = decide(changes, {}, &cur);
  CHECK(d.ignored == std::vector<std::size_t>{1});
  CHECK(d.considered == 1);
  CHECK(d.bump == Bump::patch);
}

TEST_CASE("release pre-releases: numbering, restart and promotion") {
  NextOptions rc;
  rc.pre = "rc";
  // First rc of 1.3.0.
  CHECK(next_after("1.2.0", {"feat: x"}, rc, {}, tags({"1.2.0"})) == "1.3.0-rc.1");
  // Continues from the highest rc of 1.3.0.
  CHECK(next_after("1.2.0", {"feat: x"}, rc, {}, tags({"1.2.0", "1.3.0-rc.1", "1.3.0-rc.2"})) == "1.3.0-rc.3");
  CHECK(next_after("1.2.0", {"feat: x"}, rc, {}, tags({"1.3.0-rc.9", "1.3.0-rc.10"})) == "1.3.0-rc.11");
  // Other ids and other versions do not count.
  CHECK(next_after("1.2.0", {"feat: x"}, rc, {}, tags({"1.3.0-beta.4", "1.2.1-rc.3"})) == "1.3.0-rc.1");
  // A breaking change raises X.Y.Z: numbering restarts.
  CHECK(next_after("1.2.0", {"feat: x", "feat!: y"}, rc, {}, tags({"1.3.0-rc.1", "1.3.0-rc.2"})) == "2.0.0-rc.1");
  // Without --pre: the stable version, promoting the rcs.
  CHECK(next_after("1.2.0", {"feat: x"}, {}, {}, tags({"1.3.0-rc.1", "1.3.0-rc.2"})) == "1.3.0");
  CHECK(next_pre_number(v("1.0.0"), "rc", tags({"1.0.0-rc.1.2", "1.0.0-rc"})) == 1);
}

TEST_CASE("release next: --build, --as and bad identifiers") {
  NextOptions b;
  b.build = "exp.sha.5114f85";
  CHECK(next_after("1.2.0", {"fix: x"}, b) == "1.2.1+exp.sha.5114f85");
  NextOptions as;
  as.forced_bump = Bump::major;
  CHECK(next_after("1.2.0", {"chore: x"}, as) == "2.0.0");
  NextOptions exact;
  exact.forced = v("4.0.0");
  CHECK(next_after("1.2.0", {"fix: x"}, exact) == "4.0.0");

  std::vector<Change> one{change(std::string(40, 'a'), "fix: x")};
  auto cur = v("1.2.0");
  Decision d = decide(one, {}, &cur);
  NextOptions bad;
  bad.pre = "rc.1";
  CHECK(next_version(cur, d, {}, bad).error().message ==
        "invalid pre-release identifier 'rc.1': expected one word such as rc, beta or alpha");
  bad.pre = "r c";
  CHECK_FALSE(next_version(cur, d, {}, bad).ok());
  NextOptions bad_build;
  bad_build.build = "a..b";
  CHECK(next_version(cur, d, {}, bad_build).error().message == "invalid build metadata 'a..b'");
  NextOptions low;
  low.forced = v("1.0.0");
  CHECK(next_version(cur, d, {}, low).error().message == "version '1.0.0' is not above the last release '1.2.0'");
}

TEST_CASE("release next: reasons for nothing to release") {
  auto cur = v("1.2.0");
  std::vector<Change> chores{change(std::string(40, 'a'), "chore: x")};
  auto next = next_version(cur, decide(chores, {}, &cur), {}, {});
  REQUIRE(next.ok());
  CHECK_FALSE(next->version);
  CHECK(next->reason == "no commit since 1.2.0 bumps the version (only types such as chore or docs)");
  next = next_version(cur, decide({}, {}, &cur), {}, {});
  CHECK(next->reason == "no releasable commits since 1.2.0");
}
