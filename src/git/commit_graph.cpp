#include "git/commit_graph.hpp"

#include <cstring>

namespace keel::git {

namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

std::uint64_t be64(const unsigned char* p) { return (std::uint64_t(be32(p)) << 32) | be32(p + 4); }

// The layout, from git's Documentation/gitformat-commit-graph.
constexpr std::size_t k_header = 8;       // "CGPH", version, hash, chunk count, base graphs
constexpr std::size_t k_chunk_entry = 12;  // id, offset
constexpr std::size_t k_record = 20 + 4 + 4 + 8;
constexpr std::uint32_t k_no_parent = 0x70000000;
constexpr std::uint32_t k_extra_edges = 0x80000000;
constexpr std::uint32_t k_last_edge = 0x80000000;

std::uint32_t chunk_id(const char (&name)[5]) { return be32(reinterpret_cast<const unsigned char*>(name)); }

}  // namespace

std::unique_ptr<CommitGraph> CommitGraph::open(const std::filesystem::path& objects_dir) {
  std::unique_ptr<CommitGraph> out(new CommitGraph);
  out->m_file = std::make_unique<MappedFile>(objects_dir / "info" / "commit-graph");
  std::string_view bytes = out->m_file->bytes();
  const auto* base = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < k_header || std::memcmp(base, "CGPH", 4) != 0) return nullptr;
  if (base[4] != 1 || base[5] != 1 || base[7] != 0) return nullptr;  // version 1, SHA-1, no base graphs
  std::size_t chunks = base[6];
  if (bytes.size() < k_header + (chunks + 1) * k_chunk_entry + 20) return nullptr;
  std::size_t end = bytes.size() - 20;  // the checksum
  std::uint64_t oidf = 0, oidl = 0, cdat = 0, edge = 0, oidl_size = 0, cdat_size = 0, edge_size = 0;
  for (std::size_t i = 0; i < chunks; ++i) {
    const unsigned char* entry = base + k_header + i * k_chunk_entry;
    std::uint64_t offset = be64(entry + 4);
    std::uint64_t next = be64(entry + k_chunk_entry + 4);
    if (offset > next || next > end) return nullptr;
    std::uint32_t id = be32(entry);
    if (id == chunk_id("OIDF")) {
      if (next - offset != 256 * 4) return nullptr;
      oidf = offset;
    } else if (id == chunk_id("OIDL")) {
      oidl = offset, oidl_size = next - offset;
    } else if (id == chunk_id("CDAT")) {
      cdat = offset, cdat_size = next - offset;
    } else if (id == chunk_id("EDGE")) {
      edge = offset, edge_size = next - offset;
    }
  }
  if (!oidf || !oidl || !cdat) return nullptr;
  out->m_fanout = base + oidf;
  out->m_count = be32(out->m_fanout + 255 * 4);
  for (int b = 1; b < 256; ++b)
    if (be32(out->m_fanout + (b - 1) * 4) > be32(out->m_fanout + b * 4)) return nullptr;
  if (oidl_size != std::uint64_t(out->m_count) * 20 || cdat_size != std::uint64_t(out->m_count) * k_record ||
      edge_size % 4 != 0)
    return nullptr;
  out->m_ids = base + oidl;
  out->m_data = base + cdat;
  if (edge) out->m_edges = base + edge;
  out->m_edge_count = static_cast<std::uint32_t>(edge_size / 4);
  return out;
}

bool CommitGraph::position(const Oid& id, std::uint32_t& out) const {
  const unsigned char* key = id.bytes().data();
  std::uint32_t lo = key[0] == 0 ? 0 : be32(m_fanout + (key[0] - 1) * 4);
  std::uint32_t hi = be32(m_fanout + key[0] * 4);
  while (lo < hi) {
    std::uint32_t mid = lo + (hi - lo) / 2;
    int c = std::memcmp(m_ids + std::size_t(mid) * 20, key, 20);
    if (c == 0) {
      out = mid;
      return true;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

bool CommitGraph::add_parent(std::uint32_t position, std::vector<Oid>& parents) const {
  if (position >= m_count) return false;
  git_oid raw{};
  std::memcpy(raw.id, m_ids + std::size_t(position) * 20, 20);
  parents.emplace_back(raw);
  return true;
}

bool CommitGraph::lookup(const Oid& id, std::vector<Oid>& parents, std::int64_t& time) const {
  std::uint32_t at = 0;
  if (!position(id, at)) return false;
  const unsigned char* record = m_data + std::size_t(at) * k_record;
  parents.clear();
  std::uint32_t first = be32(record + 20);
  std::uint32_t second = be32(record + 24);
  if (first != k_no_parent && !add_parent(first, parents)) return false;
  if (second & k_extra_edges) {
    // An octopus merge: the second parent onwards are listed in EDGE.
    for (std::uint32_t i = second & ~k_extra_edges;; ++i) {
      if (!m_edges || i >= m_edge_count) return false;
      std::uint32_t value = be32(m_edges + std::size_t(i) * 4);
      if (!add_parent(value & ~k_last_edge, parents)) return false;
      if (value & k_last_edge) break;
    }
  } else if (second != k_no_parent && !add_parent(second, parents)) {
    return false;
  }
  if (first == k_no_parent && !parents.empty()) return false;
  // The low 34 bits of the last 8 bytes; the top 30 are the generation.
  time = static_cast<std::int64_t>(((std::uint64_t(be32(record + 28)) & 3) << 32) | be32(record + 32));
  return true;
}

}  // namespace keel::git
