#include "update/fetch.hpp"

#include <map>
#include <sstream>

#include "core/identity.hpp"
#include "crypto/sha256.hpp"
#include "http/client.hpp"
#include "log/log.hpp"

namespace keel::update {

namespace {

constexpr std::size_t k_max_signature_size = 64u << 10;

// A client for the URL's server, made once per server and options.
Result<http::Client*> client_for(const FetchOptions& o, const std::string& url) {
  if (url.rfind("https://", 0) != 0)
    return Error{"the update URL " + quote(log::redact(url)) + " is not https://", "set update.url to an https:// URL",
                 Exit::config};
  std::string origin = url.substr(0, url.find('/', 8));
  if (auto it = o.clients->by_origin.find(origin); it != o.clients->by_origin.end()) return it->second.get();
  http::Options h;
  h.base_url = origin;
  h.ca_file = o.ca_file;
  h.timeout = o.timeout;
  h.timeout_key = "update.timeout";
  h.low_speed_bytes = o.low_speed_bytes;
  h.cancelled = o.cancelled;
  auto client = http::Client::open(std::move(h));
  if (!client) return client.error();
  http::Client* raw = client->get();
  o.clients->by_origin[origin] = std::move(*client);
  return raw;
}

Result<std::string> get_small(http::Client& client, const std::string& url, std::size_t cap) {
  std::string body;
  auto status = client.get_url(
      url,
      [&](std::string_view piece) {
        body.append(piece);
        return true;
      },
      cap);
  if (!status) return status.error();
  if (*status != 200)
    return Error{"GET " + log::redact(url) + ": the server answered " + std::to_string(*status), {}, Exit::io};
  return body;
}

}  // namespace

Result<std::vector<crypto::PublicKey>> trusted_keys(const std::vector<std::string>& configured) {
  std::vector<crypto::PublicKey> keys;
  for (auto line : identity::update_keys()) keys.push_back(crypto::parse_public_key_base64(line).value_or_throw());
  for (const auto& line : configured) {
    auto key = crypto::parse_public_key_base64(line);
    if (!key)
      return Error{"update.keys: " + quote(line) + " is not a minisign public key: " + key.error().message, {},
                   Exit::config};
    keys.push_back(*key);
  }
  return keys;
}

Result<SignedManifest> verify_manifest(std::string text, std::string signature,
                                       const std::vector<crypto::PublicKey>& keys, const std::string& shown) {
  if (text.size() > k_max_manifest_size)
    return Error{quote(shown) + " is larger than 64 KiB: not a keel update manifest", {}, Exit::failed};
  std::string sig_shown = shown + ".minisig";
  auto sig = crypto::parse_signature_file(signature, sig_shown);
  if (!sig) return Error{sig.error().message, {}, Exit::failed};
  const crypto::PublicKey* key = nullptr;
  for (const auto& k : keys)
    if (k.key_id == sig->key_id) key = &k;
  std::string id = crypto::key_id_hex(sig->key_id);
  if (keys.empty())
    return Error{"this keel trusts no update key, so it cannot check " + quote(shown),
                 "add the publisher's public key to update.keys in your own config", Exit::config};
  if (!key)
    return Error{quote(shown) + " is signed by key " + id + ", which this keel does not trust",
                 "a self-hosted channel's key goes in update.keys, in your own config", Exit::failed};
  std::istringstream data(text);
  auto verdict = crypto::verify(*key, *sig, data, sig_shown, true);
  if (!verdict) return verdict.error();
  if (verdict->verdict != crypto::Verdict::valid)
    return Error{quote(shown) + ": " + verdict->message, "nothing was installed", Exit::failed};
  auto manifest = parse_manifest(text, shown);
  if (!manifest) return manifest.error();
  return SignedManifest{std::move(*manifest), std::move(text), std::move(signature), {}, id};
}

Result<SignedManifest> fetch_manifest(const FetchOptions& o, const std::vector<crypto::PublicKey>& keys) {
  if (o.urls.empty())
    return Error{"this keel has no update URL built in", "set update.url in your own config", Exit::config};
  std::optional<Error> last;
  for (const auto& url : o.urls) {
    auto attempt = [&]() -> Result<SignedManifest> {
      auto client = client_for(o, url);
      if (!client) return client.error();
      auto text = get_small(**client, url, k_max_manifest_size);
      if (!text) return text.error();
      auto sig = get_small(**client, url + ".minisig", k_max_signature_size);
      if (!sig) return sig.error();
      auto m = verify_manifest(std::move(*text), std::move(*sig), keys, log::redact(url));
      if (!m) return m.error();
      m->url = url;
      return m;
    }();
    if (attempt) return attempt;
    // A configuration mistake is the same on every mirror.
    if (attempt.error().exit == Exit::config) return attempt.error();
    if (&url != &o.urls.back()) log::warn(attempt.error().message + "; trying the next mirror");
    last = attempt.error();
  }
  return *last;
}

Status download(const FetchOptions& o, const std::string& manifest_url, const Download& d,
                const std::function<bool(std::string_view)>& out, const std::function<void(std::uint64_t)>& progress) {
  auto url = http::resolve_url(manifest_url, d.url);
  if (!url) return url.error();
  auto client = client_for(o, *url);
  if (!client) return client.error();
  crypto::Sha256 hash;
  std::uint64_t received = 0;
  bool write_failed = false;
  auto status = (*client)->get_url(
      *url,
      [&](std::string_view piece) {
        hash.update(piece);
        received += piece.size();
        if (!out(piece)) {
          write_failed = true;
          return false;
        }
        if (progress) progress(received);
        return true;
      },
      d.size);
  if (write_failed) return Error{"cannot write the new binary", {}, Exit::io};
  if (!status) return status.error();
  if (*status != 200)
    return Error{"GET " + log::redact(*url) + ": the server answered " + std::to_string(*status), {}, Exit::io};
  if (received != d.size)
    return Error{"GET " + log::redact(*url) + ": got " + std::to_string(received) + " bytes, the manifest says " +
                     std::to_string(d.size),
                 "nothing was installed", Exit::failed};
  if (crypto::hex(hash.finish()) != d.sha256)
    return Error{"GET " + log::redact(*url) + ": the binary's SHA-256 is not the manifest's",
                 "nothing was installed", Exit::failed};
  return ok_status();
}

}  // namespace keel::update
