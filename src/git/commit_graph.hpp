#pragma once
// git's commit-graph file (objects/info/commit-graph): every commit's parents
// and committer time in fixed-size records, written by `git gc` and `git
// commit-graph write`. A walk over it knows the shape of history without
// inflating a single commit, which is where a long walk spends its time.
// libgit2 1.5 reads the file only for its own walks, so keel reads it too.
// Only a single, self-contained file is used: a split chain, another hash,
// or anything inconsistent, and open() gives nothing.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "git/oid.hpp"
#include "git/pack_reader.hpp"

namespace keel::git {

class CommitGraph {
 public:
  static std::unique_ptr<CommitGraph> open(const std::filesystem::path& objects_dir);
  // The commit's parents and committer time (seconds since the epoch); false
  // when the graph does not have it (written before the commit was made) or
  // its record does not hold together.
  bool lookup(const Oid& id, std::vector<Oid>& parents, std::int64_t& time) const;
  std::uint32_t size() const { return m_count; }

 private:
  CommitGraph() = default;
  bool position(const Oid& id, std::uint32_t& out) const;
  bool add_parent(std::uint32_t position, std::vector<Oid>& parents) const;

  std::unique_ptr<MappedFile> m_file;
  std::uint32_t m_count = 0;
  const unsigned char* m_fanout = nullptr;
  const unsigned char* m_ids = nullptr;
  const unsigned char* m_data = nullptr;
  const unsigned char* m_edges = nullptr;  // null when no merge has three parents
  std::uint32_t m_edge_count = 0;
};

}  // namespace keel::git
