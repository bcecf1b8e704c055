#include "git/commit.hpp"

#include "git/detail.hpp"

namespace keel::git {

namespace detail {

Result<CommitPtr> lookup_commit(git_repository* repo, const Oid& id) {
  git_commit* raw = nullptr;
  git_oid raw_id = id.raw();
  int rc = git_commit_lookup(&raw, repo, &raw_id);
  if (rc == GIT_ENOTFOUND) return last_error("commit " + quote(id.hex()) + " not found", Exit::failed);
  if (rc != 0) return last_error("cannot read commit " + quote(id.hex()));
  return CommitPtr(raw);
}

std::vector<Oid> parent_ids(const git_commit* commit, const OidSet* shallow) {
  std::vector<Oid> out;
  if (shallow && shallow->count(Oid(*git_commit_id(commit))) != 0) return out;
  unsigned n = git_commit_parentcount(commit);
  out.reserve(n);
  for (unsigned i = 0; i < n; ++i) out.emplace_back(*git_commit_parent_id(commit, i));
  return out;
}

}  // namespace detail

namespace {

Signature to_signature(const git_signature* s) {
  if (!s) return {};
  return Signature{s->name ? s->name : "", s->email ? s->email : "", static_cast<std::int64_t>(s->when.time),
                   s->when.offset};
}

// What sits at a path in a tree. Mode counts too: chmod +x or a file turned
// into a symlink to the same text keeps the object id.
struct Entry {
  Oid id;
  unsigned mode = 0;  // 0: nothing there
  bool operator==(const Entry&) const = default;
};

Result<Entry> entry_at(git_commit* commit, const std::string& path) {
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit) != 0) return last_error("cannot read tree", Exit::failed);
  detail::TreePtr tree(raw_tree);
  if (path.empty()) return Entry{Oid(*git_tree_id(raw_tree)), GIT_FILEMODE_TREE};
  git_tree_entry* raw_entry = nullptr;
  int rc = git_tree_entry_bypath(&raw_entry, raw_tree, path.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return Entry{};
  }
  if (rc != 0) return last_error("cannot read tree entry " + quote(path), Exit::failed);
  detail::TreeEntryPtr entry(raw_entry);
  return Entry{Oid(*git_tree_entry_id(raw_entry)), static_cast<unsigned>(git_tree_entry_filemode(raw_entry))};
}

std::string normalise(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return std::string(path);
}

}  // namespace

Result<CommitInfo> lookup_commit(const Repository& repo, const Oid& id) {
  auto commit = detail::lookup_commit(repo.get(), id);
  if (!commit) return commit.error();
  git_commit* c = commit->get();
  CommitInfo out;
  out.id = id;
  const char* summary = git_commit_summary(c);
  out.summary = summary ? summary : "";
  const char* message = git_commit_message(c);
  out.message = message ? message : "";
  out.author = to_signature(git_commit_author(c));
  out.committer = to_signature(git_commit_committer(c));
  out.shallow = repo.is_shallow_commit(id);
  out.parents = detail::parent_ids(repo, c);
  return out;
}

Status read_brief(const Repository& repo, const Oid& id, CommitBrief& out) {
  auto commit = detail::lookup_commit(repo.get(), id);
  if (!commit) return commit.error();
  git_commit* c = commit->get();
  const char* message = git_commit_message(c);
  out.message.assign(message ? message : "");
  out.parent_count = repo.is_shallow_commit(id) ? 0 : git_commit_parentcount(c);
  out.parents.clear();
  for (unsigned i = 0; i < out.parent_count; ++i) out.parents.emplace_back(*git_commit_parent_id(c, i));
  out.time = static_cast<std::int64_t>(git_commit_time(c));
  out.offset_minutes = git_commit_time_offset(c);
  return ok_status();
}

// Trees are content-addressed, so comparing the ids found at path in the two
// trees answers exactly without diffing: equal ids mean identical content.
Result<bool> touches_path(const Repository& repo, const Oid& id, std::string_view raw_path) {
  std::string path = normalise(raw_path);
  auto commit = detail::lookup_commit(repo.get(), id);
  if (!commit) return commit.error();
  auto mine = entry_at(commit->get(), path);
  if (!mine) return mine.error();
  auto parents = detail::parent_ids(repo, commit->get());
  if (parents.empty()) return mine->mode != 0;
  auto parent = detail::lookup_commit(repo.get(), parents.front());
  if (!parent) return parent.error();
  auto theirs = entry_at(parent->get(), path);
  if (!theirs) return theirs.error();
  return *mine != *theirs;
}

}  // namespace keel::git
