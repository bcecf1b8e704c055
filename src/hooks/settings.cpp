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
  // Items are strings ("ref:main"), or lefthook's one-key maps ({ref: main}).
  std::vector<Value> items = v->is_array() ? v->items() : std::vector<Value>{*v};
  for (const auto& item : items) {
    if (item.is_string()) {
      c.items.push_back(item.as_string());
    } else if (item.is_table() && item.size() == 1 && item.value_at(0).is_string() &&
               (item.key_at(0) == "ref" || item.key_at(0) == "run" || item.key_at(0) == "branch")) {
      c.items.push_back(item.key_at(0) + ":" + item.value_at(0).as_string());
    } else {
      return Error{where(item) + "a " + std::string(key) + " condition must be a string such as \"merge\" or "
                   "\"ref:main\", or a map such as {ref: main}",
                   {}, Exit::config};
    }
  }
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

// Templates a hook command has besides the file and argument ones.
Expansion job_name_templates() {
  Expansion e;
  for (const char* name : {"job_name", "lefthook_job_name"}) e.named[name] = {};
  return e;
}

// Only a word close to a template is taken for a misspelt one: awk
// '{print}', jq '{name}' and sed '/x/{d}' are shell code, not templates.
Status check_templates(const std::string& run, const Value& where_run, const std::string& full) {
  for (const auto& unknown : unknown_templates(run, job_name_templates())) {
    auto names = template_names();
    names.insert(names.end(), {"job_name", "lefthook_job_name"});
    std::string guess = closest_match(unknown, names);
    if (guess.empty()) continue;
    return Error{where(where_run) + "unknown template " + quote("{" + unknown + "}") + " in hook command " + full +
                     "; did you mean " + quote("{" + guess + "}") + "?",
                 "templates are {staged_files}, {all_files}, {push_files}, {files}, {0} and {1}, {2}..., {job_name}",
                 Exit::config};
  }
  return ok_status();
}

// A script's path below hooks.source_dir: no absolute path, no "..".
bool inside(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = std::min(path.find('/', start), path.size());
    if (path.compare(start, end - start, "..") == 0 && end - start == 2) return false;
    start = end + 1;
  }
  return true;
}

struct ScriptPlace {
  std::string source_dir;  // hooks.source_dir, relative to the work tree root
};

// The file a script command runs: SOURCE_DIR/HOOK/NAME.
Status read_script(const std::string& hook, const std::string& file, const Value& at, const std::string& full,
                   const ScriptPlace& place, CommandSettings& c) {
  if (!inside(file))
    return Error{where(at) + "script " + quote(file) + " of hook command " + full +
                     " must be a file name below " + quote(place.source_dir + "/" + hook),
                 {}, Exit::config};
  c.script = place.source_dir + "/" + hook + "/" + file;
  return ok_status();
}

// `root` (a command's, or a job group's): relative to the work tree, no
// leading "./" or trailing '/', never outside.
Result<std::string> root_of(const Value& t) {
  std::string root = text(t.find("root"));
  while (!root.empty() && root.back() == '/') root.pop_back();
  while (root.rfind("./", 0) == 0) root.erase(0, 2);
  if (root == ".") root.clear();
  if (!root.empty() && (root.front() == '/' || !inside(root)))
    return Error{where(*t.find("root")) + "root " + quote(root) + " must be a directory inside the repository", {},
                 Exit::config};
  return root;
}

Result<std::vector<PathRegex>> regexes(const Value& t, const std::string& full) {
  std::vector<PathRegex> out;
  const Value* re = t.find("exclude_regex");
  for (const auto& pattern : strings(re)) {
    auto compiled = PathRegex::compile(pattern);
    if (!compiled)
      return Error{where(*re) + "exclude_regex " + quote(pattern) + " of hook command " + full +
                       " is not a regular expression: " + compiled.error().message,
                   {}, Exit::config};
    out.push_back(std::move(compiled).value());
  }
  return out;
}

Result<CommandSettings> command(const std::string& hook, const std::string& name, const Value& t,
                                const ScriptPlace& place, bool is_script) {
  CommandSettings c;
  c.name = name;
  std::string full = quote(hook + "." + name);
  if (!t.is_table()) return Error{where(t) + "hook command " + full + " must be a table", {}, Exit::config};
  c.run = text(t.find("run"));
  c.runner = text(t.find("runner"));
  const Value* script = t.find("script");
  if (is_script) {
    if (auto st = read_script(hook, name, t, full, place, c); !st) return st.error();
  } else if (script && script->is_string()) {
    if (!c.run.empty())
      return Error{where(*script) + "hook command " + full + " has both 'run' and 'script'", "keep one", Exit::config};
    if (auto st = read_script(hook, script->as_string(), *script, full, place, c); !st) return st.error();
  } else if (c.run.find_first_not_of(" \t\n") == std::string::npos) {
    return Error{where(t) + "hook command " + full + " has no 'run'", "add run = \"the shell command\"", Exit::config};
  } else if (const Value* r = t.find("runner"); r) {
    return Error{where(*r) + "hook command " + full + " has a 'runner' but no 'script'", {}, Exit::config};
  }
  if (c.script.empty()) {
    if (auto st = check_templates(c.run, *t.find("run"), full); !st) return st.error();
  } else if (const Value* r = t.find("runner"); r) {
    if (auto st = check_templates(c.runner, *r, full); !st) return st.error();
  }
  c.glob = strings(t.find("glob"));
  c.exclude = strings(t.find("exclude"));
  for (const char* key : {"glob", "exclude"})
    for (const auto& g : strings(t.find(key)))
      if (!brace_alternatives(g))
        return Error{where(*t.find(key)) + "glob " + quote(g) + " of hook command " + full + " stands for more than " +
                         std::to_string(k_max_alternatives) + " patterns",
                     {}, Exit::config};
  auto regex = regexes(t, full);
  if (!regex) return regex.error();
  c.exclude_regex = std::move(regex).value();
  c.types = strings(t.find(t.find("file_types") ? "file_types" : "types"));  // a job may say file_types
  for (const auto& type : c.types)
    if (type != "text" && type != "binary" && type != "executable" && type != "symlink")
      return Error{where(*t.find(t.find("file_types") ? "file_types" : "types")) + "unknown file type " + quote(type) +
                       ": expected text, binary, executable or symlink",
                   {}, Exit::config};
  c.tags = strings(t.find("tags"));
  auto root = root_of(t);
  if (!root) return root.error();
  c.root = std::move(root).value();
  if (const Value* env = t.find("env"); env && env->is_table())
    for (std::size_t i = 0; i < env->size(); ++i) c.env[env->key_at(i)] = env->value_at(i).as_string();
  c.stage_fixed = flag(t.find("stage_fixed"), false);
  c.interactive = flag(t.find("interactive"), false);
  c.fail_text = text(t.find("fail_text"));
  c.files_command = text(t.find("files"));
  c.use_stdin = flag(t.find("use_stdin"), false);
  if (const Value* style = t.find("glob_style"); style && style->is_string())
    c.glob_style_set = style->as_string() == "lefthook" ? GlobStyle::lefthook : GlobStyle::keel;
  if (const Value* p = t.find("priority"); p && p->type() == Value::Type::integer) c.priority = p->as_int();
  if (auto st = read_conditions(t, c.skip, c.only); !st) return st.error();
  return c;
}

// What a job group hands down to its jobs, as lefthook's scope: globs,
// tags, types and excludes add up; root and files are the nearest given;
// env values of an inner job win.
struct JobScope {
  std::vector<std::string> glob, tags, types, exclude;
  std::vector<PathRegex> exclude_regex;
  std::string root, files;
  std::map<std::string, std::string> env;
};

void inherit(CommandSettings& c, const JobScope& scope) {
  c.glob.insert(c.glob.begin(), scope.glob.begin(), scope.glob.end());
  c.tags.insert(c.tags.begin(), scope.tags.begin(), scope.tags.end());
  c.types.insert(c.types.begin(), scope.types.begin(), scope.types.end());
  c.exclude.insert(c.exclude.begin(), scope.exclude.begin(), scope.exclude.end());
  c.exclude_regex.insert(c.exclude_regex.begin(), scope.exclude_regex.begin(), scope.exclude_regex.end());
  if (c.root.empty()) c.root = scope.root;
  if (c.files_command.empty()) c.files_command = scope.files;
  for (const auto& [k, v] : scope.env) c.env.emplace(k, v);
}

JobScope extended(const JobScope& outer, const CommandSettings& group_job) {
  JobScope s = outer;
  s.glob.insert(s.glob.end(), group_job.glob.begin(), group_job.glob.end());
  s.tags.insert(s.tags.end(), group_job.tags.begin(), group_job.tags.end());
  s.types.insert(s.types.end(), group_job.types.begin(), group_job.types.end());
  s.exclude.insert(s.exclude.end(), group_job.exclude.begin(), group_job.exclude.end());
  s.exclude_regex.insert(s.exclude_regex.end(), group_job.exclude_regex.begin(), group_job.exclude_regex.end());
  if (!group_job.root.empty()) s.root = group_job.root;
  if (!group_job.files_command.empty()) s.files = group_job.files_command;
  for (const auto& [k, v] : group_job.env) s.env[k] = v;
  return s;
}

// The keys of a job and their types: the key table cannot see into lists.
enum class JobValue { text, texts, table, flag, conditions, group };
const std::vector<std::pair<std::string, JobValue>> k_job_keys = {
    {"name", JobValue::text},         {"run", JobValue::text},        {"script", JobValue::text},
    {"runner", JobValue::text},       {"root", JobValue::text},       {"files", JobValue::text},
    {"fail_text", JobValue::text},    {"glob", JobValue::texts},      {"exclude", JobValue::texts},
    {"exclude_regex", JobValue::texts}, {"tags", JobValue::texts},    {"types", JobValue::texts},
    {"file_types", JobValue::texts},  {"env", JobValue::table},       {"interactive", JobValue::flag},
    {"use_stdin", JobValue::flag},    {"stage_fixed", JobValue::flag}, {"skip", JobValue::conditions},
    {"only", JobValue::conditions},   {"group", JobValue::group},     {"glob_style", JobValue::text}};
// A job with a group runs nothing itself: what it may say is handed down.
const std::vector<std::string> k_group_job_keys = {"name", "root", "files", "glob", "exclude", "exclude_regex", "tags",
                                                   "types", "file_types", "env", "skip", "only", "group"};
const std::vector<std::string> k_group_keys = {"parallel", "piped", "jobs", "root"};

bool all_strings(const Value& v) {
  if (v.is_string()) return true;
  return v.is_array() && std::all_of(v.items().begin(), v.items().end(), [](const Value& i) { return i.is_string(); });
}

Status job_types(const Value& job, const std::string& what) {
  for (const auto& [key, kind] : k_job_keys) {
    const Value* v = job.find(key);
    if (!v) continue;
    const char* expected = nullptr;
    switch (kind) {
      case JobValue::text: if (!v->is_string()) expected = "a string"; break;
      case JobValue::texts: if (!all_strings(*v)) expected = "a string or a list of strings"; break;
      case JobValue::flag: if (v->type() != Value::Type::boolean) expected = "true or false"; break;
      case JobValue::group: if (!v->is_table()) expected = "a table"; break;
      case JobValue::table:
        if (!v->is_table() ||
            !std::all_of(v->items().begin(), v->items().end(), [](const Value& i) { return i.is_string(); }))
          expected = "a table of strings";
        break;
      case JobValue::conditions: break;  // read_conditions says what is wrong
    }
    if (expected)
      return Error{where(*v) + quote(key) + " of " + what + " must be " + expected + ", found " +
                       std::string(v->type_name()),
                   {}, Exit::config};
  }
  return ok_status();
}

std::vector<std::string> job_key_names() {
  std::vector<std::string> out;
  for (const auto& [key, kind] : k_job_keys) out.push_back(key);
  return out;
}

// A job without a name is shown by its run text's first line, as lefthook
// shows it, or its script.
std::string job_name(const Value& job, std::size_t n) {
  std::string name = text(job.find("name"));
  if (name.empty()) name = text(job.find("run"));
  if (name.empty()) name = text(job.find("script"));
  name = name.substr(0, name.find('\n'));
  if (name.size() > 60) name = name.substr(0, 57) + "...";
  return name.empty() ? "[" + std::to_string(n) + "]" : name;
}

}  // namespace

Status known_keys(const Value& t, const std::vector<std::string>& known, const std::string& what) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string& key = t.key_at(i);
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string guess = closest_match(key, known);
    return Error{where(t.value_at(i)) + "unknown key " + quote(key) + " in " + what +
                     (guess.empty() ? std::string() : "; did you mean " + quote(guess) + "?"),
                 {}, Exit::config};
  }
  return ok_status();
}

namespace {

struct JobReader {
  HookSettings& h;
  const ScriptPlace& place;

  // lefthook's jobs: a list of commands and groups, run in list order.
  Status read(const Value& list, const JobScope& scope, JobNode& parent, const std::string& where_name) {
    if (!list.is_array())
      return Error{where(list) + "jobs of " + where_name + " must be a number or a list of jobs", {}, Exit::config};
    std::size_t n = 0;
    for (const auto& job : list.items()) {
      ++n;
      std::string what = "job " + std::to_string(n) + " of " + where_name;
      if (!job.is_table()) return Error{where(job) + what + " must be a table", {}, Exit::config};
      bool is_group = job.find("group") != nullptr;
      if (auto st = known_keys(job, is_group ? k_group_job_keys : job_key_names(), what); !st) return st;
      if (auto st = job_types(job, what); !st) return st;
      if (const Value* group = job.find("group")) {
        if (auto st = read_group(job, *group, scope, parent, what); !st) return st;
        continue;
      }
      std::string name = job_name(job, n);
      if (std::any_of(h.commands.begin(), h.commands.end(), [&](const CommandSettings& c) { return c.name == name; }))
        return Error{where(job) + what + " is named " + quote(name) + " like another command of the hook",
                     "give it a name of its own: --command and KEEL_SKIP choose commands by name", Exit::config};
      auto c = command(h.name, name, job, place, false);
      if (!c) return c.error();
      inherit(*c, scope);
      parent.children.push_back(JobNode::leaf_of(h.commands.size()));
      h.commands.push_back(std::move(c).value());
    }
    return ok_status();
  }

  Status read_group(const Value& job, const Value& group, const JobScope& scope, JobNode& parent,
                    const std::string& what) {
    if (!group.is_table()) return Error{where(group) + "the group of " + what + " must be a table", {}, Exit::config};
    if (auto st = known_keys(group, k_group_keys, "the group of " + what); !st) return st;
    if (job.find("run") || job.find("script"))
      return Error{where(group) + what + " has a group and a run or script", "keep one", Exit::config};
    // The job's own filters, read as a command's would be (it has no run).
    CommandSettings own;
    own.glob = strings(job.find("glob"));
    own.exclude = strings(job.find("exclude"));
    own.tags = strings(job.find("tags"));
    own.types = strings(job.find(job.find("file_types") ? "file_types" : "types"));
    auto regex = regexes(job, what);
    if (!regex) return regex.error();
    own.exclude_regex = std::move(regex).value();
    auto root = root_of(job.find("root") ? job : group);
    if (!root) return root.error();
    own.root = std::move(root).value();
    own.files_command = text(job.find("files"));
    if (const Value* env = job.find("env"); env && env->is_table())
      for (std::size_t i = 0; i < env->size(); ++i)
        if (env->value_at(i).is_string()) own.env[env->key_at(i)] = env->value_at(i).as_string();
    JobNode node;
    node.name = text(job.find("name"));
    if (node.name.empty()) node.name = "group (" + what.substr(4, what.find(' ', 4) - 4) + ")";
    node.parallel = flag(group.find("parallel"), false);
    node.piped = flag(group.find("piped"), false);
    if (node.parallel && node.piped)
      return Error{where(group) + "the group of " + what + " cannot be both piped and parallel", {}, Exit::config};
    if (auto st = read_conditions(job, node.skip, node.only); !st) return st;
    const Value* jobs = group.find("jobs");
    if (!jobs || !jobs->is_array() || jobs->items().empty())
      return Error{where(group) + "the group of " + what + " has no jobs", {}, Exit::config};
    if (auto st = read(*jobs, extended(scope, own), node, "group " + quote(node.name)); !st) return st;
    parent.children.push_back(std::move(node));
    return ok_status();
  }
};

Result<HookSettings> hook(const std::string& name, const Value& t, const ScriptPlace& place) {
  HookSettings h;
  h.name = name;
  if (!is_valid_hook_name(name))
    return Error{where(t) + "invalid hook name " + quote(name) + ": use letters, digits, '-' and '_'", {},
                 Exit::config};
  if (!t.is_table()) return Error{where(t) + "hook " + quote(name) + " must be a table", {}, Exit::config};
  h.parallel = flag(t.find("parallel"), true);
  h.fail_fast = flag(t.find("fail_fast"), false);
  h.follow = flag(t.find("follow"), false);
  // lefthook's piped: one command after another, stopping at the first failure.
  if (const Value* piped = t.find("piped"); flag(piped, false)) {
    if (flag(t.find("parallel"), false))
      return Error{where(*piped) + "hook " + quote(name) + " cannot be both piped and parallel", {}, Exit::config};
    h.parallel = false;
    h.fail_fast = true;
  }
  h.exclude_tags = strings(t.find("exclude_tags"));
  std::vector<std::string> hook_exclude = strings(t.find("exclude"));
  const Value* job_list = nullptr;
  if (const Value* j = t.find("jobs"); j && j->is_array()) {
    job_list = j;
  } else if (j && j->type() == Value::Type::integer) {
    if (j->as_int() < 0 || j->as_int() > 1024)
      return Error{where(*j) + "jobs must be between 0 and 1024, found " + std::to_string(j->as_int()), {},
                   Exit::config};
    h.jobs = static_cast<unsigned>(j->as_int());
  }
  if (auto st = read_conditions(t, h.skip, h.only); !st) return st.error();
  if (const Value* cmds = t.find("commands"); cmds && cmds->is_table()) {
    for (std::size_t i = 0; i < cmds->size(); ++i) {
      auto c = command(name, cmds->key_at(i), cmds->value_at(i), place, false);
      if (!c) return c.error();
      h.commands.push_back(std::move(c).value());
    }
  }
  // lefthook's scripts: the table's key is the file under SOURCE_DIR/HOOK/.
  if (const Value* scripts = t.find("scripts"); scripts && scripts->is_table()) {
    for (std::size_t i = 0; i < scripts->size(); ++i) {
      auto c = command(name, scripts->key_at(i), scripts->value_at(i), place, true);
      if (!c) return c.error();
      h.commands.push_back(std::move(c).value());
    }
  }
  // Lower priority first; unprioritised last; the config's order otherwise.
  std::stable_sort(h.commands.begin(), h.commands.end(), [](const CommandSettings& a, const CommandSettings& b) {
    if (a.priority.has_value() != b.priority.has_value()) return a.priority.has_value();
    return a.priority.has_value() && *a.priority < *b.priority;
  });
  // lefthook's hook-level exclude: every command's and job's too.
  for (auto& c : h.commands) c.exclude.insert(c.exclude.end(), hook_exclude.begin(), hook_exclude.end());
  h.tree.name = name;
  h.tree.parallel = h.parallel;
  for (std::size_t i = 0; i < h.commands.size(); ++i) h.tree.children.push_back(JobNode::leaf_of(i));
  if (job_list) {
    JobScope scope;
    scope.exclude = hook_exclude;
    if (auto st = JobReader{h, place}.read(*job_list, scope, h.tree, "hook " + quote(name)); !st) return st.error();
  }
  return h;
}

// Options of [hooks] itself, not hooks.
bool is_hooks_option(const std::string& key) {
  for (const char* option : {"glob_style", "min_version", "output", "skip_output", "rc", "source_dir", "remotes",
                             "trust_remote_refs"})
    if (key == option) return true;
  return false;
}

// hooks.output: true, false (failures only), or the parts to print;
// hooks.skip_output: parts to leave out. Names as lefthook's.
Result<OutputParts> output_parts(const Value* output, const Value* skip_output) {
  OutputParts p;
  auto set = [&p](const std::string& part, bool on) {
    if (part == "summary") p.summary = on;
    else if (part == "empty_summary") p.empty_summary = on;
    else if (part == "success") p.success = on;
    else if (part == "failure") p.failure = on;
    else if (part == "skips" || part == "skip") p.skips = on;
    else if (part == "execution") p.execution_info = p.execution_out = on;
    else if (part == "execution_info") p.execution_info = on;
    else if (part == "execution_out") p.execution_out = on;
    else if (part != "meta") return false;  // keel prints no banner to turn off
    return true;
  };
  auto unknown = [](const Value& at, const std::string& key, const std::string& part) {
    return Error{where(at) + "unknown " + key + " part " + quote(part) +
                     ": expected meta, summary, empty_summary, success, failure, execution, execution_out, "
                     "execution_info or skips",
                 {}, Exit::config};
  };
  if (output && output->type() == Value::Type::boolean) {
    if (!output->as_bool()) p = OutputParts{false, false, false, true, false, false, false, true};
  } else if (output) {
    p = OutputParts{false, false, false, false, false, false, false, false};
    for (const auto& part : strings(output))
      if (!set(part, true)) return unknown(*output, "hooks.output", part);
  }
  for (const auto& part : strings(skip_output))
    if (!set(part, false)) return unknown(*skip_output, "hooks.skip_output", part);
  return p;
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

// The built-in defaults of a table, or the rest: remotes lie between them.
Value split_defaults(const Value& v, bool defaults) {
  Value out = Value::make_table(v.origin());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Value& child = v.value_at(i);
    if (child.is_table()) {
      Value part = split_defaults(child, defaults);
      if (part.size() || (!defaults && child.origin().kind != config::Origin::Kind::builtin))
        out.set(v.key_at(i), std::move(part));
    } else if ((child.origin().kind == config::Origin::Kind::builtin) == defaults) {
      out.set(v.key_at(i), child);
    }
  }
  return out;
}

std::string text_or(const Value& t, std::string_view key, std::string fallback) {
  const Value* v = t.find(key);
  return v && v->is_string() ? v->as_string() : fallback;
}

}  // namespace

Result<std::vector<HookSettings>> hooks_from_config(const config::Config& config,
                                                   const std::vector<config::Value>& remote_tables) {
  std::vector<HookSettings> out;
  const Value* own = config.find("hooks");
  if (!own || !own->is_table()) return out;
  // Built-in defaults, then the remotes' tables in order, then the
  // project's own (and the user's) values, which win key by key.
  Value merged = split_defaults(*own, true);
  for (const auto& t : remote_tables) merged.merge(t);
  merged.merge(split_defaults(*own, false));
  const Value* root = &merged;
  GlobStyle style = text_or(merged, "glob_style", "keel") == "lefthook" ? GlobStyle::lefthook : GlobStyle::keel;
  if (const Value* min = root->find("min_version"); min && min->is_string()) {
    auto wanted = semver::parse(min->as_string());
    if (!wanted) return Error{where(*min) + "hooks.min_version: " + wanted.error().message, {}, Exit::config};
    auto running = semver::parse(identity::version());
    if (running && semver::compare(*running, *wanted) < 0)
      return Error{where(*min) + "this configuration needs keel " + min->as_string() + " or newer; this is keel " +
                       std::string(identity::version()),
                   "update keel", Exit::config};
  }
  auto parts = output_parts(root->find("output"), root->find("skip_output"));
  if (!parts) return parts.error();
  ScriptPlace place{text_or(merged, "source_dir", ".keel/hooks")};
  while (place.source_dir.size() > 1 && place.source_dir.back() == '/') place.source_dir.pop_back();
  if (const Value* dir = root->find("source_dir"); dir && !inside(place.source_dir))
    return Error{where(*dir) + "hooks.source_dir " + quote(place.source_dir) + " must be a directory inside the repository",
                 {}, Exit::config};
  std::string rc = text_or(merged, "rc", "");
  for (std::size_t i = 0; i < root->size(); ++i) {
    if (is_hooks_option(root->key_at(i))) continue;
    auto h = hook(root->key_at(i), root->value_at(i), place);
    if (!h) return h.error();
    for (auto& c : h->commands) c.glob_style = c.glob_style_set.value_or(style);
    h->output = *parts;
    h->rc = rc;
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
