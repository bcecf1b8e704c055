#pragma once
// Fetching what keel self update needs, all of it over HTTPS: the update
// manifest and its signature (each capped at 64 KiB, verified before the
// manifest is parsed) and the binary (capped at the manifest's size and
// hashed as it streams). Mirrors are untrusted transport: the next one is
// tried when one fails, since everything is checked against the signature.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>
#include <chrono>
#include <memory>

#include "core/error.hpp"
#include "crypto/minisign.hpp"
#include "http/client.hpp"
#include "update/manifest.hpp"

namespace keel::update {

// Clients by server ("https://host:port"), kept open between requests.
struct ClientCache {
  std::map<std::string, std::unique_ptr<http::Client>> by_origin;
};

struct FetchOptions {
  std::vector<std::string> urls;  // the manifest's URL, then mirrors
  std::string ca_file;            // empty: $SSL_CERT_FILE, else the system's
  std::chrono::milliseconds timeout{30000};
  long low_speed_bytes = 1024;  // slower than this for `timeout` stops a transfer
  std::function<bool()> cancelled;
  // Connections kept open between the manifest and the binary (one TLS
  // handshake per server); copies of these options share it.
  std::shared_ptr<ClientCache> clients = std::make_shared<ClientCache>();
};

// A manifest whose signature verified, with where it came from.
struct SignedManifest {
  Manifest manifest;
  std::string text;       // the exact bytes that were verified
  std::string signature;  // the .minisig file's text
  std::string url;        // the one that answered
  std::string key_id;     // the key that signed it, as minisign shows it
};

// The trusted keys: those built in and those of update.keys.
// Errors: a malformed key in the list (exit 78, naming it).
Result<std::vector<crypto::PublicKey>> trusted_keys(const std::vector<std::string>& configured);

// Checks `signature` over `text` with the key its id selects among `keys`,
// then parses the manifest. `shown` names the manifest in messages.
Result<SignedManifest> verify_manifest(std::string text, std::string signature, const std::vector<crypto::PublicKey>& keys,
                                       const std::string& shown);

Result<SignedManifest> fetch_manifest(const FetchOptions& o, const std::vector<crypto::PublicKey>& keys);

// Streams `url` (resolved against the manifest's URL) into `out`, at most
// `size` bytes, and checks the size and SHA-256. `progress` gets the bytes
// received so far.
Status download(const FetchOptions& o, const std::string& manifest_url, const Download& d,
                      const std::function<bool(std::string_view)>& out,
                      const std::function<void(std::uint64_t)>& progress);

}  // namespace keel::update
