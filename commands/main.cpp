// keel's entry point: parse the command line, set up logging and config,
// run the chosen command under the one top-level error handler.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>

#include "commands/plugins.hpp"
#include "commands/groups.hpp"
#include "commands/registry.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/exit_memory.hpp"
#include "core/versions.hpp"
#include "fs/fs.hpp"
#include "git/work_tree.hpp"
#include "log/log.hpp"
#include "process/process.hpp"
#include "term/term.hpp"

extern char** environ;

namespace keel::cmd {

namespace {

std::map<std::string, std::string> read_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq) env.emplace(std::string(*e, static_cast<std::size_t>(eq - *e)), std::string(eq + 1));
  }
  return env;
}

// CLI11's messages start upper-case and some end with a period.
std::string keel_style(std::string message) {
  if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  // CLI11's checks read "--jobs: Value 0 not in range 1 to 256".
  if (auto at = message.find(": Value "); at != std::string::npos) message[at + 2] = 'v';
  while (!message.empty() && (message.back() == '.' || message.back() == '\n')) message.pop_back();
  return message;
}

// "The following arguments were not expected: --a b" -> "unexpected argument '--a' 'b'"
std::string unexpected_arguments(std::string_view message) {
  std::size_t colon = message.find(": ");
  std::string_view list = colon == std::string_view::npos ? message : message.substr(colon + 2);
  std::string out;
  int count = 0;
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t space = list.find(' ', start);
    std::string_view word = list.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start);
    if (!word.empty()) {
      out += ' ' + quote(word);
      ++count;
    }
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return (count == 1 ? "unexpected argument" : "unexpected arguments") + out;
}

// "keel config list": the command whose options were being parsed.
std::string deepest_command(const CLI::App& app) {
  std::string name = "keel";
  const CLI::App* node = &app;
  for (;;) {
    auto parsed = node->get_subcommands();
    if (parsed.empty()) break;
    node = parsed.front();
    name += ' ' + node->get_name();
  }
  return name;
}

int print_error(std::ostream& err, const Error& e) {
  err << "keel: error: " << log::redact(e.message) << '\n';
  if (!e.hint.empty()) err << "hint: " << e.hint << '\n';
  return keel::status(e.exit);
}

// After a termination signal reached the command's children, whatever it reported
// (a failed hook, say) keel exits 130, as a shell would.
int unless_interrupted(int status) {
  return process::interrupted() ? keel::status(Exit::interrupted) : status;
}

void print_version(Context& ctx) {
  ctx.out << version_line() << '\n';
  if (ctx.globals.verbose > 0) {
    for (const auto& [name, version] : library_versions()) ctx.out << "  " << name << ' ' << version << '\n';
    ctx.out << "  CLI11 " << CLI11_VERSION << '\n';
  }
}

// Logging: -v/-q win over KEEL_LOG, which wins over log.level.
void setup_logging(Context& ctx, bool config_loaded) {
  log::Level level = log::Level::warn;
  if (config_loaded) log::parse_level(ctx.config.get_string("log.level", "warn"), level);
  auto env_level = ctx.env.find("KEEL_LOG");
  if (env_level != ctx.env.end() && !log::parse_level(env_level->second, level))
    throw usage_error("invalid KEEL_LOG value " + quote(env_level->second) +
                      ": expected trace, debug, info, warn, error or off");
  if (ctx.globals.verbose == 1) level = log::Level::info;
  if (ctx.globals.verbose >= 2) level = log::Level::debug;
  if (ctx.globals.quiet) level = log::Level::error;
  log::Format format = log::Format::text;
  if (config_loaded) log::parse_format(ctx.config.get_string("log.format", "text"), format);
  if (!ctx.globals.log_format.empty()) log::parse_format(ctx.globals.log_format, format);
  log::setup(level, format);
}

void setup_color(Context& ctx, bool config_loaded) {
  std::string mode_text = ctx.globals.color;
  if (mode_text.empty()) mode_text = config_loaded ? ctx.config.get_string("ui.color", "auto") : "auto";
  term::ColorMode mode = term::ColorMode::auto_;
  term::parse_color_mode(mode_text, mode);
  ctx.color = term::use_color(mode, term::is_tty(STDOUT_FILENO), ctx.env);
}

void change_directory(Context& ctx) {
  if (ctx.globals.directory.empty()) return;
  if (::chdir(ctx.globals.directory.c_str()) != 0)
    throw usage_error("cannot change to directory " + quote(ctx.globals.directory) + ": " + std::strerror(errno));
  ctx.cwd = std::filesystem::current_path();
}

// Only commands that read the repository pay for libgit2; finding the
// project file needs nothing but the work tree root.
void open_repository(Context& ctx, bool required) {
  ctx.git_library = std::make_shared<git::Library>();
  auto repo = git::Repository::discover(ctx.cwd);
  if (!repo) {
    if (required) throw Failure(repo.error());
    return;
  }
  ctx.repo.emplace(std::move(repo).value());
  log::debug("repository " + quote(ctx.repo->git_dir().string()));
}

void load_config(Context& ctx, const CommandSpec& spec) {
  if (spec.needs & (k_needs_repo | k_wants_repo)) open_repository(ctx, spec.needs & k_needs_repo);
  ctx.project_root = ctx.repo ? std::optional(ctx.repo->workdir()) : git::find_work_tree_root(ctx.cwd, ctx.env);
  if (ctx.project_root && ctx.project_root->empty()) ctx.project_root.reset();  // a bare repository
  if (ctx.project_root) log::debug("project root " + quote(ctx.project_root->string()));
  config::LoadOptions options;
  options.cwd = ctx.cwd;
  options.project_root = ctx.project_root;
  options.config_files = ctx.globals.config_files;
  if (std::count(options.config_files.begin(), options.config_files.end(), "-") > 1)
    throw usage_error("--config - given twice: standard input can be read once");
  if (std::find(options.config_files.begin(), options.config_files.end(), "-") != options.config_files.end())
    options.stdin_config = fs::read_stream(ctx.in, "standard input (--config -)").value_or_throw();
  options.overrides = ctx.globals.overrides;
  options.env = ctx.env;
  ctx.config = config::load(options);
  for (const auto& secret : ctx.config.secret_values()) log::add_secret(secret);
}

// Warnings go through the logger; errors stop every command that does not
// inspect the configuration itself.
void report_config(Context& ctx, const CommandSpec& spec) {
  if (spec.needs & k_tolerates_bad_config) return;
  for (const auto& d : ctx.config.diagnostics())
    if (d.severity == config::Diagnostic::Severity::warning) log::warn(d.message);
  if (!ctx.config.has_errors()) return;
  for (const auto& d : ctx.config.diagnostics())
    if (d.severity == config::Diagnostic::Severity::error) ctx.err << "keel: error: " << log::redact(d.message) << '\n';
  throw Failure("configuration has errors", ctx.config.error_exit(), "run 'keel config validate' for the full list");
}

// The command named on the command line, when it can be told without
// parsing: the first word after the global options and their values. Empty
// when unsure (a help flag, an unknown word), and then the whole tree is
// built. Used to set up only that command's options: building every
// command's CLI11 tree was a third of a hook run's instructions.
// Where the command word is in argv: argc when there is none.
int command_word_at(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--" || arg == "-h" || arg == "--help" || arg == "--help-all") return argc;
    if (arg == "-C" || arg == "-c" || arg == "--config" || arg == "--color" || arg == "--log-format") {
      ++i;
      continue;
    }
    if (arg.starts_with('-')) continue;
    return find_command(arg) ? i : argc;
  }
  return argc;
}

std::string_view command_word(int argc, char** argv) {
  int at = command_word_at(argc, argv);
  return at < argc ? std::string_view(argv[at]) : std::string_view{};
}

// The word right after the command word, when it is one (not an option):
// a group's subcommand, for the same shortcut (wanted_subcommand).
std::string_view subcommand_word(int argc, char** argv) {
  int at = command_word_at(argc, argv) + 1;
  if (at >= argc || std::string_view(argv[at]).starts_with('-')) return {};
  return argv[at];
}

// The process ends when run() returns, so handing the repository's index
// and object caches back to malloc entry by entry is wasted work: a tenth
// of a hook run on a 10,000-file index. The context goes back with the
// process instead (leave_to_exit), as git leaves its index; its members
// hold no file or lock that needs closing.
class ContextAtExit {
 public:
  ContextAtExit(std::ostream& out, std::ostream& err) : m_ctx(std::make_unique<Context>(out, err)) {}
  ~ContextAtExit() { leave_to_exit(std::move(m_ctx)); }
  ContextAtExit(const ContextAtExit&) = delete;
  ContextAtExit& operator=(const ContextAtExit&) = delete;
  Context& get() { return *m_ctx; }

 private:
  std::unique_ptr<Context> m_ctx;
};

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  process::install_signal_forwarding();
  ContextAtExit context(out, err);
  Context& ctx = context.get();
  ctx.env = read_environment();
  ctx.cwd = std::filesystem::current_path();
  ctx.self_path = self_executable(argv[0]);
  // `keel run TASK -- ARGS`: the words after -- are the tasks' own, never
  // keel's options, so CLI11 does not see them.
  if (command_word(argc, argv) == "run")
    for (int i = 1; i < argc; ++i)
      if (std::string_view(argv[i]) == "--") {
        ctx.after_separator.assign(argv + i + 1, argv + argc);
        argc = i;
        break;
      }
  try {
    if (auto plugin = find_plugin_invocation(argc, argv)) {
      return run_plugin(*plugin, ctx);
    }

    Runner chosen;
    const CommandSpec* spec = nullptr;
    std::unique_ptr<CLI::App> app;
    auto parse_with_every_command = [&] {
      ctx.globals = GlobalOptions{};
      chosen = nullptr;
      spec = nullptr;
      app = build_app(ctx.globals, chosen, &spec);
      app->parse(argc, argv);
    };
    try {
      std::string_view only = command_word(argc, argv);
      bool parsed = false;
      if (!only.empty()) {
        app = build_app(ctx.globals, chosen, &spec, only, subcommand_word(argc, argv));
        try {
          app->parse(argc, argv);
          parsed = spec && spec->name == only;
        } catch (const CLI::Error&) {
          // Errors and help are reported from the whole tree, as without the shortcut.
        }
      }
      if (!parsed) parse_with_every_command();
    } catch (const CLI::CallForHelp&) {
      out << app->help();
      return status(Exit::ok);
    } catch (const CLI::CallForAllHelp&) {
      out << app->help("", CLI::AppFormatMode::All);
      return status(Exit::ok);
    } catch (const CLI::ExtrasError& e) {
      throw usage_error(unexpected_arguments(e.what()), "see '" + deepest_command(*app) + " --help'");
    } catch (const CLI::ParseError& e) {
      throw usage_error(keel_style(e.what()), "see '" + deepest_command(*app) + " --help'");
    }

    if (ctx.globals.version) {
      print_version(ctx);
      return status(Exit::ok);
    }
    if (!spec || !chosen) {
      // `keel` alone, or a group such as `keel config` without a subcommand.
      throw usage_error("no command given", "see 'keel --help'");
    }

    setup_logging(ctx, false);
    change_directory(ctx);
    bool loads_config = spec->needs & (k_loads_config | k_needs_repo);
    if (loads_config) {
      load_config(ctx, *spec);
      setup_logging(ctx, true);
      report_config(ctx, *spec);
    }
    setup_color(ctx, loads_config);
    int status = chosen(ctx);
    out.flush();
    if (loads_config) notify_about_updates(ctx, spec->name);
    return unless_interrupted(status);
  } catch (const Failure& f) {
    out.flush();
    return unless_interrupted(print_error(err, f.error()));
  } catch (const std::exception& e) {
    out.flush();
    return unless_interrupted(print_error(err, Error{keel_style(e.what()), {}, Exit::usage}));
  }
}

}  // namespace

}  // namespace keel::cmd

#if defined(__SANITIZE_ADDRESS__)
constexpr bool k_sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool k_sanitized = true;
#else
constexpr bool k_sanitized = false;
#endif
#else
constexpr bool k_sanitized = false;
#endif

int main(int argc, char** argv) {
  // `keel --version` is benchmarked against /bin/true: answer it before
  // building the command tree.
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::string line = keel::version_line() + "\n";
    return ::write(STDOUT_FILENO, line.data(), line.size()) == static_cast<ssize_t>(line.size()) ? 0 : 1;
  }
  std::ios::sync_with_stdio(false);
  // A worker thread's malloc arena grows a page at a time, by an mprotect
  // each (880 of them in a 20,000-file input walk); padded, a heap is made
  // writable in one call. Address space only: untouched pages cost nothing.
  ::mallopt(M_TOP_PAD, 8 << 20);
  // The sanitizer builds free everything, so that a real leak still shows.
  keel::keep_memory_until_exit(!k_sanitized);
  return keel::cmd::run(argc, argv, std::cout, std::cerr);
}
