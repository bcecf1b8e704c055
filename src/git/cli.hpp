#pragma once
// The user's git, for what libgit2 cannot do: indexes in formats libgit2
// does not read (core.splitIndex's 'link', index.sparse's 'sdir'), filter
// drivers when staging. Arguments are an argv, never a shell line; paths go
// on stdin or after "--" with literal pathspecs.

#include <string>
#include <vector>

#include "git/git.hpp"
#include "git/status.hpp"

namespace keel::git::cli {

// Runs `git ARGS` in the work tree (the git directory when bare) with
// `input` on stdin; returns its stdout, or an error naming `what` with git's
// last line of stderr.
Result<std::string> run(const Repository& repo, std::vector<std::string> args, const std::string& what,
                        std::string input = {});

// The same answers as staged_changes, index_entries and the
// differing_from_index of files.hpp, from git's plumbing. Used when libgit2
// cannot read the index; GIT_INDEX_FILE reaches git through the environment.
Result<std::vector<Change>> staged_changes(const Repository& repo);
Result<std::vector<IndexEntry>> index_entries(const Repository& repo);
Result<std::vector<std::string>> differing_from_index(const Repository& repo, const std::vector<std::string>& paths);

}  // namespace keel::git::cli
