#include "commands/release/perform.hpp"

#include <optional>

#include "fs/fs.hpp"
#include "git/refs.hpp"
#include "git/status.hpp"
#include "git/tags.hpp"
#include "log/log.hpp"
#include "process/process.hpp"
#include "release/history.hpp"

namespace keel::release {

namespace {

namespace stdfs = std::filesystem;

// One unit's release as planned.
struct Planned {
  const Unit* unit = nullptr;
  Plan plan;
  std::string version;  // without build metadata stripping: as tagged
  std::string previous;
  std::string section;  // the rendered changelog section
};

// A file keel will write: its bytes before and after.
struct Edit {
  stdfs::path path;
  std::string shown;                    // as the user names it
  std::optional<std::string> original;  // nullopt: keel creates the file
  std::string updated;
  std::string staged;  // what git adds: the file itself when `shown` is a symlink
};

process::Outcome git_cmd(const git::Repository& repo, std::vector<std::string> args, std::string input = {}) {
  args.insert(args.begin(), "git");
  process::Command c = process::Command::program(std::move(args));
  c.cwd = repo.workdir();
  c.out = process::Output::capture();
  c.err = process::Output::capture();
  c.in = input.empty() ? process::Input::null() : process::Input::data(std::move(input));
  return process::run(c);
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

Failure git_failed(const std::string& what, const process::Outcome& o) { return Failure(process::failure(o, what)); }

// Everything a failed release must put back, in reverse order of doing.
class Undo {
 public:
  Undo(const git::Repository& repo, std::ostream& err) : m_repo(repo), m_err(err) {}
  Undo(const Undo&) = delete;
  Undo& operator=(const Undo&) = delete;

  void keep_files(const std::vector<Edit>& edits) { m_edits = &edits; }
  // Only files whose bytes differ from the original are restored, so that
  // untouched files keep their stat data too.
  void keep_index() {
    m_index_path = m_repo.git_dir() / "index";
    auto bytes = fs::read_file(m_index_path, std::size_t(1) << 31);
    if (bytes) m_index = std::move(bytes).value();
  }
  void created_commit(std::string ref, git::Oid before, git::Oid after) {
    m_ref = std::move(ref);
    m_before = before;
    m_after = after;
  }
  void created_tag(std::string tag) { m_tags.push_back(std::move(tag)); }

  // Puts everything back; says so on err. Problems undoing are reported,
  // never thrown: the original error is the one that matters.
  void run() {
    for (const auto& t : m_tags) {
      auto o = git_cmd(m_repo, {"tag", "-d", t});
      if (!o.ok()) m_err << "keel: warning: could not delete tag " << quote(t) << "; run: git tag -d " << t << '\n';
    }
    if (!m_ref.empty()) {
      auto o = git_cmd(m_repo, {"update-ref", "-m", "keel release: undo", m_ref, m_before.hex(), m_after.hex()});
      if (!o.ok())
        m_err << "keel: warning: could not reset " << quote(m_ref) << "; run: git update-ref " << m_ref << ' '
              << m_before.hex() << '\n';
    }
    // Only an index that changed is written back: it may be locked by
    // someone else when that is why the release failed.
    auto index_now = fs::read_file(m_index_path, std::size_t(1) << 31);
    if (m_index && !(index_now && *index_now == *m_index)) {
      if (!fs::write_file(m_index_path, *m_index, {.links = fs::Links::replace}))
        m_err << "keel: warning: could not restore the index; run: git reset -q\n";
    }
    if (m_edits) {
      for (const auto& e : *m_edits) {
        auto now = fs::read_file(e.path);
        if (e.original && now && *now == *e.original) continue;
        if (e.original) {
          if (!fs::write_file(e.path, *e.original, {.shown = e.shown}))
            m_err << "keel: warning: could not restore " << quote(e.shown) << '\n';
        } else {
          std::error_code ec;
          stdfs::remove(e.path, ec);
        }
      }
    }
    m_err << "keel: the release was undone; the repository is as it was\n";
  }

 private:
  const git::Repository& m_repo;
  std::ostream& m_err;
  const std::vector<Edit>* m_edits = nullptr;
  stdfs::path m_index_path;
  std::optional<std::string> m_index;
  std::string m_ref;
  git::Oid m_before, m_after;
  std::vector<std::string> m_tags;
};

void check_clean(const git::Repository& repo) {
  auto state = git::working_state(repo).value_or_throw();
  std::vector<std::string> dirty;
  for (const auto& c : state.staged) dirty.push_back(c.path);
  for (const auto& c : state.unstaged) dirty.push_back(c.path);
  if (dirty.empty()) return;
  std::string list;
  for (std::size_t i = 0; i < dirty.size() && i < 3; ++i) list += (i ? ", " : "") + quote(dirty[i]);
  if (dirty.size() > 3) list += ", ...";
  throw usage_error("work tree not clean: " + list, "commit or stash the changes first");
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? std::string(sep) : "") + items[i];
  return out;
}

void run_hooks(const std::vector<std::string>& commands, const std::string& key, const PerformOptions& o,
               const std::map<std::string, std::string>& env, const stdfs::path& cwd, std::ostream& err) {
  for (const auto& script : commands) {
    process::Command c = process::Command::shell_script(script, o.shell);
    c.cwd = cwd;
    c.env.set = env;
    c.out = process::Output::capture();
    c.err = process::Output::to_stdout();
    auto outcome = process::run(c);
    if (!outcome.out.empty()) err << outcome.out << (outcome.out.ends_with('\n') ? "" : "\n");
    if (outcome.start_error) throw Failure(key + " command " + quote(script) + ": " + outcome.start_error->message, Exit::failed);
    if (!outcome.ok())
      throw Failure(key + " command failed (exit " + std::to_string(outcome.exit_code) + "): " + quote(script),
                    Exit::failed);
  }
}

std::string read_or_throw(const stdfs::path& path, const std::string& shown) {
  auto r = fs::read_for_update(path, "update version file", shown);
  if (!r) throw Failure(r.error());
  if (!*r) throw Failure(Error{"cannot read version file " + quote(shown) + ": No such file or directory", {}, Exit::io});
  return std::move(**r);
}

}  // namespace

void report_plan(const Plan& plan, const Unit& unit) {
  for (const auto& line : plan.ignored) log::info("not a conventional commit, ignored: " + line);
  for (const auto& line : plan.cancelled) log::info("revert cancelled: " + line);
  if (plan.unmatched_tags.empty()) return;
  std::string names;
  for (const auto& t : plan.unmatched_tags) names += (names.empty() ? "" : ", ") + quote(t);
  std::string key = unit.name.empty() ? "release.tag_template" : "release.packages." + unit.name + ".tag_template";
  log::warn("no tag matches " + key + " " + quote(unit.tag.text()) + "; tags that do not: " + names +
            "; to use them, set: keel config set " + key + " " + quote(plan.suggested_template));
}

Template load_template(const Settings& settings, const stdfs::path& root) {
  std::string text(default_template());
  if (!settings.changelog_template.empty()) {
    stdfs::path p = settings.changelog_template;
    if (p.is_relative()) p = root / p;
    text = fs::read_file(p).value_or_throw();
    auto t = Template::parse(text);
    if (!t) throw usage_error(settings.changelog_template + ":" + t.error().message.substr(9));
    return std::move(t).value();
  }
  return Template::parse(text).value_or_throw();
}

int perform(const git::Repository& repo, const Settings& settings, const PerformOptions& o, std::ostream& out,
            std::ostream& err) {
  // Preconditions.
  git::Head head = git::head(repo).value_or_throw();
  if (head.unborn || !head.commit) throw usage_error("no commits yet: nothing to release");
  if (head.detached)
    throw usage_error("HEAD is detached: releases are made on a branch",
                      "check out one of: " + join(settings.branches, ", "));
  if (std::find(settings.branches.begin(), settings.branches.end(), head.branch) == settings.branches.end())
    throw usage_error("branch " + quote(head.branch) + " is not a release branch",
                      "release from " + join(settings.branches, ", ") + " or add it to release.branches");
  if (auto st = check_history_complete(repo); !st) throw Failure(st.error());
  check_clean(repo);

  stdfs::path root = repo.workdir();
  std::vector<git::Tag> tags = git::list_tags(repo, git::KindCheck::when_used).value_or_throw();
  Template tmpl = load_template(settings, root);
  ChangelogSettings cs = settings.changelog;
  cs.forge = forge_of(repo, settings.remote);

  // Which units.
  std::vector<const Unit*> units;
  if (settings.packages.empty()) {
    if (!o.packages.empty()) throw usage_error("no packages configured", "declare [release.packages.NAME] path = \"...\"");
    units.push_back(&settings.root);
  } else if (o.packages.empty()) {
    for (const auto& p : settings.packages) units.push_back(&p);
  } else {
    for (const auto& name : o.packages) {
      auto it = std::find_if(settings.packages.begin(), settings.packages.end(),
                             [&](const Unit& u) { return u.name == name; });
      if (it == settings.packages.end()) throw usage_error("unknown package " + quote(name));
      units.push_back(&*it);
    }
  }

  std::vector<Planned> planned;
  std::vector<std::string> reasons;
  for (const Unit* u : units) {
    NextOptions next = o.next;
    next.initial = u->initial;
    Plan plan = make_plan(repo, *head.commit, *u, tags, settings.rules, next, settings.commit_message).value_or_throw();
    report_plan(plan, *u);
    if (!plan.next.version) {
      reasons.push_back((u->name.empty() ? "" : u->name + ": ") + plan.next.reason);
      continue;
    }
    for (const auto& t : tags)
      if (t.name == plan.tag)
        throw check_failed("tag " + quote(plan.tag) + " already exists",
                           "the version was released elsewhere; fetch and merge it, or release with --as");
    Planned p;
    p.unit = u;
    p.version = semver::to_string(*plan.next.version);
    p.previous = plan.last ? semver::to_string(plan.last->tag.version) : "";
    Section s;
    s.version = p.version;
    s.tag = plan.tag;
    s.previous_tag = plan.last ? plan.last->tag.name : "";
    s.date = today(o.now);
    for (const auto& c : plan.changes) s.changes.push_back(&c);
    p.plan = std::move(plan);
    // s.changes point into the plan's vector, which moved with its buffer.
    tmpl.render(section_data(s, cs), p.section);
    planned.push_back(std::move(p));
  }
  if (planned.empty()) {
    for (const auto& r : reasons) err << "keel: nothing to release: " << r << '\n';
    return status(Exit::nothing_to_do);
  }

  // Every file's new bytes, before anything is written.
  std::vector<Edit> edits;
  for (const auto& p : planned) {
    for (const auto& rule : p.unit->files) {
      Edit e;
      e.path = root / rule.path;
      e.shown = rule.path;
      std::string content = read_or_throw(e.path, rule.path);
      e.updated = replace_version(rule, content, p.version).value_or_throw();
      e.original = std::move(content);
      edits.push_back(std::move(e));
    }
    if (!p.unit->changelog_path.empty()) {
      Edit e;
      e.path = root / p.unit->changelog_path;
      e.shown = p.unit->changelog_path;
      auto existing = fs::read_for_update(e.path, "prepend to", e.shown);
      if (!existing) throw Failure(existing.error());
      e.original = std::move(existing).value();
      if (e.original && has_version_heading(*e.original, p.version)) {
        log::warn("changelog " + quote(e.shown) + " already has " + p.version + "; left as it is");
        continue;
      }
      e.updated = e.original ? prepend(*e.original, p.section) : std::string(default_header()) + p.section;
      edits.push_back(std::move(e));
    }
  }

  std::vector<std::string> tag_names;
  for (const auto& p : planned) tag_names.push_back(p.plan.tag);
  std::string commit_version = planned.size() == 1 && planned[0].unit->name.empty() ? planned[0].version
                                                                                      : join(tag_names, ", ");
  std::string message = fill(settings.commit_message, commit_version, join(tag_names, ", "),
                             planned.size() == 1 ? planned[0].previous : std::string());
  bool make_commit = !o.no_commit;
  bool make_tag = !o.no_tag && !o.no_commit;

  // The plan.
  std::ostream& plan_out = o.dry_run ? out : err;
  for (const auto& p : planned) {
    plan_out << (o.dry_run ? "would release " : "releasing ") << (p.unit->name.empty() ? "" : p.unit->name + " ")
             << p.version << " (" << (p.previous.empty() ? "first release" : p.previous + " -> " + p.version + ", " +
                                                                              std::string(to_string(p.plan.next.bump)))
             << ")\n";
  }
  // Every target is checked before the first write: a read-only version
  // file or a changelog that is a directory stops the release (and a dry run) here.
  for (auto& e : edits) {
    auto t = fs::resolve_target(e.path, {.shown = e.shown});
    if (!t) throw Failure(t.error());
    auto rel = t->path.lexically_normal().lexically_relative(root.lexically_normal());
    if (rel.empty() || *rel.begin() == "..")
      throw Failure("cannot update " + quote(e.shown) + ": it links to " + quote(t->path.string()) +
                        ", outside the repository",
                    Exit::io);
    e.staged = rel.string();
  }
  if (o.dry_run) {
    if (!settings.before.empty()) out << "  run release.before: " << join(settings.before, "; ") << '\n';
    for (const auto& e : edits) out << "  " << (e.original ? "update " : "create ") << e.shown << '\n';
    if (make_commit) out << "  commit " << quote(first_line(message)) << '\n';
    if (make_tag)
      for (const auto& t : tag_names) out << "  tag " << t << (o.sign ? " (signed)" : " (annotated)") << '\n';
    if (!settings.after.empty()) out << "  run release.after: " << join(settings.after, "; ") << '\n';
    if (o.push) out << "  push " << head.branch << ' ' << join(tag_names, " ") << " to " << settings.remote << '\n';
    for (const auto& p : planned) out << '\n' << p.section;
    return status(Exit::ok);
  }

  std::map<std::string, std::string> env{{"KEEL_VERSION", planned[0].version},
                                         {"KEEL_PREVIOUS_VERSION", planned[0].previous},
                                         {"KEEL_TAG", planned[0].plan.tag}};
  Undo undo(repo, err);
  undo.keep_index();
  undo.keep_files(edits);
  try {
    run_hooks(settings.before, "release.before", o, env, root, err);
    for (const auto& e : edits) {
      auto st = fs::write_file(e.path, e.updated, {.shown = e.shown});
      if (!st) throw Failure(st.error());
    }
    if (make_commit) {
      if (!edits.empty()) {
        std::vector<std::string> add{"add", "--"};
        for (const auto& e : edits) {
          add.push_back(e.shown);
          if (e.staged != e.shown) add.push_back(e.staged);
        }
        auto added = git_cmd(repo, add);
        if (!added.ok()) throw git_failed("git add failed", added);
      }
      std::vector<std::string> commit{"commit", "--no-verify", "--allow-empty", "--cleanup=verbatim", "-q", "-F", "-"};
      if (o.sign) commit.push_back("-S");
      auto committed = git_cmd(repo, commit, message + "\n");
      if (!committed.ok()) throw git_failed("git commit failed", committed);
      git::Oid after = git::resolve_commit(repo, "HEAD").value_or_throw();
      undo.created_commit(head.ref, *head.commit, after);
    }
    if (make_tag) {
      for (const auto& p : planned) {
        auto tagged = git_cmd(repo, {"tag", o.sign ? "-s" : "-a", "--cleanup=verbatim", "-F", "-", p.plan.tag},
                              p.section);
        if (!tagged.ok()) throw git_failed("git tag " + quote(p.plan.tag) + " failed", tagged);
        undo.created_tag(p.plan.tag);
      }
    }
    run_hooks(settings.after, "release.after", o, env, root, err);
  } catch (const Failure&) {
    undo.run();
    throw;
  }

  for (const auto& p : planned)
    out << "released " << (p.unit->name.empty() ? "" : p.unit->name + " ") << p.version
        << (make_tag ? " as " + p.plan.tag : std::string()) << '\n';

  if (o.push) {
    std::vector<std::string> push{"push", "--atomic", settings.remote, head.ref};
    if (make_tag)
      for (const auto& t : tag_names) push.push_back("refs/tags/" + t);
    auto pushed = git_cmd(repo, push);
    if (!pushed.ok()) {
      std::string again = "git push --atomic " + settings.remote + " " + head.branch;
      if (make_tag) again += " " + join(tag_names, " ");
      auto f = git_failed("push to " + quote(settings.remote) + " failed", pushed);
      throw Failure(f.error().message + "; the release commit and tag are kept", Exit::failed, "push them with: " + again);
    }
  }
  return status(Exit::ok);
}

}  // namespace keel::release
