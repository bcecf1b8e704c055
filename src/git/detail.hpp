#pragma once
// Internal to src/git/: owning handles for libgit2 objects and helpers the
// .cpp files share. Commands include the public headers only.

#include <git2.h>

#include <string>

#include "git/git.hpp"

namespace keel::git::detail {

using ObjectPtr = Handle<git_object, git_object_free>;
using CommitPtr = Handle<git_commit, git_commit_free>;
using TreePtr = Handle<git_tree, git_tree_free>;
using TreeEntryPtr = Handle<git_tree_entry, git_tree_entry_free>;
using TagPtr = Handle<git_tag, git_tag_free>;
using ReferencePtr = Handle<git_reference, git_reference_free>;
using RefIteratorPtr = Handle<git_reference_iterator, git_reference_iterator_free>;
using BranchIteratorPtr = Handle<git_branch_iterator, git_branch_iterator_free>;
using RevwalkPtr = Handle<git_revwalk, git_revwalk_free>;
using IndexPtr = Handle<git_index, git_index_free>;
using DiffPtr = Handle<git_diff, git_diff_free>;
using ConfigPtr = Handle<git_config, git_config_free>;
using OdbPtr = Handle<git_odb, git_odb_free>;

// A git_buf's bytes, disposing of the buffer.
std::string take(git_buf& buf);

Result<CommitPtr> lookup_commit(git_repository* repo, const Oid& id);

// Commit ids of a commit's parents as git sees them: none for a shallow
// clone's boundary commits.
std::vector<Oid> parent_ids(const git_commit* commit, const OidSet* shallow);
inline std::vector<Oid> parent_ids(const Repository& repo, const git_commit* commit) {
  return parent_ids(commit, repo.shallow_commits().get());
}

// The repository's index, re-read if the file changed on disk since; an
// Error for a bare repository, which has none.
Result<IndexPtr> open_index(const Repository& repo);

// The error for a failed libgit2 index read ("WHAT: libgit2's message");
// when the format is one only git reads, the repository is marked
// index_through_git.
Error index_error(const Repository& repo, std::string_view what = "cannot read the index");

// libgit2 1.5 ignores config.worktree; layer it over the repository's config
// so that every reader, libgit2's own included, sees per-worktree values.
Status add_worktree_config(git_repository* repo);

// The shallow file's commit ids; null when there is none.
Result<std::shared_ptr<const OidSet>> read_shallow_file(const std::filesystem::path& common_dir);

}  // namespace keel::git::detail
