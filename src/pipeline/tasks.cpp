#include "pipeline/tasks.hpp"

#include <algorithm>

#include "core/spell.hpp"
#include "pipeline/duration.hpp"

namespace keel::pipeline {

namespace {

using config::Value;

Error bad(const Value& v, std::string message, std::string hint = {}) {
  return Error{v.origin().describe() + ": " + std::move(message), std::move(hint), Exit::config};
}

Result<std::string> text(const Value& v, const std::string& what) {
  if (!v.is_string()) return bad(v, what + " must be a string, found " + std::string(v.type_name()));
  return v.as_string();
}

// A string, or an array of strings.
Result<std::vector<std::string>> strings(const Value& v, const std::string& what) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.as_string());
    return out;
  }
  if (!v.is_array()) return bad(v, what + " must be a string or a list of strings, found " + std::string(v.type_name()));
  for (const auto& item : v.items()) {
    if (!item.is_string()) return bad(item, what + " must list strings, found " + std::string(item.type_name()));
    out.push_back(item.as_string());
  }
  return out;
}

Result<Pairs> string_table(const Value& v, const std::string& what) {
  if (!v.is_table()) return bad(v, what + " must be a table, found " + std::string(v.type_name()));
  Pairs out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Value& item = v.value_at(i);
    if (item.is_string()) out.emplace_back(v.key_at(i), item.as_string());
    else if (item.type() == Value::Type::integer) out.emplace_back(v.key_at(i), std::to_string(item.as_int()));
    else if (item.type() == Value::Type::boolean) out.emplace_back(v.key_at(i), item.as_bool() ? "true" : "false");
    else return bad(item, what + "." + v.key_at(i) + " must be a string, found " + std::string(item.type_name()));
  }
  return out;
}

Result<bool> flag(const Value& v, const std::string& what) {
  if (v.type() != Value::Type::boolean) return bad(v, what + " must be true or false, found " + std::string(v.type_name()));
  return v.as_bool();
}

Result<std::chrono::milliseconds> duration(const Value& v, const std::string& what) {
  auto t = text(v, what);
  if (!t) return t.error();
  auto d = parse_duration(*t);
  if (!d) return bad(v, what + ": " + d.error().message);
  return *d;
}

Result<std::vector<Combination>> combinations(const Value& v, const std::string& what) {
  if (!v.is_array()) return bad(v, what + " must be a list of tables, found " + std::string(v.type_name()));
  std::vector<Combination> out;
  for (const auto& item : v.items()) {
    auto pairs = string_table(item, what);
    if (!pairs) return pairs.error();
    if (pairs->empty()) return bad(item, what + " has an empty entry");
    out.push_back(std::move(pairs).value());
  }
  return out;
}

Result<Matrix> matrix(const Value& t, const std::string& task) {
  Matrix m;
  if (const Value* axes = t.find("matrix")) {
    if (!axes->is_table()) return bad(*axes, "matrix of task " + quote(task) + " must be a table of lists");
    for (std::size_t i = 0; i < axes->size(); ++i) {
      const Value& values = axes->value_at(i);
      if (values.is_array() && values.items().empty())
        return bad(values, "matrix key " + quote(axes->key_at(i)) + " of task " + quote(task) + " is an empty list",
                   "give it one value at least, or remove it");
      auto list = strings(values, "matrix." + axes->key_at(i));
      if (!list) return list.error();
      m.axes.emplace_back(axes->key_at(i), std::move(list).value());
    }
  }
  if (const Value* inc = t.find("matrix_include")) {
    auto c = combinations(*inc, "matrix_include");
    if (!c) return c.error();
    m.include = std::move(c).value();
  }
  if (const Value* exc = t.find("matrix_exclude")) {
    auto c = combinations(*exc, "matrix_exclude");
    if (!c) return c.error();
    m.exclude = std::move(c).value();
  }
  if (auto jobs = expand(m, task); !jobs) return bad(t.find("matrix_exclude") ? *t.find("matrix_exclude") : t, jobs.error().message);
  return m;
}

// One optional key of a task table, read by `read` into out.
template <class Out, class Reader>
Status read_key(const Value& t, const char* key, const std::string& task, Out& out, Reader read) {
  const Value* v = t.find(key);
  if (!v) return ok_status();
  auto r = read(*v, std::string(key) + " of " + task);
  if (!r) return r.error();
  out = std::move(r).value();
  return ok_status();
}

bool known_condition(const std::string& c) {
  if (c == "merge" || c == "rebase") return true;
  for (std::string_view prefix : {"env:", "file:", "branch:"})
    if (c.size() > prefix.size() && c.compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

// Outputs stay inside the repository: keel restores them from its cache.
bool inside(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (path.compare(start, end - start, "..") == 0) return false;
    start = end + 1;
  }
  return true;
}

Result<TaskSpec> task(const std::string& name, const Value& t) {
  TaskSpec s;
  s.name = name;
  s.origin = t.origin();
  std::string full = "task " + quote(name);
  if (!t.is_table()) return bad(t, full + " must be a table, found " + std::string(t.type_name()));
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string& key = t.key_at(i);
    const auto& keys = task_keys();
    if (std::find(keys.begin(), keys.end(), config::normalize_key(key)) != keys.end()) continue;
    std::string near = closest_match(key, keys);
    return bad(t.value_at(i), "unknown key " + quote(key) + " in " + full,
               near.empty() ? std::string() : "did you mean " + quote(near) + "?");
  }
  // A task with deps and no run groups other tasks ("test" running every suite).
  const Value* run = t.find("run");
  if (!run && !t.find("deps"))
    return bad(t, full + " has no 'run'", "add run = \"the shell command\" or a list of them, or deps");
  if (run) {
    auto commands = strings(*run, "'run' of " + full);
    if (!commands) return commands.error();
    s.run = std::move(commands).value();
    if (s.run.empty()) return bad(*run, "'run' of " + full + " is an empty list");
  }

  for (auto st : {read_key(t, "desc", full, s.desc, text), read_key(t, "dir", full, s.dir, text),
                  read_key(t, "env_file", full, s.env_file, text), read_key(t, "deps", full, s.deps, strings),
                  read_key(t, "shell", full, s.shell, strings), read_key(t, "if", full, s.conditions, strings),
                  read_key(t, "finally", full, s.finally, strings), read_key(t, "inputs", full, s.inputs, strings),
                  read_key(t, "outputs", full, s.outputs, strings), read_key(t, "env", full, s.env, string_table),
                  read_key(t, "vars", full, s.vars, string_table),
                  read_key(t, "interactive", full, s.interactive, flag),
                  read_key(t, "continue_on_error", full, s.continue_on_error, flag)})
    if (!st) return st.error();
  if (!run && s.deps.empty())
    return bad(*t.find("deps"), full + " has no 'run' and its 'deps' is empty",
               "add run = \"the shell command\" or a list of them, or the tasks it groups to deps");
  if (!s.dir.empty() && !inside(s.dir))
    return bad(*t.find("dir"), "dir " + quote(s.dir) + " of " + full + " must be a directory inside the repository");
  for (const auto& c : s.conditions)
    if (!known_condition(c))
      return bad(*t.find("if"), "unknown condition " + quote(c) + " in " + full,
                 "conditions are env:NAME, file:PATH, branch:GLOB, merge and rebase");
  for (const auto& o : s.outputs)
    if (!inside(o))
      return bad(*t.find("outputs"), "output " + quote(o) + " of " + full + " is outside the repository",
                 "outputs are paths relative to the task's directory, inside the repository");
  if (const Value* v = t.find("timeout")) {
    auto d = duration(*v, "timeout of " + full);
    if (!d) return d.error();
    s.timeout = *d;
  }
  if (const Value* v = t.find("retry_delay")) {
    auto d = duration(*v, "retry_delay of " + full);
    if (!d) return d.error();
    s.retry_delay = *d;
  }
  if (const Value* v = t.find("retries")) {
    if (v->type() != Value::Type::integer || v->as_int() < 0 || v->as_int() > 100)
      return bad(*v, "retries of " + full + " must be a whole number from 0 to 100");
    s.retries = static_cast<unsigned>(v->as_int());
  }
  auto m = matrix(t, name);
  if (!m) return m.error();
  s.matrix = std::move(m).value();
  return s;
}

}  // namespace

const std::vector<std::string>& task_keys() {
  static const std::vector<std::string> keys{
      "run",     "desc",    "deps",           "dir",        "env",     "env_file",          "shell",
      "interactive", "vars", "matrix",        "matrix_include", "matrix_exclude", "timeout", "retries",
      "retry_delay", "continue_on_error", "if", "finally",  "inputs",  "outputs"};
  return keys;
}

Result<std::vector<TaskSpec>> tasks_from(const Value& tasks) {
  if (!tasks.is_table()) return bad(tasks, "'tasks' must be a table of tasks, found " + std::string(tasks.type_name()));
  std::vector<TaskSpec> out;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    auto t = task(tasks.key_at(i), tasks.value_at(i));
    if (!t) return t.error();
    out.push_back(std::move(t).value());
  }
  return out;
}

}  // namespace keel::pipeline
