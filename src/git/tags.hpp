#pragma once
// Tags for release tooling: every tag read once, peeled once, and an index
// from commit to the tags on it.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "git/git.hpp"

namespace keel::git {

enum class ObjectKind { commit, tree, blob, tag, missing };
std::string_view to_string(ObjectKind kind);

struct Tag {
  std::string name;           // "v1.0", without "refs/tags/"
  Oid target;                 // what the ref points at: the tag object when annotated
  bool annotated = false;
  ObjectKind peeled_kind = ObjectKind::commit;  // after following tag objects
  std::optional<Oid> commit;  // set only when peeled_kind is commit
};

// All refs/tags/*, sorted by name. Tags on trees or blobs, and tags whose
// object is absent (a shallow or partial clone), are listed without a commit
// so callers can report them; they never fail the listing.
Result<std::vector<Tag>> list_tags(const Repository& repo);

// Commit id -> names of the tags on it, each list sorted. Tags without a
// commit are skipped.
using TagsByCommit = std::unordered_map<Oid, std::vector<std::string>>;
TagsByCommit tags_by_commit(const std::vector<Tag>& tags);

}  // namespace keel::git
