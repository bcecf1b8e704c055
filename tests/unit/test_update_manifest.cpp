// The update manifest's parser and the decisions keel self update takes on
// it: one case per TUF attack the fields exist for.
#include <doctest/doctest.h>

#include <string>

#include "core/identity.hpp"
#include "crypto/minisign.hpp"
#include "http/client.hpp"
#include "update/manifest.hpp"
#include "update/install.hpp"
#include "update/notice.hpp"
#include "update/patch.hpp"

using namespace keel::update;

namespace {

const std::string k_sha = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

std::string manifest(const std::string& platforms_extra = "", const std::string& top_extra = "") {
  return R"({"schema": "keel-update-manifest/1", "channel": "stable", "version": "1.2.0", "serial": 7,)" +
         top_extra + R"( "expires": "2026-12-20T00:00:00Z", "platforms": {"linux/amd64": {"url": "../../keel",
         "size": 10, "sha256": ")" + k_sha + "\"" + platforms_extra + "}}}";
}

std::string error_of(const std::string& text) {
  auto m = parse_manifest(text, "m.json");
  REQUIRE(!m);
  return m.error().message;
}

Expectation expect() { return {"stable", "linux/amd64", 1797000000, 7, "1.1.0", std::nullopt, false}; }

}  // namespace

TEST_CASE("update manifest: a good one reads, and writes back the same") {
  auto m = parse_manifest(manifest(), "m.json");
  REQUIRE(m);
  CHECK(m->version == "1.2.0");
  CHECK(m->serial == 7);
  CHECK(m->expires == 1797724800);
  CHECK(m->platforms.at("linux/amd64").url == "../../keel");
  auto again = parse_manifest(manifest_json(*m), "m.json");
  REQUIRE(again);
  CHECK(manifest_json(*again) == manifest_json(*m));
}

TEST_CASE("update manifest: every field is checked") {
  CHECK(error_of("[]") == "'m.json' is not a keel update manifest: it is not a JSON object");
  CHECK(error_of(manifest("", R"( "extra": 1,)")) == "'m.json' is not a keel update manifest: unknown field 'extra'");
  CHECK(error_of(manifest(R"(, "mirror": "x")")) ==
        "'m.json' is not a keel update manifest: platform linux/amd64: unknown field 'mirror'");
  std::string http = manifest();
  http.replace(http.find("../../keel"), 10, "http://example.org/keel");
  CHECK(error_of(http) == "'m.json' is not a keel update manifest: platform linux/amd64: the url "
                          "'http://example.org/keel' is neither https:// nor relative");
  std::string upper = manifest();
  upper.replace(upper.find(k_sha), 1, "A");
  CHECK(error_of(upper) ==
        "'m.json' is not a keel update manifest: platform linux/amd64: the sha256 is not 64 lower-case hex digits");
  std::string date = manifest();
  date.replace(date.find("2026-12-20"), 10, "2026-02-30");
  CHECK(error_of(date) == "'m.json' is not a keel update manifest: \"expires\" '2026-02-30T00:00:00Z' is not a UTC "
                          "time such as 2026-12-20T00:00:00Z");
  std::string negative = manifest();
  negative.replace(negative.find("\"serial\": 7"), 11, "\"serial\": -7");
  CHECK(error_of(negative) == "'m.json' is not a keel update manifest: \"serial\" is missing or not a whole number");
  CHECK(error_of(std::string(70000, ' ') + manifest()) ==
        "'m.json' is not a keel update manifest: it is larger than 64 KiB");
}

TEST_CASE("update manifest: a relative url with a colon later in its path stays on the manifest's host") {
  // Found by fuzz-update_manifest: "dir/x://y" has no scheme (the first ':'
  // comes after a '/'), so it is relative, and libcurl resolves it so.
  std::string odd = manifest();
  odd.replace(odd.find("../../keel"), 10, "dir/x://evil.example/keel");
  auto m = parse_manifest(odd, "m.json");
  REQUIRE(m);
  auto url = keel::http::resolve_url("https://updates.example/stable/manifest.json", m->platforms.at("linux/amd64").url);
  REQUIRE(url);
  CHECK(*url == "https://updates.example/stable/dir/x://evil.example/keel");
  std::string scheme_relative = manifest();
  scheme_relative.replace(scheme_relative.find("../../keel"), 10, "//evil.example/keel");
  CHECK(!parse_manifest(scheme_relative, "m.json"));
}

TEST_CASE("update manifest: UTC times read back only in their one form") {
  CHECK(parse_utc_time("2026-12-20T00:00:00Z") == 1797724800);
  CHECK(!parse_utc_time("2026-12-20T00:00:00+01:00"));
  CHECK(!parse_utc_time("2026-12-20 00:00:00Z"));
  CHECK(!parse_utc_time("2026-1-20T00:00:00Z "));
  CHECK(format_utc_time(1797724800) == "2026-12-20T00:00:00Z");
}

TEST_CASE("update decide: newer is an update, equal is up to date") {
  auto m = parse_manifest(manifest(), "m.json").value_or_throw();
  auto d = decide(m, expect());
  REQUIRE(d);
  CHECK(d->verdict == Verdict::update);
  CHECK(d->download == &m.platforms.at("linux/amd64"));
  auto e = expect();
  e.running_version = "1.2.0";
  CHECK(decide(m, e)->verdict == Verdict::up_to_date);
}

TEST_CASE("update decide: each attack is refused with its own message") {
  auto m = parse_manifest(manifest(), "m.json").value_or_throw();
  auto refused = [&](Expectation e) {
    auto d = decide(m, e);
    REQUIRE(!d);
    return d.error().message;
  };
  auto e = expect();
  e.channel = "beta";  // wrong software
  CHECK(refused(e) == "the update manifest is for the 'stable' channel, not 'beta'");
  e = expect();
  e.platform = "linux/arm64";
  CHECK(refused(e) == "the update manifest has no binary for linux/arm64");
  e = expect();
  e.now = 1797724800;  // freeze: expired the very second
  CHECK(refused(e) == "the update manifest expired at 2026-12-20T00:00:00Z: the server is stale or replays an old "
                      "manifest");
  e = expect();
  e.highest_serial = 8;  // replay of an older manifest
  CHECK(refused(e) == "the update manifest's serial 7 is lower than 8, already seen: an older manifest is being "
                      "replayed");
  e = expect();
  e.running_version = "1.3.0";  // rollback
  CHECK(refused(e) == "the update manifest offers 1.2.0, older than the running 1.3.0 (--allow-downgrade installs it)");
  e.allow_downgrade = true;
  CHECK(decide(m, e)->verdict == Verdict::update);
  e = expect();
  e.wanted_version = "1.4.0";
  CHECK(refused(e) == "the stable channel offers 1.2.0, not 1.4.0");
}

TEST_CASE("identity: every update key built in is a minisign public key") {
  for (auto key : keel::identity::update_keys()) {
    CAPTURE(key);
    CHECK(keel::crypto::parse_public_key_base64(key).ok());
  }
  CHECK(!keel::identity::version().empty());
}

TEST_CASE("update notice: a check once a day, a line once a day, only for a newer version") {
  const std::int64_t day = k_notice_interval, now = 1797000000;
  NoticeState fresh;
  auto d = decide_notice(fresh, now, "1.0.0");
  CHECK(d.check);
  CHECK(!d.tell);
  NoticeState known{now - 60, "1.1.0", 0};
  d = decide_notice(known, now, "1.0.0");
  CHECK(!d.check);
  REQUIRE(d.tell);
  CHECK(*d.tell == "keel 1.1.0 is available (this is 1.0.0): keel self update installs it");
  known.notified = now - 60;
  CHECK(!decide_notice(known, now, "1.0.0").tell);
  CHECK(decide_notice(known, now + day, "1.0.0").tell);
  CHECK(!decide_notice(known, now, "1.1.0").tell);  // already running it
  known.checked = now + day;                        // a clock set back: check again
  CHECK(decide_notice(known, now, "1.0.0").check);
  CHECK(!notice_allowed({{"CI", "true"}}));
  CHECK(!notice_allowed({{"NO_UPDATE_NOTIFIER", "1"}}));
  CHECK(!notice_allowed({{"KEEL_NO_UPDATE_CHECK", "1"}}));
  CHECK(notice_allowed({{"CI", ""}}));
}

TEST_CASE("update patch: a zstd patch rebuilds the new binary from the old, and refuses what is wrong") {
  std::string old_binary, new_binary;
  for (int i = 0; i < 200000; ++i) old_binary += static_cast<char>((i * 7919) % 251);
  new_binary = old_binary;
  new_binary.replace(1000, 5, "12345");
  new_binary += "tail";
  auto patch = keel::update::make_patch(old_binary, new_binary);
  REQUIRE(patch);
  CHECK(patch->size() < 1000);
  std::string rebuilt;
  auto collect = [&](std::string_view b) {
    rebuilt.append(b);
    return true;
  };
  REQUIRE(keel::update::apply_patch(old_binary, *patch, new_binary.size(), collect));
  CHECK(rebuilt == new_binary);
  rebuilt.clear();
  auto capped = keel::update::apply_patch(old_binary, *patch, new_binary.size() - 1, collect);
  REQUIRE(!capped);
  CHECK(capped.error().message == "the patch makes more than the manifest's size");
  rebuilt.clear();
  auto cut = keel::update::apply_patch(old_binary, patch->substr(0, patch->size() / 2), new_binary.size(), collect);
  REQUIRE(!cut);
  CHECK(cut.error().message == "the patch is cut short");
  rebuilt.clear();
  auto extra = keel::update::apply_patch(old_binary, *patch + "x", new_binary.size(), collect);
  REQUIRE(!extra);
}

TEST_CASE("update install: binaries a package manager owns are recognised by their path") {
  using keel::update::packaged_by_path;
  CHECK(packaged_by_path("/nix/store/abc-keel-1.0/bin/keel") == "nix");
  CHECK(packaged_by_path("/snap/keel/12/bin/keel") == "snap");
  CHECK(packaged_by_path("/opt/homebrew/Cellar/keel/1.0/bin/keel") == "Homebrew");
  CHECK(packaged_by_path("/home/linuxbrew/.linuxbrew/bin/keel") == "Homebrew");
  CHECK(packaged_by_path("/usr/bin/keel") == "the system's package manager");
  CHECK(packaged_by_path("/usr/bin/../local/bin/keel") == std::nullopt);
  CHECK(packaged_by_path("/usr/local/bin/keel") == std::nullopt);
  CHECK(packaged_by_path("/home/ada/.local/bin/keel") == std::nullopt);
}

TEST_CASE("update manifest: a patch lacking its url, size or sha256 is refused (found by fuzz_update_manifest)") {
  CHECK(error_of(manifest(R"(, "patch": {"from": "1.1.0", "url": "p.zst"})")) ==
        "'m.json' is not a keel update manifest: platform linux/amd64: patch: \"size\" is missing or not a whole number");
  CHECK(error_of(manifest(R"(, "patch": {"from": "1.1.0", "url": "p.zst", "size": 1, "sha256": ")" + k_sha +
                          R"(", "patch": {}})")) ==
        "'m.json' is not a keel update manifest: platform linux/amd64: patch: unknown field 'patch'");
}
