#pragma once
// The index and what differs from it: staged changes (HEAD vs index),
// unstaged ones (index vs work tree) and untracked files, as a hooks manager
// needs them. Paths are raw bytes, '/'-separated and relative to the work
// tree root, exactly as git stores them: never quoted, never re-encoded.

#include <cstdint>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <memory>
#include <mutex>
#include <vector>

#include "git/git.hpp"

namespace keel::git {

inline constexpr std::uint32_t k_mode_submodule = 0160000;

struct IndexEntry {
  std::string path;
  Oid id;
  std::uint32_t mode = 0;      // 0100644, 0100755, 0120000 (symlink), 0160000 (submodule)
  int stage = 0;               // 1 to 3 for the sides of a conflict
  bool intent_to_add = false;  // git add -N: a placeholder, not staged content
  bool skip_worktree = false;  // sparse checkout
  bool is_submodule() const { return mode == k_mode_submodule; }
};

// In the index's order (by path, then stage).
Result<std::vector<IndexEntry>> index_entries(const Repository& repo);

// A part of TrackedFiles' list where the answers lie: a walk asks for a
// directory's files within the paths below it, a few neighbours instead of
// the whole index. The whole list by default.
struct TrackedRange {
  std::size_t first = 0, last = SIZE_MAX;
};

// Which paths the index tracks: libgit2's own loaded index, its paths
// listed in byte order (views, no copy of twenty thousand paths), or a
// split or sparse index asked of git once. Thread-safe.
class TrackedFiles {
 public:
  static Result<TrackedFiles> read(const Repository& repo);
  // The repository's index file, when read_file() can read it without the
  // repository: not replaced (use_index_file), not read through git, and
  // with core.ignorecase off.
  static std::optional<std::filesystem::path> file_alone(const Repository& repo);
  // The index file read on its own, with no repository object: another
  // thread can read it while this one uses the repository. Any error, even
  // one the repository's read would not give (core.protectNTFS off), means
  // read() must answer.
  static Result<TrackedFiles> read_file(const std::filesystem::path& index_file);

  using Range = TrackedRange;
  // The paths below a directory ("" for all of them), looked for within a
  // part known to hold them (the part below its parent directory).
  Range under(std::string_view dir, Range within = {}) const;
  bool tracked(std::string_view path, Range within = {}) const;
  // Whether a tracked file lies below this directory.
  bool holds(std::string_view dir, Range within = {}) const;

 private:
  void list_paths();
  std::shared_ptr<git_index> m_index;   // null: m_owned holds git's answer
  std::vector<std::string> m_owned;
  std::vector<std::string_view> m_paths;  // sorted, into m_index or m_owned
  // core.ignorecase: the paths are compared as libgit2 does, not by bytes.
  bool m_ignore_case = false;
  std::unique_ptr<std::mutex> m_lock = std::make_unique<std::mutex>();
};

enum class ChangeKind { added, modified, deleted, renamed, type_changed, conflicted };
std::string_view to_string(ChangeKind kind);

struct Change {
  ChangeKind kind = ChangeKind::modified;
  std::string path;      // the new path; for a deletion the old one
  std::string old_path;  // differs from path only for a rename
  std::uint32_t old_mode = 0, new_mode = 0;  // 0 on the side where the file is absent
  Oid old_id, new_id;    // new_id is zero for unhashed work tree files
  bool submodule = false;  // a gitlink on either side
};

// HEAD's tree against the index, with git's rename detection (50 %
// similarity). When HEAD is unborn every index entry is an addition.
// Intent-to-add entries are not staged, as in git diff --cached.
Result<std::vector<Change>> staged_changes(const Repository& repo);
// The index against the work tree, untracked files excluded; an intent-to-add
// entry shows as added, as in git diff.
Result<std::vector<Change>> unstaged_changes(const Repository& repo);
// Files neither tracked nor ignored, directories recursed into.
Result<std::vector<std::string>> untracked_files(const Repository& repo);

struct WorkingState {
  std::vector<Change> staged;
  std::vector<Change> unstaged;
  std::vector<std::string> untracked;
  std::vector<std::string> partially_staged;  // staged, and changed again since
  std::vector<std::string> intent_to_add;
};

// All of the above from one read of the index and one scan of the work tree.
Result<WorkingState> working_state(const Repository& repo);

}  // namespace keel::git
