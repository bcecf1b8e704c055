// keel dist: the release's archives, checksum file, signatures and
// manifest (src/dist/), built into a staging directory and moved into the
// output directory only when everything is there.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "commands/groups.hpp"
#include "build_config.hpp"
#include "core/identity.hpp"
#include "commands/signing/common.hpp"
#include "commands/tasks.hpp"
#include "core/json.hpp"
#include "dist/build.hpp"
#include "dist/publish.hpp"
#include "pipeline/duration.hpp"
#include "pipeline/store.hpp"
#include "process/process.hpp"
#include "fs/fs.hpp"
#include "git/commit.hpp"
#include "git/config.hpp"
#include "git/refs.hpp"
#include "git/status.hpp"
#include "git/tags.hpp"
#include "release/history.hpp"
#include "semver/semver.hpp"
#include "update/patch.hpp"
#include "log/log.hpp"
#include "crypto/sha256.hpp"

namespace keel::cmd {

namespace stdfs = std::filesystem;

namespace {

struct DistOptions {
  std::string version;
  std::vector<std::string> targets;
  bool snapshot = false;
  bool clean = false;
  bool dry_run = false;
  bool json = false;
  std::string channel;           // --channel: also write update/CHANNEL/manifest.json
  std::string expires = "14d";   // --expires
  std::optional<std::uint64_t> serial;  // --serial; default: the time of signing
  std::string patch_from;               // --patch-from: an earlier keel dist's output directory
};

std::string short_id(const std::string& full) { return full.substr(0, 7); }

// A release is built from its commit: the provenance names it, and anyone
// rebuilding it gets the commit's files, not these.
void refuse_uncommitted_changes(const git::Repository& repo) {
  auto staged = git::staged_changes(repo).value_or_throw();
  auto unstaged = git::unstaged_changes(repo).value_or_throw();
  const auto* first = !staged.empty() ? &staged.front() : !unstaged.empty() ? &unstaged.front() : nullptr;
  if (!first) return;
  throw usage_error("the work tree has uncommitted changes (" + quote(first->path) +
                        "): a release is built from its commit",
                    "commit or stash them, or build with --snapshot");
}

// The version to build: --version, dist.version, a snapshot of the next
// release, or the release tag on HEAD.
std::string choose_version(const DistOptions& o, const dist::Settings& s, Context& ctx,
                           const std::optional<git::Oid>& head) {
  std::string commit = head ? head->hex() : std::string();
  std::string given = !o.version.empty() ? o.version : s.version;
  if (!given.empty() && !o.snapshot) {
    if (given.front() == 'v') given.erase(0, 1);
    auto parsed = semver::parse(given);
    if (!parsed) throw usage_error(parsed.error().message);
    return semver::to_string(*parsed);
  }
  git::Repository* repo = repository(ctx);
  if (!repo || commit.empty())
    throw usage_error("keel dist needs a version outside a git repository", "pass --version X.Y.Z");
  auto settings = release::settings_from_config(ctx.config).value_or_throw();
  auto tags = git::list_tags(*repo, git::KindCheck::when_used).value_or_throw();
  release::NextOptions next;
  next.initial = settings.root.initial;
  auto plan = release::make_plan(*repo, *head, settings.root, tags, settings.rules, next, settings.commit_message)
                  .value_or_throw();
  if (o.snapshot) {
    // A snapshot sorts after the last release: the next version, or at
    // least the next patch.
    semver::Version base = settings.root.initial;
    if (!given.empty()) {
      base = semver::parse(given.front() == 'v' ? given.substr(1) : given).value_or_throw();
    } else if (plan.next.version) {
      base = *plan.next.version;
    } else if (plan.next.current) {
      base = *plan.next.current;
      ++base.patch;
    }
    base.prerelease.clear();
    base.build.clear();
    return semver::to_string(base) + "-snapshot+" + short_id(commit);
  }
  if (plan.last && plan.last->commit == *head) {
    refuse_uncommitted_changes(*repo);
    return semver::to_string(plan.last->tag.version);
  }
  throw usage_error("HEAD is not a release: no release tag points at it",
                    "tag it with keel release, or build with --snapshot or --version X.Y.Z");
}

std::int64_t source_date(const dist::Settings& s, Context& ctx) {
  auto env = ctx.env.find("SOURCE_DATE_EPOCH");
  if (env != ctx.env.end() && !env->second.empty()) {
    const std::string& t = env->second;
    bool digits = t.size() <= 12 && t.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) throw usage_error("invalid SOURCE_DATE_EPOCH " + quote(t) + ": expected seconds since 1970");
    return std::stoll(t);
  }
  if (s.source_date_epoch) return *s.source_date_epoch;
  git::Repository* repo = repository(ctx);
  if (repo) {
    git::Head h = git::head(*repo).value_or_throw();
    if (h.commit) return git::lookup_commit(*repo, *h.commit).value_or_throw().committer.time;
  }
  throw usage_error("keel dist has no source date outside a git repository",
                    "set SOURCE_DATE_EPOCH or dist.source_date_epoch");
}

std::optional<git::Oid> head_commit(Context& ctx) {
  git::Repository* repo = repository(ctx);
  if (!repo) return std::nullopt;
  return git::head(*repo).value_or_throw().commit;
}

// The headers of the conventional commits since the previous release tag,
// for the changelog.Debian keel writes.
std::vector<std::string> release_changes(Context& ctx, const std::optional<git::Oid>& head) {
  git::Repository* repo = repository(ctx);
  if (!repo || !head) return {};
  auto settings = release::settings_from_config(ctx.config).value_or_throw();
  auto tags = git::list_tags(*repo, git::KindCheck::when_used).value_or_throw();
  std::vector<git::Oid> hide;
  for (const auto& t : release::version_tags(tags, settings.root))
    if (t.commit != *head) hide.push_back(t.commit);
  std::vector<release::Change> changes;
  if (!release::collect_changes(*repo, *head, hide, "", changes)) return {};
  std::vector<std::string> out;
  for (const auto& c : changes)
    if (!c.message.type.empty() && out.size() < 100) out.push_back(c.message.header);
  return out;
}

// The provenance's source: remote.origin.url (credentials removed) as a
// git+ URI, the same on every machine that cloned from it.
std::string source_uri(Context& ctx) {
  git::Repository* repo = repository(ctx);
  if (!repo) return {};
  auto config = git::Config::snapshot(*repo);
  if (!config) return {};
  auto url = config->get_string("remote.origin.url");
  if (!url || !*url || (*url)->empty()) return {};
  std::string text = **url;
  // "https://user:token@host/x.git" names the host and path only.
  if (std::size_t scheme = text.find("://"); scheme != std::string::npos) {
    std::size_t start = scheme + 3, end = text.find('/', start);
    std::size_t at = text.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at != std::string::npos && at >= start) text.erase(start, at + 1 - start);
  }
  return "git+" + text;
}

// A signer that loads the key once, before anything is built: a missing
// key or a wrong password stops keel dist while nothing is written.
dist::Signer make_signer(const dist::Settings& s, const dist::Release& r, Context& ctx) {
  if (s.sign == dist::SignWhat::none) return {};
  auto key = std::make_shared<crypto::SecretKey>(signing::load_secret_key(s.sign_key, {}, ctx));
  std::int64_t when = r.source_date;
  return [key, when](const stdfs::path& file) -> Result<std::string> {
    std::ifstream data(file, std::ios::binary);
    if (!data) return Error{"cannot read " + quote(file.string()), {}, Exit::io};
    auto alg = crypto::SigAlg::prehashed;
    // The source date, not the clock: the same commit gives the same signature.
    auto sig = crypto::sign(*key, data, alg, crypto::default_trusted_comment(when, file.filename().string(), alg),
                            "signature from keel dist");
    if (!sig) return sig.error();
    return crypto::signature_file(*sig);
  };
}

// dist.output_dir, relative to the project root unless absolute.
stdfs::path output_dir_of(const dist::Settings& s, const stdfs::path& root) {
  return stdfs::path(s.output_dir).is_absolute() ? stdfs::path(s.output_dir) : root / s.output_dir;
}

// output_dir must be empty (or missing); --clean empties it first, unless it
// is the project itself or holds it.
void prepare_output(const stdfs::path& out, const stdfs::path& root, bool clean) {
  std::error_code ec;
  if (clean && stdfs::exists(out, ec)) {
    auto canonical_out = stdfs::weakly_canonical(out, ec);
    auto canonical_root = stdfs::weakly_canonical(root, ec);
    auto rel = canonical_root.lexically_relative(canonical_out);
    if (canonical_out == canonical_out.root_path() || (!rel.empty() && !rel.string().starts_with("..")))
      throw usage_error("refusing to clean " + quote(out.string()) + ": it holds the project",
                        "set dist.output_dir to a directory of its own");
    stdfs::remove_all(out, ec);
    if (ec) throw Failure("cannot remove " + quote(out.string()) + ": " + ec.message(), Exit::io);
  }
  if (stdfs::exists(out, ec) && !stdfs::is_directory(out, ec))
    throw Failure("the output directory " + quote(out.string()) + " is not a directory", Exit::io);
  if (stdfs::exists(out, ec) && !stdfs::is_empty(out, ec))
    throw usage_error("the output directory " + quote(out.string()) + " is not empty",
                      "remove it, or run keel dist --clean");
  stdfs::create_directories(out, ec);
  if (ec) throw Failure("cannot create " + quote(out.string()) + ": " + ec.message(), Exit::io);
  if (::access(out.c_str(), W_OK) != 0)
    throw Failure("cannot write to the output directory " + quote(out.string()), Exit::io);
}

// The staging directory inside output_dir, removed with whatever is left
// in it when keel dist stops.
class Staging {
 public:
  explicit Staging(const stdfs::path& out) {
    std::string tmpl = (out / ".keel-dist-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw Failure("cannot write to " + quote(out.string()) + ": " + std::strerror(errno), Exit::io);
    m_path = tmpl;
  }
  ~Staging() {
    std::error_code ec;
    stdfs::remove_all(m_path, ec);
  }
  const stdfs::path& path() const { return m_path; }

 private:
  stdfs::path m_path;
};

void print_plan(const std::vector<dist::Planned>& planned, const dist::Release& r, const std::string& out_dir,
                const dist::Settings& s, std::ostream& out) {
  out << "keel dist would build " << r.name << ' ' << r.version << " (source date " << r.source_date
      << (r.commit.empty() ? "" : ", commit " + short_id(r.commit)) << ") into " << out_dir << "/\n";
  for (const auto& p : planned) {
    std::size_t files = 0;
    for (const auto& e : p.entries) files += e.kind != dist::EntryKind::dir;
    out << "  " << p.name << "  (" << (p.kind == dist::Kind::package ? "deb" : dist::format_name(p.format)) << ", " << p.target.text() << ", " << files
        << (files == 1 ? " file" : " files") << ")\n";
    for (const auto& e : p.entries) {
      if (p.kind == dist::Kind::binary) break;
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", e.mode);
      out << "      " << mode << ' ' << e.path << (e.kind == dist::EntryKind::dir ? "/" : "")
          << (e.kind == dist::EntryKind::symlink ? " -> " + e.link_target : "") << '\n';
    }
  }
  if (!planned.empty()) {
    auto sums = dist::expand(s.checksum_template, {r.name, r.version, "", ""});
    out << "  " << (sums ? *sums : s.checksum_template) << "  (" << s.checksum_algorithm << ")\n";
    out << "  " << r.name << '_' << r.version << "_provenance.intoto.json\n";
    if (s.sign != dist::SignWhat::none)
      out << "  " << (s.sign == dist::SignWhat::all ? "a .minisig for every file"
                                                     : "a .minisig for the checksum file and the provenance")
          << '\n';
  }
  out << "  manifest.json\n";
}

// A zstd patch beside the update manifest for each platform the earlier
// release in `previous_dir` has a binary for, from that binary to this one.
void add_patches(update::Manifest& m, const std::vector<dist::Artifact>& artifacts, const stdfs::path& previous_dir,
                 const stdfs::path& out_dir, const stdfs::path& dir, Context& ctx) {
  stdfs::path listing = previous_dir / "manifest.json";
  std::string shown = fs::display_path(listing, ctx.cwd);
  auto previous = dist::read_previous_release(fs::read_file(listing).value_or_throw(), shown).value_or_throw();
  for (const auto& a : artifacts) {
    if (a.kind != dist::Kind::binary) continue;
    std::string platform = a.os + "/" + a.arch;
    auto old = std::find_if(previous.binaries.begin(), previous.binaries.end(),
                            [&](const dist::PreviousBinary& b) { return b.platform == platform; });
    if (old == previous.binaries.end()) {
      log::warn(shown + " has no binary for " + platform + ": no patch for it");
      continue;
    }
    std::string old_bytes = fs::read_file(previous_dir / old->name, 1u << 30).value_or_throw();
    if (crypto::hex(crypto::sha256(old_bytes)) != old->sha256)
      throw Failure(quote((previous_dir / old->name).string()) + " is not the file " + shown + " lists", Exit::failed);
    std::string new_bytes = fs::read_file(out_dir / a.name, 1u << 30).value_or_throw();
    auto made = update::make_patch(old_bytes, new_bytes);
    if (!made) {  // a release without a patch still updates, by full download
      log::warn(made.error().message + ": no patch for " + platform);
      continue;
    }
    std::string patch = std::move(*made);
    std::string name = a.name + ".from-" + previous.version + ".zst";
    fs::write_file(dir / name, patch).value_or_throw();
    m.platforms.at(platform).patch =
        update::Patch{previous.version, name, patch.size(), crypto::hex(crypto::sha256(patch))};
  }
}

// What --channel needs, loaded and checked before anything is built: a
// mistake found afterwards would leave a release without its manifest.
struct UpdateInputs {
  std::chrono::seconds lifetime{};
  crypto::SecretKey key;
};

std::optional<UpdateInputs> update_inputs(const DistOptions& o, const dist::Settings& s,
                                          const std::vector<dist::Planned>& planned, Context& ctx) {
  if (o.channel.empty()) return std::nullopt;
  auto lifetime = pipeline::parse_duration(o.expires);
  if (!lifetime) throw usage_error("--expires: " + lifetime.error().message);
  if (std::none_of(planned.begin(), planned.end(), [](const dist::Planned& p) { return p.kind == dist::Kind::binary; }))
    throw Failure("--channel needs a binary artifact to update to", Exit::config,
                  "add [[dist.archives]] with format = \"binary\"");
  if (!o.patch_from.empty()) {
    stdfs::path listing = stdfs::path(o.patch_from) / "manifest.json";
    dist::read_previous_release(fs::read_file(listing).value_or_throw(), fs::display_path(listing, ctx.cwd))
        .value_or_throw();
  }
  return UpdateInputs{std::chrono::duration_cast<std::chrono::seconds>(*lifetime),
                      signing::load_secret_key(s.sign_key, {}, ctx)};
}

// update/CHANNEL/manifest.json and its signature, for keel self update:
// signed now (not at the source date: it is re-signed to stay fresh) with
// dist.sign.key or KEEL_SIGNING_KEY.
void write_update_manifest(const DistOptions& o, const UpdateInputs& in, const dist::Release& r,
                           const std::vector<dist::Artifact>& artifacts, const stdfs::path& out_dir, Context& ctx) {
  std::int64_t now = std::time(nullptr);
  auto m = dist::update_manifest(r, artifacts, o.channel, o.serial.value_or(static_cast<std::uint64_t>(now)),
                                 now + in.lifetime.count())
               .value_or_throw();
  stdfs::path dir = out_dir / "update" / o.channel;
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) throw Failure("cannot create " + quote(dir.string()) + ": " + ec.message(), Exit::io);
  if (!o.patch_from.empty()) add_patches(m, artifacts, o.patch_from, out_dir, dir, ctx);
  std::string text = update::manifest_json(m);
  std::istringstream data(text);
  auto sig = crypto::sign(in.key, data, crypto::SigAlg::prehashed,
                          crypto::default_trusted_comment(now, "manifest.json", crypto::SigAlg::prehashed),
                          "keel update manifest, " + o.channel + " channel")
                 .value_or_throw();
  // The signature first: a manifest is never there without it.
  fs::write_file(dir / "manifest.json.minisig", crypto::signature_file(sig)).value_or_throw();
  fs::write_file(dir / "manifest.json", text).value_or_throw();
}

int run_dist(const DistOptions& o, Context& ctx) {
  auto s = dist::settings_from_config(ctx.config).value_or_throw();
  for (const auto& t : o.targets) s.targets.push_back(dist::parse_target(t).value_or_throw());
  if (!o.targets.empty()) s.targets.erase(s.targets.begin(), s.targets.end() - static_cast<long>(o.targets.size()));
  if (s.archives.empty() && s.packages.empty())
    throw Failure("nothing to build: keel.toml has no [[dist.archives]] or [[dist.packages]]", Exit::nothing_to_do,
                  "add one, see keel-dist(1)");
  stdfs::path root = ctx.project_root.value_or(ctx.cwd);
  dist::Release r;
  r.name = s.name.empty() ? root.filename().string() : s.name;
  auto head = head_commit(ctx);
  r.commit = head ? head->hex() : std::string();
  r.version = choose_version(o, s, ctx, head);
  r.source_date = source_date(s, ctx);
  r.tool = "keel " + std::string(identity::version());
  if (!s.packages.empty()) r.changes = release_changes(ctx, head);
  r.snapshot = o.snapshot;
  r.source_uri = source_uri(ctx);
  if (const config::Value* table = ctx.config.find("dist")) r.config_json = table->render_json();
  stdfs::path out_dir = output_dir_of(s, root);

  if (!s.before.empty() && !o.dry_run) {
    int rc = run_tasks(ctx, s.before);
    if (rc != 0) throw Failure("a task of dist.before failed: nothing was built", static_cast<Exit>(rc));
  }
  auto planned = dist::plan(s, r, root).value_or_throw();
  if (o.dry_run) {
    print_plan(planned, r, fs::display_path(out_dir, ctx.cwd), s, ctx.out);
    return status(Exit::ok);
  }
  auto update = update_inputs(o, s, planned, ctx);
  dist::BuildOptions options;
  options.root = root;
  options.signer = make_signer(s, r, ctx);
  prepare_output(out_dir, root, o.clean);
  Staging staging(out_dir);
  auto artifacts = dist::build(planned, s, r, staging.path(), options).value_or_throw();
  std::string manifest = dist::manifest_json(r, artifacts);
  fs::write_file(staging.path() / "manifest.json", manifest, {.mode = 0644}).value_or_throw();
  // The manifest goes last: whoever sees it sees every file it lists.
  for (const auto& a : artifacts) {
    std::error_code ec;
    stdfs::rename(staging.path() / a.name, out_dir / a.name, ec);
    if (ec) throw Failure("cannot move " + quote(a.name) + " into " + quote(out_dir.string()) + ": " + ec.message(), Exit::io);
  }
  fs::sync_directory(out_dir);
  std::error_code ec;
  stdfs::rename(staging.path() / "manifest.json", out_dir / "manifest.json", ec);
  if (ec) throw Failure("cannot move manifest.json into " + quote(out_dir.string()) + ": " + ec.message(), Exit::io);
  fs::sync_directory(out_dir);

  if (update) write_update_manifest(o, *update, r, artifacts, out_dir, ctx);

  if (o.json) {
    ctx.out << manifest;
    return status(Exit::ok);
  }
  std::string shown = fs::display_path(out_dir, ctx.cwd);
  for (const auto& a : artifacts)
    ctx.out << shown << '/' << a.name << "  " << pipeline::format_size(a.size) << '\n';
  ctx.out << shown << "/manifest.json\n";
  return status(Exit::ok);
}

struct PublishOptions {
  std::string url;
  std::string token_env = "KEEL_PUBLISH_TOKEN";
  std::string timeout = "60s";
  bool overwrite = false;
};

int run_publish(const PublishOptions& o, Context& ctx) {
  auto s = dist::settings_from_config(ctx.config).value_or_throw();
  stdfs::path root = ctx.project_root.value_or(ctx.cwd);
  stdfs::path dir = output_dir_of(s, root);
  dist::PublishOptions p;
  p.url = o.url;
  p.overwrite = o.overwrite;
  auto timeout = pipeline::parse_duration(o.timeout);
  if (!timeout) throw usage_error(timeout.error().message);
  p.timeout = *timeout;
  p.cancelled = [] { return process::interrupted(); };
  auto token = ctx.env.find(o.token_env);
  if (token != ctx.env.end() && !token->second.empty()) p.token = token->second;
  auto report = dist::publish(dir, p, ctx.out).value_or_throw();
  if (!ctx.globals.quiet)
    ctx.err << "keel: published " << report.uploaded.size() << " files, " << report.skipped.size()
            << " already there\n";
  return status(Exit::ok);
}

const char* k_publish_description =
    "Uploads what keel dist wrote, every file manifest.json lists and then manifest.json itself, with HTTP PUT "
    "to URL/NAME: a WebDAV server (nginx's dav_methods PUT), or any server or presigned-URL prefix that takes "
    "PUT (a query string after the URL stays after each NAME). The bearer token comes from the variable "
    "--token-env names (default KEEL_PUBLISH_TOKEN). Each local file must still be the one the manifest "
    "describes. Publishing again is safe: a file the server has with the same bytes is skipped; a file it has "
    "with other bytes stops keel before anything is uploaded (exit 1), unless --overwrite, which first deletes "
    "the server's manifest.json so that no reader sees it while its files change. The manifest goes last: an "
    "upload that fails halfway leaves the server without one (exit 74).";

const char* k_description =
    "Builds the release's artifacts into dist.output_dir (default dist/): the archives of [[dist.archives]] for "
    "each target of dist.targets (default: this machine), a checksum file, minisign signatures (dist.sign) and "
    "manifest.json, which lists every artifact with its kind, format, os, arch, size and SHA-256, and the version, "
    "commit, source date and keel version. The version is the release tag on HEAD, dist.version, --version, or "
    "with --snapshot X.Y.Z-snapshot+SHORT_SHA (X.Y.Z: the next release). The tasks of dist.before run first.\n\n"
    "The artifacts are reproducible: keel makes every entry itself, sorted by path with each directory before "
    "its children, owned by root:root (0:0), mode 0755 for directories and executables and 0644 otherwise "
    "(unless mode says), every time the source date (SOURCE_DATE_EPOCH, else dist.source_date_epoch, else "
    "HEAD's commit time), gzip at libdeflate's level 9 in 4 MiB members compressed on every core (no name, no "
    "time), zstd at level 19 in 32 MiB frames with a 32 MiB window compressed on every core, xz at level 5 in "
    "24 MiB blocks compressed on every core (with xz's x86 filter first for amd64 and 386 targets), zip with UTC "
    "times. The same commit gives the same bytes in any time zone, umask, "
    "locale or build directory.\n\n"
    "An archive's files are paths or globs (relative to the project root; a directory brings its tree), or "
    "tables {src, dst, mode}: without dst a file keeps its path; a dst ending in '/' is a directory that "
    "receives the file, or a glob's matches below the glob's fixed leading directories. {os}, {arch}, {name} "
    "and {version} are filled in src, dst and name templates. Missing inputs, globs matching nothing, two files "
    "with one destination or a destination climbing out of the archive stop keel dist before anything is "
    "written. Everything is built in a staging directory inside the output directory and moved into place at "
    "the end, manifest.json last; the output directory must be empty (--clean empties it).\n\n"
    "With --channel NAME keel dist also writes update/NAME/manifest.json and its signature, the update manifest "
    "that keel self update reads: the version, a serial (--serial, default the time of signing), an expiry "
    "(--expires, default 14d) and, for each platform, the binary artifact's URL (relative to the manifest), size "
    "and SHA-256, signed with dist.sign.key or KEEL_SIGNING_KEY. keel dist publish uploads it after everything "
    "else. Schema: docs/update-manifest.schema.json.";

}  // namespace

void setup_dist(CLI::App& app, Runner& chosen) {
  set_long_description(&app, k_description);
  app.require_subcommand(0, 1);
  auto o = std::make_shared<DistOptions>();
  app.add_option("--version", o->version, "Build this version instead of the release tag on HEAD")->type_name("X.Y.Z");
  app.add_option("--target", o->targets, "Build for this os/arch instead of dist.targets (repeatable)")
      ->type_name("OS/ARCH")
      ->allow_extra_args(false);
  app.add_flag("--snapshot", o->snapshot, "Build without a release tag, as X.Y.Z-snapshot+SHORT_SHA");
  app.add_flag("--clean", o->clean, "Empty the output directory first");
  app.add_flag("-n,--dry-run", o->dry_run, "Print what would be built, with every entry; write nothing");
  app.add_flag("--json", o->json, "Print manifest.json instead of the list of files");
  app.add_option("--channel", o->channel,
                 "Also write the signed update manifest of this channel (update/CHANNEL/manifest.json) for keel "
                 "self update")
      ->type_name("NAME")
      ->check([](const std::string& c) -> std::string {
        return update::valid_channel(c) ? std::string() : "a channel is a lower-case name such as stable or beta";
      });
  app.add_option("--expires", o->expires, "How long the update manifest stays valid (default 14d)")
      ->type_name("DURATION");
  app.add_option("--patch-from", o->patch_from,
                 "With --channel: also make zstd patches from the binaries of this earlier keel dist output "
                 "directory (its manifest.json says which), for delta updates")
      ->type_name("DIR");
  app.add_option("--serial", o->serial, "The update manifest's serial (default: the time of signing, in seconds)")
      ->type_name("N");
  CLI::App* self = &app;
  app.parse_complete_callback([&chosen, o, self] {
    if (self->get_subcommands().empty()) chosen = [o](Context& c) { return run_dist(*o, c); };
  });

  auto p = std::make_shared<PublishOptions>();
  auto* pub = app.add_subcommand("publish", "Upload the artifacts and then manifest.json with HTTP PUT");
  set_long_description(pub, k_publish_description);
  pub->add_option("--to", p->url, "The URL the files go under")->type_name("URL")->required();
  pub->add_option("--token-env", p->token_env, "The variable holding the bearer token")->type_name("NAME");
  pub->add_option("--timeout", p->timeout, "Longest wait for the server to make progress (default 60s)")
      ->type_name("DURATION");
  pub->add_flag("--overwrite", p->overwrite, "Replace files the server has with other bytes");
  pub->parse_complete_callback([&chosen, p] { chosen = [p](Context& c) { return run_publish(*p, c); }; });
}

}  // namespace keel::cmd
