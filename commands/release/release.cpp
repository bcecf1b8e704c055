// keel release: the next version, the changelog, and releasing.
#include <algorithm>
#include <ctime>
#include <memory>

#include "commands/groups.hpp"
#include "core/json.hpp"
#include "release/context.hpp"
#include "fs/fs.hpp"
#include "git/refs.hpp"
#include "git/tags.hpp"
#include "log/log.hpp"
#include "release/history.hpp"
#include "commands/release/perform.hpp"

namespace keel::cmd {

namespace {

// Options shared by next and the release itself.
struct VersionOptions {
  std::string pre;
  std::string build;
  std::string as;  // major|minor|patch|X.Y.Z
  std::vector<std::string> packages;
};

struct NextOptions {
  VersionOptions version;
  bool json = false;
};

struct ChangelogOptions {
  bool unreleased = false;
  bool latest = false;
  bool current = false;
  std::string tag;  // render the unreleased commits as this version
  std::string from, to;
  std::string strip;  // header, footer or all
  std::vector<std::string> include_paths, exclude_paths;
  bool context = false;      // print the template's data as JSON
  std::string from_context;  // render from such JSON ("-": standard input)
  std::string range;
  std::string output;
  bool prepend = false;
  std::vector<std::string> packages;
};

struct ReleaseOptions {
  VersionOptions version;
  bool dry_run = false;
  bool no_commit = false;
  bool no_tag = false;
  bool push = false;
  bool sign = false;
};

release::Settings settings(const Context& ctx) { return release::settings_from_config(ctx.config).value_or_throw(); }

// Seconds since the epoch; SOURCE_DATE_EPOCH, when set, pins the date as it
// does for reproducible builds.
std::int64_t now(const Context& ctx) {
  auto it = ctx.env.find("SOURCE_DATE_EPOCH");
  if (it != ctx.env.end() && !it->second.empty() &&
      it->second.find_first_not_of("0123456789") == std::string::npos && it->second.size() < 19)
    return std::stoll(it->second);
  return static_cast<std::int64_t>(std::time(nullptr));
}

release::NextOptions next_options(const VersionOptions& v) {
  release::NextOptions n;
  n.pre = v.pre;
  n.build = v.build;
  if (!v.as.empty()) {
    if (auto b = release::parse_bump(v.as); b && *b != release::Bump::none) {
      n.forced_bump = *b;
    } else {
      auto forced = semver::parse(v.as);
      if (!forced) throw usage_error("invalid --as " + quote(v.as) + ": expected major, minor, patch or a version");
      if (forced->is_prerelease() || !forced->build.empty())
        throw usage_error("invalid --as " + quote(v.as) + ": give X.Y.Z and use --pre and --build for the rest");
      n.forced = std::move(forced).value();
    }
  }
  if (v.pre.empty() && !v.build.empty() && v.build.find_first_of(" \t") != std::string::npos)
    throw usage_error("invalid build metadata " + quote(v.build));
  return n;
}

const git::Repository& repo_of(const Context& ctx) {
  if (!ctx.repo) throw usage_error("not a git repository: " + quote(ctx.cwd.string()));
  return *ctx.repo;
}

git::Oid head_commit(const git::Repository& repo) {
  git::Head h = git::head(repo).value_or_throw();
  if (h.unborn || !h.commit) throw usage_error("no commits yet: nothing to release");
  return *h.commit;
}

// The units a command works on: the repository, or the named or all packages.
std::vector<const release::Unit*> units(const release::Settings& s, const std::vector<std::string>& names) {
  std::vector<const release::Unit*> out;
  if (s.packages.empty()) {
    if (!names.empty()) throw usage_error("no packages configured", "declare [release.packages.NAME] path = \"...\"");
    out.push_back(&s.root);
    return out;
  }
  if (names.empty()) {
    for (const auto& p : s.packages) out.push_back(&p);
    return out;
  }
  for (const auto& name : names) {
    auto it = std::find_if(s.packages.begin(), s.packages.end(), [&](const release::Unit& u) { return u.name == name; });
    if (it == s.packages.end()) throw usage_error("unknown package " + quote(name));
    out.push_back(&*it);
  }
  return out;
}

release::Bump highest_bump(const release::Plan& p, const release::Rules& rules) {
  release::Bump top = release::Bump::none;
  for (std::size_t i : p.decision.deciding) top = std::max(top, release::bump_of(p.changes[i].message, rules));
  return top;
}

std::string json_entry(const release::Unit& u, const release::Plan& p, const release::Rules& rules) {
  auto version_or_null = [](const std::optional<semver::Version>& v) {
    return v ? json::quote(semver::to_string(*v)) : std::string("null");
  };
  std::string s = "{";
  if (!u.name.empty()) s += "\"package\": " + json::quote(u.name) + ", ";
  s += "\"current\": " + version_or_null(p.next.current);
  s += ", \"next\": " + version_or_null(p.next.version);
  s += ", \"bump\": " + json::quote(p.next.version ? release::to_string(p.next.bump) : "none");
  s += ", \"tag\": " + (p.tag.empty() ? std::string("null") : json::quote(p.tag));
  s += ", \"commits\": " + std::to_string(p.changes.size());
  s += std::string(", \"breaking\": ") + (p.decision.breaking ? "true" : "false");
  // The commits whose own bump is the highest: those that decided it.
  s += ", \"decided_by\": [";
  bool first = true;
  const release::Bump top = highest_bump(p, rules);
  for (std::size_t i : p.decision.deciding) {
    const auto& c = p.changes[i];
    release::Bump b = release::bump_of(c.message, rules);
    if (b == release::Bump::none || b != top) continue;
    s += std::string(first ? "" : ", ") + "{\"id\": " + json::quote(c.id) +
         ", \"header\": " + json::quote(c.message.header) + ", \"bump\": " + json::quote(release::to_string(b)) + "}";
    first = false;
  }
  return s + "]}";
}

int run_next(const NextOptions& o, Context& ctx) {
  const git::Repository& repo = repo_of(ctx);
  release::Settings s = settings(ctx);
  git::Oid head = head_commit(repo);
  auto tags = git::list_tags(repo, git::KindCheck::when_used).value_or_throw();
  release::NextOptions next = next_options(o.version);
  auto list = units(s, o.version.packages);
  bool named = !s.packages.empty();

  std::vector<std::string> json_items;
  std::vector<std::string> reasons;
  bool any = false;
  for (const release::Unit* u : list) {
    next.initial = u->initial;
    release::Plan p = release::make_plan(repo, head, *u, tags, s.rules, next, s.commit_message).value_or_throw();
    release::report_plan(p, *u);
    if (o.json) json_items.push_back(json_entry(*u, p, s.rules));
    if (!p.next.version) {
      reasons.push_back((named ? u->name + ": " : "") + p.next.reason);
      continue;
    }
    any = true;
    if (!o.json) ctx.out << (named ? u->name + " " : "") << semver::to_string(*p.next.version) << '\n';
  }
  if (o.json) {
    if (named) {
      ctx.out << "[";
      for (std::size_t i = 0; i < json_items.size(); ++i) ctx.out << (i ? ", " : "") << json_items[i];
      ctx.out << "]\n";
    } else {
      ctx.out << json_items.front() << '\n';
    }
  }
  if (!any) {
    for (const auto& r : reasons) ctx.err << "keel: nothing to release: " << r << '\n';
    return status(Exit::nothing_to_do);
  }
  return status(Exit::ok);
}

// The options that choose sections, checked against each other.
release::ChangelogRequest changelog_request(const ChangelogOptions& o, const Context& ctx) {
  std::vector<std::string> chosen;
  if (o.unreleased) chosen.push_back("--unreleased");
  if (o.latest) chosen.push_back("--latest");
  if (o.current) chosen.push_back("--current");
  if (!o.range.empty()) chosen.push_back("--range");
  if (!o.from.empty() || !o.to.empty()) chosen.push_back(o.from.empty() ? "--to" : "--from");
  if (chosen.size() > 1) throw usage_error(chosen[0] + " and " + chosen[1] + " do not go together");
  if (!o.tag.empty() && (o.latest || o.current || !o.range.empty() || !o.from.empty() || !o.to.empty()))
    throw usage_error("--tag names the unreleased commits' version: use it alone or with --unreleased");
  release::ChangelogRequest request;
  request.unreleased_only = o.unreleased;
  request.latest = o.latest;
  request.current = o.current;
  request.range = o.range;
  request.include_paths = o.include_paths;
  request.exclude_paths = o.exclude_paths;
  if (!o.from.empty() || !o.to.empty()) request.range = o.from + ".." + o.to;
  if (!o.tag.empty()) {
    auto v = semver::parse(o.tag);
    if (!v) throw usage_error("invalid --tag " + quote(o.tag) + ": " + v.error().message);
    request.unreleased_as = std::move(v).value();
    request.unreleased_date = release::today(now(ctx));
  }
  if (!o.strip.empty() && o.strip != "header" && o.strip != "footer" && o.strip != "all")
    throw usage_error("invalid --strip " + quote(o.strip) + ": expected header, footer or all");
  return request;
}

// The sections of the history, rendered (and with their data for --context).
std::vector<release::RenderedSection> history_sections(const ChangelogOptions& o, const release::Settings& s,
                                                       const release::Template& tmpl, Context& ctx) {
  const git::Repository& repo = repo_of(ctx);
  git::Oid head = head_commit(repo);
  release::ChangelogRequest request = changelog_request(o, ctx);
  request.keep_data = o.context;
  auto tags = git::list_tags(repo, git::KindCheck::when_used).value_or_throw();
  release::ChangelogSettings cs = s.changelog;
  cs.forge = release::forge_of(repo, s.remote);

  auto list = units(s, o.packages);
  if (list.size() > 1 && (o.prepend || !o.output.empty() || o.context))
    throw usage_error("several packages: name one with --package to write its changelog");
  std::vector<release::RenderedSection> sections;
  for (const release::Unit* u : list) {
    auto more = release::render_history(repo, head, *u, tags, cs, tmpl, request).value_or_throw();
    if (list.size() > 1 && !more.empty()) sections.push_back({"", "# " + u->name + "\n\n", std::nullopt});
    for (auto& m : more) sections.push_back(std::move(m));
  }
  return sections;
}

// --from-context FILE: sections rendered from JSON that --context wrote.
std::vector<release::RenderedSection> context_sections(const ChangelogOptions& o, const release::Template& tmpl,
                                                       Context& ctx) {
  std::string text;
  if (o.from_context == "-") {
    text = fs::read_stream(ctx.in, "standard input (--from-context -)").value_or_throw();
  } else {
    std::filesystem::path p = o.from_context;
    text = fs::read_file(p.is_absolute() ? p : ctx.cwd / p).value_or_throw();
  }
  auto data = release::context_from_json(text, o.from_context).value_or_throw();
  std::vector<release::RenderedSection> sections;
  for (const auto& d : data) {
    release::RenderedSection r{d.field("version")->as_text(), tmpl.render(d), std::nullopt};
    sections.push_back(std::move(r));
  }
  return sections;
}

// Where -o writes: "-" (the output stream) and absolute paths as given,
// others relative to base.
std::filesystem::path output_path(const std::string& path, const std::filesystem::path& base) {
  return path == "-" || std::filesystem::path(path).is_absolute() ? std::filesystem::path(path) : base / path;
}

int run_changelog(const ChangelogOptions& o, Context& ctx) {
  release::Settings s = settings(ctx);
  std::filesystem::path root = ctx.repo ? ctx.repo->workdir() : ctx.cwd;
  release::Template tmpl = release::load_template(s, root);
  if (!o.from_context.empty() && (o.context || o.unreleased || o.latest || o.current || !o.range.empty() ||
                                  !o.from.empty() || !o.to.empty() || !o.tag.empty() || !o.packages.empty()))
    throw usage_error("--from-context renders the sections it is given: it takes no option that chooses them");
  std::vector<release::RenderedSection> sections =
      o.from_context.empty() ? history_sections(o, s, tmpl, ctx) : context_sections(o, tmpl, ctx);

  if (o.context) {
    if (o.prepend) throw usage_error("--context prints JSON: it does not go with --prepend");
    std::vector<release::Data> data;
    for (auto& sec : sections) data.push_back(std::move(*sec.data));
    std::string json = release::context_json(data);
    if (o.output.empty()) ctx.out << json;
    else fs::write_file(output_path(o.output, ctx.cwd), json, {.dash = &ctx.out, .shown = o.output}).value_or_throw();
    return status(Exit::ok);
  }

  // -o is relative to the current directory; the configured changelog to
  // the repository's root.
  std::string path = o.output;
  std::filesystem::path base = ctx.cwd;
  if (path.empty() && o.prepend) {
    if (!o.from_context.empty()) throw usage_error("--from-context with --prepend needs -o FILE");
    auto list = units(s, o.packages);
    path = list.front()->changelog_path;
    base = root;
  }
  if (path.empty()) {
    for (const auto& sec : sections) ctx.out << sec.text;
    return status(Exit::ok);
  }
  std::filesystem::path full = output_path(path, base);
  std::string text;
  if (o.prepend) {
    if (path == "-") throw usage_error("--prepend needs a file, not the standard output");
    std::string existing = fs::read_for_update(full, "prepend to", path).value_or_throw().value_or("");
    std::string fresh, unreleased;
    for (const auto& sec : sections) {
      if (!sec.version.empty() && release::has_version_heading(existing, sec.version)) {
        // A new release replaces the file's Unreleased section, so the
        // current one goes back in with it.
        if (sec.version == "Unreleased" && release::has_unreleased_section(existing)) unreleased = sec.text;
        log::info("changelog already has " + sec.version + "; not added again");
        continue;
      }
      fresh += sec.text;
    }
    if (fresh.empty()) {
      ctx.err << "keel: nothing to add to " << quote(path) << ": every version is already there\n";
      return status(Exit::nothing_to_do);
    }
    fresh.insert(0, unreleased);
    text = existing.empty() ? std::string(release::default_header()) + fresh : release::prepend(existing, fresh);
  } else {
    // keel's changelog has a header and no footer: --strip header or all drops it.
    if (o.strip != "header" && o.strip != "all") text = release::default_header();
    for (const auto& sec : sections) text += sec.text;
  }
  fs::write_file(full, text, {.dash = &ctx.out, .shown = path}).value_or_throw();
  return status(Exit::ok);
}

int run_release(const ReleaseOptions& o, Context& ctx) {
  const git::Repository& repo = repo_of(ctx);
  release::Settings s = settings(ctx);
  release::PerformOptions p;
  p.dry_run = o.dry_run;
  p.no_commit = o.no_commit;
  p.no_tag = o.no_tag;
  p.push = o.push;
  p.sign = o.sign;
  p.next = next_options(o.version);
  p.packages = o.version.packages;
  p.now = now(ctx);
  auto shell = ctx.config.get_list("process.shell");
  if (!shell.empty()) p.shell = shell;
  return release::perform(repo, s, p, ctx.out, ctx.err);
}

void add_version_options(CLI::App* app, VersionOptions& v, bool with_as) {
  app->add_option("--pre", v.pre, "Release a pre-release X.Y.Z-ID.N, e.g. --pre rc")->type_name("ID");
  app->add_option("--build", v.build, "Append build metadata: X.Y.Z+META")->type_name("META");
  if (with_as)
    app->add_option("--as", v.as, "Bump this way or release this version instead of what the commits say")
        ->type_name("major|minor|patch|X.Y.Z");
  app->add_option("--package", v.packages, "Only this monorepo package (repeatable)")
      ->type_name("NAME")
      ->allow_extra_args(false);
}

const char* k_group_description =
    "Semantic-version releases from Conventional Commits. The last release is the highest stable version among "
    "the tags that match release.tag_template (default v{version}) and are reachable from HEAD; tags that are not "
    "versions, tags on unmerged branches and pre-release tags do not count. The commits since it (merges walked "
    "through all their parents, and merge messages read like any other) decide the bump as semantic-release's "
    "commit analyzer does: a breaking change is major: a note, that is a line anywhere after the header that "
    "starts with 'BREAKING CHANGE:' or 'BREAKING-CHANGE:' in any case (it runs on over the following paragraphs), "
    "or '!' before the colon (keel's addition); then feat is minor, fix and perf patch, other types nothing "
    "(release.types changes the map; types match in their case or all upper case), and a revert that says "
    "'This reverts commit <id>' is a patch (the revert entry). While the major version is 0, a breaking change "
    "is minor unless release.zero_major_breaking is major. A 'Release-As: X.Y.Z' footer sets the version. A "
    "revert and the commit it reverts cancel each other when both are in the range and the header and full id "
    "that the revert names are exactly that commit's (-v names the pairs). Messages that bump nothing and are "
    "not Conventional Commits are listed with -v. Tags that do not match the tag template are named in a "
    "warning when no tag does. Without any release tag the next version is release.initial_version "
    "(0.1.0).\n\n"
    "--pre rc makes X.Y.Z-rc.N: X.Y.Z is the next stable version and N is one more than the highest rc tag of "
    "X.Y.Z (1 for the first); when new commits raise X.Y.Z, N starts again at 1. A release without --pre after "
    "pre-releases promotes to X.Y.Z.\n\n"
    "Without a subcommand keel releases: it checks that the work tree is clean, that the branch is one of "
    "release.branches (main, master) and that HEAD is not released yet; runs release.before (with KEEL_VERSION, "
    "KEEL_PREVIOUS_VERSION and KEEL_TAG set); writes the version into the [[release.files]] entries (presets "
    "package.json, Cargo.toml, pyproject.toml, meson.build, VERSION, or path and regex with a group "
    "(?<version>...); each must match exactly once, or count times, or nothing is written); prepends the "
    "release's section to release.changelog.path; commits with release.commit_message (git commit --no-verify); "
    "makes an annotated tag whose message is the section; runs release.after; and with --push pushes branch "
    "and tag with git push --atomic. --sign signs the commit and the tag with the user's git setup. "
    "--no-commit only writes the files (and so makes no tag).\n\n"
    "All or nothing: when a step fails, files, index, branch and tags are put back as they were. A failed push "
    "keeps the local commit and tag and prints the command that pushes them. --dry-run prints the plan and the "
    "changelog section and changes nothing.\n\n"
    "Monorepos: each [release.packages.NAME] with path = \"DIR\" is versioned from the commits that change DIR, "
    "with tags from its tag_template (default {package}@{version}) and its own changelog (DIR/CHANGELOG.md). "
    "keel release releases every package with releasable changes in one commit, or those named by --package.\n\n"
    "A shallow clone is refused (exit 2) because the history since the last release may be missing: fetch it "
    "with git fetch --unshallow --tags. So is a history whose release commits have no tags (git fetch --tags).\n\n"
    "Exit status: 0 done, 1 a step failed, 2 bad usage, configuration or repository state, 3 nothing to release.";

const char* k_next_description =
    "Prints the next version and exits 0. With nothing to release it prints nothing on standard output, says why "
    "on standard error and exits 3. --json prints {\"current\": \"1.2.3\" or null, \"next\": \"1.3.0\" or null, "
    "\"bump\": \"major|minor|patch|none\", \"tag\": \"v1.3.0\" or null, \"commits\": N, \"breaking\": "
    "true|false, \"decided_by\": [{\"id\", \"header\", \"bump\"}]}, where commits counts the commits since the "
    "last release (merges included) and decided_by lists those whose own bump is the release's. In a monorepo each "
    "line is 'NAME VERSION', and --json prints an array whose objects also have \"package\".";

const char* k_changelog_description =
    "Prints the changelog in Markdown, newest release first: an Unreleased section for commits since the last "
    "tag, then a section per version tag reachable from HEAD with the date of its commit. Pre-release tags "
    "older than the last stable release are folded into it. Entries are grouped: breaking changes first, then "
    "release.changelog.sections in order (Features, Bug Fixes, Performance, Reverts by default; other types "
    "are hidden), each with its scope and short hash. When the origin remote (release.remote) is on GitHub, "
    "GitLab, Gitea/Codeberg or Bitbucket, hashes link to the commits, #N references and Closes/Fixes/Refs "
    "footers to the issues, and headings to the comparison with the previous release.\n\n"
    "--unreleased prints only the Unreleased section; --latest only the newest release; --current only the "
    "release HEAD is tagged as (exit 3 when HEAD has no version tag); --tag VERSION shows the unreleased commits "
    "as VERSION, dated today, as git-cliff's --tag does; --from REV and --to REV are the range REV..TO; "
    "--strip header (or all) leaves out the header of a written changelog (keel writes no footer); "
    "--include-path GLOB keeps only commits that change a matching file and --exclude-path GLOB leaves out "
    "commits whose changed files all match (globs as in hooks: '*' stops at '/', '**' crosses it), and a "
    "release left with no commit is left out, as git-cliff does; --context prints the data the template "
    "receives as JSON (docs/changelog-context.schema.json) and --from-context FILE (or -) renders such JSON; --range A..B one section for those commits (titled by B "
    "when B is a version tag). -o FILE writes a whole changelog to FILE (through a symlink, keeping it; into a FIFO or device as a stream; - is standard output). --prepend adds the sections to the "
    "top of FILE (default release.changelog.path), below its '# ' title, keeping every byte of it and skipping "
    "versions that already have a heading there; an Unreleased section at the top ('## Unreleased', "
    "'## [Unreleased]') is replaced by the new sections.\n\n"
    "Template: release.changelog.template names a file with the template of one section, in keel's template "
    "language: {{name}} inserts a value; {{#name}}...{{/name}} repeats for each item of a list or shows once "
    "when the value is non-empty or true; {{^name}}...{{/name}} shows when it is empty, false or unset; {{! "
    "...}} is a comment. A line with only section tags disappears. Values: version, tag, previous_tag, date, "
    "unreleased, compare_url, empty, groups (title, breaking, commits (id, short_id, commit_url, type, scope, "
    "description, text, breaking, breaking_description, issues (number, url))). SOURCE_DATE_EPOCH, when set, "
    "is the date of a new release.";

}  // namespace

void setup_release(CLI::App& app, Runner& chosen) {
  app.require_subcommand(0, 1);
  set_long_description(&app, k_group_description);
  auto rel = std::make_shared<ReleaseOptions>();
  add_version_options(&app, rel->version, true);
  app.add_flag("-n,--dry-run", rel->dry_run, "Print the plan and the changelog section; change nothing");
  app.add_flag("--no-commit", rel->no_commit, "Write the files only: no commit and no tag");
  app.add_flag("--no-tag", rel->no_tag, "Commit without tagging");
  app.add_flag("--push", rel->push, "Push the branch and the tag to release.remote");
  app.add_flag("--sign", rel->sign, "Sign the commit and the tag (git commit -S, git tag -s)");
  CLI::App* self = &app;
  app.parse_complete_callback([&chosen, rel, self] {
    if (self->get_subcommands().empty()) chosen = [rel](Context& c) { return run_release(*rel, c); };
  });

  auto next = std::make_shared<NextOptions>();
  auto* n = app.add_subcommand("next", "Print the next version from the commits since the last release");
  set_long_description(n, k_next_description);
  add_version_options(n, next->version, true);
  n->add_flag("--json", next->json, "Print current, next, bump, tag, commits and breaking as JSON");
  n->parse_complete_callback([&chosen, next] { chosen = [next](Context& c) { return run_next(*next, c); }; });

  auto log = std::make_shared<ChangelogOptions>();
  auto* c = app.add_subcommand("changelog", "Print or write the changelog from the history and its tags");
  set_long_description(c, k_changelog_description);
  c->add_flag("--unreleased", log->unreleased, "Only the commits since the last release");
  c->add_option("--range", log->range, "Only the commits of A..B")->type_name("A..B");
  c->add_flag("--latest", log->latest, "Only the newest release's section");
  c->add_flag("--current", log->current, "Only the section of the release HEAD is tagged as");
  c->add_option("--tag", log->tag, "Show the unreleased commits as this version, dated today")->type_name("VERSION");
  c->add_option("--from", log->from, "Only the commits after REV (with --to: REV..TO)")->type_name("REV");
  c->add_option("--to", log->to, "Only the commits up to REV (default HEAD)")->type_name("REV");
  c->add_option("--include-path", log->include_paths, "Only commits that change a file matching GLOB (repeatable)")
      ->type_name("GLOB");
  c->add_option("--exclude-path", log->exclude_paths, "Leave out commits that change only files matching GLOB")
      ->type_name("GLOB");
  c->add_flag("--context", log->context, "Print the data the template receives, as JSON, instead of Markdown");
  c->add_option("--from-context", log->from_context, "Render the sections of JSON that --context printed")
      ->type_name("FILE|-");
  c->add_option("--strip", log->strip, "Leave out the header, the footer or all of them when writing a file")
      ->type_name("header|footer|all");
  c->add_option("-o,--output", log->output, "Write to FILE instead of standard output")->type_name("FILE");
  c->add_flag("--prepend", log->prepend, "Add new sections to the top of FILE, keeping the rest");
  c->add_option("--package", log->packages, "Only this monorepo package")->type_name("NAME")->allow_extra_args(false);
  c->parse_complete_callback([&chosen, log] { chosen = [log](Context& x) { return run_changelog(*log, x); }; });
}

}  // namespace keel::cmd
