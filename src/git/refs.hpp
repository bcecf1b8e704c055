#pragma once
// HEAD, branches and other references, and turning a revision the user typed
// into a commit id.

#include <optional>
#include <string>
#include <vector>

#include "git/git.hpp"

namespace keel::git {

struct Head {
  std::string branch;         // short name, "main"; empty when detached
  std::string ref;            // "refs/heads/main"; empty when detached
  bool detached = false;
  bool unborn = false;        // on a branch that has no commit yet
  std::optional<Oid> commit;  // empty when unborn
};

// HEAD of this work tree (each linked worktree has its own).
Result<Head> head(const Repository& repo);

struct Ref {
  std::string name;        // full name, "refs/heads/main"
  std::string short_name;  // as git abbreviates it, "main"
  Oid target;              // resolved through symbolic references; not peeled
  bool symbolic = false;
};

// refs/heads/*, sorted by name.
Result<std::vector<Ref>> local_branches(const Repository& repo);
// References whose full name matches glob, e.g. "refs/remotes/origin/*"; "*"
// also matches "/". Sorted by name. Dangling symbolic references are left out.
Result<std::vector<Ref>> references(const Repository& repo, const std::string& glob);

// A revision as git rev-parse takes it ("HEAD~2", "v1.0", "main@{1}", an
// abbreviated id), peeled to a commit. Fails with "unknown revision 'foo'".
Result<Oid> resolve_commit(const Repository& repo, const std::string& revision);

}  // namespace keel::git
