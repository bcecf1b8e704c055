// keel hooks: install, uninstall and check git hook shims; run a hook's
// commands; restore what an interrupted run hid. The work is in src/hooks/.
#include <unistd.h>

#include <iterator>
#include <memory>

#include "commands/groups.hpp"
#include "core/spell.hpp"
#include "fs/fs.hpp"
#include "git/files.hpp"
#include "config/parse.hpp"
#include "hooks/install.hpp"
#include "hooks/migrate.hpp"
#include "hooks/names.hpp"
#include "hooks/remotes.hpp"
#include "hooks/run.hpp"
#include "hooks/settings.hpp"
#include "log/log.hpp"

namespace keel::cmd {

namespace {

struct InstallOptions {
  std::vector<std::string> hooks;
  bool force = false;
};

struct RunOptions {
  std::string hook;
  std::vector<std::string> args;
  bool all_files = false;
  std::vector<std::string> files;
  std::string from_ref, to_ref;
  std::string command;
  unsigned jobs = 0;
  bool no_stash = false;
};

std::vector<hooks::HookSettings> configured(const Context& ctx) {
  auto remotes = hooks::remotes_from(ctx.config.find("hooks"), ctx.config.get_bool("hooks.trust_remote_refs"))
                     .value_or_throw();
  if (remotes.empty()) return hooks::hooks_from_config(ctx.config).value_or_throw();
  std::filesystem::path root = ctx.repo->is_bare() ? ctx.repo->git_dir() : ctx.repo->workdir();
  auto shared = hooks::load_remote_hooks(remotes, cache_directory(ctx), root).value_or_throw();
  for (const auto& w : shared.warnings) log::warn(w);
  return hooks::hooks_from_config(ctx.config, shared.tables).value_or_throw();
}

std::vector<std::string> installable_names(const std::vector<hooks::HookSettings>& all) {
  std::vector<std::string> out;
  for (const auto& h : all)
    if (hooks::is_git_hook(h.name)) out.push_back(h.name);
  return out;
}

std::vector<std::string> names_of(const std::vector<hooks::HookSettings>& all) {
  std::vector<std::string> out;
  for (const auto& h : all) out.push_back(h.name);
  return out;
}

std::string shown(const Context& ctx, const std::filesystem::path& p) { return fs::display_path(p, ctx.cwd); }

Failure unknown_hook(const std::string& name, const std::vector<std::string>& known) {
  std::string hint = "git hooks are listed in githooks(5)";
  std::vector<std::string> candidates = known;
  for (auto n : hooks::git_hook_names()) candidates.emplace_back(n);
  std::string guess = closest_match(name, candidates);
  if (!guess.empty()) hint = "did you mean " + quote(guess) + "?";
  return usage_error("unknown hook " + quote(name), hint);
}

// The hooks to install: those named (each a configured git hook), or every
// configured git hook.
std::vector<std::string> hooks_to_install(const InstallOptions& o, const std::vector<hooks::HookSettings>& all) {
  auto installable = installable_names(all);
  if (o.hooks.empty()) {
    if (installable.empty())
      throw Failure("no git hooks are configured", Exit::nothing_to_do,
                    "add a [hooks.pre-commit] table with [hooks.pre-commit.commands.NAME] run = \"...\" to keel.toml");
    return installable;
  }
  for (const auto& name : o.hooks) {
    if (!hooks::is_git_hook(name)) {
      auto names = names_of(all);
      if (std::find(names.begin(), names.end(), name) != names.end())
        throw usage_error("hook " + quote(name) + " is not a git hook, so git never runs it",
                          "run it by hand with 'keel hooks run " + name + "'");
      throw unknown_hook(name, names);
    }
    if (std::find(installable.begin(), installable.end(), name) == installable.end())
      throw usage_error("hook " + quote(name) + " is not configured", "add a [hooks." + name + "] table to keel.toml");
  }
  return o.hooks;
}

// [hooks.pre_commit] is a custom hook git never runs; say so when it looks
// like a typo of a git hook.
void warn_about_lookalikes(const std::vector<hooks::HookSettings>& all) {
  std::vector<std::string> git_names;
  for (auto n : hooks::git_hook_names()) git_names.emplace_back(n);
  for (const auto& h : all) {
    if (hooks::is_git_hook(h.name)) continue;
    std::string guess = closest_match(h.name, git_names);
    if (!guess.empty())
      log::warn("hook " + quote(h.name) + " is not a git hook, so it is not installed; did you mean " + quote(guess) +
                "?");
  }
}

int install(const InstallOptions& o, Context& ctx) {
  auto all = configured(ctx);
  warn_about_lookalikes(all);
  // Installing every configured hook also removes shims of hooks dropped from the config.
  hooks::InstallRequest request{hooks_to_install(o, all), ctx.self_path, o.force, o.hooks.empty()};
  auto actions = hooks::install(*ctx.repo, request).value_or_throw();
  auto dir = hooks::hooks_directory(*ctx.repo).value_or_throw();
  for (const auto& a : actions) ctx.out << a.hook << ": " << a.what << '\n';
  ctx.out << "hooks directory: " << shown(ctx, dir.path) << '\n';
  return status(Exit::ok);
}

int uninstall(Context& ctx) {
  auto actions = hooks::uninstall(*ctx.repo).value_or_throw();
  auto dir = hooks::hooks_directory(*ctx.repo).value_or_throw();
  if (actions.empty()) ctx.out << "no keel hooks installed in " << shown(ctx, dir.path) << '\n';
  for (const auto& a : actions) ctx.out << a.hook << ": " << a.what << '\n';
  return status(Exit::ok);
}

int status(Context& ctx) {
  auto all = configured(ctx);
  auto lines = hooks::status(*ctx.repo, installable_names(all), ctx.self_path).value_or_throw();
  auto dir = hooks::hooks_directory(*ctx.repo).value_or_throw();
  ctx.out << "hooks directory: " << shown(ctx, dir.path) << (dir.custom ? " (core.hooksPath)" : "") << '\n';
  bool drift = false;
  for (const auto& line : lines) {
    std::string state(hooks::to_string(line.state));
    if (line.state == hooks::HookState::outdated) state += " (run keel hooks install)";
    if (line.state == hooks::HookState::foreign) state += " (not keel's; keel hooks install keeps it as " + line.hook + ".before-keel)";
    if (line.state == hooks::HookState::stale) state += " (keel's shim, but no [hooks." + line.hook + "])";
    if (line.legacy) state += "; runs " + line.hook + ".before-keel first";
    ctx.out << line.hook << ": " << state << '\n';
    drift = drift || line.state != hooks::HookState::installed;
  }
  if (lines.empty()) ctx.out << "no hooks configured or installed\n";
  return check_status(drift);
}

// KEEL_SKIP=a,b
std::vector<std::string> skip_list(const Context& ctx) {
  std::vector<std::string> out;
  auto it = ctx.env.find("KEEL_SKIP");
  if (it == ctx.env.end()) return out;
  std::string item;
  for (char c : it->second + ",") {
    if (c == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item += c;
    }
  }
  return out;
}

std::string read_stdin(Context& ctx) {
  if (::isatty(STDIN_FILENO)) return {};
  return std::string(std::istreambuf_iterator<char>(ctx.in), std::istreambuf_iterator<char>());
}

// --files names files relative to the current directory; keel works with
// paths relative to the work tree root.
std::vector<std::string> root_relative(const std::vector<std::string>& files, const Context& ctx) {
  std::vector<std::string> out;
  std::filesystem::path root = ctx.repo->workdir();
  for (const auto& f : files) {
    std::filesystem::path abs = std::filesystem::path(f).is_absolute() ? std::filesystem::path(f) : ctx.cwd / f;
    std::filesystem::path rel = abs.lexically_normal().lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..")
      throw usage_error("file " + quote(f) + " is outside the repository " + quote(root.string()));
    out.push_back(rel.generic_string());
  }
  return out;
}

int run(const RunOptions& o, Context& ctx) {
  if (auto it = ctx.env.find("KEEL_HOOKS"); it != ctx.env.end() && it->second == "0") {
    log::info("hooks are off: KEEL_HOOKS=0");
    return status(Exit::ok);
  }
  if (o.from_ref.empty() != o.to_ref.empty()) throw usage_error("--from-ref and --to-ref go together", "give both");
  auto all = configured(ctx);
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& h) { return h.name == o.hook; });
  if (it == all.end()) {
    if (!hooks::is_git_hook(o.hook)) throw unknown_hook(o.hook, names_of(all));
    log::info("hook " + quote(o.hook) + " has no [hooks." + o.hook + "] table; nothing to run");
    return status(Exit::ok);
  }
  if (!o.command.empty() &&
      std::none_of(it->commands.begin(), it->commands.end(), [&](const auto& c) { return c.name == o.command; }))
    throw usage_error("hook " + quote(o.hook) + " has no command " + quote(o.command));
  if (ctx.repo->is_bare() && (o.hook == "pre-commit" || o.all_files || !o.files.empty()))
    throw usage_error("repository " + quote(ctx.repo->git_dir().string()) + " has no work tree",
                      "hooks that look at files run in a repository with a work tree");

  // git commit -a and git commit PATHS give hooks a temporary index.
  if (auto index = ctx.env.find("GIT_INDEX_FILE"); index != ctx.env.end() && !index->second.empty()) {
    std::filesystem::path p = index->second;
    git::use_index_file(*ctx.repo, p.is_absolute() ? p : ctx.cwd / p).value_or_throw();
  }

  hooks::RunRequest request;
  request.args = o.args;
  request.all_files = o.all_files;
  if (!o.files.empty()) request.files = root_relative(o.files, ctx);
  request.from_ref = o.from_ref;
  request.to_ref = o.to_ref;
  request.only_command = o.command;
  request.jobs = o.jobs;
  request.no_stash = o.no_stash;
  request.skip = skip_list(ctx);
  bool use_stdin = std::any_of(it->commands.begin(), it->commands.end(), [](const auto& c) { return c.use_stdin; });
  if (hooks::reads_stdin(o.hook) || use_stdin) request.stdin_text = read_stdin(ctx);

  hooks::RunIo io{ctx.out, ctx.err, ctx.color, ctx.config.get_list("process.shell"),
                  std::chrono::seconds(ctx.config.get_int("process.grace_period", 5)), {}, {}};
  for (const auto& [name, value] : ctx.env) io.environment.push_back(name + "=" + value);
  io.command_env = command_environment(ctx);
  return hooks::run_hook(*ctx.repo, *it, request, io).value_or_throw();
}

int restore(Context& ctx) {
  hooks::RecoverOptions options;
  options.stop_leftovers = true;  // asked for by hand: a leftover command of the dead run is stopped first
  options.grace_period = std::chrono::seconds(ctx.config.get_int("process.grace_period", 5));
  if (!hooks::restore_backup(*ctx.repo, ctx.err, options).value_or_throw())
    ctx.out << "nothing to restore: no interrupted hook run left unstaged changes hidden\n";
  return status(Exit::ok);
}

struct MigrateOptions {
  std::string from;    // the lefthook file; empty: look for one
  std::string output;  // "-": standard output; empty: keel.toml at the work tree's root
};

// Where lefthook looks for its main file, in its order.
std::filesystem::path find_lefthook_file(const std::filesystem::path& root) {
  for (const char* name : {"lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml", ".config/lefthook.yml",
                           ".config/lefthook.yaml", "lefthook.toml", ".lefthook.toml", "lefthook.json", ".lefthook.json"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(root / name, ec)) return root / name;
  }
  throw usage_error("no lefthook configuration in " + quote(root.string()),
                    "name the file: keel hooks migrate path/to/lefthook.yml");
}

int migrate(const MigrateOptions& o, Context& ctx) {
  std::filesystem::path root = ctx.repo->is_bare() ? ctx.cwd : ctx.repo->workdir();
  std::filesystem::path from = o.from.empty() ? find_lefthook_file(root) : ctx.cwd / o.from;
  std::string shown = o.from.empty() ? from.lexically_relative(ctx.cwd).string() : o.from;
  std::string text = fs::read_file(from).value_or_throw();
  auto parsed = from.extension() == ".toml" ? config::parse_toml(text, shown, config::Origin::Kind::project)
                                            : config::parse_yaml(text, shown, config::Origin::Kind::project);
  hooks::Migration m = hooks::migrate_lefthook(std::move(parsed).value_or_throw());

  std::filesystem::path out = o.output.empty() ? root / "keel.toml" : ctx.cwd / o.output;
  std::string result = m.toml.substr(1);  // no blank line before [hooks]
  if (o.output != "-") {
    if (out.extension() == ".yaml" || out.extension() == ".yml" || out.extension() == ".json")
      throw usage_error("cannot write TOML tables into " + quote(out.string()), "use --output FILE with a .toml name");
    std::error_code ec;
    if (std::filesystem::exists(out, ec)) {
      std::string existing = fs::read_file(out).value_or_throw();
      auto doc = config::parse_document(existing, out.string(), config::Origin::Kind::project).value_or_throw();
      if (doc.find("hooks"))
        throw usage_error(quote(out.string()) + " already has hooks",
                          "write the migration elsewhere with --output FILE, or print it with --output -");
      result = existing + (existing.empty() || existing.back() == '\n' ? "" : "\n") + m.toml;
    }
  }
  // What keel will read back must parse: never write a broken keel.toml.
  config::parse_toml(result, out.string(), config::Origin::Kind::project).value_or_throw();
  for (const auto& note : m.notes) log::warn(note);
  for (const char* local : {"lefthook-local.yml", "lefthook-local.yaml", ".lefthook-local.yml", ".lefthook-local.yaml"})
    if (std::error_code ec; std::filesystem::is_regular_file(from.parent_path() / local, ec))
      log::warn(quote(local) + " is not migrated: it holds one person's overrides, which go into keel.local.toml "
                "by hand");
  if (o.output == "-") {
    ctx.out << result;
    return status(Exit::ok);
  }
  fs::write_file(out, result).value_or_throw();
  ctx.out << "wrote " << m.hooks << (m.hooks == 1 ? " hook" : " hooks") << " with " << m.commands
          << (m.commands == 1 ? " command" : " commands") << " from " << quote(shown) << " to "
          << quote(o.output.empty() ? "keel.toml" : o.output) << '\n';
  ctx.out << "next: 'lefthook uninstall', then 'keel hooks install'\n";
  return status(Exit::ok);
}

const char* k_group_description =
    "Git hooks from keel's configuration, in place of lefthook, pre-commit or husky. Each [hooks.HOOK] table "
    "names a hook from githooks(5) (or a custom name run by hand) and holds commands under "
    "[hooks.HOOK.commands.NAME], each with a shell command in 'run'. 'keel hooks install' writes a small shell "
    "script for every configured hook into the directory git runs hooks from; the script calls 'keel hooks run "
    "HOOK'. KEEL_HOOKS=0 turns the hooks off; KEEL_SKIP=name,name skips commands by name or tag.\n\n"
    "Keys of a hook: parallel (default true), fail_fast (start nothing after a failure), piped, follow (print "
    "output as it comes), jobs (default: one per CPU), exclude_tags, skip and only. Keys of a command: run; glob and exclude (gitignore-style globs, one or a list); types "
    "(text, binary, executable, symlink); root (a sub-directory the command runs in, receiving paths relative to "
    "it); env; stage_fixed (stage again the inputs the command changed); skip and only; priority (lower runs "
    "first); tags (names for KEEL_SKIP); interactive (runs alone, with the terminal); fail_text (shown when it "
    "fails); use_stdin (gets the hook's standard input); script and runner (a file under hooks.source_dir/HOOK/ "
    "in place of run, as lefthook's scripts). skip and only take true or a list of conditions: merge, rebase, "
    "branch:GLOB, ref:GLOB, run:COMMAND. Keys of [hooks]: output and skip_output (what a run prints), rc (a shell "
    "file whose exported environment the commands get), remotes (hooks shared from other repositories), "
    "glob_style, min_version, source_dir. {job_name} gives a "
    "command its own name.\n\n"
    "Example:\n\n"
    "  [hooks.pre-commit.commands.fmt]\n"
    "  run = \"clang-format -i {staged_files}\"\n"
    "  glob = [\"*.cpp\", \"*.hpp\"]\n"
    "  stage_fixed = true\n\n"
    "  [hooks.commit-msg.commands.lint]\n"
    "  run = \"keel commit lint {1}\"";

const char* k_run_description =
    "Runs the commands of HOOK, as the installed hook script does; ARGS are the hook's own arguments ({1} is "
    "the first). Each command gets its files through the templates {staged_files}, {all_files}, {push_files} "
    "and {files} (the hook's own set: staged files, or for pre-push the files of the pushed commits); glob, "
    "exclude, types and root narrow them. File names and arguments are never part of the script's text: they "
    "are passed to the shell as its arguments and each template becomes references to them (\"${1}\" "
    "\"${2}\"...), so every file is one argument whether the template stands bare, in '...' or in \"...\", and "
    "no name can run code. A name starting with '-' is given as ./NAME. A command whose files are all filtered out is "
    "skipped. File lists too long for one command line are split, and the command runs once per part. Commands "
    "run with process.shell (default /bin/sh -c); one that only names a program and literal or quoted words "
    "starts that program directly, without the shell, which gives the same result sooner.\n\n"
    "In parallel mode (the default) commands run at the same time, up to -j or the hook's jobs (default: one per "
    "CPU); each command's output is printed whole when it ends, and a summary line per command follows: passed, "
    "failed (with the exit status) or skipped (and why). keel exits 1 when a command failed.\n\n"
    "In pre-commit, unstaged changes in partially staged files are hidden while the commands run, so they check "
    "what will be committed: the work tree bytes are saved under .git/keel/unstaged first, and put back after. A "
    "command's rewrite of such a file is merged with the unstaged changes; when the two overlap, the unstaged "
    "changes win, the rewrite is kept in the backup and the hook fails, saying what the index holds and how to "
    "take the command's version. SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE (a closed terminal, `| head`) stop "
    "the commands, and keel puts the changes back before it exits 130, whenever the signal comes. If keel is "
    "killed with SIGKILL, the next 'keel hooks run' puts the changes back once no command of the dead run is "
    "still running (it refuses while one is), and 'keel hooks restore' stops such a command first; every command "
    "started while changes are hidden has KEEL_HOOK_RUN in its environment, by which keel finds it and whatever "
    "it started, even in a session of its own. A file "
    "changed since the crash is never overwritten: it stays, and the version from before the run is kept under "
    ".git/keel/ with the command that compares the two. --no-stash leaves unstaged changes in place.";

}  // namespace

void setup_hooks(CLI::App& app, Runner& chosen) {
  app.require_subcommand(1);
  set_long_description(&app, k_group_description);

  if (wanted_subcommand("install")) {
    auto inst = std::make_shared<InstallOptions>();
    auto* i = app.add_subcommand("install", "Write keel's hook scripts into the repository's hooks directory");
    set_long_description(i, "Writes a POSIX sh script for each HOOK (default: every configured git hook) into the "
                            "directory git runs hooks from: core.hooksPath when set, otherwise the hooks directory of "
                            "the repository, shared by its worktrees. A hook that is already there and is not keel's is "
                            "renamed HOOK.before-keel and run first (not HOOK.legacy, which the pre-commit framework's "
                            "own script runs); a hook file that git tracks, such as husky's .husky/pre-commit, is never "
                            "renamed or rewritten: keel refuses and says how to call keel from it. keel refuses a "
                            "core.hooksPath it did not set up unless --force is given, and husky 9's .husky/_ even "
                            "then, since its scripts find your .husky hooks by their own names. Without HOOK, keel's "
                            "scripts for hooks no longer configured are removed (and the hooks they kept put back).");
    i->add_option("hook", inst->hooks, "Hooks to install (default: all configured)")->type_name("HOOK");
    i->add_flag("--force", inst->force, "Install into a core.hooksPath directory keel did not set up");
    i->parse_complete_callback([&chosen, inst] { chosen = [inst](Context& c) { return install(*inst, c); }; });
  }

  if (wanted_subcommand("uninstall")) {
    auto* u = app.add_subcommand("uninstall", "Remove keel's hook scripts and put back the hooks they replaced");
    set_long_description(u, "Removes keel's hook scripts from the hooks directory and renames each hook they kept "
                            "(HOOK.before-keel, or HOOK.legacy from keel before this version) back to HOOK, with its "
                            "content and mode as they were. Files that are not keel's are left alone.");
    u->parse_complete_callback([&chosen] { chosen = [](Context& c) { return uninstall(c); }; });
  }

  if (wanted_subcommand("status")) {
    auto* s = app.add_subcommand("status", "Compare configured hooks with the installed scripts");
    set_long_description(s, "Lists each configured git hook and each installed keel script with its state: "
                            "installed, outdated, not installed, foreign hook or not configured. Exits 1 when any "
                            "differs from 'installed'.");
    s->parse_complete_callback([&chosen] { chosen = [](Context& c) { return status(c); }; });
  }

  if (wanted_subcommand("run")) {
    auto run_opts = std::make_shared<RunOptions>();
    auto* r = app.add_subcommand("run", "Run a hook's commands");
    set_long_description(r, k_run_description);
    r->add_option("hook", run_opts->hook, "Hook name")->type_name("HOOK")->required();
    r->add_option("args", run_opts->args, "The hook's arguments")->type_name("ARGS");
    auto* all = r->add_flag("--all-files", run_opts->all_files, "Give every file in the index instead of the hook's files");
    auto* files = r->add_option("--files", run_opts->files, "Give these files instead of the hook's files")
                      ->type_name("FILE")
                      ->excludes(all);
    r->add_option("--from-ref", run_opts->from_ref, "With --to-ref: the files changed between two commits")
        ->type_name("REV")
        ->excludes(all)
        ->excludes(files);
    r->add_option("--to-ref", run_opts->to_ref, "See --from-ref")->type_name("REV");
    r->add_option("--command", run_opts->command, "Run only this command")->type_name("NAME");
    r->add_option("-j,--jobs", run_opts->jobs, "Commands run at once")->type_name("N")->check(CLI::Range(1u, 1024u));
    r->add_flag("--no-stash", run_opts->no_stash, "Leave unstaged changes in place (pre-commit)");
    r->parse_complete_callback([&chosen, run_opts] { chosen = [run_opts](Context& c) { return run(*run_opts, c); }; });
  }

  if (wanted_subcommand("migrate")) {
    auto mig = std::make_shared<MigrateOptions>();
    auto* m = app.add_subcommand("migrate", "Write keel.toml's [hooks] from a lefthook configuration");
    set_long_description(m, "Reads a lefthook file (FILE, or the first of lefthook.yml, .lefthook.yml, "
                            ".config/lefthook.yml and their .yaml, .toml and .json forms at the work tree's root) and "
                            "appends the equivalent [hooks] tables to keel.toml (or writes --output FILE, or prints "
                            "with --output -). Globs keep lefthook's meaning (hooks.glob_style = \"lefthook\"), "
                            "commands keep lefthook's order as priorities and run one after another unless the hook "
                            "was parallel; jobs and their groups keep their form; scripts keep their .lefthook "
                            "directory; remotes keep their keys (keel migrates the lefthook files they name as it reads "
                            "them). What keel has no equal for (colors, extends, a {cmd} template...) is left out with "
                            "a warning naming its line. keel.toml is never half-written, and one that has hooks already is left alone.");
    m->add_option("file", mig->from, "The lefthook configuration")->type_name("FILE");
    m->add_option("-o,--output", mig->output, "Where to write (default: keel.toml; - prints)")->type_name("FILE");
    m->parse_complete_callback([&chosen, mig] { chosen = [mig](Context& c) { return migrate(*mig, c); }; });
  }

  if (wanted_subcommand("restore")) {
    auto* rs = app.add_subcommand("restore", "Put back unstaged changes an interrupted hook run hid");
    set_long_description(rs,
                         "Puts back the unstaged changes that a hook run killed with SIGKILL left hidden under "
                         ".git/keel/unstaged. A command of that run that is still running is stopped first (SIGTERM, "
                         "then SIGKILL after process.grace_period). A file that changed after the crash is left as it "
                         "is; the version from before the run is kept under .git/keel/ and the hint gives the "
                         "command that compares them. Prints a note and exits 0 when there is nothing to restore.");
    rs->parse_complete_callback([&chosen] { chosen = [](Context& c) { return restore(c); }; });
  }
}

}  // namespace keel::cmd
