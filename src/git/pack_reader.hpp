#pragma once
// Whole commit objects read straight from the repository's pack files and
// inflated with libdeflate. On a release walk over thousands of commits,
// libgit2's object lookup spent most of its time in zlib's streaming inflate,
// which takes its slow path for objects as small as commits; libdeflate
// inflates a whole buffer several times faster. Only what this reader is
// sure of is answered: loose objects, deltas, alternates, packs it cannot
// parse, anything odd, and the caller asks libgit2 instead.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "git/oid.hpp"

namespace keel::git {

// A read-only mapping of a whole file; empty when the file cannot be mapped.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const { return {static_cast<const char*>(m_data), m_size}; }

 private:
  void* m_data = nullptr;
  std::size_t m_size = 0;
};

// One pack's index (version 2) over its pack data, checked for consistency
// once when opened; lookups never read outside either file.
class PackIndex {
 public:
  // Null when the pair is not a readable version 2 index and pack.
  static std::unique_ptr<PackIndex> open(const std::filesystem::path& idx_path);
  // Where the object's entry starts in the pack, or 0 when it is not here.
  std::uint64_t find(const Oid& id) const;
  std::string_view pack() const { return m_pack->bytes(); }

 private:
  PackIndex() = default;
  std::unique_ptr<MappedFile> m_idx;
  std::unique_ptr<MappedFile> m_pack;
  std::uint32_t m_count = 0;
  const unsigned char* m_fanout = nullptr;
  const unsigned char* m_ids = nullptr;
  const unsigned char* m_offsets = nullptr;
  const unsigned char* m_large = nullptr;
  std::uint32_t m_large_count = 0;
};

// The type and size of a pack entry, and where its compressed data starts.
struct PackEntry {
  int type = 0;  // 1 commit, 2 tree, 3 blob, 4 tag, 6 and 7 deltas
  std::uint64_t size = 0;
  std::size_t data = 0;
};
// False when the header at offset runs past the data or cannot be right.
bool parse_pack_entry(std::string_view pack, std::uint64_t offset, PackEntry& out);

class PackScan;

class PackReader {
 public:
  // Every readable pack under <objects_dir>/pack.
  explicit PackReader(const std::filesystem::path& objects_dir);
  ~PackReader();
  PackReader(const PackReader&) = delete;
  PackReader& operator=(const PackReader&) = delete;

  // The commit's raw text into out; false when this reader does not have it
  // as a whole (undeltified) commit in a pack, or it does not inflate.
  // Safe to call from several threads at once.
  bool read_commit(const Oid& id, std::string& out) const;

  // The largest pack, where a clone's or gc's history lives; null if none.
  const PackIndex* largest() const;

 private:
  std::vector<std::unique_ptr<PackIndex>> m_packs;
};

// A pack's commits in file order. git writes a pack's commits first, newest
// first (pack-objects' write order, which clone and gc keep), so the commits
// a walk from a recent tip wants next are nearly always the next ones in the
// file. Reading them in order touches the pack sequentially and never the
// index, whose 20-byte ids are spread over megabytes: on a cold mapping
// every lookup faulted in a page, and those faults were most of a walk's
// time. Not thread-safe.
class PackScan {
 public:
  explicit PackScan(const PackIndex* pack) : m_pack(pack) {}
  // The commit's raw text, when it is among the commits scanned so far or
  // is reached within the scan's budget, which grows with every lookup so
  // that a commit missing from the pack does not cost a scan of all of it.
  bool take(const Oid& id, std::string& out);
  std::size_t scanned() const { return m_scanned; }

 private:
  bool scan_one();

  const PackIndex* m_pack;
  std::uint64_t m_cursor = 12;  // past the pack header
  bool m_done = false;
  std::size_t m_scanned = 0;
  std::size_t m_lookups = 0;
  std::string m_scratch;
  // Every commit scanned: a changelog walks once per release, each walk
  // reading again the commits of the releases it hides.
  std::unordered_map<Oid, std::string> m_scanned_commits;
};

}  // namespace keel::git
