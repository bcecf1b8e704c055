#pragma once
// A bare copy of another repository kept in keel's cache, for files read at
// a ref (hooks.remotes). Fetched with libgit2: branches and tags as the
// remote has them, HEAD naming the remote's default branch.

#include <cstddef>
#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace keel::git {

// Creates the copy at `dir` from `url` (a path, file://, or whatever this
// libgit2 speaks), or brings an existing one up to date. A new copy is made
// beside `dir` and renamed into place, so `dir` is never half-made; two
// keels fetching at once each get a whole copy.
Status fetch_mirror(const std::string& url, const std::filesystem::path& dir);

// The bytes of `path` in the commit `ref` names in the copy: a tag, a
// branch or a commit id; empty: the default branch. At most `max_size`.
Result<std::string> mirror_file(const std::filesystem::path& dir, const std::string& ref, const std::string& path,
                                std::size_t max_size);

}  // namespace keel::git
