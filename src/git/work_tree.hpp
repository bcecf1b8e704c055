#pragma once
// Finding the work tree root without libgit2. Loading the configuration only
// needs the directory holding the project file, and every keel start pays for
// it: a few stat calls instead of initialising libgit2.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace keel::git {

// The root of the work tree containing `start`: GIT_WORK_TREE when set, else
// the nearest directory upward that has a `.git` directory or `.git` file
// (linked worktrees, submodules). nullopt outside any work tree.
std::optional<std::filesystem::path> find_work_tree_root(const std::filesystem::path& start,
                                                         const std::map<std::string, std::string>& env);

}  // namespace keel::git
