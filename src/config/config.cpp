#include "config/config.hpp"

#include <algorithm>

#include "config/parse.hpp"
#include "config/schema.hpp"
#include "fs/fs.hpp"
#include "log/log.hpp"

namespace keel::config {

namespace stdfs = std::filesystem;
using Severity = Diagnostic::Severity;

namespace {

constexpr int k_max_extends_depth = 16;

class Loader {
 public:
  Loader(const LoadOptions& options, std::vector<Diagnostic>& diags, std::vector<ConsideredFile>& files)
      : m_options(options), m_diags(diags), m_files(files) {}

  void error(std::string message, Exit exit = Exit::config) {
    m_diags.push_back({Severity::error, std::move(message), exit});
  }
  void warning(std::string message) { m_diags.push_back({Severity::warning, std::move(message)}); }

  std::string display(const stdfs::path& p) const { return fs::display_path(p, m_options.cwd); }

  // Reads one file and its `extends`, bases first.
  std::optional<Value> load_file(const stdfs::path& path, Origin::Kind kind,
                                 std::vector<stdfs::path>& stack) {
    auto text = fs::read_file(path);
    if (!text) {
      error(text.error().message, text.error().exit);
      return std::nullopt;
    }
    return load_text(*text, display(path), path, kind, stack);
  }

  // A document's text; `path` is where its `extends` are relative to (for
  // standard input, a file in the current directory).
  std::optional<Value> load_text(std::string_view text, const std::string& shown, const stdfs::path& path,
                                 Origin::Kind kind, std::vector<stdfs::path>& stack) {
    auto parsed = parse_document(text, shown, kind);
    if (!parsed) {
      error(parsed.error().message);
      return std::nullopt;
    }
    Value own = std::move(parsed).value();
    const Value* ext = own.find("extends");
    if (!ext) return own;

    std::vector<const Value*> bases;
    if (ext->is_string()) {
      bases.push_back(ext);
    } else if (ext->is_array()) {
      for (const auto& item : ext->items()) bases.push_back(&item);
    } else {
      error(ext->origin().describe() + ": wrong type for 'extends': expected an array of file names, found " +
            std::string(ext->type_name()));
      own.erase("extends");
      return own;
    }

    Value merged = Value::make_table(own.origin());
    for (const Value* base : bases) {
      if (!base->is_string()) {
        error(base->origin().describe() + ": wrong type for 'extends': expected a file name, found " +
              std::string(base->type_name()));
        continue;
      }
      stdfs::path target = path.parent_path() / base->as_string();
      std::error_code ec;
      stdfs::path canon = stdfs::weakly_canonical(target, ec);
      if (ec) canon = target;
      if (std::find(stack.begin(), stack.end(), canon) != stack.end()) {
        std::string chain;
        for (const auto& p : stack) chain += display(p) + " -> ";
        error(base->origin().describe() + ": 'extends' cycle: " + chain + display(canon));
        continue;
      }
      if (stack.size() >= k_max_extends_depth) {
        error(base->origin().describe() + ": 'extends' nested too deeply");
        continue;
      }
      if (!stdfs::exists(target)) {
        error(base->origin().describe() + ": extended file " + quote(display(target)) + " does not exist", Exit::io);
        continue;
      }
      stack.push_back(canon);
      if (auto v = load_file(target, kind, stack)) merged.merge(*v);
      stack.pop_back();
    }
    own.erase("extends");
    merged.merge(own);
    return merged;
  }

  std::optional<Value> load_top_file(const stdfs::path& path, Origin::Kind kind) {
    log::debug("reading config " + quote(display(path)));
    std::error_code ec;
    std::vector<stdfs::path> stack{stdfs::weakly_canonical(path, ec)};
    return load_file(path, kind, stack);
  }

  // Finds at most one of `names` in dir; more than one is an error.
  std::optional<stdfs::path> pick_one(const stdfs::path& dir, const std::vector<std::string>& names,
                                      const std::string& layer) {
    std::vector<stdfs::path> present;
    for (const auto& name : names) {
      stdfs::path p = dir / name;
      std::error_code ec;
      bool exists = stdfs::is_regular_file(p, ec);
      m_files.push_back({layer, p, exists});
      if (exists) present.push_back(p);
    }
    if (present.size() > 1) {
      error("more than one " + layer + " config file: " + quote(display(present[0])) + " and " +
            quote(display(present[1])) + "; keep one");
      return std::nullopt;
    }
    if (present.empty()) return std::nullopt;
    return present[0];
  }

  // Checks one layer against the key tables; converts text values.
  void check_layer(Value& node, std::vector<std::string>& path, bool from_text) {
    for (std::size_t i = 0; i < node.size();) {
      path.push_back(node.key_at(i));
      Value& child = node.value_at(i);
      bool keep = check_entry(child, path, from_text);
      path.pop_back();
      if (keep) {
        ++i;
      } else {
        node.erase(node.key_at(i));
      }
    }
  }

  bool check_entry(Value& child, std::vector<std::string>& path, bool from_text) {
    // Only an error needs them; every start checks every key.
    auto key = [&] { return join_key(path); };
    auto where = [&] { return child.origin().describe(); };
    if (const KeyDecl* decl = find_decl(path)) {
      if (decl->trusted() && child.origin().from_repository()) {
        error(where() + ": " + quote(key()) +
              " cannot be set in a project file; set it in the user or system config, the environment or with -c");
        return false;
      }
      auto checked = check_value(*decl, child, from_text);
      if (!checked) {
        error(where() + ": wrong type for " + quote(key()) + ": " + checked.error().message);
        return false;
      }
      child = std::move(checked).value();
      return true;
    }
    if (is_declared_section(path)) {
      if (!child.is_table()) {
        error(where() + ": wrong type for " + quote(key()) + ": expected a table, found " + std::string(child.type_name()));
        return false;
      }
      check_layer(child, path, from_text);
      return true;
    }
    std::string message = where() + ": unknown key " + quote(key());
    std::string suggestion = suggest_key(key());
    if (!suggestion.empty()) message += "; did you mean " + quote(suggestion) + "?";
    // A key keel does not know would silently do nothing (a hook that runs
    // no command and passes): an error. Only a top-level name that is like
    // none of keel's is let through, with a warning, for tools that share
    // the file.
    if (path.size() == 1 && suggestion.empty()) {
      warning(std::move(message));
      return true;
    }
    error(std::move(message));
    return false;
  }

  void add_layer(Value& root, Value layer, bool from_text) {
    std::vector<std::string> path;
    check_layer(layer, path, from_text);
    root.merge(layer);
  }

  Value defaults() {
    Value root = Value::make_table();
    for (const auto& table : all_key_tables()) {
      for (const auto& decl : table.keys) {
        if (decl.default_value.empty() || decl.name.find('*') != std::string_view::npos) continue;
        // The tables above the key, then the key: "hooks.parallel" -> hooks, parallel.
        std::string_view name = decl.name;
        Value* node = &root;
        for (std::size_t dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.')) {
          std::string_view table = name.substr(0, dot);
          Value* next = node->find(table);
          if (!next) next = &node->set(table, Value::make_table());
          node = next;
          name.remove_prefix(dot + 1);
        }
        node->set(name, parse_default_value(decl.default_value));
      }
    }
    return root;
  }

  // KEEL_LOG__LEVEL=debug -> log.level = "debug". Only names with "__" are
  // config; KEEL_LOG, KEEL_HOOKS and friends are read by their owners.
  Value env_layer() {
    Value layer = Value::make_table();
    for (const auto& [name, value] : m_options.env) {
      if (name.rfind("KEEL_", 0) != 0 || name.find("__") == std::string::npos) continue;
      std::string rest = name.substr(5);
      std::vector<std::string> path;
      std::size_t start = 0;
      bool bad = false;
      for (;;) {
        std::size_t sep = rest.find("__", start);
        std::string part = rest.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
        if (part.empty() || part.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
                                std::string::npos) {
          bad = true;
          break;
        }
        std::transform(part.begin(), part.end(), part.begin(), [](unsigned char c) { return std::tolower(c); });
        path.push_back(part);
        if (sep == std::string::npos) break;
        start = sep + 2;
      }
      if (bad) {
        error("malformed environment variable " + quote(name) +
              ": expected KEEL_<SECTION>__<KEY> with letters, digits and single underscores");
        continue;
      }
      set_path(layer, path, Value::make_string(value, Origin{Origin::Kind::env, name, 0, 0}));
    }
    return layer;
  }

  Value override_layer() {
    Value layer = Value::make_table();
    for (const auto& text : m_options.overrides) {
      std::size_t eq = text.find('=');
      std::vector<std::string> path = eq == std::string::npos ? std::vector<std::string>{} : split_key(text.substr(0, eq));
      if (eq == std::string::npos || path.empty()) {
        error("invalid -c value " + quote(text) + ": expected key=value");
        continue;
      }
      set_path(layer, path, Value::make_string(text.substr(eq + 1), Origin{Origin::Kind::flag, "-c " + text, 0, 0}));
    }
    return layer;
  }

  static void set_path(Value& root, const std::vector<std::string>& path, Value v) {
    Value* node = &root;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      Value* next = node->find(path[i]);
      if (!next || !next->is_table()) next = &node->set(path[i], Value::make_table(v.origin()));
      node = next;
    }
    node->set(path.back(), std::move(v));
  }

  const LoadOptions& m_options;
  std::vector<Diagnostic>& m_diags;
  std::vector<ConsideredFile>& m_files;
};

std::vector<std::string> config_names(const std::string& stem) {
  return {stem + ".toml", stem + ".yaml", stem + ".yml"};
}

}  // namespace

Value check_document(Value document, std::vector<Diagnostic>& diagnostics) {
  LoadOptions options;
  std::vector<ConsideredFile> files;
  Loader loader(options, diagnostics, files);
  std::vector<std::string> path;
  loader.check_layer(document, path, false);
  return document;
}

std::vector<std::string> project_file_names() {
  return {"keel.toml", "keel.yaml", "keel.yml", ".keel.toml", ".keel.yaml", ".keel.yml"};
}

std::vector<std::string> local_file_names() {
  return {"keel.local.toml", "keel.local.yaml", "keel.local.yml",
          ".keel.local.toml", ".keel.local.yaml", ".keel.local.yml"};
}

stdfs::path system_config_dir(const std::map<std::string, std::string>& env) {
  auto it = env.find("KEEL_SYSTEM_CONFIG_DIR");
  if (it != env.end() && !it->second.empty()) return it->second;
  return "/etc/keel";
}

std::optional<stdfs::path> user_config_dir(const std::map<std::string, std::string>& env) {
  auto xdg = env.find("XDG_CONFIG_HOME");
  if (xdg != env.end() && !xdg->second.empty() && xdg->second.front() == '/') return stdfs::path(xdg->second) / "keel";
  auto home = env.find("HOME");
  if (home != env.end() && !home->second.empty()) return stdfs::path(home->second) / ".config" / "keel";
  return std::nullopt;
}

Config load(const LoadOptions& options) {
  Config config;
  Loader loader(options, config.m_diagnostics, config.m_files);
  Value& root = config.m_root;

  // Config priority 1: built-in defaults.
  root = loader.defaults();

  // Config priority 2: system file.
  if (auto p = loader.pick_one(system_config_dir(options.env), config_names("config"), "system"))
    if (auto v = loader.load_top_file(*p, Origin::Kind::system)) loader.add_layer(root, std::move(*v), false);

  // Config priority 3: user file.
  if (auto dir = user_config_dir(options.env))
    if (auto p = loader.pick_one(*dir, config_names("config"), "user"))
      if (auto v = loader.load_top_file(*p, Origin::Kind::user)) loader.add_layer(root, std::move(*v), false);

  if (options.project_root) {
    // Config priority 4: the project file at the repository root.
    if (auto p = loader.pick_one(*options.project_root, project_file_names(), "project")) {
      config.m_project_file = *p;
      if (auto v = loader.load_top_file(*p, Origin::Kind::project)) loader.add_layer(root, std::move(*v), false);
    }
    // Config priority 5: the git-ignored local override beside it.
    if (auto p = loader.pick_one(*options.project_root, local_file_names(), "local"))
      if (auto v = loader.load_top_file(*p, Origin::Kind::local)) loader.add_layer(root, std::move(*v), false);
  }

  // Config priority 6: KEEL_<SECTION>__<KEY> variables.
  loader.add_layer(root, loader.env_layer(), true);

  // Config priority 7: --config files, then -c overrides.
  for (const auto& file : options.config_files) {
    if (file == "-") {
      // Standard input, read once by the caller; TOML, as it has no name.
      config.m_files.push_back({"flag", "-", options.stdin_config.has_value()});
      std::vector<stdfs::path> stack;
      if (!options.stdin_config) loader.error("--config -: no standard input was given to read", Exit::usage);
      else if (auto v = loader.load_text(*options.stdin_config, "-", options.cwd / "-", Origin::Kind::flag, stack))
        loader.add_layer(root, std::move(*v), false);
      continue;
    }
    stdfs::path p = stdfs::path(file).is_absolute() ? stdfs::path(file) : options.cwd / file;
    std::error_code ec;
    // A directory or a device is read, and refused by the read with its reason.
    bool exists = stdfs::exists(p, ec);
    config.m_files.push_back({"flag", p, exists});
    if (!exists) {
      loader.error("config file " + quote(file) + " does not exist", Exit::io);
      continue;
    }
    if (auto v = loader.load_top_file(p, Origin::Kind::flag)) loader.add_layer(root, std::move(*v), false);
  }
  loader.add_layer(root, loader.override_layer(), true);
  return config;
}

const Value* Config::find(std::string_view dotted) const { return m_root.find_path(split_key(dotted)); }

std::string Config::get_string(std::string_view key, std::string fallback) const {
  const Value* v = find(key);
  return v && v->is_string() ? v->as_string() : fallback;
}

bool Config::get_bool(std::string_view key, bool fallback) const {
  const Value* v = find(key);
  return v && v->type() == Value::Type::boolean ? v->as_bool() : fallback;
}

std::int64_t Config::get_int(std::string_view key, std::int64_t fallback) const {
  const Value* v = find(key);
  return v && v->type() == Value::Type::integer ? v->as_int() : fallback;
}

std::vector<std::string> Config::get_list(std::string_view key) const {
  std::vector<std::string> out;
  const Value* v = find(key);
  if (!v) return out;
  if (v->is_string()) out.push_back(v->as_string());
  if (v->is_array())
    for (const auto& item : v->items())
      if (item.is_string()) out.push_back(item.as_string());
  return out;
}

void Config::override_value(std::string_view key, Value v) {
  auto path = split_key(key);
  if (path.empty()) return;
  Value* node = &m_root;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    Value* next = node->find(path[i]);
    if (!next || !next->is_table()) next = &node->set(path[i], Value::make_table(v.origin()));
    node = next;
  }
  node->set(path.back(), std::move(v));
}

std::vector<std::string> Config::secret_values() const {
  std::vector<std::string> out;
  std::vector<std::string> path;
  auto walk = [&](auto& self, const Value& node) -> void {
    for (std::size_t i = 0; i < node.size(); ++i) {
      path.push_back(node.key_at(i));
      const Value& child = node.value_at(i);
      // Every start asks, so only the few secret keys are matched.
      if (find_secret_decl(path)) {
        if (child.is_string() && !child.as_string().empty()) out.push_back(child.as_string());
      } else if (child.is_table()) {
        self(self, child);
      }
      path.pop_back();
    }
  };
  walk(walk, m_root);
  return out;
}

Exit Config::error_exit() const {
  bool io = std::any_of(m_diagnostics.begin(), m_diagnostics.end(),
                        [](const Diagnostic& d) { return d.severity == Severity::error && d.exit == Exit::io; });
  return io ? Exit::io : Exit::config;
}

bool Config::has_errors() const {
  return std::any_of(m_diagnostics.begin(), m_diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

}  // namespace keel::config
