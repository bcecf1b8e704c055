#pragma once
// The file lists a hook command can receive, and the command's filters.
// Paths are raw bytes relative to the work tree root, '/'-separated.

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "git/git.hpp"
#include "hooks/settings.hpp"

namespace keel::hooks {

// Staged files that a commit would contain: no deletions, renames under
// their new name, no submodules.
Result<std::vector<std::string>> staged_files(const git::Repository& repo);
// Every file in the index (git ls-files), submodules and sparse entries left out.
Result<std::vector<std::string>> all_files(const git::Repository& repo);
// The files of the commits git is about to push: pre-push's standard input
// ("<local ref> <local id> <remote ref> <remote id>" lines), each local
// commit compared with its remote one; for a branch new to the remote, the
// files of every commit that no remote-tracking branch of `remote` (the
// hook's first argument) reaches.
Result<std::vector<std::string>> push_files(const git::Repository& repo, const std::string& stdin_text,
                                            const std::string& remote);

// The files among `files` a command takes: under its root (and then relative
// to it), matching glob, not exclude, of one of its types. Types are read
// from the work tree below `workdir`.
std::vector<std::string> filter_files(const std::vector<std::string>& files, const CommandSettings& command,
                                      const std::filesystem::path& workdir);

// text, binary, executable, symlink: does the file at `file` have this type.
bool has_type(const std::filesystem::path& file, const std::string& type);

}  // namespace keel::hooks
