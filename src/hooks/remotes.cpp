#include "hooks/remotes.hpp"

#include <algorithm>

#include "config/config.hpp"
#include "config/parse.hpp"
#include "core/spell.hpp"
#include "crypto/sha256.hpp"
#include "fs/fs.hpp"
#include "git/mirror.hpp"
#include "hooks/migrate.hpp"
#include "pipeline/duration.hpp"

namespace keel::hooks {

namespace {

using config::Value;

constexpr std::size_t k_max_config_bytes = 1 << 20;
const std::vector<std::string> k_remote_keys = {"git_url", "ref", "configs", "refetch", "refetch_frequency"};

std::string where(const Value& v) { return v.origin().describe() + ": "; }

Error bad(const Value& at, const std::string& problem) { return Error{where(at) + problem, {}, Exit::config}; }

Result<Remote> remote_from(const Value& t, std::size_t n) {
  std::string what = "remote " + std::to_string(n) + " of hooks.remotes";
  if (!t.is_table()) return bad(t, what + " must be a table");
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string& key = t.key_at(i);
    if (std::find(k_remote_keys.begin(), k_remote_keys.end(), key) != k_remote_keys.end()) continue;
    std::string guess = closest_match(key, k_remote_keys);
    return bad(t.value_at(i), "unknown key " + quote(key) + " in " + what +
                                  (guess.empty() ? std::string() : "; did you mean " + quote(guess) + "?"));
  }
  Remote r;
  r.where = where(t);
  const Value* url = t.find("git_url");
  if (!url || !url->is_string() || url->as_string().empty()) return bad(t, what + " has no git_url");
  r.url = url->as_string();
  if (const Value* ref = t.find("ref")) {
    if (!ref->is_string()) return bad(*ref, "ref of " + what + " must be a string");
    r.ref = ref->as_string();
  }
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

// One file of a remote: keel's own format, or a lefthook file (no [hooks]
// table: its hooks are at the top), which is migrated on the way.
Status read_config(const Remote& r, const std::string& text, const std::string& shown, RemoteHooks& out) {
  auto doc = config::parse_document(text, shown, config::Origin::Kind::project);
  if (!doc) return doc.error();
  bool lefthook = !doc->find("hooks");
  if (lefthook) {
    Migration m = migrate_lefthook(*doc);
    for (const auto& note : m.notes) out.warnings.push_back(note);
    auto converted = config::parse_toml(m.toml, shown, config::Origin::Kind::project);
    if (!converted) return converted.error();
    doc = std::move(converted);
  }
  std::vector<config::Diagnostic> diagnostics;
  Value checked = config::check_document(std::move(doc).value(), diagnostics);
  for (const auto& d : diagnostics) {
    if (d.severity == config::Diagnostic::Severity::error) return Error{d.message, {}, d.exit};
    out.warnings.push_back(d.message);
  }
  Value* hooks = checked.find("hooks");
  if (!hooks || !hooks->is_table()) {
    out.warnings.push_back(r.where + quote(shown) + " has no [hooks]");
    return ok_status();
  }
  if (hooks->erase("remotes")) out.warnings.push_back(quote(shown) + ": the remotes of a remote are not followed");
  out.tables.push_back(std::move(*hooks));
  return ok_status();
}

}  // namespace

Result<std::vector<Remote>> remotes_from(const Value* hooks) {
  std::vector<Remote> out;
  const Value* list = hooks ? hooks->find("remotes") : nullptr;
  if (!list) return out;
  if (!list->is_array()) return bad(*list, "hooks.remotes must be a list of tables");
  std::size_t n = 0;
  for (const auto& item : list->items()) {
    auto r = remote_from(item, ++n);
    if (!r) return r.error();
    out.push_back(std::move(r).value());
  }
  return out;
}

Result<RemoteHooks> load_remote_hooks(const std::vector<Remote>& remotes, const std::filesystem::path& cache_dir) {
  RemoteHooks out;
  for (const auto& r : remotes) {
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
      if (auto st = read_config(r, *text, shown, out); !st) return st.error();
    }
  }
  return out;
}

}  // namespace keel::hooks
