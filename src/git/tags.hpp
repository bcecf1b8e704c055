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
  // False when the listing took packed-refs' peeled id on trust (see
  // KindCheck::when_used): `commit` is then what the tag peels to, which
  // may still turn out to be a tree, a blob or missing.
  bool kind_checked = true;
};

enum class KindCheck {
  now,  // read every tag's object: peeled_kind and commit are final
  // Tags packed with a peeled id are not read: on a long history their
  // objects are spread over the pack index, one page fault each, and a
  // release looks at one or two of them. Callers check the ones they use
  // with names_commit().
  when_used,
};

// All refs/tags/*, sorted by name. Tags on trees or blobs, and tags whose
// object is absent (a shallow or partial clone), are listed without a commit
// so callers can report them; they never fail the listing.
Result<std::vector<Tag>> list_tags(const Repository& repo, KindCheck check = KindCheck::now);

// Whether id names a commit in the repository: for tags listed with
// KindCheck::when_used.
Result<bool> names_commit(const Repository& repo, const Oid& id);

// Commit id -> names of the tags on it, each list sorted. Tags without a
// commit are skipped.
using TagsByCommit = std::unordered_map<Oid, std::vector<std::string>>;
TagsByCommit tags_by_commit(const std::vector<Tag>& tags);

}  // namespace keel::git
