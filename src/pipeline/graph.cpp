#include "pipeline/graph.hpp"

#include <algorithm>
#include <map>

#include "core/spell.hpp"

namespace keel::pipeline {

namespace {

Error config_error(std::string message, std::string hint = {}) {
  return Error{std::move(message), std::move(hint), Exit::config};
}

const std::string* value_of(const Combination& c, std::string_view key) {
  for (const auto& [k, v] : c)
    if (k == key) return &v;
  return nullptr;
}

// Every key of `entry` has the same value in c.
bool matches(const Combination& c, const Combination& entry) {
  return std::all_of(entry.begin(), entry.end(), [&](const auto& kv) {
    const std::string* v = value_of(c, kv.first);
    return v && *v == kv.second;
  });
}

bool is_axis(const Matrix& m, std::string_view key) {
  return std::any_of(m.axes.begin(), m.axes.end(), [&](const auto& a) { return a.first == key; });
}

void set_value(Combination& c, const std::string& key, const std::string& value) {
  for (auto& [k, v] : c)
    if (k == key) {
      v = value;
      return;
    }
  c.emplace_back(key, value);
}

}  // namespace

Result<std::vector<Combination>> expand(const Matrix& m, std::string_view task) {
  std::vector<Combination> out;
  // GitHub Actions' limit: a matrix beyond it is a mistake, and twenty
  // two-value keys would be a million jobs.
  std::size_t count = 1;
  for (const auto& axis : m.axes) {
    count *= std::max<std::size_t>(axis.second.size(), 1);
    if (count > k_max_matrix_jobs)
      return config_error("the matrix of task " + quote(task) + " has more than " +
                              std::to_string(k_max_matrix_jobs) + " combinations",
                          "split the task, or list the combinations with matrix_include");
  }
  if (m.include.size() > k_max_matrix_jobs)
    return config_error("matrix_include of task " + quote(task) + " has more than " +
                        std::to_string(k_max_matrix_jobs) + " entries");
  if (!m.axes.empty()) {
    out.emplace_back();
    for (const auto& [key, values] : m.axes) {
      if (values.empty())
        return config_error("matrix key " + quote(key) + " of task " + quote(task) + " is an empty list",
                            "give it one value at least, or remove it");
      std::vector<Combination> next;
      next.reserve(out.size() * values.size());
      for (const auto& partial : out)
        for (const auto& v : values) {
          Combination c = partial;
          c.emplace_back(key, v);
          next.push_back(std::move(c));
        }
      out = std::move(next);
    }
  }
  for (const auto& entry : m.exclude)
    for (const auto& [key, value] : entry)
      if (!is_axis(m, key))
        return config_error("matrix_exclude of task " + quote(task) + " names " + quote(key) +
                            ", which is not a matrix key");
  std::erase_if(out, [&](const Combination& c) {
    return std::any_of(m.exclude.begin(), m.exclude.end(), [&](const Combination& e) { return matches(c, e); });
  });
  const std::size_t original = out.size();
  for (const auto& entry : m.include) {
    // Its values for the axes: those must stay as they are.
    Combination on_axes;
    for (const auto& kv : entry)
      if (is_axis(m, kv.first)) on_axes.push_back(kv);
    bool added = false;
    for (std::size_t i = 0; i < original; ++i) {
      if (!matches(out[i], on_axes)) continue;
      for (const auto& [key, value] : entry)
        if (!is_axis(m, key)) set_value(out[i], key, value);
      added = true;
    }
    if (!added) out.push_back(entry);
  }
  if (m.axes.empty() && m.include.empty()) out.emplace_back();
  return out;
}

std::string job_name(std::string_view task, const Combination& values) {
  std::string name(task);
  if (values.empty()) return name;
  name += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) name += ',';
    name += values[i].first + "=" + values[i].second;
  }
  return name + ']';
}

Result<Plan> plan(const std::vector<TaskNode>& all, const std::vector<std::string>& wanted, bool only) {
  std::map<std::string, std::size_t, std::less<>> index;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < all.size(); ++i) {
    index.emplace(all[i].name, i);
    names.push_back(all[i].name);
  }
  for (const auto& w : wanted) {
    if (index.count(w)) continue;
    std::string near = closest_match(w, names);
    return Error{"unknown task " + quote(w), near.empty() ? "keel run --list shows the tasks" : "did you mean " + quote(near) + "?",
                 Exit::usage};
  }
  for (const auto& t : all)
    for (const auto& d : t.deps)
      if (!index.count(d)) {
        std::string near = closest_match(d, names);
        return config_error("task " + quote(t.name) + " depends on " + quote(d) + ", which does not exist",
                            near.empty() ? std::string() : "did you mean " + quote(near) + "?");
      }

  // Depth-first from each wanted task, in order: a task is placed after its
  // deps, so the order is a topological one that keeps the config's order
  // among tasks that do not depend on each other.
  enum class Mark { none, visiting, done };
  std::vector<Mark> mark(all.size(), Mark::none);
  std::vector<std::size_t> order, stack;
  std::vector<std::size_t> placed(all.size(), SIZE_MAX);
  Status failed = ok_status();
  auto visit = [&](auto&& self, std::size_t i) -> bool {
    if (mark[i] == Mark::done) return true;
    if (mark[i] == Mark::visiting) {
      auto from = std::find(stack.begin(), stack.end(), i);
      std::string path;
      for (auto it = from; it != stack.end(); ++it) path += all[*it].name + " -> ";
      failed = config_error("dependency cycle: " + path + all[i].name);
      return false;
    }
    mark[i] = Mark::visiting;
    stack.push_back(i);
    if (!only)
      for (const auto& d : all[i].deps)
        if (!self(self, index.find(d)->second)) return false;
    stack.pop_back();
    mark[i] = Mark::done;
    placed[i] = order.size();
    order.push_back(i);
    return true;
  };
  for (const auto& w : wanted)
    if (!visit(visit, index.find(w)->second)) return failed.error();

  Plan p;
  for (std::size_t i : order) {
    p.tasks.push_back(all[i].name);
    std::vector<std::size_t> deps;
    if (!only)
      for (const auto& d : all[i].deps) {
        std::size_t at = placed[index.find(d)->second];
        if (std::find(deps.begin(), deps.end(), at) == deps.end()) deps.push_back(at);
      }
    p.deps.push_back(std::move(deps));
  }
  return p;
}

}  // namespace keel::pipeline
