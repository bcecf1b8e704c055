#include "hooks/remotes.hpp"

#include <algorithm>
#include <functional>

#include "config/config.hpp"
#include "config/parse.hpp"
#include "crypto/sha256.hpp"
#include "fs/fs.hpp"
#include "git/mirror.hpp"
#include "hooks/migrate.hpp"
#include "hooks/settings.hpp"
#include "pipeline/duration.hpp"

namespace keel::hooks {

namespace {

using config::Value;

constexpr std::size_t k_max_config_bytes = 1 << 20;
const std::vector<std::string> k_remote_keys = {"git_url", "ref", "configs", "refetch", "refetch_frequency"};

std::string where(const Value& v) { return v.origin().describe() + ": "; }

Error bad(const Value& at, const std::string& problem) { return Error{where(at) + problem, {}, Exit::config}; }

bool is_commit_id(const std::string& ref) {
  return ref.size() == 40 && ref.find_first_not_of("0123456789abcdef") == std::string::npos;
}

Result<Remote> remote_from(const Value& t, std::size_t n, bool trust_refs) {
  std::string what = "remote " + std::to_string(n) + " of hooks.remotes";
  if (!t.is_table()) return bad(t, what + " must be a table");
  if (auto st = known_keys(t, k_remote_keys, what); !st) return st.error();
  Remote r;
  r.where = where(t);
  const Value* url = t.find("git_url");
  if (!url || !url->is_string() || url->as_string().empty()) return bad(t, what + " has no git_url");
  r.url = url->as_string();
  const Value* ref = t.find("ref");
  if (ref) {
    if (!ref->is_string()) return bad(*ref, "ref of " + what + " must be a string");
    r.ref = ref->as_string();
  }
  if (!is_commit_id(r.ref) && !trust_refs)
    return Error{where(ref ? *ref : t) + (r.ref.empty() ? "no ref" : "ref " + quote(r.ref)) + " of " + what +
                     " is not a full commit id: a tag or branch would run whatever the remote serves under that name",
                 "pin it (ref = \"<40-hex commit id>\"), or allow names in your own configuration: keel config set "
                 "--user hooks.trust_remote_refs true",
                 Exit::config};
  if (const Value* configs = t.find("configs")) {
    std::vector<Value> items = configs->is_array() ? configs->items() : std::vector<Value>{*configs};
    for (const auto& c : items) {
      if (!c.is_string() || c.as_string().empty()) return bad(c, "configs of " + what + " must be file names");
      r.configs.push_back(c.as_string());
    }
  }
  if (r.configs.empty()) r.configs = {"keel.toml"};
  if (const Value* refetch = t.find("refetch")) {
    if (refetch->type() != Value::Type::boolean) return bad(*refetch, "refetch of " + what + " must be true or false");
    r.refetch = refetch->as_bool();
  }
  if (const Value* every = t.find("refetch_frequency")) {
    if (!every->is_string()) return bad(*every, "refetch_frequency of " + what + " must be a duration such as 24h");
    auto d = pipeline::parse_duration(every->as_string());
    if (!d) return bad(*every, d.error().message);
    r.refetch_frequency = *d;
  }
  return r;
}

// The copy's place in the cache: one per URL.
std::filesystem::path copy_dir(const std::filesystem::path& cache_dir, const std::string& url) {
  return cache_dir / "hooks-remotes" / (crypto::digest_hex(url, "sha256").substr(0, 24) + ".git");
}

bool due(const Remote& r, const std::filesystem::path& stamp) {
  if (r.refetch) return true;
  if (!r.refetch_frequency) return false;
  std::error_code ec;
  auto when = std::filesystem::last_write_time(stamp, ec);
  if (ec) return true;
  return std::filesystem::file_time_type::clock::now() - when > *r.refetch_frequency;
}

Status fetch(const Remote& r, const std::filesystem::path& dir) {
  if (auto st = git::fetch_mirror(r.url, dir); !st) return st;
  std::filesystem::path stamp = dir.string() + ".fetched";
  return fs::write_file(stamp, "", {.mode = 0600});
}

// Options of [hooks] that belong to the configuration that names the
// remote, not to the remote.
const char* const k_own_options[] = {"min_version", "output", "skip_output", "rc", "source_dir", "remotes",
                                     "trust_remote_refs"};

// The commands of one hook table: its commands and jobs (groups included).
void each_command(Value& hook, const std::function<void(Value&)>& f) {
  if (Value* commands = hook.find("commands"); commands && commands->is_table())
    for (std::size_t i = 0; i < commands->size(); ++i)
      if (commands->value_at(i).is_table()) f(commands->value_at(i));
  std::function<void(Value&)> jobs = [&](Value& list) {
    if (!list.is_array()) return;
    for (std::size_t i = 0; i < list.items().size(); ++i) {
      Value& job = list.value_at(i);  // an array's items, as a table's values
      if (!job.is_table()) continue;
      if (Value* group = job.find("group"); group && group->is_table()) {
        if (Value* inner = group->find("jobs")) jobs(*inner);
      } else {
        f(job);
      }
    }
  };
  if (Value* list = hook.find("jobs")) jobs(*list);
}

// The hooks a remote's file defines, and nothing that would change this
// configuration's own: see load_remote_hooks.
Value hooks_only(Value hooks, const std::string& shown, bool migrated, std::vector<std::string>& warnings) {
  if (migrated) hooks.erase("source_dir");  // written by the migration for scripts, which are left out below
  for (const char* option : k_own_options)
    if (hooks.erase(option)) warnings.push_back(quote(shown) + ": hooks." + option + " of a remote is left out");
  std::string style = "keel";
  if (const Value* s = hooks.find("glob_style"); s && s->is_string()) style = s->as_string();
  hooks.erase("glob_style");
  for (std::size_t i = 0; i < hooks.size(); ++i) {
    Value& hook = hooks.value_at(i);
    if (!hook.is_table()) continue;
    if (hook.erase("scripts"))
      warnings.push_back(quote(shown) + ": the scripts of hook " + quote(hooks.key_at(i)) +
                         " are left out: their files are in the remote, not in this repository");
    each_command(hook, [&](Value& c) {
      if (!c.find("glob_style")) c.set("glob_style", Value::make_string(style, c.origin()));
    });
  }
  return hooks;
}

// One file of a remote: keel's own format, or a lefthook file (no [hooks]
// table: its hooks are at the top), which is migrated on the way.
Status read_config(const Remote& r, const std::string& text, const std::string& path, const std::string& shown,
                   RemoteHooks& out) {
  bool toml = path.size() >= 5 && path.compare(path.size() - 5, 5, ".toml") == 0;
  auto doc = toml ? config::parse_toml(text, shown, config::Origin::Kind::project)
                  : config::parse_yaml(text, shown, config::Origin::Kind::project);  // YAML, and JSON as YAML
  if (!doc) return doc.error();
  std::string checked_as = shown;
  bool migrated = !doc->find("hooks");
  if (migrated) {
    Migration m = migrate_lefthook(*doc);
    for (const auto& note : m.notes) out.warnings.push_back(note);
    checked_as = shown + " (migrated from lefthook)";
    auto converted = config::parse_toml(m.toml, checked_as, config::Origin::Kind::project);
    if (!converted) return converted.error();
    doc = std::move(converted);
  }
  Value* hooks = doc->find("hooks");
  if (!hooks || !hooks->is_table()) {
    out.warnings.push_back(r.where + quote(shown) + " has no [hooks]");
    return ok_status();
  }
  Value only = Value::make_table(doc->origin());
  only.set("hooks", hooks_only(std::move(*hooks), shown, migrated, out.warnings));
  std::vector<config::Diagnostic> diagnostics;
  Value checked = config::check_document(std::move(only), diagnostics);
  for (const auto& d : diagnostics) {
    if (d.severity == config::Diagnostic::Severity::error) return Error{d.message, {}, d.exit};
    out.warnings.push_back(d.message);
  }
  out.tables.push_back(std::move(*checked.find("hooks")));
  return ok_status();
}

// A git_url without a scheme that is a relative path: from the work tree.
std::string absolute_url(const std::string& url, const std::filesystem::path& root) {
  bool scheme = url.find("://") != std::string::npos;
  bool scp_like = !scheme && url.find(':') != std::string::npos && url.find(':') < url.find('/');
  if (scheme || scp_like || url.front() == '/') return url;
  return (root / url).lexically_normal().string();
}

}  // namespace

Result<std::vector<Remote>> remotes_from(const Value* hooks, bool trust_refs) {
  std::vector<Remote> out;
  const Value* list = hooks ? hooks->find("remotes") : nullptr;
  if (!list) return out;
  if (!list->is_array()) return bad(*list, "hooks.remotes must be a list of tables");
  std::size_t n = 0;
  for (const auto& item : list->items()) {
    auto r = remote_from(item, ++n, trust_refs);
    if (!r) return r.error();
    out.push_back(std::move(r).value());
  }
  return out;
}

Result<RemoteHooks> load_remote_hooks(const std::vector<Remote>& given, const std::filesystem::path& cache_dir,
                                      const std::filesystem::path& root) {
  RemoteHooks out;
  for (Remote r : given) {
    r.url = absolute_url(r.url, root);
    std::filesystem::path dir = copy_dir(cache_dir, r.url);
    std::error_code ec;
    bool have = std::filesystem::exists(dir / "HEAD", ec);
    if (!have || due(r, dir.string() + ".fetched")) {
      auto st = fetch(r, dir);
      if (!st && !have) return Error{r.where + st.error().message, st.error().hint, st.error().exit};
      if (!st) out.warnings.push_back(r.where + st.error().message + "; using the copy fetched before");
    }
    for (const auto& path : r.configs) {
      std::string shown = r.url + "@" + (r.ref.empty() ? "HEAD" : r.ref) + ":" + path;
      auto text = git::mirror_file(dir, r.ref, path, k_max_config_bytes);
      if (!text && have && !r.refetch) {
        // A ref newer than the copy (a tag made since): fetch once more.
        if (auto st = fetch(r, dir); st) text = git::mirror_file(dir, r.ref, path, k_max_config_bytes);
      }
      if (!text) return Error{r.where + "remote " + quote(r.url) + ": " + text.error().message, {}, text.error().exit};
      if (auto st = read_config(r, *text, path, shown, out); !st) return st.error();
    }
  }
  return out;
}

}  // namespace keel::hooks
