#include "git/pack_reader.hpp"

#include <fcntl.h>
#include <libdeflate.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <system_error>

#include "git/inflate.hpp"
#include "git/object_hash.hpp"

namespace keel::git {

namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

std::uint64_t be64(const unsigned char* p) { return (std::uint64_t(be32(p)) << 32) | be32(p + 4); }

constexpr std::size_t k_header = 8;        // magic and version
constexpr std::size_t k_fanout = 256 * 4;
constexpr std::size_t k_trailer = 2 * 20;  // the pack's and the index's checksums
constexpr std::size_t k_pack_header = 12;  // "PACK", version, count
constexpr std::size_t k_pack_trailer = 20;
// Larger commits are left to libgit2; no real commit comes near it.
constexpr std::uint64_t k_max_commit = std::uint64_t(64) << 20;

// One decompressor per thread: its state is not shared, and allocating one
// costs about as much as inflating a commit.
libdeflate_decompressor* thread_decompressor() {
  struct Owner {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    ~Owner() {
      if (d) libdeflate_free_decompressor(d);
    }
  };
  thread_local Owner owner;
  return owner.d;
}

// Inflates a zlib stream to exactly out.size() bytes; `used` is the
// stream's length. The small-object inflater first, libdeflate for the
// streams it does not take.
bool inflate_exact(std::string_view in, std::string& out, std::size_t& used) {
  auto* from = reinterpret_cast<const unsigned char*>(in.data());
  auto* to = reinterpret_cast<unsigned char*>(out.data());
  if (inflate_small(from, in.size(), to, out.size(), used)) return true;
  libdeflate_decompressor* inflate = thread_decompressor();
  if (!inflate) return false;
  // The exact size: libdeflate fails unless the stream inflates to it.
  return libdeflate_zlib_decompress_ex(inflate, from, in.size(), to, out.size(), &used, nullptr) ==
         LIBDEFLATE_SUCCESS;
}

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
      m_data = p;
      m_size = static_cast<std::size_t>(st.st_size);
    }
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (m_data) ::munmap(m_data, m_size);
}

std::unique_ptr<PackIndex> PackIndex::open(const std::filesystem::path& idx_path) {
  std::unique_ptr<PackIndex> out(new PackIndex);
  out->m_idx = std::make_unique<MappedFile>(idx_path);
  auto pack_path = idx_path;
  pack_path.replace_extension(".pack");
  out->m_pack = std::make_unique<MappedFile>(pack_path);
  std::string_view idx = out->m_idx->bytes();
  std::string_view pack = out->m_pack->bytes();
  const auto* i = reinterpret_cast<const unsigned char*>(idx.data());
  const auto* p = reinterpret_cast<const unsigned char*>(pack.data());
  if (idx.size() < k_header + k_fanout + k_trailer || std::memcmp(i, "\377tOc", 4) != 0 || be32(i + 4) != 2)
    return nullptr;
  out->m_fanout = i + k_header;
  std::uint32_t count = be32(out->m_fanout + 255 * 4);
  for (int b = 1; b < 256; ++b)
    if (be32(out->m_fanout + (b - 1) * 4) > be32(out->m_fanout + b * 4)) return nullptr;
  // ids, CRCs and offsets: 28 bytes per object; then 8 per large offset.
  std::uint64_t fixed = k_header + k_fanout + std::uint64_t(count) * 28 + k_trailer;
  if (idx.size() < fixed || (idx.size() - fixed) % 8 != 0) return nullptr;
  if (pack.size() < k_pack_header + k_pack_trailer || std::memcmp(p, "PACK", 4) != 0) return nullptr;
  if ((be32(p + 4) != 2 && be32(p + 4) != 3) || be32(p + 8) != count) return nullptr;
  out->m_count = count;
  out->m_ids = out->m_fanout + k_fanout;
  out->m_offsets = out->m_ids + std::size_t(count) * 20 + std::size_t(count) * 4;
  out->m_large = out->m_offsets + std::size_t(count) * 4;
  out->m_large_count = static_cast<std::uint32_t>((idx.size() - fixed) / 8);
  return out;
}

std::uint64_t PackIndex::find(const Oid& id) const {
  const unsigned char* key = id.bytes().data();
  std::uint32_t lo = key[0] == 0 ? 0 : be32(m_fanout + (key[0] - 1) * 4);
  std::uint32_t hi = be32(m_fanout + key[0] * 4);
  while (lo < hi) {
    std::uint32_t mid = lo + (hi - lo) / 2;
    int c = std::memcmp(m_ids + std::size_t(mid) * 20, key, 20);
    if (c == 0) {
      std::uint32_t small = be32(m_offsets + std::size_t(mid) * 4);
      std::uint64_t offset = small;
      if (small & 0x80000000u) {
        std::uint32_t at = small & 0x7fffffffu;
        if (at >= m_large_count) return 0;
        offset = be64(m_large + std::size_t(at) * 8);
      }
      if (offset < k_pack_header || offset >= pack().size() - k_pack_trailer) return 0;
      return offset;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

bool parse_pack_entry(std::string_view pack, std::uint64_t offset, PackEntry& out) {
  if (pack.size() < k_pack_trailer || offset >= pack.size() - k_pack_trailer) return false;
  std::size_t end = pack.size() - k_pack_trailer;
  std::size_t at = static_cast<std::size_t>(offset);
  auto byte = static_cast<unsigned char>(pack[at++]);
  out.type = (byte >> 4) & 7;
  out.size = byte & 15;
  int shift = 4;
  while (byte & 0x80) {
    if (at >= end || shift > 57) return false;
    byte = static_cast<unsigned char>(pack[at++]);
    out.size |= std::uint64_t(byte & 0x7f) << shift;
    shift += 7;
  }
  if (at >= end) return false;
  out.data = at;
  return true;
}

PackReader::PackReader(const std::filesystem::path& objects_dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> indexes;
  for (const auto& e : std::filesystem::directory_iterator(objects_dir / "pack", ec))
    if (e.path().extension() == ".idx") indexes.push_back(e.path());
  std::sort(indexes.begin(), indexes.end());
  for (const auto& path : indexes)
    if (auto pack = PackIndex::open(path)) m_packs.push_back(std::move(pack));
}

PackReader::~PackReader() = default;

const PackIndex* PackReader::largest() const {
  const PackIndex* best = nullptr;
  for (const auto& p : m_packs)
    if (!best || p->pack().size() > best->pack().size()) best = p.get();
  return best;
}

bool PackReader::read_commit(const Oid& id, std::string& out) const {
  for (const auto& pack : m_packs) {
    std::uint64_t offset = pack->find(id);
    if (offset == 0) continue;
    PackEntry entry;
    if (!parse_pack_entry(pack->pack(), offset, entry) || entry.type != 1 || entry.size > k_max_commit) return false;
    std::string_view data = pack->pack().substr(entry.data, pack->pack().size() - k_pack_trailer - entry.data);
    out.resize(static_cast<std::size_t>(entry.size));
    std::size_t used = 0;
    return inflate_exact(data, out, used);
  }
  return false;
}

namespace {

// Where the zlib stream of the entry at offset ends: the entry inflated
// into scratch (for a commit, its text). False when it does not inflate.
bool inflate_entry(std::string_view pack, const PackEntry& entry, std::size_t data, std::string& scratch,
                   std::size_t& end) {
  if (entry.size > k_max_commit || data >= pack.size() - k_pack_trailer) return false;
  scratch.resize(static_cast<std::size_t>(entry.size));
  std::size_t used = 0;
  if (!inflate_exact(pack.substr(data, pack.size() - k_pack_trailer - data), scratch, used)) return false;
  end = data + used;
  return true;
}

}  // namespace

// Reads the next entry: a commit is hashed to learn its id and kept; a
// delta or a tag is skipped; the first tree or blob ends the commits.
bool PackScan::scan_one() {
  if (m_done || !m_pack) return false;
  std::string_view pack = m_pack->pack();
  PackEntry entry;
  if (!parse_pack_entry(pack, m_cursor, entry)) return m_done = true, false;
  std::size_t data = entry.data;
  if (entry.type == 6) {  // OFS_DELTA: a varint offset to its base
    while (data < pack.size() && (static_cast<unsigned char>(pack[data]) & 0x80)) ++data;
    ++data;
  } else if (entry.type == 7) {  // REF_DELTA: its base's id
    data += Oid::raw_size;
  } else if (entry.type != 1 && entry.type != 4) {
    return m_done = true, false;
  }
  std::size_t end = 0;
  if (!inflate_entry(pack, entry, data, m_scratch, end)) return m_done = true, false;
  m_cursor = end;
  m_scanned++;
  if (entry.type == 1) {
    m_scanned_commits.emplace(hash_object("commit", m_scratch), m_scratch);
  }
  return true;
}

bool PackScan::take(const Oid& id, std::string& out) {
  m_lookups++;
  for (;;) {
    if (auto it = m_scanned_commits.find(id); it != m_scanned_commits.end()) {
      out = it->second;
      return true;
    }
    // At most two entries per lookup, plus a head start: a walk that only
    // misses stops the scan early.
    if (m_scanned >= 2 * m_lookups + 256 || !scan_one()) return false;
  }
}

}  // namespace keel::git
