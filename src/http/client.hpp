#pragma once
// HTTP transfers through libcurl, for the remote cache (and later the
// self-update): one client per server, its connections kept alive and
// shared by the threads that use it (a pool of curl handles), HTTP/2 where
// the server offers it over TLS. libcurl takes http_proxy, https_proxy and
// no_proxy from the environment, and user:password in the URL or ~/.netrc.
//
// Redirects are followed within the base URL's scheme only. Every message
// names the URL with its credentials replaced (log::redact).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace keel::http {

struct Options {
  // http(s)://[user:pass@]host[:port][/prefix][?query]: a path is added
  // after the prefix, and the query (a presigned URL's) kept after it.
  std::string base_url;
  std::optional<std::string> bearer_token;  // sent as Authorization: Bearer
  std::string ca_file;                      // empty: $SSL_CERT_FILE, else the system's CAs
  // Longest wait to connect, and longest a transfer may make no progress.
  std::chrono::milliseconds timeout{60000};
  std::string timeout_key = "cache.remote.timeout";  // named when it runs out
  // A transfer slower than this many bytes a second for `timeout` is
  // stopped (a server that trickles bytes must not hold keel forever).
  long low_speed_bytes = 1;
  // Polled during transfers: true stops them (Ctrl-C must not wait for a
  // slow server).
  std::function<bool()> cancelled;
};

// Receives a body in pieces; returning false stops the transfer.
using Sink = std::function<bool(std::string_view)>;

class Client {
 public:
  // Errors: a URL that is not http:// or https:// (Exit::usage).
  static Result<std::unique_ptr<Client>> open(Options options);
  ~Client();

  // The HTTP status of the final response; an error when no response came
  // (unreachable, timed out, TLS, a redirect to another scheme, a body cut
  // short or over max_bytes, or a sink that said stop).
  Result<long> get(std::string_view path, const Sink& sink, std::uint64_t max_bytes);
  // The same for a whole URL, which must have the base URL's scheme.
  Result<long> get_url(const std::string& url, const Sink& sink, std::uint64_t max_bytes);
  Result<long> put(std::string_view path, std::string_view body);
  Result<long> put_file(std::string_view path, const std::filesystem::path& file);
  Result<long> remove(std::string_view path);  // DELETE

  // base_url with credentials replaced, for messages.
  const std::string& shown() const { return m_shown; }
  // Requests made so far.
  std::uint64_t requests() const;

 private:
  struct Pool;
  explicit Client(Options options);
  std::string url_for(std::string_view path) const;
  Options m_options;
  std::string m_query;  // "?..." of the base URL, or empty
  std::string m_shown;
  std::unique_ptr<Pool> m_pool;
};

// `reference` (absolute, or relative as in an HTML link) resolved against
// `base` by libcurl's URL parser (RFC 3986).
Result<std::string> resolve_url(const std::string& base, const std::string& reference);

}  // namespace keel::http
