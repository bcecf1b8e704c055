#include "git/revwalk.hpp"

#include <deque>

#include "git/detail.hpp"
#include "git/revwalk_impl.hpp"

namespace keel::git {

namespace {

class Libgit2Walk final : public RevWalk::Impl {
 public:
  explicit Libgit2Walk(git_revwalk* walk) : m_walk(walk) {}

  Status push(const Oid& tip) override {
    git_oid id = tip.raw();
    if (git_revwalk_push(m_walk.get(), &id) != 0) return last_error("cannot walk from " + quote(tip.hex()));
    return ok_status();
  }
  Status hide(const Oid& commit) override {
    git_oid id = commit.raw();
    if (git_revwalk_hide(m_walk.get(), &id) != 0) return last_error("cannot hide " + quote(commit.hex()));
    return ok_status();
  }
  Result<std::optional<Oid>> next() override {
    git_oid id;
    int rc = git_revwalk_next(&id, m_walk.get());
    if (rc == GIT_ITEROVER) return std::optional<Oid>();
    if (rc != 0) return last_error("cannot walk history", Exit::failed);
    return std::optional<Oid>(Oid(id));
  }

 private:
  detail::RevwalkPtr m_walk;
};

unsigned sort_flags(Order order) {
  switch (order) {
    case Order::topological_time: return GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME;
    case Order::time: return GIT_SORT_TIME;
    case Order::none: return GIT_SORT_NONE;
  }
  return GIT_SORT_NONE;
}

// Breadth-first search for ancestor among commit's ancestors; for shallow
// clones, where libgit2 1.5's merge-base code fails at the boundary.
Result<bool> search_ancestors(const Repository& repo, const Oid& commit, const Oid& ancestor) {
  std::unordered_set<Oid> seen{commit};
  std::deque<Oid> queue{commit};
  while (!queue.empty()) {
    auto c = detail::lookup_commit(repo.get(), queue.front());
    queue.pop_front();
    if (!c) return c.error();
    for (const Oid& parent : detail::parent_ids(repo, c->get())) {
      if (parent == ancestor) return true;
      if (seen.insert(parent).second) queue.push_back(parent);
    }
  }
  return false;
}

}  // namespace

std::unique_ptr<RevWalk::Impl> make_libgit2_walk(git_revwalk* walk) { return std::make_unique<Libgit2Walk>(walk); }

RevWalk::RevWalk(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RevWalk::RevWalk(RevWalk&&) noexcept = default;
RevWalk& RevWalk::operator=(RevWalk&&) noexcept = default;
RevWalk::~RevWalk() = default;

Result<RevWalk> RevWalk::create(const Repository& repo, WalkOptions options) {
  if (repo.is_shallow()) return RevWalk(make_shallow_walk(repo, options));
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo.get()) != 0) return last_error("cannot walk history", Exit::failed);
  auto impl = make_libgit2_walk(raw);
  git_revwalk_sorting(raw, sort_flags(options.order));
  if (options.first_parent) git_revwalk_simplify_first_parent(raw);
  return RevWalk(std::move(impl));
}

Status RevWalk::push(const Oid& tip) { return m_impl->push(tip); }
Status RevWalk::hide(const Oid& commit) { return m_impl->hide(commit); }
Result<std::optional<Oid>> RevWalk::next() { return m_impl->next(); }

Status RevWalk::for_each(const std::function<bool(const Oid&)>& visit) {
  for (;;) {
    auto id = m_impl->next();
    if (!id) return id.error();
    if (!*id || !visit(**id)) return ok_status();
  }
}

Result<bool> is_descendant_of(const Repository& repo, const Oid& commit, const Oid& ancestor) {
  if (commit == ancestor) return false;
  if (repo.is_shallow()) return search_ancestors(repo, commit, ancestor);
  git_oid c = commit.raw();
  git_oid a = ancestor.raw();
  int rc = git_graph_descendant_of(repo.get(), &c, &a);
  if (rc < 0) return last_error("cannot compare " + quote(commit.hex()) + " with " + quote(ancestor.hex()), Exit::failed);
  return rc == 1;
}

Result<bool> is_reachable(const Repository& repo, const Oid& from, const Oid& target) {
  if (from == target) return true;
  return is_descendant_of(repo, from, target);
}

}  // namespace keel::git
