#include "hooks/settings.hpp"

#include "build_config.hpp"
#include "core/identity.hpp"
#include "semver/semver.hpp"

#include <algorithm>

#include "core/spell.hpp"
#include "hooks/glob.hpp"
#include "hooks/template.hpp"
#include "hooks/names.hpp"

namespace keel::hooks {

namespace {

using config::Value;

std::string where(const Value& v) { return v.origin().describe() + ": "; }

std::vector<std::string> strings(const Value* v) {
  std::vector<std::string> out;
  if (!v) return out;
  if (v->is_string()) out.push_back(v->as_string());
  if (v->is_array())
    for (const auto& item : v->items())
      if (item.is_string()) out.push_back(item.as_string());
  return out;
}

std::string text(const Value* v) { return v && v->is_string() ? v->as_string() : std::string(); }
bool flag(const Value* v, bool fallback) { return v && v->type() == Value::Type::boolean ? v->as_bool() : fallback; }

Result<Conditions> conditions(const Value* v, std::string_view key) {
  Conditions c;
  if (!v) return c;
  c.set = true;
  if (v->type() == Value::Type::boolean) {
    c.always = v->as_bool();
    if (!c.always) c.set = false;  // skip = false: as if unset
    return c;
  }
  c.items = strings(v);
  for (const auto& item : c.items) {
    auto with = [&](std::string_view prefix) { return item.rfind(prefix, 0) == 0 && item.size() > prefix.size(); };
    bool known = item == "merge" || item == "rebase" || with("branch:") || with("ref:") || with("run:");
    if (!known)
      return Error{where(*v) + "unknown " + std::string(key) + " condition " + quote(item) +
                       ": expected merge, rebase, branch:GLOB, ref:GLOB or run:COMMAND",
                   {}, Exit::config};
  }
  return c;
}

Status read_conditions(const Value& t, Conditions& skip, Conditions& only) {
  auto s = conditions(t.find("skip"), "skip");
  if (!s) return s.error();
  auto o = conditions(t.find("only"), "only");
  if (!o) return o.error();
  skip = s.value();
  only = o.value();
  return ok_status();
}

Result<CommandSettings> command(const std::string& hook, const std::string& name, const Value& t) {
  CommandSettings c;
  c.name = name;
  std::string full = quote(hook + "." + name);
  if (!t.is_table()) return Error{where(t) + "hook command " + full + " must be a table", {}, Exit::config};
  c.run = text(t.find("run"));
  if (c.run.find_first_not_of(" \t\n") == std::string::npos)
    return Error{where(t) + "hook command " + full + " has no 'run'", "add run = \"the shell command\"", Exit::config};
  // Only a word close to a template is taken for a misspelt one: awk
  // '{print}', jq '{name}' and sed '/x/{d}' are shell code, not templates.
  for (const auto& unknown : unknown_templates(c.run)) {
    std::string guess = closest_match(unknown, template_names());
    if (guess.empty()) continue;
    return Error{where(*t.find("run")) + "unknown template " + quote("{" + unknown + "}") + " in hook command " +
                     full + "; did you mean " + quote("{" + guess + "}") + "?",
                 "templates are {staged_files}, {all_files}, {push_files}, {files}, {0} and {1}, {2}...",
                 Exit::config};
  }
  c.glob = strings(t.find("glob"));
  c.exclude = strings(t.find("exclude"));
  for (const char* key : {"glob", "exclude"})
    for (const auto& g : strings(t.find(key)))
      if (!brace_alternatives(g))
        return Error{where(*t.find(key)) + "glob " + quote(g) + " of hook command " + full + " stands for more than " +
                         std::to_string(k_max_alternatives) + " patterns",
                     {}, Exit::config};
  c.types = strings(t.find("types"));
  for (const auto& type : c.types)
    if (type != "text" && type != "binary" && type != "executable" && type != "symlink")
      return Error{where(*t.find("types")) + "unknown file type " + quote(type) +
                       ": expected text, binary, executable or symlink",
                   {}, Exit::config};
  c.tags = strings(t.find("tags"));
  c.root = text(t.find("root"));
  while (!c.root.empty() && c.root.back() == '/') c.root.pop_back();
  while (c.root.rfind("./", 0) == 0) c.root.erase(0, 2);
  if (c.root == ".") c.root.clear();
  if (!c.root.empty() && (c.root.front() == '/' || c.root == ".." || c.root.rfind("../", 0) == 0))
    return Error{where(*t.find("root")) + "root " + quote(c.root) + " must be a directory inside the repository", {},
                 Exit::config};
  if (const Value* env = t.find("env"); env && env->is_table())
    for (std::size_t i = 0; i < env->size(); ++i) c.env[env->key_at(i)] = env->value_at(i).as_string();
  c.stage_fixed = flag(t.find("stage_fixed"), false);
  c.interactive = flag(t.find("interactive"), false);
  c.fail_text = text(t.find("fail_text"));
  c.files_command = text(t.find("files"));
  if (const Value* p = t.find("priority"); p && p->type() == Value::Type::integer) c.priority = p->as_int();
  if (auto st = read_conditions(t, c.skip, c.only); !st) return st.error();
  return c;
}

Result<HookSettings> hook(const std::string& name, const Value& t) {
  HookSettings h;
  h.name = name;
  if (!is_valid_hook_name(name))
    return Error{where(t) + "invalid hook name " + quote(name) + ": use letters, digits, '-' and '_'", {},
                 Exit::config};
  if (!t.is_table()) return Error{where(t) + "hook " + quote(name) + " must be a table", {}, Exit::config};
  h.parallel = flag(t.find("parallel"), true);
  h.fail_fast = flag(t.find("fail_fast"), false);
  // lefthook's piped: one command after another, stopping at the first failure.
  if (const Value* piped = t.find("piped"); flag(piped, false)) {
    if (flag(t.find("parallel"), false))
      return Error{where(*piped) + "hook " + quote(name) + " cannot be both piped and parallel", {}, Exit::config};
    h.parallel = false;
    h.fail_fast = true;
  }
  h.exclude_tags = strings(t.find("exclude_tags"));
  if (const Value* j = t.find("jobs"); j && j->type() == Value::Type::integer) {
    if (j->as_int() < 0 || j->as_int() > 1024)
      return Error{where(*j) + "jobs must be between 0 and 1024, found " + std::to_string(j->as_int()), {},
                   Exit::config};
    h.jobs = static_cast<unsigned>(j->as_int());
  }
  if (auto st = read_conditions(t, h.skip, h.only); !st) return st.error();
  if (const Value* cmds = t.find("commands"); cmds && cmds->is_table()) {
    for (std::size_t i = 0; i < cmds->size(); ++i) {
      auto c = command(name, cmds->key_at(i), cmds->value_at(i));
      if (!c) return c.error();
      h.commands.push_back(std::move(c).value());
    }
  }
  // Lower priority first; unprioritised last; the config's order otherwise.
  std::stable_sort(h.commands.begin(), h.commands.end(), [](const CommandSettings& a, const CommandSettings& b) {
    if (a.priority.has_value() != b.priority.has_value()) return a.priority.has_value();
    return a.priority.has_value() && *a.priority < *b.priority;
  });
  return h;
}

bool holds(const std::string& item, const RepoState& s) {
  if (item == "merge") return s.merging;
  if (item == "rebase") return s.rebasing;
  if (item.rfind("branch:", 0) == 0) return !s.branch.empty() && glob_match("/" + item.substr(7), s.branch);
  // lefthook's ref: the current branch, as branch:.
  if (item.rfind("ref:", 0) == 0) return !s.branch.empty() && glob_match("/" + item.substr(4), s.branch);
  if (item.rfind("run:", 0) == 0) return s.succeeds && s.succeeds(item.substr(4));
  return false;
}

}  // namespace

Result<std::vector<HookSettings>> hooks_from_config(const config::Config& config) {
  std::vector<HookSettings> out;
  const Value* root = config.find("hooks");
  if (!root || !root->is_table()) return out;
  GlobStyle style = config.get_string("hooks.glob_style", "keel") == "lefthook" ? GlobStyle::lefthook : GlobStyle::keel;
  if (const Value* min = root->find("min_version"); min && min->is_string()) {
    auto wanted = semver::parse(min->as_string());
    if (!wanted) return Error{where(*min) + "hooks.min_version: " + wanted.error().message, {}, Exit::config};
    auto running = semver::parse(identity::version());
    if (running && semver::compare(*running, *wanted) < 0)
      return Error{where(*min) + "this configuration needs keel " + min->as_string() + " or newer; this is keel " +
                       std::string(identity::version()),
                   "update keel", Exit::config};
  }
  for (std::size_t i = 0; i < root->size(); ++i) {
    // Options of [hooks], not hooks.
    if (root->key_at(i) == "glob_style" || root->key_at(i) == "min_version") continue;
    auto h = hook(root->key_at(i), root->value_at(i));
    if (!h) return h.error();
    for (auto& c : h->commands) c.glob_style = style;
    out.push_back(std::move(h).value());
  }
  return out;
}

std::optional<std::string> skip_reason(const Conditions& skip, const Conditions& only, const RepoState& state) {
  if (skip.always) return std::string("skip = true");
  for (const auto& item : skip.items)
    if (holds(item, state)) return "skip: " + item;
  if (only.set && !only.always) {
    bool any = std::any_of(only.items.begin(), only.items.end(), [&](const auto& item) { return holds(item, state); });
    if (!any) {
      std::string list;
      for (const auto& item : only.items) list += (list.empty() ? "" : ", ") + item;
      return "only: " + list;
    }
  }
  return std::nullopt;
}

}  // namespace keel::hooks
