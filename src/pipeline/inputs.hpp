#pragma once
// A task's inputs: the files its `inputs` globs choose, each with its mode
// and SHA-256, for the cache key. Globs are gitignore-style (hooks/glob.hpp),
// relative to the task's dir; "!glob" leaves files out. Files git ignores
// are left out unless a glob names them exactly; tracked files are never
// ignored. Only the directories a glob can reach are walked, and an ignored
// directory without tracked files (build/, node_modules/) is not entered.
//
// A stat cache stands in front of the hashing: a file whose size, mtime,
// ctime and inode are those recorded is not read again, unless it changed
// in the same instant the record was made (then only its bytes can tell,
// as in git's racy-git rule).

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "crypto/sha256.hpp"
#include "fs/fs.hpp"
#include "git/git.hpp"
#include "git/status.hpp"

namespace keel::pipeline {

struct InputFile {
  std::string path;    // relative to the task's dir
  std::uint32_t mode = 0;  // 0100644, 0100755 or 0120000, as git records them
  crypto::Digest digest{};
};

// What git knows about the work tree, read once per run. Thread-safe. The
// index is read on another thread while a walk begins: until it is read,
// tracked_known() is false, and a walk asks the ignore rules first.
class TreeFacts {
 public:
  // Starts reading the index. repo null: no repository, nothing is ignored.
  // before_reading runs on the reading thread first (a test holds the
  // index back with it).
  static TreeFacts start(const git::Repository* repo, std::function<void()> before_reading = {});
  // start(), then waits for the index: why it cannot be read, if it cannot.
  static Result<TreeFacts> read(const git::Repository* repo);
  // Whether tracked() and holds_tracked() answer without waiting.
  bool tracked_known() const;
  using Range = git::TrackedFiles::Range;
  // The index's paths below a directory, to narrow the two questions after
  // it for the directory's own files (waits for the index).
  Range under(std::string_view root_relative_dir, Range within = {}) const;
  bool tracked(std::string_view root_relative, Range within = {}) const;
  bool holds_tracked(std::string_view root_relative_dir, Range within = {}) const;
  bool ignored(const std::string& root_relative, bool is_dir) const;
  // Waits for the index: ok, or why it cannot be read.
  Status index_status() const;

 private:
  struct Index;
  const Result<git::TrackedFiles>& index() const;  // waits
  const git::Repository* m_repo = nullptr;
  std::shared_ptr<Index> m_index;  // null: no index to read
  mutable std::unique_ptr<std::mutex> m_lock = std::make_unique<std::mutex>();  // libgit2's repository is not
};

// size, times and inode -> digest, per root-relative path. Thread-safe.
class StatCache {
 public:
  // A missing or damaged file is an empty cache.
  void load(const std::filesystem::path& file);
  // load() on another thread; the other calls wait for it.
  void start_loading(const std::filesystem::path& file);
  Status save(const std::filesystem::path& file) const;
  // With a cursor, the search starts where the last one ended: paths asked
  // in sorted order are found in one pass over the cache.
  bool find(const std::string& path, const struct stat& st, crypto::Digest& out,
            std::size_t* cursor = nullptr) const;
  void put(const std::string& path, const struct stat& st, const crypto::Digest& digest);

 private:
  struct Entry {
    std::int64_t size, mtime_ns, ctime_ns;
    std::uint64_t ino;
    crypto::Digest digest;
  };
  static_assert(sizeof(Entry) == 64);
  // What load() read is only read afterwards, by every thread without a
  // lock: the paths, sorted, NUL-separated, and their 64-byte records, as
  // the file holds them (a lookup is a binary search, no map is built).
  // What this run learns goes to m_fresh, under the lock.
  // What load() mapped, the two arrays in place: mapped, not read, as
  // reading 1.6 MB for twenty thousand files into fresh memory cost a page
  // fault per 4 KiB. The file is only ever replaced by a rename, never
  // rewritten in place, so the mapping cannot shrink under the run.
  std::optional<fs::MappedFile> m_file;
  std::string_view m_names;   // in m_file
  std::vector<std::uint32_t> m_starts;  // where each path starts in m_names
  const std::uint8_t* m_records = nullptr;  // in m_file
  Entry record(std::size_t i) const;
  std::string_view name(std::size_t i) const;
  mutable std::mutex m_lock;
  std::unordered_map<std::string, Entry> m_fresh;
  std::int64_t m_written_ns = 0;  // when the loaded file was made
  void wait_loaded() const;
  mutable std::atomic<bool> m_loaded{true};
  std::shared_future<void> m_loading;  // last: destroyed first, it waits for the load
};

struct InputScan {
  std::vector<InputFile> files;    // sorted by path
  std::vector<std::string> unmatched;  // globs that chose no file
};

Result<InputScan> scan_inputs(const std::filesystem::path& root, const std::string& dir,
                              const std::vector<std::string>& globs, const TreeFacts& facts, StatCache& stats);

}  // namespace keel::pipeline
