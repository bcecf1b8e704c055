#pragma once
// Reading commits: their metadata, and whether they change a part of the tree.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "git/git.hpp"

namespace keel::git {

struct Signature {
  std::string name;
  std::string email;
  std::int64_t time = 0;    // seconds since the epoch
  int offset_minutes = 0;   // the author's time zone, east of UTC
};

struct CommitInfo {
  Oid id;
  std::string summary;      // first paragraph on one line, like %s
  std::string message;      // the whole message, bytes as stored (UTF-8 unless the commit says otherwise)
  Signature author;
  Signature committer;
  std::vector<Oid> parents; // empty for a root commit and for a shallow boundary
  bool shallow = false;     // a shallow clone's boundary: its parents were not fetched
};

Result<CommitInfo> lookup_commit(const Repository& repo, const Oid& id);

// What release tooling reads of each of many commits, without copying
// signatures: the message (into `message`, reusing its buffer), the number of
// parents and the committer's time.
struct CommitBrief {
  std::string message;
  unsigned parent_count = 0;
  std::vector<Oid> parents;  // none for a shallow clone's boundary
  std::int64_t time = 0;
  int offset_minutes = 0;
};
Status read_brief(const Repository& repo, const Oid& id, CommitBrief& out);

// Whether the commit changes `path` (a file or a directory, '/'-separated,
// relative to the root; "" is the whole tree) compared with its first parent.
// A root or shallow-boundary commit touches every path that it contains.
// "pkg/a" covers "pkg/a/x" but not "pkg/ab".
Result<bool> touches_path(const Repository& repo, const Oid& commit, std::string_view path);

}  // namespace keel::git
