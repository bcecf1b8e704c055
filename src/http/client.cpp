#include "http/client.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

#include "build_config.hpp"
#include "core/identity.hpp"
#include "fs/fs.hpp"
#include "log/log.hpp"

namespace keel::http {

namespace {

struct Handle {
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};
};

// The scheme of a URL as libcurl parses it, lowercase; empty when the URL
// does not parse.
std::string scheme_of(const std::string& url) {
  CURLU* u = curl_url();
  std::string scheme;
  if (u && curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* part = nullptr;
    if (curl_url_get(u, CURLUPART_SCHEME, &part, 0) == CURLUE_OK && part) scheme = part;
    curl_free(part);
  }
  curl_url_cleanup(u);
  return scheme;
}

struct Download {
  const Sink* sink;
  std::uint64_t max = 0, received = 0;
  bool over = false, stopped = false;
};

std::size_t on_body(char* data, std::size_t, std::size_t n, void* user) {
  auto* d = static_cast<Download*>(user);
  d->received += n;
  if (d->received > d->max) {
    d->over = true;
    return 0;
  }
  if (d->sink && !(*d->sink)(std::string_view(data, n))) {
    d->stopped = true;
    return 0;
  }
  return n;
}

struct Upload {
  std::string_view bytes;  // from memory
  int fd = -1;             // or from a file
  std::size_t offset = 0;
};

std::size_t on_read(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  std::size_t room = size * n;
  if (u->fd >= 0) {
    for (;;) {
      ssize_t got = ::read(u->fd, buffer, room);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno != EINTR) return CURL_READFUNC_ABORT;
    }
  }
  std::size_t take = std::min(room, u->bytes.size() - u->offset);
  std::memcpy(buffer, u->bytes.data() + u->offset, take);
  u->offset += take;
  return take;
}

// libcurl sends a request again on a new connection when a kept-alive one
// turns out closed (a proxy or server timed it out): the body starts over.
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* u = static_cast<Upload*>(user);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  if (u->fd >= 0) return ::lseek(u->fd, offset, SEEK_SET) == offset ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
  if (static_cast<std::uint64_t>(offset) > u->bytes.size()) return CURL_SEEKFUNC_FAIL;
  u->offset = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

std::size_t discard_body(char*, std::size_t, std::size_t n, void*) { return n; }

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const Options*>(user)->cancelled() ? 1 : 0;
}

// The static build's libcurl knows Debian's bundle path only; other
// distributions keep theirs elsewhere.
const char* system_ca_bundle() {
  static const char* const found = [] {
    for (const char* p : {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                          "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem", "/etc/pki/tls/cacert.pem"})
      if (::access(p, R_OK) == 0) return p;
    return static_cast<const char*>(nullptr);
  }();
  return found;
}

Handle* new_handle(const Options& o, curl_slist* headers) {
  auto* h = new Handle;
  h->easy = curl_easy_init();
  if (!h->easy) {
    delete h;
    throw std::bad_alloc();
  }
  CURL* c = h->easy;
  std::string scheme = scheme_of(o.base_url);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->error);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, scheme.c_str());
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, scheme.c_str());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.timeout.count()));
  long stall = std::max<long>(1, static_cast<long>((o.timeout.count() + 999) / 1000));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, std::max(1L, o.low_speed_bytes));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, stall);
  curl_easy_setopt(c, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  std::string agent = "keel/" + std::string(identity::version());
  curl_easy_setopt(c, CURLOPT_USERAGENT, agent.c_str());  // libcurl copies it
  if (o.cancelled) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &o);
  }
  // libcurl does not read SSL_CERT_FILE itself (the curl tool does).
  const char* env_file = std::getenv("SSL_CERT_FILE");
  const char* env_dir = std::getenv("SSL_CERT_DIR");
  if (!o.ca_file.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
  } else if (env_file && *env_file) {
    curl_easy_setopt(c, CURLOPT_CAINFO, env_file);
  } else if (const char* bundle = system_ca_bundle(); bundle && !(env_dir && *env_dir)) {
    curl_easy_setopt(c, CURLOPT_CAINFO, bundle);
  }
  if (o.ca_file.empty() && env_dir && *env_dir) curl_easy_setopt(c, CURLOPT_CAPATH, env_dir);
  return h;
}

}  // namespace

struct Client::Pool {
  std::mutex lock;
  std::vector<Handle*> idle;
  std::atomic<std::uint64_t> requests{0};
  curl_slist* headers = nullptr;
  ~Pool() {
    for (Handle* h : idle) {
      curl_easy_cleanup(h->easy);
      delete h;
    }
    curl_slist_free_all(headers);
  }
};

namespace {

// A handle taken from the pool for one request, given back after it (its
// connection stays open for the next).
class Lease {
 public:
  Lease(std::mutex& lock, std::vector<Handle*>& idle, const Options& o, curl_slist* headers)
      : m_lock(lock), m_idle(idle) {
    {
      std::lock_guard guard(m_lock);
      if (!m_idle.empty()) {
        m_handle = m_idle.back();
        m_idle.pop_back();
      }
    }
    if (!m_handle) m_handle = new_handle(o, headers);
  }
  ~Lease() {
    std::lock_guard guard(m_lock);
    m_idle.push_back(m_handle);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Handle& operator*() const { return *m_handle; }

 private:
  std::mutex& m_lock;
  std::vector<Handle*>& m_idle;
  Handle* m_handle = nullptr;
};

}  // namespace

Client::Client(Options options) : m_options(std::move(options)), m_pool(std::make_unique<Pool>()) {
  if (std::size_t q = m_options.base_url.find('?'); q != std::string::npos) {
    m_query = m_options.base_url.substr(q);
    m_options.base_url.erase(q);
  }
  while (!m_options.base_url.empty() && m_options.base_url.back() == '/') m_options.base_url.pop_back();
  m_shown = log::redact(m_options.base_url);
  if (m_options.bearer_token) {
    log::add_secret(*m_options.bearer_token);
    m_pool->headers = curl_slist_append(m_pool->headers, ("Authorization: Bearer " + *m_options.bearer_token).c_str());
  }
  // No "Expect: 100-continue" round trip before each upload.
  m_pool->headers = curl_slist_append(m_pool->headers, "Expect:");
}

Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::open(Options options) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string scheme = scheme_of(options.base_url);
  if (scheme != "http" && scheme != "https")
    return Error{"the URL " + quote(log::redact(options.base_url)) + " is not http:// or https://", {}, Exit::usage};
  return std::unique_ptr<Client>(new Client(std::move(options)));
}

std::uint64_t Client::requests() const { return m_pool->requests.load(); }

std::string Client::url_for(std::string_view path) const {
  return m_options.base_url + "/" + std::string(path) + m_query;
}

namespace {

// keel's words for what went wrong, the same whichever libcurl is linked
// (their texts change between versions); TLS problems keep libcurl's detail.
std::string what_failed(CURLcode code, const Handle& h, const Options& o) {
  std::string detail = h.error[0] ? h.error : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_CONNECT: return "cannot connect";
    case CURLE_COULDNT_RESOLVE_HOST: return "cannot resolve the host name";
    case CURLE_COULDNT_RESOLVE_PROXY: return "cannot resolve the proxy's host name";
    case CURLE_OPERATION_TIMEDOUT:
      if (o.low_speed_bytes > 1)
        return "timed out: slower than " + std::to_string(o.low_speed_bytes) + " bytes a second for " + o.timeout_key;
      return "timed out: no progress within " + o.timeout_key;
    case CURLE_PARTIAL_FILE: return "the body was cut short";
    case CURLE_GOT_NOTHING: return "the server closed the connection without an answer";
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR: return "the connection broke";
    case CURLE_TOO_MANY_REDIRECTS: return "too many redirects";
    // The base URL's scheme is allowed: only a redirect leads to another.
    case CURLE_UNSUPPORTED_PROTOCOL: return "redirected to another scheme, which keel does not follow";
    case CURLE_ABORTED_BY_CALLBACK: return "cancelled";
    case CURLE_PEER_FAILED_VERIFICATION: return "the server's TLS certificate does not verify (" + detail + ")";
    case CURLE_SSL_CONNECT_ERROR: return "the TLS handshake failed (" + detail + ")";
    default: return detail;
  }
}

Error transfer_error(const char* method, const std::string& url, CURLcode code, const Handle& h, const Options& o) {
  return Error{std::string(method) + " " + log::redact(url) + ": " + log::redact(what_failed(code, h, o)),
               {}, Exit::io};
}

}  // namespace

Result<long> Client::get(std::string_view path, const Sink& sink, std::uint64_t max_bytes) {
  return get_url(url_for(path), sink, max_bytes);
}

Result<std::string> resolve_url(const std::string& base, const std::string& reference) {
  CURLU* u = curl_url();
  if (!u) throw std::bad_alloc();
  std::unique_ptr<CURLU, void (*)(CURLU*)> owner(u, curl_url_cleanup);
  char* text = nullptr;
  if (curl_url_set(u, CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
      curl_url_set(u, CURLUPART_URL, reference.c_str(), 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_URL, &text, 0) != CURLUE_OK)
    return Error{"cannot resolve the URL " + quote(reference) + " against " + quote(log::redact(base)), {},
                 Exit::failed};
  std::string out = text;
  curl_free(text);
  return out;
}

Result<long> Client::get_url(const std::string& url, const Sink& sink, std::uint64_t max_bytes) {
  Lease lease(m_pool->lock, m_pool->idle, m_options, m_pool->headers);
  Handle* h = &*lease;
  Download d{&sink, max_bytes};
  CURL* c = h->easy;
  h->error[0] = '\0';
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
  // 0 is no limit; a value over curl_off_t's range would be refused and
  // leave the handle's last limit in place.
  constexpr std::uint64_t k_no_limit = static_cast<std::uint64_t>(std::numeric_limits<curl_off_t>::max());
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes >= k_no_limit ? 0 : max_bytes));
  ++m_pool->requests;
  CURLcode code = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (d.over || code == CURLE_FILESIZE_EXCEEDED)
    return Error{"GET " + log::redact(url) + ": the body is larger than " + std::to_string(max_bytes) + " bytes", {},
                 Exit::io};
  if (d.stopped) return Error{"GET " + log::redact(url) + ": the body was refused", {}, Exit::io};
  if (code != CURLE_OK) return transfer_error("GET", url, code, *h, m_options);
  return status;
}

namespace {

Result<long> perform_put(CURL* c, Handle& h, const std::string& url, Upload& up, std::uint64_t size,
                         const Options& options) {
  h.error[0] = '\0';
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
  curl_easy_setopt(c, CURLOPT_SEEKDATA, &up);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(0));
  CURLcode code = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK) return transfer_error("PUT", url, code, h, options);
  return status;
}

}  // namespace

Result<long> Client::put(std::string_view path, std::string_view body) {
  Lease lease(m_pool->lock, m_pool->idle, m_options, m_pool->headers);
  Handle* h = &*lease;
  ++m_pool->requests;
  Upload up{body};
  return perform_put(h->easy, *h, url_for(path), up, body.size(), m_options);
}

Result<long> Client::put_file(std::string_view path, const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot read " + quote(file.string()) + ": " + std::strerror(errno), {}, Exit::io};
  fs::FdCloser closer(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Error{"cannot read " + quote(file.string()) + ": " + std::strerror(errno), {}, Exit::io};
  Lease lease(m_pool->lock, m_pool->idle, m_options, m_pool->headers);
  Handle* h = &*lease;
  ++m_pool->requests;
  Upload up{{}, fd};
  return perform_put(h->easy, *h, url_for(path), up, static_cast<std::uint64_t>(st.st_size), m_options);
}

Result<long> Client::remove(std::string_view path) {
  Lease lease(m_pool->lock, m_pool->idle, m_options, m_pool->headers);
  Handle* h = &*lease;
  ++m_pool->requests;
  std::string url = url_for(path);
  CURL* c = h->easy;
  h->error[0] = '\0';
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
  CURLcode code = curl_easy_perform(c);
  // The handle goes back to the pool: its next request must not be a DELETE.
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, nullptr);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK) return transfer_error("DELETE", url, code, *h, m_options);
  return status;
}

}  // namespace keel::http
