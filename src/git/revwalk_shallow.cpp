// RevWalk for shallow clones. The commits present are few (that is why the
// clone is shallow), so this walk gathers them all before yielding the first:
// topological order needs every child seen before its parent anyway.

#include <cstdint>
#include <deque>
#include <queue>

#include "git/detail.hpp"
#include "git/revwalk_impl.hpp"

namespace keel::git {

namespace {

struct Node {
  Oid id;
  std::int64_t time = 0;
  std::uint32_t pending_children = 0;  // children not yet yielded
  std::vector<std::uint32_t> parents;
};

class ShallowWalk final : public RevWalk::Impl {
 public:
  ShallowWalk(const Repository& repo, WalkOptions options)
      : m_repo(repo.get()), m_shallow(repo.shallow_commits()), m_options(options) {}

  Status push(const Oid& tip) override { return add(tip, m_tips); }
  Status hide(const Oid& commit) override { return add(commit, m_hidden); }

  Result<std::optional<Oid>> next() override {
    if (!m_prepared) {
      if (auto st = prepare(); !st) return st.error();
      m_prepared = true;
    }
    if (m_ready.empty()) return std::optional<Oid>();
    std::uint32_t i = m_ready.top();
    m_ready.pop();
    if (m_options.order == Order::topological_time)
      for (std::uint32_t p : m_nodes[i].parents)
        if (--m_nodes[p].pending_children == 0) m_ready.push(p);
    return std::optional<Oid>(m_nodes[i].id);
  }

 private:
  // Newest first; among equal times, the one found first.
  struct Later {
    const std::vector<Node>* nodes;
    bool operator()(std::uint32_t a, std::uint32_t b) const {
      const Node& x = (*nodes)[a];
      const Node& y = (*nodes)[b];
      if (x.time != y.time) return x.time < y.time;
      return a > b;
    }
  };

  Status add(const Oid& id, std::vector<Oid>& to) {
    auto commit = detail::lookup_commit(m_repo, id);
    if (!commit) return Error{"cannot walk from " + quote(id.hex()) + ": not a commit", {}, Exit::usage};
    to.push_back(id);
    return ok_status();
  }

  Result<std::vector<Oid>> parents_of(const Oid& id, std::int64_t* time) {
    auto commit = detail::lookup_commit(m_repo, id);
    if (!commit) return commit.error();
    if (time) *time = git_commit_time(commit->get());
    auto parents = detail::parent_ids(commit->get(), m_shallow.get());
    if (m_options.first_parent && parents.size() > 1) parents.resize(1);
    return parents;
  }

  Status mark_hidden(OidSet& hidden) {
    std::deque<Oid> queue(m_hidden.begin(), m_hidden.end());
    hidden.insert(m_hidden.begin(), m_hidden.end());
    while (!queue.empty()) {
      auto parents = parents_of(queue.front(), nullptr);
      queue.pop_front();
      if (!parents) return parents.error();
      for (const Oid& p : *parents)
        if (hidden.insert(p).second) queue.push_back(p);
    }
    return ok_status();
  }

  Status prepare() {
    OidSet hidden;
    if (auto st = mark_hidden(hidden); !st) return st;
    std::unordered_map<Oid, std::uint32_t> index;
    auto node_for = [&](const Oid& id) {
      auto [it, added] = index.emplace(id, static_cast<std::uint32_t>(m_nodes.size()));
      if (added) m_nodes.push_back(Node{id, 0, 0, {}});
      return it->second;
    };
    for (const Oid& tip : m_tips)
      if (!hidden.count(tip)) node_for(tip);
    // m_nodes grows while this loop runs: it is the breadth-first queue.
    for (std::uint32_t i = 0; i < m_nodes.size(); ++i) {
      std::int64_t time = 0;
      auto parents = parents_of(m_nodes[i].id, &time);
      if (!parents) return parents.error();
      m_nodes[i].time = time;
      for (const Oid& p : *parents) {
        if (hidden.count(p)) continue;
        std::uint32_t j = node_for(p);
        m_nodes[i].parents.push_back(j);
        ++m_nodes[j].pending_children;
      }
    }
    fill_ready();
    return ok_status();
  }

  void fill_ready() {
    m_ready = decltype(m_ready)(Later{&m_nodes});
    for (std::uint32_t i = 0; i < m_nodes.size(); ++i) {
      bool ready = m_options.order != Order::topological_time || m_nodes[i].pending_children == 0;
      // Order::none keeps discovery order: pretend all times are equal.
      if (m_options.order == Order::none) m_nodes[i].time = 0;
      if (ready) m_ready.push(i);
    }
  }

  git_repository* m_repo;
  std::shared_ptr<const OidSet> m_shallow;
  WalkOptions m_options;
  std::vector<Oid> m_tips;
  std::vector<Oid> m_hidden;
  bool m_prepared = false;
  std::vector<Node> m_nodes;
  std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, Later> m_ready{Later{nullptr}};
};

}  // namespace

std::unique_ptr<RevWalk::Impl> make_shallow_walk(const Repository& repo, WalkOptions options) {
  return std::make_unique<ShallowWalk>(repo, options);
}

}  // namespace keel::git
