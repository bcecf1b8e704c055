#pragma once
// File contents between the index and the work tree, for a hooks runner that
// must hide unstaged changes and put them back: blobs as checkout would write
// them, three-way merges of file texts. Staging is in stage.hpp.

#include <filesystem>
#include <string>
#include <vector>

#include "git/git.hpp"

namespace keel::git {

// Use the index file at `path` instead of the repository's own. git points
// GIT_INDEX_FILE at a temporary index during `git commit -a` and `git commit
// PATHS`; libgit2 1.5 never reads that variable, so hooks must say so.
Status use_index_file(Repository& repo, const std::filesystem::path& path);

// The bytes `git checkout` would write for this blob at this path: line
// endings converted and ident expanded as .gitattributes and core.autocrlf
// say. External filter drivers (clean/smudge) are not run, except when the
// index is read through git (see Repository::index_through_git), which
// converts it with `git cat-file --filters`.
Result<std::string> checkout_content(const Repository& repo, const Oid& blob, const std::string& path);

struct MergedText {
  bool clean = false;  // false: the changes overlap
  std::string text;
};

// Applies the change base -> theirs on top of ours, as git merge-file does.
Result<MergedText> merge_text(const std::string& base, const std::string& ours, const std::string& theirs);

// Of these index paths, those whose work tree file is missing or differs
// from the index (hashed with the clean filters, as git status does: a
// filter driver such as git-lfs is run by git itself). Only
// the given files are looked at, so a hook pays for its staged files and not
// for the whole work tree.
Result<std::vector<std::string>> differing_from_index(const Repository& repo, const std::vector<std::string>& paths);

// Files added, modified, renamed (new path) or type-changed between two
// commits; deletions left out. Sorted.
Result<std::vector<std::string>> changed_between(const Repository& repo, const Oid& from, const Oid& to);
// The same for one commit against its first parent (a root commit: every file).
Result<std::vector<std::string>> changed_by_commit(const Repository& repo, const Oid& commit);

// In the middle of a merge (MERGE_HEAD) or a rebase (rebase-merge/ or rebase-apply/).
bool merge_in_progress(const Repository& repo);
bool rebase_in_progress(const Repository& repo);

// Files that differ between a commit and the work tree: committed since,
// staged, changed, deleted, and untracked files git does not ignore; both
// sides of a rename. Sorted.
Result<std::vector<std::string>> changed_since(const Repository& repo, const Oid& base);

// The best common ancestor of two commits, as git merge-base gives it.
Result<Oid> merge_base(const Repository& repo, const Oid& a, const Oid& b);

// Whether git ignores a work tree path (a directory with a trailing '/');
// false when it cannot tell. Whether the path is tracked is not looked at.
bool is_ignored(const Repository& repo, const std::string& path);

}  // namespace keel::git
