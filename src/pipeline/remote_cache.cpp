#include "pipeline/remote_cache.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <limits>
#include <set>

#include "core/parallel.hpp"
#include "log/log.hpp"
#include "pipeline/action_result.hpp"

namespace keel::pipeline {

namespace {

// An ActionResult of tens of thousands of outputs fits; more is not one.
constexpr std::uint64_t k_max_result_bytes = 16u << 20;

// A lookup's hit: 204 is nginx WebDAV's answer for nothing there.
bool found(long status) { return status >= 200 && status < 300 && status != 204; }
// An upload's success: any 2xx, 204 too (nginx replacing a file it had).
bool stored(long status) { return status >= 200 && status < 300; }

using Blob = std::pair<crypto::Digest, std::uint64_t>;  // digest, size

// The blobs an entry names: its files' contents (links have none) and its
// replayed output, each once.
std::vector<Blob> blobs_of(const ActionEntry& entry) {
  std::vector<Blob> blobs;
  for (const auto& o : entry.outputs)
    if (o.mode != 0120000) blobs.emplace_back(o.digest, o.size);
  if (entry.out) blobs.emplace_back(*entry.out, entry.out_size);
  if (entry.err) blobs.emplace_back(*entry.err, entry.err_size);
  std::sort(blobs.begin(), blobs.end());
  blobs.erase(std::unique(blobs.begin(), blobs.end(), [](const Blob& a, const Blob& b) { return a.first == b.first; }),
              blobs.end());
  return blobs;
}

std::uint64_t size_of_file(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

}  // namespace

RemoteCache::RemoteCache(std::unique_ptr<http::Client> client, RemoteOptions options, const Store& local)
    : m_client(std::move(client)), m_options(options), m_local(local) {}

RemoteCache::~RemoteCache() { finish(); }

void RemoteCache::turn_off(const std::string& why) {
  if (m_off.exchange(true)) return;
  log::warn("remote cache: " + why + "; the run goes on without it");
}

void RemoteCache::report_once(std::atomic<bool>& flag, const std::string& message) {
  if (!flag.exchange(true)) log::warn("remote cache: " + message);
}

// What a status means for a lookup: 404 and 204 (nginx's WebDAV answer
// for nothing there) are misses, any other 2xx a hit; refusals, server
// errors and anything unexpected turn the remote off.
RemoteCache::Reply RemoteCache::answer(Result<long> status, const char* what) {
  if (!status) {
    turn_off(status.error().message);
    return Reply::off;
  }
  long code = *status;
  if (code == 404 || code == 204) return Reply::missing;
  if (found(code)) return Reply::found;
  std::string url = shown() + "/" + what;
  if (code == 401 || code == 403)
    turn_off(url + " refused access (HTTP " + std::to_string(code) + "); check the token or credentials");
  else
    turn_off("GET " + url + " answered HTTP " + std::to_string(code));
  return Reply::off;
}

// Any answer to an upload but 2xx turns the remote off.
void RemoteCache::refused_upload(Result<long> status, const std::string& path) {
  if (!status) return turn_off(status.error().message);
  std::string url = shown() + "/" + path;
  long code = *status;
  if (code == 401 || code == 403)
    turn_off(url + " refused the upload (HTTP " + std::to_string(code) + "); check the token or credentials");
  else
    turn_off("PUT " + url + " answered HTTP " + std::to_string(code));
}

bool RemoteCache::fetch_blob(const crypto::Digest& digest, std::uint64_t size) {
  if (m_off) return false;
  auto writer = m_local.new_blob(digest, size);
  if (!writer) {
    log::debug("remote cache: " + writer.error().message);
    return false;
  }
  std::string path = "cas/" + crypto::hex(digest);
  BlobWriter& w = **writer;
  // No cap here: the writer stops a body longer than the blob, which is
  // then wrong bytes rather than a broken server.
  auto status = m_client->get(path, [&](std::string_view piece) { return w.write(piece); },
                              std::numeric_limits<std::uint64_t>::max());
  if (w.too_long()) {
    report_once(m_told_bytes, shown() + "/" + path + " sent bytes that do not match their SHA-256; taken as a miss");
    return false;
  }
  if (w.failed()) {
    log::debug("remote cache: cannot write " + m_local.blob_path(digest).string());
    return false;
  }
  if (answer(status, path.c_str()) != Reply::found) return false;
  auto kept = (*writer)->commit();
  if (!kept) {
    log::debug("remote cache: " + kept.error().message);
    return false;
  }
  if (!*kept) {
    report_once(m_told_bytes, shown() + "/" + path + " sent bytes that do not match their SHA-256; taken as a miss");
    return false;
  }
  m_bytes_down += size;
  ++m_blobs_down;
  return true;
}

std::optional<ActionEntry> RemoteCache::fetch(const std::string& key, bool fill) {
  if (m_off) return std::nullopt;
  std::string body;
  std::string path = "ac/" + key;
  auto status = m_client->get(path, [&](std::string_view piece) {
    body.append(piece);
    return true;
  }, k_max_result_bytes);
  Reply reply = answer(status, path.c_str());
  if (reply == Reply::off) return std::nullopt;
  if (reply == Reply::missing) {
    ++m_misses;
    return std::nullopt;
  }
  auto entry = decode_action_result(body, m_options.max_blob_size);
  if (!entry) {
    report_once(m_told_entry, shown() + "/" + path + " is " + entry.error().message + "; taken as a miss");
    ++m_misses;
    return std::nullopt;
  }
  m_bytes_down += body.size();
  if (!fill) {
    ++m_hits;
    return std::move(entry).value();
  }

  std::vector<Blob> blobs = blobs_of(*entry);
  std::vector<Blob> wanted;
  for (const auto& b : blobs)
    if (!m_local.has_blob(b.first, b.second)) wanted.push_back(b);
  std::atomic<bool> whole{true};
  for_each_index_on(m_options.transfers, wanted.size(), [&](std::size_t i) {
    if (whole && !fetch_blob(wanted[i].first, wanted[i].second)) whole = false;
  });
  if (!whole) {
    if (!m_off) ++m_misses;
    return std::nullopt;
  }
  if (auto s = m_local.record(key, *entry); !s) {
    log::debug("remote cache: " + s.error().message);
    return std::nullopt;
  }
  {
    std::lock_guard guard(m_lock);
    std::promise<bool> there;
    there.set_value(true);
    auto f = there.get_future().share();
    for (const auto& b : blobs) m_on_server.emplace(b.first, f);
  }
  ++m_hits;
  return std::move(entry).value();
}

void RemoteCache::upload(const std::string& key, ActionEntry entry) {
  if (!m_options.upload || m_off) return;
  std::lock_guard guard(m_lock);
  if (m_closing) return;
  m_queue.emplace_back(key, std::move(entry));
  if (m_workers.size() < m_options.transfers) m_workers.emplace_back([this] { work(); });
  m_wake.notify_one();
}

void RemoteCache::work() {
  for (;;) {
    std::pair<std::string, ActionEntry> job;
    {
      std::unique_lock guard(m_lock);
      m_wake.wait(guard, [&] { return m_closing || !m_queue.empty(); });
      if (m_queue.empty()) return;
      job = std::move(m_queue.front());
      m_queue.pop_front();
    }
    if (m_options.cancelled && m_options.cancelled()) {
      ++m_skipped;  // keel was interrupted: what is left is not uploaded
      continue;
    }
    upload_now(job.first, job.second);
  }
}

// Puts one blob on the server unless it is there or on its way: a blob
// another thread is putting is waited for, so that the result naming it
// goes up after it.
bool RemoteCache::ensure_uploaded(const crypto::Digest& digest, std::uint64_t size) {
  std::promise<bool> mine;
  std::shared_future<bool> theirs;
  {
    std::lock_guard guard(m_lock);
    auto it = m_on_server.find(digest);
    if (it != m_on_server.end()) {
      theirs = it->second;
    } else {
      m_on_server.emplace(digest, mine.get_future().share());
    }
  }
  if (theirs.valid()) {
    ++m_skipped;
    return theirs.get();
  }
  bool ok = false;
  std::string path = "cas/" + crypto::hex(digest);
  std::filesystem::path blob = m_local.blob_path(digest);
  if (size_of_file(blob) != size) {
    log::debug("remote cache: " + path + " is gone from the local store; its result is not uploaded");
  } else if (!m_off) {
    auto status = m_client->put_file(path, blob);
    ok = status && stored(*status);
    if (ok) {
      ++m_blobs_up;
      m_bytes_up += size;
    } else {
      refused_upload(status, path);
    }
  }
  mine.set_value(ok);
  return ok;
}

void RemoteCache::upload_now(const std::string& key, ActionEntry& entry) {
  // The local entry does not keep its output's sizes; the blobs have them.
  if (entry.out) entry.out_size = size_of_file(m_local.blob_path(*entry.out));
  if (entry.err) entry.err_size = size_of_file(m_local.blob_path(*entry.err));
  std::vector<Blob> blobs = blobs_of(entry);
  for (const auto& b : blobs) {
    if (b.second > m_options.max_blob_size) {
      log::debug("remote cache: " + key + " is not uploaded: a blob is over cache.remote.max_blob_size");
      ++m_skipped;
      return;
    }
  }
  for (const auto& b : blobs) {
    if (!ensure_uploaded(b.first, b.second)) {
      ++m_failed;
      return;
    }
  }
  if (m_off) {
    ++m_failed;
    return;
  }
  std::string path = "ac/" + key;
  std::string body = encode_action_result(entry);
  auto status = m_client->put(path, body);
  if (status && stored(*status)) {
    ++m_results_up;
    m_bytes_up += body.size();
    return;
  }
  ++m_failed;
  refused_upload(status, path);
}

RemoteSummary RemoteCache::finish() {
  std::vector<std::jthread> workers;
  {
    std::lock_guard guard(m_lock);
    m_closing = true;
    workers.swap(m_workers);
  }
  m_wake.notify_all();
  workers.clear();  // joins
  RemoteSummary s;
  s.hits = m_hits;
  s.misses = m_misses;
  s.bytes_down = m_bytes_down;
  s.blobs_down = m_blobs_down;
  s.blobs_up = m_blobs_up;
  s.results_up = m_results_up;
  s.skipped = m_skipped;
  s.failed = m_failed;
  s.bytes_up = m_bytes_up;
  s.requests = m_client->requests();
  s.turned_off = m_off;
  return s;
}

}  // namespace keel::pipeline
