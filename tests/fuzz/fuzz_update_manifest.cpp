// libFuzzer target for the update manifest (src/update/manifest.hpp), which
// keel self update reads from the network (after its signature checks, but
// a leaked key or a bug must not turn into memory errors). Besides crashes
// and sanitizer reports, it aborts when an invariant breaks: an accepted
// manifest written back and read again is the same manifest; every URL,
// resolved against the manifest's own https:// address the way keel self
// update resolves it, is https:// and a relative one stays on the
// manifest's host; decide() never hands out a download for another
// platform and never offers an older version without --allow-downgrade.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "http/client.hpp"
#include "semver/semver.hpp"
#include "update/manifest.hpp"

using namespace keel::update;
using keel::fuzz::require;

namespace {

bool same(const Manifest& a, const Manifest& b) {
  if (a.channel != b.channel || a.version != b.version || a.serial != b.serial || a.expires != b.expires ||
      a.platforms.size() != b.platforms.size())
    return false;
  for (const auto& [name, d] : a.platforms) {
    auto it = b.platforms.find(name);
    if (it == b.platforms.end() || it->second.url != d.url || it->second.size != d.size ||
        it->second.sha256 != d.sha256 || it->second.patch.has_value() != d.patch.has_value())
      return false;
  }
  return true;
}

void require_safe_url(const std::string& url) {
  constexpr std::string_view k_manifest = "https://updates.example/stable/manifest.json";
  auto resolved = keel::http::resolve_url(std::string(k_manifest), url);
  if (!resolved) return;  // keel self update stops with an error: nothing fetched
  require(resolved->rfind("https://", 0) == 0);
  if (url.rfind("https://", 0) != 0) require(resolved->rfind("https://updates.example/", 0) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = parse_manifest(text, "manifest.json");
  if (!m) return 0;
  auto again = parse_manifest(manifest_json(*m), "manifest.json");
  require(again.ok() && same(*m, *again));
  for (const auto& [name, d] : m->platforms) {
    require_safe_url(d.url);
    if (d.patch) require_safe_url(d.patch->url);
  }
  for (bool downgrade : {false, true}) {
    Expectation e{m->channel, "linux/amd64", m->expires - 1, m->serial, "1.0.0", std::nullopt, downgrade};
    auto d = decide(*m, e);
    if (!d) continue;
    require(d->download == &m->platforms.at("linux/amd64"));
    if (d->verdict == Verdict::update && !downgrade) {
      auto offered = keel::semver::parse(m->version);
      auto one = keel::semver::parse("1.0.0");
      require(offered.ok() && one.ok() && keel::semver::compare(*offered, *one) > 0);
    }
  }
  return 0;
}
