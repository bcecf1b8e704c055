#pragma once
// Internal to src/git/: where the index may differ from HEAD's tree, read
// from the index's tree cache (its TREE extension) as git does
// (unpack-trees.c), so that a diff of HEAD with the index need not inflate
// every tree of HEAD. libgit2 reads the cache but its diff does not use it.

#include <git2.h>

#include <optional>
#include <string>
#include <vector>

namespace keel::git::detail {

// Paths for a diff's exact path list (GIT_DIFF_DISABLE_PATHSPEC_MATCH), each
// a file or directory under which the index may differ from head; the
// directories whose cached tree is head's are left out. Empty when the
// whole index is head's tree. nullopt when the whole tree must be compared:
// no tree cache (the developer build's libgit2 cannot read it), a
// case-insensitive or conflicted index, or nothing that could be left out.
std::optional<std::vector<std::string>> staged_scope(git_repository* repo, git_index* index, const git_tree* head);

}  // namespace keel::git::detail
