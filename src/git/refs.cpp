#include "git/refs.hpp"

#include <algorithm>

#include "git/detail.hpp"

namespace keel::git {

namespace {

constexpr std::string_view k_heads = "refs/heads/";

std::string strip_heads(std::string_view name) {
  if (name.substr(0, k_heads.size()) == k_heads) name.remove_prefix(k_heads.size());
  return std::string(name);
}

// Fills a Ref from a reference; false when a symbolic one leads nowhere.
Result<bool> make_ref(git_reference* ref, Ref& out) {
  out.name = git_reference_name(ref);
  out.short_name = git_reference_shorthand(ref);
  out.symbolic = git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC;
  if (!out.symbolic) {
    out.target = Oid(*git_reference_target(ref));
    return true;
  }
  git_reference* resolved = nullptr;
  int rc = git_reference_resolve(&resolved, ref);
  if (rc == GIT_ENOTFOUND) return false;
  if (rc != 0) return last_error("cannot resolve reference " + quote(out.name), Exit::failed);
  detail::ReferencePtr owned(resolved);
  out.target = Oid(*git_reference_target(resolved));
  return true;
}

void sort_by_name(std::vector<Ref>& refs) {
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.name < b.name; });
}

}  // namespace

Result<Head> head(const Repository& repo) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo.get(), "HEAD") != 0) return last_error("cannot read HEAD", Exit::failed);
  detail::ReferencePtr ref(raw);
  Head out;
  git_oid id;
  if (git_reference_type(raw) == GIT_REFERENCE_DIRECT) {
    out.detached = true;
    out.commit = Oid(*git_reference_target(raw));
    return out;
  }
  out.ref = git_reference_symbolic_target(raw);
  out.branch = strip_heads(out.ref);
  int rc = git_reference_name_to_id(&id, repo.get(), out.ref.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    out.unborn = true;
    return out;
  }
  if (rc != 0) return last_error("cannot resolve HEAD", Exit::failed);
  out.commit = Oid(id);
  return out;
}

Result<std::vector<Ref>> local_branches(const Repository& repo) {
  git_branch_iterator* raw = nullptr;
  if (git_branch_iterator_new(&raw, repo.get(), GIT_BRANCH_LOCAL) != 0)
    return last_error("cannot list branches", Exit::failed);
  detail::BranchIteratorPtr it(raw);
  std::vector<Ref> out;
  git_reference* ref = nullptr;
  git_branch_t type;
  int rc;
  while ((rc = git_branch_next(&ref, &type, raw)) == 0) {
    detail::ReferencePtr owned(ref);
    Ref r;
    auto made = make_ref(ref, r);
    if (!made) return made.error();
    if (*made) out.push_back(std::move(r));
  }
  if (rc != GIT_ITEROVER) return last_error("cannot list branches", Exit::failed);
  sort_by_name(out);
  return out;
}

Result<std::vector<Ref>> references(const Repository& repo, const std::string& glob) {
  git_reference_iterator* raw = nullptr;
  if (git_reference_iterator_glob_new(&raw, repo.get(), glob.c_str()) != 0)
    return last_error("cannot list references " + quote(glob), Exit::failed);
  detail::RefIteratorPtr it(raw);
  std::vector<Ref> out;
  git_reference* ref = nullptr;
  int rc;
  while ((rc = git_reference_next(&ref, raw)) == 0) {
    detail::ReferencePtr owned(ref);
    Ref r;
    auto made = make_ref(ref, r);
    if (!made) return made.error();
    if (*made) out.push_back(std::move(r));
  }
  if (rc != GIT_ITEROVER) return last_error("cannot list references " + quote(glob), Exit::failed);
  sort_by_name(out);
  return out;
}

Result<Oid> resolve_commit(const Repository& repo, const std::string& revision) {
  git_object* raw = nullptr;
  int rc = git_revparse_single(&raw, repo.get(), revision.c_str());
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
    std::string hint;
    if (git_repository_head_unborn(repo.get()) == 1) hint = "the current branch has no commits yet";
    git_error_clear();
    return Error{"unknown revision " + quote(revision), hint, Exit::usage};
  }
  if (rc == GIT_EAMBIGUOUS) {
    git_error_clear();
    return Error{"ambiguous revision " + quote(revision), "give more hex digits or a full name", Exit::usage};
  }
  if (rc != 0) return last_error("cannot resolve revision " + quote(revision));
  detail::ObjectPtr object(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, raw, GIT_OBJECT_COMMIT) != 0) {
    git_error_clear();
    return Error{"revision " + quote(revision) + " is not a commit", {}, Exit::usage};
  }
  detail::ObjectPtr commit(peeled);
  return Oid(*git_object_id(peeled));
}

}  // namespace keel::git
