#pragma once
// keel run's remote cache: Bazel's HTTP cache protocol, which nginx WebDAV,
// bazel-remote and others serve.
//
//   GET|PUT {url}/ac/{key}      an ActionResult (action_result.hpp)
//   GET|PUT {url}/cas/{sha256}  a blob
//
// A job looks in the local store first, then here; a hit here fills the
// local store, which then restores as for a local hit. Every blob is
// checked against its digest before it is kept. After a job succeeded its
// blobs are uploaded, then its action result, so that no reader finds a
// result whose blobs are not there; uploads run on threads of their own
// beside the pipeline and are awaited by finish().
//
// The remote never fails a build: a server that cannot be reached, times
// out, answers with an error or refuses access is left alone for the rest
// of the run after one warning. Bytes that do not match their digest and
// action results keel cannot use are misses, reported once.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/client.hpp"
#include "pipeline/store.hpp"

namespace keel::pipeline {

struct RemoteOptions {
  bool upload = true;                       // cache.remote.upload
  std::uint64_t max_blob_size = 1ull << 30;  // cache.remote.max_blob_size
  std::size_t transfers = 8;                // blobs fetched at once for one job; upload threads
  std::function<bool()> cancelled;          // true: queued uploads are dropped
};

struct RemoteSummary {
  std::uint64_t hits = 0, misses = 0, bytes_down = 0, blobs_down = 0;
  std::uint64_t blobs_up = 0, results_up = 0, skipped = 0, failed = 0, bytes_up = 0;
  std::uint64_t requests = 0;
  bool turned_off = false;
};

class RemoteCache {
 public:
  RemoteCache(std::unique_ptr<http::Client> client, RemoteOptions options, const Store& local);
  ~RemoteCache();
  RemoteCache(const RemoteCache&) = delete;
  RemoteCache& operator=(const RemoteCache&) = delete;

  // The entry stored under `key`, nullopt on a miss or with the remote
  // off. With `fill`, every blob it names is put in the local store and the
  // entry recorded there, before it is returned; without (a dry run),
  // nothing is downloaded but the entry.
  std::optional<ActionEntry> fetch(const std::string& key, bool fill);

  // Queues the upload of a job's blobs (from the local store) and then
  // its entry. Nothing in read-only mode or with the remote off.
  void upload(const std::string& key, ActionEntry entry);

  // Waits for the queued uploads.
  RemoteSummary finish();

  const std::string& shown() const { return m_client->shown(); }

 private:
  enum class Reply { found, missing, off };
  Reply answer(Result<long> status, const char* what);
  void turn_off(const std::string& why);
  void refused_upload(Result<long> status, const std::string& path);
  void report_once(std::atomic<bool>& flag, const std::string& message);
  bool fetch_blob(const crypto::Digest& digest, std::uint64_t size);
  bool ensure_uploaded(const crypto::Digest& digest, std::uint64_t size);
  void upload_now(const std::string& key, ActionEntry& entry);
  void work();

  std::unique_ptr<http::Client> m_client;
  RemoteOptions m_options;
  const Store& m_local;

  std::atomic<bool> m_off{false}, m_told_bytes{false}, m_told_entry{false};
  std::atomic<std::uint64_t> m_hits{0}, m_misses{0}, m_bytes_down{0}, m_blobs_down{0};
  std::atomic<std::uint64_t> m_blobs_up{0}, m_results_up{0}, m_skipped{0}, m_failed{0}, m_bytes_up{0};

  std::mutex m_lock;  // guards what follows
  std::condition_variable m_wake;
  std::deque<std::pair<std::string, ActionEntry>> m_queue;
  // Blobs the server has, or that a thread is putting there now.
  std::map<crypto::Digest, std::shared_future<bool>> m_on_server;
  std::vector<std::jthread> m_workers;
  bool m_closing = false;
};

}  // namespace keel::pipeline
