#pragma once
// Staging files exactly as `git add` does, for hooks' stage_fixed: the
// user's git runs, so clean filter drivers, .gitattributes, core.autocrlf,
// split and sparse indexes all behave as they do for the user. libgit2 does
// not run filter drivers (filter.<name>.clean), and those can be what keeps
// a secret out of a commit.

#include <string>
#include <vector>

#include "git/git.hpp"

namespace keel::git {

struct Staged {
  std::vector<std::string> staged;
  // Left alone: a different kind of file in the work tree than in the index
  // (a symlink where a file was, say), a change `git add` would commit.
  std::vector<std::string> type_changed;
};

// Stages the content of `paths` (relative to the work tree root) as
// `git add -- PATHS` would, and keeps each index entry's mode: a chmod the
// user has not staged stays unstaged. Paths are handed to git as data
// (NUL-separated on stdin, literal pathspecs), never as options or globs.
Result<Staged> stage_content(const Repository& repo, const std::vector<std::string>& paths);

}  // namespace keel::git
