#include "git/tags.hpp"

#include <algorithm>

#include "git/detail.hpp"

namespace keel::git {

namespace {

constexpr std::string_view k_tags = "refs/tags/";

ObjectKind kind_of(git_object_t type) {
  switch (type) {
    case GIT_OBJECT_COMMIT: return ObjectKind::commit;
    case GIT_OBJECT_TREE: return ObjectKind::tree;
    case GIT_OBJECT_BLOB: return ObjectKind::blob;
    case GIT_OBJECT_TAG: return ObjectKind::tag;
    default: return ObjectKind::missing;
  }
}

// An object's type from its header, without inflating a whole commit.
Result<ObjectKind> object_kind(git_odb* odb, const Oid& id) {
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  git_oid raw = id.raw();
  int rc = git_odb_read_header(&size, &type, odb, &raw);
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return ObjectKind::missing;
  }
  if (rc != 0) return last_error("cannot read object " + quote(id.hex()), Exit::failed);
  return kind_of(type);
}

// Follows tag objects (a tag may tag a tag) to what they finally name.
Status peel(git_repository* repo, git_odb* odb, Tag& tag) {
  Oid id = tag.target;
  auto kind = object_kind(odb, id);
  if (!kind) return kind.error();
  tag.annotated = *kind == ObjectKind::tag;
  while (*kind == ObjectKind::tag) {
    git_tag* raw = nullptr;
    git_oid raw_id = id.raw();
    if (git_tag_lookup(&raw, repo, &raw_id) != 0)
      return last_error("cannot read tag " + quote(tag.name), Exit::failed);
    detail::TagPtr object(raw);
    id = Oid(*git_tag_target_id(raw));
    kind = object_kind(odb, id);
    if (!kind) return kind.error();
  }
  tag.peeled_kind = *kind;
  if (*kind == ObjectKind::commit) tag.commit = id;
  return ok_status();
}

}  // namespace

std::string_view to_string(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::commit: return "commit";
    case ObjectKind::tree: return "tree";
    case ObjectKind::blob: return "blob";
    case ObjectKind::tag: return "tag";
    case ObjectKind::missing: return "missing";
  }
  return "missing";
}

Result<bool> names_commit(const Repository& repo, const Oid& id) {
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo.get()) != 0) return last_error("cannot open object database", Exit::failed);
  detail::OdbPtr odb(raw_odb);
  auto kind = object_kind(odb.get(), id);
  if (!kind) return kind.error();
  return *kind == ObjectKind::commit;
}

Result<std::vector<Tag>> list_tags(const Repository& repo, KindCheck check) {
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo.get()) != 0) return last_error("cannot open object database", Exit::failed);
  detail::OdbPtr odb(raw_odb);
  git_reference_iterator* raw_it = nullptr;
  if (git_reference_iterator_glob_new(&raw_it, repo.get(), "refs/tags/*") != 0)
    return last_error("cannot list tags", Exit::failed);
  detail::RefIteratorPtr it(raw_it);

  std::vector<Tag> tags;
  git_reference* raw_ref = nullptr;
  int rc;
  while ((rc = git_reference_next(&raw_ref, raw_it)) == 0) {
    detail::ReferencePtr ref(raw_ref);
    git_oid target;
    // A direct reference names its object already; looking it up again by
    // name would read the loose ref file (or miss it) once per tag.
    if (const git_oid* direct = git_reference_target(raw_ref)) {
      target = *direct;
    } else if (git_reference_name_to_id(&target, repo.get(), git_reference_name(raw_ref)) != 0) {
      git_error_clear();  // a dangling symbolic tag: nothing to report
      continue;
    }
    Tag tag;
    tag.name = std::string(git_reference_name(raw_ref)).substr(k_tags.size());
    tag.target = Oid(target);
    if (const git_oid* peeled = git_reference_target_peel(raw_ref)) {
      // packed-refs records what an annotated tag peels to: one object
      // read instead of three, each a lookup in a large pack index.
      tag.annotated = true;
      if (check == KindCheck::when_used) {
        tag.commit = Oid(*peeled);
        tag.kind_checked = false;
        tags.push_back(std::move(tag));
        continue;
      }
      auto kind = object_kind(odb.get(), Oid(*peeled));
      if (!kind) return kind.error();
      tag.peeled_kind = *kind;
      if (*kind == ObjectKind::commit) tag.commit = Oid(*peeled);
    } else if (auto st = peel(repo.get(), odb.get(), tag); !st) {
      return st.error();
    }
    tags.push_back(std::move(tag));
  }
  if (rc != GIT_ITEROVER) return last_error("cannot list tags", Exit::failed);
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) { return a.name < b.name; });
  return tags;
}

TagsByCommit tags_by_commit(const std::vector<Tag>& tags) {
  TagsByCommit out;
  for (const auto& tag : tags)
    if (tag.commit) out[*tag.commit].push_back(tag.name);
  for (auto& [id, names] : out) std::sort(names.begin(), names.end());
  return out;
}

}  // namespace keel::git
