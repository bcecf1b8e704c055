#include "hooks/migrate.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "config/edit_common.hpp"
#include "core/error.hpp"
#include "hooks/names.hpp"

namespace keel::hooks {

namespace {

using config::Value;

std::string at(const Value& v) { return v.origin().describe() + ": "; }

// Keys of a lefthook file that keel has no equal for, with why.
const std::map<std::string, std::string, std::less<>> k_dropped_top = {
    {"colors", "keel colours its output by NO_COLOR, CLICOLOR_FORCE and the terminal"},
    {"no_tty", "keel never gives commands a pseudo-terminal"},
    {"assert_lefthook_installed", "keel's hook scripts find keel themselves"},
    {"skip_lfs", "keel does not run git-lfs's hooks"},
    {"lefthook", "keel's hook scripts call keel"},
    {"extends", "merge the extended files into keel.toml by hand"},
    {"source_dir_local", "keel has no local scripts directory"},
    {"install_non_git_hooks", "keel installs the hooks keel.toml names"},
    {"no_auto_install", "keel never installs hooks on its own"},
    {"glob_matcher", "keel's lefthook glob style is lefthook's default matcher"},
    {"min_version", "it names a lefthook version (hooks.min_version names keel's)"},
};

// lefthook sorts a hook's commands (and, apart, its scripts): by priority,
// 0 meaning last; then names that are numbers, in number order; then the
// other names in byte order.
long number_of(const std::string& name) {
  if (name.empty() || name.size() > 9 || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  return std::stol(name);
}

bool lefthook_order(const std::pair<std::string, std::int64_t>& a, const std::pair<std::string, std::int64_t>& b) {
  if (a.second != 0 || b.second != 0) {
    if (a.second == 0) return false;
    if (b.second == 0) return true;
    return a.second < b.second;
  }
  long na = number_of(a.first), nb = number_of(b.first);
  if (na == -1 && nb == -1) return a.first < b.first;
  if (na == -1) return false;
  if (nb == -1) return true;
  return na < nb;
}

// lefthook 1 read a string exclude as a regular expression, lefthook 2 as a
// glob; the file does not say which lefthook it was written for. Anchors,
// groups, alternation, escapes and ".*" are regex; a glob has no use for them.
bool looks_like_regex(const std::string& s) {
  return s.find_first_of("^$()|\\+") != std::string::npos || s.find(".*") != std::string::npos;
}

class Writer {
 public:
  explicit Writer(Migration& m) : m_m(m) {}

  void table(const std::vector<std::string>& path) { m_m.toml += "\n[" + config::edit_detail::toml_dotted_key(path) + "]\n"; }
  void line(const std::string& key, const Value& v) {
    m_m.toml += config::edit_detail::toml_key(key) + " = " + config::edit_detail::render_toml(v) + "\n";
  }
  void note(const Value& where, const std::string& text) { m_m.notes.push_back(at(where) + text); }

 private:
  Migration& m_m;
};

Value string_value(const std::string& s) { return Value::make_string(s); }

// A string or a list of strings; lefthook's tags may also be one string of
// space-separated words.
std::optional<Value> string_list(const Value& v, bool split_words = false) {
  Value out = Value::make_array();
  auto add = [&](const std::string& s) {
    if (!split_words) {
      out.push_back(string_value(s));
      return;
    }
    std::size_t start = 0;
    while (start < s.size()) {
      std::size_t end = std::min(s.find(' ', start), s.size());
      if (end > start) out.push_back(string_value(s.substr(start, end - start)));
      start = end + 1;
    }
  };
  if (v.is_string()) {
    add(v.as_string());
    return out;
  }
  if (!v.is_array()) return std::nullopt;
  for (const auto& item : v.items()) {
    if (!item.is_string()) return std::nullopt;
    add(item.as_string());
  }
  return out;
}

class Migrator {
 public:
  explicit Migrator(Migration& m) : m_m(m), m_w(m) {}

  void run(const Value& root) {
    if (!root.is_table()) return;
    read_templates(root);
    bool has_scripts = false;
    for (std::size_t i = 0; i < root.size(); ++i) {
      const Value& v = root.value_at(i);
      if (v.is_table() && (v.find("scripts") || has_script_job(v))) has_scripts = true;
    }
    m_w.table({"hooks"});
    m_w.line("glob_style", string_value("lefthook"));
    if (has_scripts && !root.find("source_dir")) m_w.line("source_dir", string_value(".lefthook"));
    for (std::size_t i = 0; i < root.size(); ++i) top_level(root.key_at(i), root.value_at(i));
    if (const Value* r = root.find("remotes"); r && r->is_array()) remotes(*r);
    for (std::size_t i = 0; i < root.size(); ++i) {
      const std::string& key = root.key_at(i);
      if (is_top_option(key) || k_dropped_top.count(key) || !root.value_at(i).is_table()) continue;
      hook(key, root.value_at(i));
    }
  }

 private:
  static bool is_top_option(const std::string& key) {
    for (const char* k : {"rc", "source_dir", "output", "skip_output", "templates", "remotes"})
      if (key == k) return true;
    return false;
  }

  static bool has_script_job(const Value& hook) {
    const Value* jobs = hook.find("jobs");
    if (!jobs || !jobs->is_array()) return false;
    return std::any_of(jobs->items().begin(), jobs->items().end(),
                       [](const Value& j) { return j.is_table() && j.find("script"); });
  }

  void read_templates(const Value& root) {
    const Value* t = root.find("templates");
    if (!t || !t->is_table()) return;
    for (std::size_t i = 0; i < t->size(); ++i)
      m_templates[t->key_at(i)] = t->value_at(i).is_string() ? t->value_at(i).as_string() : std::string();
  }

  void top_level(const std::string& key, const Value& v) {
    if (auto dropped = k_dropped_top.find(key); dropped != k_dropped_top.end()) {
      m_w.note(v, quote(key) + " is not carried over: " + dropped->second);
      return;
    }
    if (key == "source_dir") {
      if (v.is_string()) {
        std::string s = v.as_string();
        while (key == "source_dir" && s.size() > 1 && s.back() == '/') s.pop_back();
        m_w.line(key, string_value(s));
      }
    } else if (key == "rc") {
      if (!v.is_string()) return;
      const std::string& rc = v.as_string();
      if (rc.find_first_of("$\"'`") != std::string::npos)
        m_w.note(v, "'rc' is shell text in lefthook (" + quote(rc) + "); keel takes a path: set hooks.rc by hand");
      else
        m_w.line("rc", string_value(rc));
    } else if (key == "output") {
      if (v.type() == Value::Type::boolean) m_w.line("output", v);
      else if (auto list = string_list(v)) m_w.line("output", *list);
    } else if (key == "skip_output") {
      if (auto list = string_list(v)) m_w.line("skip_output", *list);
    } else if (key != "templates" && key != "remotes" && !v.is_table()) {
      m_w.note(v, quote(key) + " is not carried over: keel does not know it");
    }
  }

  // lefthook's remotes keep their keys; the files they name are lefthook's,
  // which keel migrates as it reads them.
  void remotes(const Value& list) {
    for (const auto& r : list.items()) {
      if (!r.is_table()) continue;
      m_m.toml += "\n[[hooks.remotes]]\n";
      for (std::size_t i = 0; i < r.size(); ++i) {
        const std::string& key = r.key_at(i);
        const Value& v = r.value_at(i);
        if ((key == "git_url" || key == "ref" || key == "refetch_frequency") && v.is_string()) m_w.line(key, v);
        else if (key == "refetch" && v.type() == Value::Type::boolean) m_w.line(key, v);
        else if (key == "configs") {
          if (auto list = string_list(v)) m_w.line(key, *list);
        } else m_w.note(v, quote("remotes." + key) + " is not carried over: keel does not know it");
      }
      if (!r.find("configs")) m_w.line("configs", *string_list(string_value("lefthook.yml")));
    }
  }

  // lefthook's skip/only: true, "merge", or a list of names and
  // {ref: GLOB} / {run: COMMAND} maps.
  std::optional<Value> conditions(const Value& v, const std::string& key) {
    if (v.type() == Value::Type::boolean) return v;
    Value out = Value::make_array();
    auto one = [&](const Value& item) {
      if (item.is_string() && (item.as_string() == "merge" || item.as_string() == "rebase")) {
        out.push_back(item);
      } else if (item.is_table() && item.size() == 1 && item.value_at(0).is_string() &&
                 (item.key_at(0) == "ref" || item.key_at(0) == "run")) {
        out.push_back(string_value(item.key_at(0) + ":" + item.value_at(0).as_string()));
      } else {
        m_w.note(item, "a " + key + " condition keel does not know is left out");
      }
    };
    if (v.is_array())
      for (const auto& item : v.items()) one(item);
    else
      one(v);
    if (out.items().empty()) return std::nullopt;
    return out;
  }

  std::string with_templates(std::string run) {
    for (const auto& [name, text] : m_templates) {
      std::string token = "{" + name + "}";
      for (std::size_t at = run.find(token); at != std::string::npos; at = run.find(token, at + text.size()))
        run.replace(at, token.size(), text);
    }
    return run;
  }

  void hook(const std::string& name, const Value& h) {
    if (!is_valid_hook_name(name)) {
      m_w.note(h, quote(name) + " is not carried over: not a hook name keel accepts");
      return;
    }
    ++m_m.hooks;
    m_w.table({"hooks", name});
    bool piped = h.find("piped") && h.find("piped")->type() == Value::Type::boolean && h.find("piped")->as_bool();
    const Value* parallel = h.find("parallel");
    if (piped) m_w.line("piped", Value::make_bool(true));
    else m_w.line("parallel", Value::make_bool(parallel && parallel->type() == Value::Type::boolean && parallel->as_bool()));
    for (std::size_t i = 0; i < h.size(); ++i) {
      const std::string& key = h.key_at(i);
      const Value& v = h.value_at(i);
      if (key == "follow" && v.type() == Value::Type::boolean) m_w.line("follow", v);
      else if (key == "exclude") {
        if (auto list = string_list(v)) m_w.line("exclude", *list);
      }
      else if (key == "exclude_tags") {
        if (auto list = string_list(v, true)) m_w.line("exclude_tags", *list);
      } else if (key == "skip" || key == "only") {
        if (auto c = conditions(v, key)) m_w.line(key, *c);
      } else if (key != "parallel" && key != "piped" && key != "commands" && key != "scripts" && key != "jobs" &&
                 key != "files") {
        m_w.note(v, "hook key " + quote(name + "." + key) + " is not carried over: keel does not know it");
      }
    }
    const Value* hook_files = h.find("files");
    std::int64_t priority = 0;
    for (const char* kind : {"commands", "scripts"}) {
      const Value* group = h.find(kind);
      if (!group || !group->is_table()) continue;
      std::vector<std::pair<std::string, std::int64_t>> order;
      for (std::size_t i = 0; i < group->size(); ++i) {
        const Value* p = group->value_at(i).is_table() ? group->value_at(i).find("priority") : nullptr;
        order.emplace_back(group->key_at(i), p && p->type() == Value::Type::integer ? p->as_int() : 0);
      }
      std::stable_sort(order.begin(), order.end(), lefthook_order);
      for (const auto& [command_name, ignored] : order)
        command(name, kind, command_name, *group->find(command_name), ++priority, hook_files);
    }
    if (const Value* list = h.find("jobs"); list && list->is_array()) jobs({"hooks", name, "jobs"}, *list, name, hook_files);
  }

  void command(const std::string& hook, const char* kind, const std::string& name, const Value& c,
               std::int64_t priority, const Value* hook_files) {
    if (!c.is_table()) return;
    ++m_m.commands;
    std::vector<std::string> path{"hooks", hook, kind, name};
    m_w.table(path);
    const Value* env = keys(c, hook + "." + name, false);
    if (!c.find("files") && hook_files && hook_files->is_string()) m_w.line("files", *hook_files);
    m_w.line("priority", Value::make_int(priority));
    env_table(path, env);
  }

  // lefthook's jobs keep their form: [[...jobs]] with groups nested in them.
  void jobs(const std::vector<std::string>& path, const Value& list, const std::string& shown, const Value* hook_files) {
    std::size_t n = 0;
    for (const auto& job : list.items()) {
      ++n;
      if (!job.is_table()) continue;
      const Value* name = job.find("name");
      std::string job_shown = shown + "." + (name && name->is_string() ? name->as_string() : "[" + std::to_string(n) + "]");
      m_m.toml += "\n[[" + config::edit_detail::toml_dotted_key(path) + "]]\n";
      const Value* env = keys(job, job_shown, true);
      if (!job.find("files") && hook_files && hook_files->is_string()) m_w.line("files", *hook_files);
      env_table(path, env);
      const Value* group = job.find("group");
      if (!group || !group->is_table()) {
        ++m_m.commands;
        continue;
      }
      std::vector<std::string> group_path = path;
      group_path.push_back("group");
      m_w.table(group_path);
      for (std::size_t i = 0; i < group->size(); ++i) {
        const std::string& key = group->key_at(i);
        const Value& v = group->value_at(i);
        if ((key == "parallel" || key == "piped") && v.type() == Value::Type::boolean) m_w.line(key, v);
        else if (key == "root" && v.is_string()) m_w.line(key, v);
        else if (key != "jobs") m_w.note(v, quote(job_shown + ".group." + key) + " is not carried over: keel does not know it");
      }
      if (const Value* inner = group->find("jobs"); inner && inner->is_array()) {
        group_path.push_back("jobs");
        jobs(group_path, *inner, job_shown, nullptr);
      }
    }
  }

  void env_table(std::vector<std::string> path, const Value* env) {
    if (!env) return;
    path.push_back("env");
    m_w.table(path);
    for (std::size_t i = 0; i < env->size(); ++i)
      if (env->value_at(i).is_string()) m_w.line(env->key_at(i), env->value_at(i));
  }

  // A command's or job's keys as keel's; returns its env table, written
  // after the other keys.
  const Value* keys(const Value& c, const std::string& shown, bool job) {
    const Value* env = nullptr;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const std::string& key = c.key_at(i);
      const Value& v = c.value_at(i);
      std::string full = quote(shown + "." + key);
      if (key == "run" && v.is_string()) {
        std::string run = with_templates(v.as_string());
        if (run.find("{cmd}") != std::string::npos) m_w.note(v, "the {cmd} template in " + full + " has no equal in keel");
        m_w.line("run", string_value(run));
      } else if ((key == "script" || key == "runner" || key == "root" || key == "fail_text" || key == "files" ||
                  (job && key == "name")) &&
                 v.is_string()) {
        m_w.line(key, key == "runner" ? string_value(with_templates(v.as_string())) : v);
      } else if (key == "glob" || key == "exclude") {
        auto list = string_list(v);
        if (!list) continue;
        if (key == "exclude" && v.is_string() && looks_like_regex(v.as_string())) {
          m_w.note(v, full + " is taken for a lefthook 1 regular expression (exclude_regex); lefthook 2 would read "
                             "it as a glob");
          m_w.line("exclude_regex", *list);
          continue;
        }
        m_w.line(key, *list);
      } else if (key == "tags") {
        if (auto list = string_list(v, true)) m_w.line("tags", *list);
      } else if (key == "file_types") {
        file_types(v, full);
      } else if ((key == "stage_fixed" || key == "interactive" || key == "use_stdin") &&
                 v.type() == Value::Type::boolean) {
        m_w.line(key, v);
      } else if (key == "skip" || key == "only") {
        if (auto cond = conditions(v, key)) m_w.line(key, *cond);
      } else if (key == "env" && v.is_table()) {
        env = &v;
      } else if (key != "priority" && key != "name" && !(job && key == "group")) {
        m_w.note(v, full + " is not carried over: keel does not know it");
      }
    }
    return env;
  }

  void file_types(const Value& v, const std::string& full) {
    auto list = string_list(v);
    if (!list) return;
    Value out = Value::make_array();
    for (const auto& t : list->items()) {
      const std::string& s = t.as_string();
      if (s == "text" || s == "binary" || s == "executable" || s == "symlink")
        out.push_back(t);
      else
        m_w.note(v, "file type " + quote(s) + " of " + full + " has no equal in keel's types; left out");
    }
    if (!out.items().empty()) m_w.line("types", out);
  }

  Migration& m_m;
  Writer m_w;
  std::map<std::string, std::string> m_templates;
};

}  // namespace

Migration migrate_lefthook(const config::Value& lefthook) {
  Migration m;
  Migrator(m).run(lefthook);
  return m;
}

}  // namespace keel::hooks
