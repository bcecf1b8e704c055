#pragma once
// The update manifest: one channel's latest release, for every platform its
// binary's URL, size and SHA-256, signed as a whole with a minisign key
// (manifest.json.minisig beside it). `keel dist --channel` writes it and
// `keel self update` reads it. Every field is checked here, on the parsed
// document; the signature's trusted comment is not relied on for anything.
// Schema: docs/update-manifest.schema.json.
//
// Pure functions, no I/O: the caller verifies the signature over the exact
// bytes first, then parses them here.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace keel::update {

// Larger manifests are refused before they are verified or parsed.
inline constexpr std::size_t k_max_manifest_size = 64u << 10;
inline constexpr std::string_view k_schema = "keel-update-manifest/1";

// A zstd patch (zstd --patch-from) that rebuilds the binary from `from`'s.
struct Patch {
  std::string from;  // the version it applies to
  std::string url;   // absolute, or relative to the manifest's URL
  std::uint64_t size = 0;
  std::string sha256;
};

struct Download {
  std::string url;  // absolute, or relative to the manifest's URL
  std::uint64_t size = 0;
  std::string sha256;  // 64 lower-case hex digits
  std::optional<Patch> patch;
};

struct Manifest {
  std::string channel;
  std::string version;  // SemVer
  std::uint64_t serial = 0;
  std::int64_t expires = 0;                    // Unix time
  std::map<std::string, Download> platforms;  // "linux/amd64"
};

// A channel's name: 1 to 32 of a-z, 0-9 and '-'.
bool valid_channel(std::string_view name);

// Errors: "'SHOWN' is not a keel update manifest: WHY" (exit 1).
Result<Manifest> parse_manifest(std::string_view text, const std::string& shown);
std::string manifest_json(const Manifest& m);  // two-space indent, fields in schema order

// RFC 3339 in UTC with seconds, "2026-12-20T00:00:00Z": the only form
// written and read.
std::optional<std::int64_t> parse_utc_time(std::string_view text);
std::string format_utc_time(std::int64_t t);

// What the client expects; `now` is taken once, at the start.
struct Expectation {
  std::string channel;
  std::string platform;        // "linux/amd64"
  std::int64_t now = 0;
  std::uint64_t highest_serial = 0;  // the highest this machine has seen
  std::string running_version;
  std::optional<std::string> wanted_version;  // --to
  bool allow_downgrade = false;
};

enum class Verdict { update, up_to_date };

struct Decision {
  Verdict verdict = Verdict::up_to_date;
  const Download* download = nullptr;  // the platform's entry
};

// The checks TUF's attacks call for, in this order: channel (wrong
// software), expiry (freeze), serial (replay), platform (wrong software),
// then the version against the running one (rollback) and against --to.
// Errors are one line each, exit 1.
Result<Decision> decide(const Manifest& m, const Expectation& e);

}  // namespace keel::update
