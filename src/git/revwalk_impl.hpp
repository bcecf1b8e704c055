#pragma once
// Internal: the two ways RevWalk walks. libgit2's revwalk is fast but, in
// 1.5, fails at the first missing parent of a shallow clone; there keel walks
// itself and treats the shallow boundary as roots, as git does.

#include "git/revwalk.hpp"

namespace keel::git {

class RevWalk::Impl {
 public:
  virtual ~Impl() = default;
  virtual Status push(const Oid& tip) = 0;
  virtual Status hide(const Oid& commit) = 0;
  virtual Result<std::optional<Oid>> next() = 0;
};

std::unique_ptr<RevWalk::Impl> make_libgit2_walk(git_revwalk* walk);
std::unique_ptr<RevWalk::Impl> make_shallow_walk(const Repository& repo, WalkOptions options);

}  // namespace keel::git
