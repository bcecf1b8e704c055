#pragma once
// Walking history: the commits reachable from some tips and not from others
// (git's A..B), streamed one id at a time so that 100,000 commits never sit
// in a vector of keel's.

#include <functional>
#include <memory>
#include <optional>

#include "git/git.hpp"

namespace keel::git {

enum class Order {
  topological_time,  // parents after all their children, ties newest first (default)
  time,              // newest commit date first
  none,              // whatever is cheapest
};

struct WalkOptions {
  Order order = Order::topological_time;
  bool first_parent = false;  // follow only the first parent of merges
};

class RevWalk {
 public:
  static Result<RevWalk> create(const Repository& repo, WalkOptions options = {});
  RevWalk(RevWalk&&) noexcept;
  RevWalk& operator=(RevWalk&&) noexcept;
  ~RevWalk();

  Status push(const Oid& tip);    // walk what this commit reaches (B in A..B)
  Status hide(const Oid& commit); // but not what this one reaches (A in A..B)

  // The next commit, or nullopt when the walk is over.
  Result<std::optional<Oid>> next();
  // Calls visit for each remaining commit until it returns false.
  Status for_each(const std::function<bool(const Oid&)>& visit);

  class Impl;  // libgit2's walk or keel's shallow-clone walk: revwalk_impl.hpp

 private:
  explicit RevWalk(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// Whether ancestor is reachable from commit through parents. A commit is not
// its own descendant: is_descendant_of(c, c) is false.
Result<bool> is_descendant_of(const Repository& repo, const Oid& commit, const Oid& ancestor);
// commit == target or target is an ancestor of commit.
Result<bool> is_reachable(const Repository& repo, const Oid& from, const Oid& target);

}  // namespace keel::git
