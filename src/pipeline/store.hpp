#pragma once
// keel run's local cache store, under cache.dir ($XDG_CACHE_HOME/keel):
//
//   cas/ab/cdef…   content-addressed blobs, named by their SHA-256
//   ac/<key>       action entries: a job's outputs (path, mode, digest),
//                  its stdout and stderr (as blobs) and exit status, as JSON
//                  with a digest of its own
//   stat/<root>    the stat cache of one work tree (inputs.hpp)
//   runs.jsonl     hits and misses of recent runs, for `keel cache stats`
//
// Every file is written to a temporary name and renamed into place, so
// several keel processes may share the store: a reader sees a whole file
// or none. Blobs are written before the entry that names them. A blob or
// entry whose digest does not match is damaged: it is removed and the
// lookup is a miss. `gc` takes a lock; readers do not need one (a blob gc
// removed under a reader is a miss).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "crypto/sha256.hpp"

namespace keel::pipeline {

struct OutputRecord {
  std::string path;  // relative to the task's dir
  std::uint32_t mode = 0100644;  // 0100644, 0100755 or 0120000
  crypto::Digest digest{};       // of the content, or of a link's target
  std::uint64_t size = 0;
  std::string link;  // a symbolic link's target
};

struct ActionEntry {
  std::string job;
  std::vector<OutputRecord> outputs;
  std::optional<crypto::Digest> out, err;  // blobs of the replayed output
  std::uint64_t out_size = 0, err_size = 0;  // their sizes (not kept in the local entry)
  int exit_code = 0;
};

// What one run found, for `keel cache stats`.
struct RunCounts {
  std::uint64_t hits = 0, misses = 0;
  std::uint64_t remote_hits = 0, remote_misses = 0, remote_bytes_down = 0, remote_bytes_up = 0;
};

struct StoreStats {
  std::uint64_t entries = 0, blobs = 0, bytes = 0;
  RunCounts recent;  // summed over the last 100 runs
  std::uint64_t runs = 0;
};

struct GcLimits {
  std::optional<std::uint64_t> max_bytes;
  std::optional<std::chrono::milliseconds> max_age;
};

struct GcReport {
  std::uint64_t entries_removed = 0, blobs_removed = 0, bytes_freed = 0;
};

class Store;

// A blob arriving in pieces (a download): written beside its place and
// hashed as it comes, put in place only when its size and digest are the
// expected ones. Dropped uncommitted, it leaves nothing behind.
class BlobWriter {
 public:
  BlobWriter(std::string tmp, int fd, std::filesystem::path place, const crypto::Digest& expected, std::uint64_t size);
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  // False when the piece would go past the expected size or cannot be written.
  bool write(std::string_view piece);
  // False, with nothing kept, when the bytes are not the expected ones.
  Result<bool> commit();
  bool failed() const { return m_failed; }
  bool too_long() const { return m_too_long; }

 private:
  std::string m_tmp;
  int m_fd;
  std::filesystem::path m_place;
  crypto::Digest m_expected;
  std::uint64_t m_size, m_written = 0;
  crypto::Sha256 m_hash;
  bool m_failed = false, m_too_long = false, m_done = false;
};

class Store {
 public:
  explicit Store(std::filesystem::path dir) : m_dir(std::move(dir)) {}
  const std::filesystem::path& dir() const { return m_dir; }

  // Creates the directories and checks that they can be written; the error
  // says why the run goes on without the cache.
  Status prepare() const;

  // nullopt on a miss, on a damaged entry (removed) too.
  Result<std::optional<ActionEntry>> lookup(const std::string& key) const;
  // Marks an entry as used now, for gc's least-recently-used order.
  void touch(const std::string& key) const;

  // Copies a file into cas/ unless its blob is there already. False when
  // the file no longer has that digest (it changed since it was hashed).
  Result<bool> put_file(const std::filesystem::path& file, const crypto::Digest& digest) const;
  // Whether a blob of that size is there (its digest is checked on use).
  bool has_blob(const crypto::Digest& digest, std::uint64_t size) const;
  Result<std::unique_ptr<BlobWriter>> new_blob(const crypto::Digest& digest, std::uint64_t size) const;
  Result<crypto::Digest> put_bytes(std::string_view bytes) const;
  Status record(const std::string& key, const ActionEntry& entry) const;

  // A blob's bytes, checked against its digest; nullopt when missing or
  // damaged (removed).
  Result<std::optional<std::string>> read_blob(const crypto::Digest& digest) const;

  // Puts the entry's outputs under `base`, byte for byte with their modes:
  // each is written beside its place and checked against its digest, and
  // only when all are whole are they renamed into place. False, with
  // nothing in `base` changed, when a blob is missing or damaged.
  Result<bool> restore(const ActionEntry& entry, const std::filesystem::path& base) const;

  void note_run(const RunCounts& counts) const;
  Result<StoreStats> stats() const;
  Result<GcReport> gc(const GcLimits& limits) const;
  Status clean() const;

  std::filesystem::path blob_path(const crypto::Digest& d) const;
  std::filesystem::path entry_path(const std::string& key) const { return m_dir / "ac" / key; }

 private:
  void discard(const std::filesystem::path& damaged) const;
  std::filesystem::path m_dir;
};

// A relative path that stays below its base: no empty, "." or ".."
// segment, not absolute, no NUL.
bool safe_relative(std::string_view path);

// "5G", "500M", "64K", "1024" (bytes); KiB-style suffixes too, powers of
// 1024. Errors name the text (Exit::usage).
Result<std::uint64_t> parse_size(std::string_view text);
std::string format_size(std::uint64_t bytes);

}  // namespace keel::pipeline
