// keel commit lint: Conventional Commits checks for one message or a range.
#include <memory>

#include "commands/groups.hpp"
#include "commit/cleanup.hpp"
#include "commit/lint.hpp"
#include "commit/settings.hpp"
#include "fs/fs.hpp"
#include "git/commit.hpp"
#include "git/config.hpp"
#include "git/refs.hpp"
#include "git/revwalk.hpp"
#include "log/log.hpp"

namespace keel::cmd {

namespace {

struct LintOptions {
  std::string file;   // a message file, "-" for stdin; empty: COMMIT_EDITMSG
  std::string range;  // A..B
};

struct Tally {
  std::size_t errors = 0;
  std::size_t warnings = 0;
};

std::string counted(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string level_word(const Context& ctx, commit::Level level) {
  std::string word(commit::level_name(level));
  if (!ctx.color) return word;
  return (level == commit::Level::error ? "\033[31m" : "\033[33m") + word + "\033[0m";
}

void print_findings(Context& ctx, const std::vector<commit::Finding>& findings, std::string_view indent,
                    Tally& tally) {
  for (const auto& f : findings) {
    (f.level == commit::Level::error ? tally.errors : tally.warnings)++;
    ctx.out << indent << level_word(ctx, f.level) << ' ' << f.rule << ": " << f.message << '\n';
  }
}

commit::Settings settings(const Context& ctx) { return commit::settings_from_config(ctx.config).value_or_throw(); }

// git 2.45 added core.commentString; either names the comment prefix.
std::string comment_prefix(const Context& ctx) {
  if (!ctx.repo) return "#";
  auto config = git::Config::snapshot(*ctx.repo);
  if (!config) return "#";
  for (const char* key : {"core.commentString", "core.commentChar"}) {
    auto value = config->get_string(key);
    if (value && value.value()) return commit::comment_prefix(value.value());
  }
  return "#";
}

std::string read_message(const LintOptions& o, const Context& ctx) {
  if (o.file == "-") {
    auto text = fs::read_file("/dev/stdin");
    if (text) return std::move(text).value();
    // The error would name /dev/stdin, a path the user never gave.
    std::string why = text.error().message;
    std::size_t at = why.find("'/dev/stdin'");
    if (at != std::string::npos) why.replace(at, std::string_view("'/dev/stdin'").size(), "standard input");
    throw usage_error(why);
  }
  std::filesystem::path path = o.file;
  if (path.empty()) {
    if (!ctx.repo) throw usage_error("no message to lint", "give a message FILE, '-' for standard input, or --range");
    // Shown relative to the current directory, as the hook's argument is.
    path = fs::display_path(ctx.repo->git_dir() / "COMMIT_EDITMSG", ctx.cwd);
  }
  return fs::read_file(path).value_or_throw();
}

// One message, as the commit-msg hook passes it: comments and everything
// below the scissors line go first, as git's own cleanup would remove them.
int lint_message(const LintOptions& o, Context& ctx) {
  commit::Settings s = settings(ctx);
  std::string text = commit::cleanup(read_message(o, ctx), comment_prefix(ctx));
  commit::Message message = commit::parse(text);
  if (auto kind = commit::ignored_as(message, s.ignore); !kind.empty()) {
    log::info("not linted: " + std::string(kind) + " message");
    return status(Exit::ok);
  }
  Tally tally;
  print_findings(ctx, commit::lint(message, s.rules), "", tally);
  return check_status(tally.errors != 0);
}

struct Range {
  std::string from;
  std::string to;
};

Range split_range(const std::string& text) {
  std::size_t dots = text.find("..");
  if (dots == std::string::npos || text.find("...") != std::string::npos)
    throw usage_error("invalid range " + quote(text) + ": expected A..B",
                      "for the commits of a branch since main: --range main..HEAD");
  Range r{text.substr(0, dots), text.substr(dots + 2)};
  if (r.from.empty()) r.from = "HEAD";  // as in git, an empty side means HEAD
  if (r.to.empty()) r.to = "HEAD";
  return r;
}

struct RangeCounts {
  std::size_t checked = 0;
  std::size_t ignored = 0;
};

// Lints one commit of the range; findings go under a "<id> <header>" line.
void lint_commit(const git::CommitInfo& c, const commit::Settings& s, Context& ctx, RangeCounts& counts,
                 Tally& tally) {
  commit::Message message = commit::parse(c.message);
  bool merge = c.parents.size() > 1 && s.ignore.merges;
  if (merge || !commit::ignored_as(message, s.ignore).empty()) {
    counts.ignored++;
    return;
  }
  counts.checked++;
  auto findings = commit::lint(message, s.rules);
  if (findings.empty()) return;
  ctx.out << c.id.short_hex() << ' ' << message.header << '\n';
  print_findings(ctx, findings, "  ", tally);
}

int lint_range(const LintOptions& o, Context& ctx) {
  if (!ctx.repo)
    throw usage_error("not a git repository: " + quote(ctx.cwd.string()),
                      "--range reads commits from a repository; run keel inside one or point -C at one");
  commit::Settings s = settings(ctx);
  Range range = split_range(o.range);
  const git::Repository& repo = *ctx.repo;
  git::Oid to = git::resolve_commit(repo, range.to).value_or_throw();
  git::Oid from = git::resolve_commit(repo, range.from).value_or_throw();
  auto walk = git::RevWalk::create(repo).value_or_throw();
  walk.push(to).value_or_throw();
  walk.hide(from).value_or_throw();

  RangeCounts counts;
  Tally tally;
  walk.for_each([&](const git::Oid& id) {
        lint_commit(git::lookup_commit(repo, id).value_or_throw(), s, ctx, counts, tally);
        return true;
      })
      .value_or_throw();
  ctx.out << counted(counts.checked, "commit") << " checked";
  if (counts.ignored) ctx.out << ", " << counts.ignored << " ignored";
  ctx.out << ": " << counted(tally.errors, "error") << ", " << counted(tally.warnings, "warning") << '\n';
  return check_status(tally.errors != 0);
}

const char* k_group_description =
    "Commit message checks for the commit-msg hook and for CI, following Conventional Commits 1.0.0 "
    "(https://www.conventionalcommits.org): a header 'type(scope)!: description', an optional body after a "
    "blank line and optional footers in git trailer form ('Token: value' or 'Token #value').";

const char* k_lint_description =
    "Checks one commit message, or with --range every commit of A..B (the commits reachable from B and not "
    "from A, newest first; an empty side means HEAD). FILE is a message file such as the one git passes to the "
    "commit-msg hook (the hook runs keel commit lint \"$1\"); '-' reads standard input; without FILE and "
    "--range keel reads the repository's .git/COMMIT_EDITMSG. A message from FILE or standard input is first cleaned up as git does before it "
    "stores it: lines starting with the comment character (core.commentChar or core.commentString of the "
    "current repository, '#' outside one or for 'auto') are dropped, and so is everything from the scissors "
    "line of git commit -v down. Commits of a range are checked as stored.\n\n"
    "Each problem is one line on standard output: the level (error or warning), the rule and what is wrong, "
    "e.g. \"error type-enum: type must be one of build, chore, ...; found 'feet'\". With --range, a commit's "
    "problems follow a line with its short id and header, and a last line counts commits and problems. keel "
    "exits 1 when there is an error, 0 when there are only warnings. An empty message is an error "
    "(subject-empty: message is empty).\n\n"
    "The rules are commitlint's, with config-conventional's levels and values by default: header-trim, "
    "header-max-length (100), type-empty, type-case (lower-case), type-enum (build, chore, ci, docs, feat, fix, "
    "perf, refactor, revert, style, test), subject-empty, subject-case (never sentence-case, start-case, "
    "pascal-case or upper-case), subject-full-stop ('.'), body-leading-blank (warning), body-max-line-length "
    "(100), footer-leading-blank (warning) and footer-max-line-length (100); lines with an http(s) URL are "
    "exempt from the line lengths. scope-enum and scope-case check nothing until their value is set. Each rule "
    "has the keys commit.rules.RULE.level (error, warn or off) and, where it takes one, commit.rules.RULE.value; "
    "the case rules also have commit.rules.RULE.when (always or never). A header that is not "
    "'type(scope): description' fails type-empty, which says why, and subject-empty.\n\n"
    "Not linted by default: merges (messages such as \"Merge branch 'x'\" and, in a range, commits with "
    "several parents; commit.ignore_merges), git revert's \"Revert ...\" and \"Reapply ...\" messages "
    "(commit.ignore_reverts; 'revert: ...' is linted), fixup!, squash! and amend! messages "
    "(commit.ignore_fixups) and headers that only name a version, such as 1.2.3 or chore: v1.2.3 [skip ci] "
    "(commit.ignore_versions).\n\n"
    "Parsing decisions: a type is letters, digits and '_' (no '-'); a scope may not be empty or contain "
    "parentheses; ': ' needs its space and a description. Footers are the trailing paragraphs that each start "
    "with a 'Token: value' or 'Token #value' line, where a token is letters, digits and '-', or BREAKING CHANGE; "
    "a value runs until the next token line. Only upper-case BREAKING CHANGE and BREAKING-CHANGE footers, or "
    "a '!' before the ':', mark a breaking change.";

}  // namespace

void setup_commit(CLI::App& app, Runner& chosen) {
  app.require_subcommand(1);
  set_long_description(&app, k_group_description);

  auto lint = std::make_shared<LintOptions>();
  auto* l = app.add_subcommand("lint", "Check commit messages against Conventional Commits rules");
  set_long_description(l, k_lint_description);
  auto* file = l->add_option("file", lint->file, "Message file, '-' for standard input (default: .git/COMMIT_EDITMSG)")
                   ->type_name("FILE");
  l->add_option("--range", lint->range, "Check every commit of A..B instead of one message")
      ->type_name("A..B")
      ->excludes(file);
  l->parse_complete_callback([&chosen, lint] {
    chosen = [lint](Context& c) { return lint->range.empty() ? lint_message(*lint, c) : lint_range(*lint, c); };
  });
}

}  // namespace keel::cmd
