// keel config: list, get, set, path, validate, schema.
#include <algorithm>
#include <memory>

#include "commands/groups.hpp"
#include "config/edit.hpp"
#include "config/schema.hpp"
#include "core/json.hpp"
#include "fs/fs.hpp"
#include "log/log.hpp"

namespace keel::cmd {

namespace {

using config::Value;

struct Leaf {
  std::string key;
  const Value* value;
  bool secret;
};

std::vector<Leaf> leaves(const Value& root) {
  std::vector<Leaf> out;
  std::vector<std::string> path;
  auto walk = [&](auto& self, const Value& node) -> void {
    for (std::size_t i = 0; i < node.size(); ++i) {
      path.push_back(node.key_at(i));
      const Value& child = node.value_at(i);
      const config::KeyDecl* decl = config::find_decl(path);
      if (child.is_table() && !(decl && decl->type == config::KeyType::string_table)) {
        self(self, child);
      } else {
        out.push_back({config::join_key(path), &child, decl && decl->secret()});
      }
      path.pop_back();
    }
  };
  walk(walk, root);
  std::sort(out.begin(), out.end(), [](const Leaf& a, const Leaf& b) { return a.key < b.key; });
  return out;
}

std::string shown_value(const Leaf& leaf) { return leaf.secret ? "\"<redacted>\"" : leaf.value->render(); }
std::string shown_json(const Leaf& leaf) { return leaf.secret ? "\"<redacted>\"" : leaf.value->render_json(); }

// The origin as `config list --show-origin` prints it.
std::string origin_text(const config::Origin& o, const std::filesystem::path& cwd) {
  if (o.kind == config::Origin::Kind::env || o.kind == config::Origin::Kind::builtin ||
      (o.kind == config::Origin::Kind::flag && o.line == 0))
    return o.describe();
  config::Origin copy = o;
  copy.source = fs::display_path(o.source, cwd);
  return copy.describe();
}

void print_diagnostics(Context& ctx) {
  for (const auto& d : ctx.config.diagnostics()) {
    bool error = d.severity == config::Diagnostic::Severity::error;
    ctx.err << "keel: " << (error ? "error: " : "warning: ") << log::redact(d.message) << '\n';
  }
}

// Commands that print or change config refuse to work on a broken one.
// (The group runs with k_tolerates_bad_config so that validate and path
// work on a broken config; the others check here.)
void require_valid(Context& ctx) {
  if (!ctx.config.has_errors()) {
    for (const auto& d : ctx.config.diagnostics()) log::warn(d.message);
    return;
  }
  print_diagnostics(ctx);
  throw Failure("configuration has errors", ctx.config.error_exit(),
                "run 'keel config validate' for the full list");
}

struct ListOptions {
  bool show_origin = false;
  bool json = false;
};

int run_list(const ListOptions& o, Context& ctx) {
  require_valid(ctx);
  auto all = leaves(ctx.config.root());
  if (o.json) {
    ctx.out << "{";
    bool first = true;
    for (const auto& leaf : all) {
      ctx.out << (first ? "\n  " : ",\n  ") << json::quote(leaf.key) << ": ";
      if (o.show_origin)
        ctx.out << "{\"value\": " << shown_json(leaf)
                << ", \"origin\": " << json::quote(origin_text(leaf.value->origin(), ctx.cwd)) << "}";
      else
        ctx.out << shown_json(leaf);
      first = false;
    }
    ctx.out << (first ? "}\n" : "\n}\n");
    return status(Exit::ok);
  }
  for (const auto& leaf : all) {
    if (o.show_origin) ctx.out << origin_text(leaf.value->origin(), ctx.cwd) << '\t';
    ctx.out << leaf.key << " = " << shown_value(leaf) << '\n';
  }
  return status(Exit::ok);
}

struct GetOptions {
  std::string key;
  bool show_origin = false;
};

int run_get(const GetOptions& o, Context& ctx) {
  require_valid(ctx);
  auto path = config::split_key(o.key);
  if (path.empty()) throw usage_error("invalid key " + quote(o.key) + ": expected section.name");
  const Value* v = ctx.config.root().find_path(path);
  if (!v) {
    std::string hint;
    if (!config::find_decl(path) && !config::is_declared_section(path)) {
      std::string s = config::suggest_key(o.key);
      if (!s.empty()) hint = "did you mean " + quote(s) + "?";
    }
    throw check_failed("key " + quote(o.key) + " is not set", hint);
  }
  if (v->is_table()) {
    for (const auto& leaf : leaves(*v)) {
      if (o.show_origin) ctx.out << origin_text(leaf.value->origin(), ctx.cwd) << '\t';
      ctx.out << o.key << '.' << leaf.key << " = " << shown_value(leaf) << '\n';
    }
    return status(Exit::ok);
  }
  if (o.show_origin) ctx.out << origin_text(v->origin(), ctx.cwd) << '\t';
  ctx.out << v->render_plain() << '\n';
  return status(Exit::ok);
}

struct SetOptions {
  std::string key;
  std::string value;
  bool user = false;
  bool project = false;
  bool local = false;
};

std::filesystem::path existing_or_first(const std::filesystem::path& dir, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (std::filesystem::is_regular_file(dir / n)) return dir / n;
  return dir / names.front();
}

int run_set(const SetOptions& o, Context& ctx) {
  auto path = config::split_key(o.key);
  if (path.empty()) throw usage_error("invalid key " + quote(o.key) + ": expected section.name");
  const config::KeyDecl* decl = config::find_decl(path);
  if (!decl) {
    std::string s = config::suggest_key(o.key);
    throw usage_error("unknown key " + quote(o.key), s.empty() ? "see 'keel config schema' for every key"
                                                                : "did you mean " + quote(s) + "?");
  }
  bool to_user = o.user;
  bool to_local = o.local;
  if (decl->trusted() && !to_user)
    throw usage_error(quote(o.key) + " cannot be set in a project file", "use 'keel config set --user'");

  std::filesystem::path file;
  config::Origin::Kind kind;
  if (to_user) {
    auto dir = config::user_config_dir(ctx.env);
    if (!dir) throw usage_error("cannot find the user config directory: neither XDG_CONFIG_HOME nor HOME is set");
    std::filesystem::create_directories(*dir);
    file = existing_or_first(*dir, {"config.toml", "config.yaml", "config.yml"});
    kind = config::Origin::Kind::user;
  } else {
    if (!ctx.project_root)
      throw usage_error("not inside a git work tree", "use --user, or run keel inside a repository");
    auto root = *ctx.project_root;
    if (to_local) {
      file = existing_or_first(root, config::local_file_names());
      kind = config::Origin::Kind::local;
    } else {
      file = ctx.config.project_file().value_or(root / "keel.toml");
      kind = config::Origin::Kind::project;
    }
  }

  Value typed = Value::make_string(o.value, config::Origin{config::Origin::Kind::flag, o.value, 0, 0});
  auto checked = config::check_value(*decl, typed, true);
  if (!checked) throw usage_error("invalid value for " + quote(o.key) + ": " + checked.error().message);

  std::string shown = fs::display_path(file, ctx.cwd);
  std::string text = fs::read_for_update(file, "update", shown).value_or_throw().value_or("");
  auto format = config::format_for_path(file.string());
  std::string updated = config::set_in_document(text, format, path, *checked, shown).value_or_throw();
  // Never write a file keel itself could not read back.
  config::parse_document(updated, shown, kind).value_or_throw();
  fs::write_file(file, updated, {.shown = shown}).value_or_throw();
  return status(Exit::ok);
}

int run_path(Context& ctx) {
  for (const auto& f : ctx.config.files())
    ctx.out << f.layer << '\t' << fs::display_path(f.path, ctx.cwd) << '\t' << (f.exists ? "exists" : "missing")
            << '\n';
  return status(Exit::ok);
}

int run_validate(Context& ctx) {
  print_diagnostics(ctx);
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : ctx.config.diagnostics())
    (d.severity == config::Diagnostic::Severity::error ? errors : warnings)++;
  std::size_t files = static_cast<std::size_t>(std::count_if(ctx.config.files().begin(), ctx.config.files().end(),
                                                             [](const auto& f) { return f.exists; }));
  ctx.out << files << (files == 1 ? " file" : " files") << " checked: " << errors
          << (errors == 1 ? " error, " : " errors, ") << warnings << (warnings == 1 ? " warning" : " warnings")
          << '\n';
  return check_status(errors != 0);
}

}  // namespace

void setup_config(CLI::App& app, Runner& chosen) {
  app.require_subcommand(1);
  set_long_description(&app,
                       "Configuration is read in layers, each overriding the ones before: built-in defaults; "
                       "the system file /etc/keel/config.toml (or .yaml; KEEL_SYSTEM_CONFIG_DIR moves it); the "
                       "user file $XDG_CONFIG_HOME/keel/config.toml; the project file keel.toml, keel.yaml or "
                       "keel.yml (optionally with a leading dot) at the repository root; keel.local.toml beside "
                       "it, meant to be git-ignored; KEEL_<SECTION>__<KEY> environment variables, where a double "
                       "underscore separates levels; --config FILE; -c key=value; and last a command's own flags.\n\n"
                       "Tables merge key by key; arrays and scalars replace what lower layers set. A file may "
                       "include others with extends = [\"base.toml\"], relative to itself; the including file "
                       "wins. In key names '-' and '_' are the same. Keys marked trusted (such as process.shell) "
                       "decide what code runs and cannot be set by a repository's project or local file.\n\n"
                       "A key keel does not know is an error, with the file, line and column and the closest "
                       "known key or section, because it would otherwise be ignored (a hook that silently runs "
                       "nothing). Only a top-level name like none of keel's is let through with a warning, for "
                       "files that other tools share.");

  auto list = std::make_shared<ListOptions>();
  auto* l = app.add_subcommand("list", "Print every value, sorted by key");
  l->add_flag("--show-origin", list->show_origin, "Prefix each value with the file:line, variable or flag that set it");
  l->add_flag("--json", list->json, "Print a JSON object");
  l->parse_complete_callback([&chosen, list] { chosen = [list](Context& c) { return run_list(*list, c); }; });

  auto get = std::make_shared<GetOptions>();
  auto* g = app.add_subcommand("get", "Print one value; exit 1 when it is not set");
  g->add_option("key", get->key, "Dotted key, e.g. log.level")->required();
  g->add_flag("--show-origin", get->show_origin, "Prefix the value with where it was set");
  g->parse_complete_callback([&chosen, get] { chosen = [get](Context& c) { return run_get(*get, c); }; });

  auto set = std::make_shared<SetOptions>();
  auto* s = app.add_subcommand("set", "Change one value in a config file, keeping the rest of the file as it is");
  s->add_option("key", set->key, "Dotted key")->required();
  s->add_option("value", set->value, "New value, converted to the key's declared type")->required();
  auto* where = s->add_option_group("target", "Which file to change (default: --project)");
  where->add_flag("--user", set->user, "The user file, $XDG_CONFIG_HOME/keel/config.toml");
  where->add_flag("--project", set->project, "The project file at the repository root");
  where->add_flag("--local", set->local, "The git-ignored keel.local.toml at the repository root");
  where->require_option(0, 1);
  s->parse_complete_callback([&chosen, set] { chosen = [set](Context& c) { return run_set(*set, c); }; });

  auto* p = app.add_subcommand("path", "List every config file considered, in order, and whether it exists");
  p->parse_complete_callback([&chosen] { chosen = run_path; });

  auto* v = app.add_subcommand("validate", "Check every layer; exit 1 on any error");
  v->parse_complete_callback([&chosen] { chosen = run_validate; });

  auto* sc = app.add_subcommand("schema", "Print a JSON Schema of every declared key, for editors");
  sc->parse_complete_callback([&chosen] {
    chosen = [](Context& c) {
      c.out << config::json_schema();
      return status(Exit::ok);
    };
  });
}

}  // namespace keel::cmd
