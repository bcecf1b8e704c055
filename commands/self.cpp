// keel self: check for, install and undo updates of keel itself, from a
// signed manifest (src/update/). Every check is in src/update/; this file
// reads options and config, asks, and prints.
#include <unistd.h>

#include <ctime>
#include <fstream>

#include "commands/groups.hpp"
#include "core/identity.hpp"
#include "core/json.hpp"
#include "fs/fs.hpp"
#include "log/log.hpp"
#include "pipeline/duration.hpp"
#include "process/process.hpp"
#include "update/fetch.hpp"
#include "update/install.hpp"
#include "update/manifest.hpp"
#include "update/notice.hpp"
#include "update/patch.hpp"
#include "crypto/sha256.hpp"
#include "update/state.hpp"

namespace keel::cmd {

namespace {

namespace stdfs = std::filesystem;

struct SelfOptions {
  std::string channel;  // --channel; empty: update.channel
  std::string to;       // --to VERSION
  bool allow_downgrade = false;
  bool yes = false;
  bool json = false;
  std::string manifest;   // verify-manifest FILE
  std::string signature;  // -x
};

// One "now" for every check of a run (TUF 5.1).
const std::time_t k_now = std::time(nullptr);

void require_self_update() {
  if (!identity::self_update_enabled())
    throw Failure("this keel was built without self-update (-Dself_update=false): the package manager that "
                  "installed it updates it",
                  Exit::usage, "use your package manager (apt-get, dnf, brew, nix, ...)");
}

update::FetchOptions fetch_options(const Context& ctx) {
  update::FetchOptions o;
  std::string url = ctx.config.get_string("update.url");
  if (url.empty()) url = std::string(identity::update_url());
  if (!url.empty()) o.urls.push_back(url);
  for (auto& mirror : ctx.config.get_list("update.urls")) o.urls.push_back(mirror);
  o.ca_file = ctx.config.get_string("update.ca_file");
  auto timeout = pipeline::parse_duration(ctx.config.get_string("update.timeout", "30s"));
  if (!timeout) throw Failure("update.timeout: " + timeout.error().message, Exit::config);
  o.timeout = *timeout;
  o.cancelled = [] { return process::interrupted(); };
  return o;
}

std::string channel_of(const SelfOptions& o, const Context& ctx) {
  return o.channel.empty() ? ctx.config.get_string("update.channel", "stable") : o.channel;
}

struct Checked {
  update::SignedManifest signed_manifest;
  update::Decision decision;
  std::string channel;
};

// Fetches, verifies and judges the manifest, and remembers its serial.
Checked check(const SelfOptions& o, const Context& ctx, const update::FetchOptions& fetch) {
  auto keys = update::trusted_keys(ctx.config.get_list("update.keys")).value_or_throw();
  auto m = update::fetch_manifest(fetch, keys).value_or_throw();
  std::string channel = channel_of(o, ctx);
  stdfs::path state = update::state_dir(ctx.env);
  update::Expectation e{channel,
                        update::this_platform(),
                        static_cast<std::int64_t>(k_now),
                        update::highest_serial(state, channel),
                        std::string(identity::version()),
                        o.to.empty() ? std::nullopt : std::optional(o.to),
                        o.allow_downgrade};
  auto d = update::decide(m.manifest, e).value_or_throw();
  if (auto s = update::remember_serial(state, channel, m.manifest.serial); !s)
    log::warn("cannot remember the manifest's serial: " + s.error().message);
  return {std::move(m), d, channel};
}

int run_check(const SelfOptions& o, Context& ctx) {
  auto c = check(o, ctx, fetch_options(ctx));
  const auto& m = c.signed_manifest.manifest;
  stdfs::path state = update::state_dir(ctx.env);
  auto notice = update::read_notice(state);
  notice.checked = k_now;
  notice.available = m.version;
  update::write_notice(state, notice);
  bool update = c.decision.verdict == update::Verdict::update;
  if (o.json) {
    ctx.out << "{\"current\": " << json::quote(identity::version()) << ", \"available\": " << json::quote(m.version)
            << ", \"update\": " << (update ? "true" : "false") << ", \"channel\": " << json::quote(c.channel)
            << ", \"serial\": " << m.serial << ", \"expires\": " << json::quote(update::format_utc_time(m.expires))
            << ", \"signed_by\": " << json::quote(c.signed_manifest.key_id) << "}\n";
  } else if (update) {
    ctx.out << "keel " << identity::version() << " is running; the " << c.channel << " channel has " << m.version
            << " (keel self update installs it)\n";
  } else {
    ctx.out << "keel " << identity::version() << " is up to date on the " << c.channel << " channel\n";
  }
  return update ? 0 : static_cast<int>(Exit::nothing_to_do);
}

bool confirm(const std::string& question, Context& ctx) {
  if (!::isatty(STDIN_FILENO) || !::isatty(STDERR_FILENO)) return true;
  ctx.err << question << " [y/N] " << std::flush;
  std::string answer;
  std::getline(ctx.in, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

// A line redrawn on a terminal; nothing elsewhere.
class Progress {
 public:
  Progress(Context& ctx, std::string label, std::uint64_t total)
      : m_ctx(ctx), m_label(std::move(label)), m_total(total), m_on(::isatty(STDERR_FILENO) && !ctx.globals.quiet) {}
  void update(std::uint64_t done) {
    if (!m_on) return;
    int percent = m_total ? static_cast<int>(done * 100 / m_total) : 100;
    if (percent == m_last) return;
    m_last = percent;
    m_ctx.err << "\r" << m_label << ": " << percent << "% of " << (m_total >> 10) << " KiB" << std::flush;
  }
  ~Progress() {
    if (m_on && m_last >= 0) m_ctx.err << "\n";
  }

 private:
  Context& m_ctx;
  std::string m_label;
  std::uint64_t m_total;
  bool m_on;
  int m_last = -1;
};

// Beside the binary, for the new keel to check: removed on the way out.
struct ManifestCopy {
  stdfs::path path, signature;
  ManifestCopy(const stdfs::path& dir, const update::SignedManifest& m)
      : path(dir / (".keel-update-" + std::to_string(::getpid()) + ".manifest.json")),
        signature(path.string() + ".minisig") {
    for (auto [file, text] : {std::pair{&path, &m.text}, std::pair{&signature, &m.signature}})
      if (auto s = fs::write_file(*file, *text); !s) throw Failure(s.error());
  }
  ~ManifestCopy() {
    ::unlink(path.c_str());
    ::unlink(signature.c_str());
  }
};

// The new binary rebuilt from the running one and the manifest's zstd
// patch, checked against the manifest's size and SHA-256 like a download.
Status apply_delta(const update::FetchOptions& fetch, const std::string& manifest_url, const update::Download& d,
                   const stdfs::path& target, update::Replacement& replacement, Context& ctx) {
  std::string patch;
  update::Download p{d.patch->url, d.patch->size, d.patch->sha256, std::nullopt};
  {
    Progress progress(ctx, "downloading a patch", p.size);
    auto got = update::download(
        fetch, manifest_url, p,
        [&](std::string_view bytes) {
          patch.append(bytes);
          return true;
        },
        [&](std::uint64_t done) { progress.update(done); });
    if (!got) return got.error();
  }
  auto old = fs::MappedFile::open(target);
  if (!old) return old.error();
  crypto::Sha256 hash;
  std::uint64_t size = 0;
  bool write_failed = false;
  auto applied = update::apply_patch(old->bytes(), patch, d.size, [&](std::string_view bytes) {
    hash.update(bytes);
    size += bytes.size();
    write_failed = !replacement.write(bytes);
    return !write_failed;
  });
  if (write_failed) return replacement.write_error();
  if (!applied) return applied.error();
  if (size != d.size || crypto::hex(hash.finish()) != d.sha256)
    return Error{"the patched binary is not the one the manifest lists", {}, Exit::failed};
  return ok_status();
}

int run_update(const SelfOptions& o, Context& ctx) {
  require_self_update();
  stdfs::path target = update::running_binary().value_or_throw();
  update::check_not_packaged(target).value_or_throw();
  auto lock = update::DirectoryLock::take(target.parent_path()).value_or_throw();
  update::remove_leftovers(target.parent_path());
  // Before any download: a directory keel cannot write fails now.
  auto replacement = update::Replacement::create(target).value_or_throw();
  auto fetch = fetch_options(ctx);
  auto c = check(o, ctx, fetch);
  const auto& m = c.signed_manifest.manifest;
  if (c.decision.verdict == update::Verdict::up_to_date) {
    ctx.out << "keel " << identity::version() << " is up to date on the " << c.channel << " channel\n";
    return 0;
  }
  if (!o.yes && !confirm("replace keel " + std::string(identity::version()) + " at " + target.string() + " with " +
                             m.version + "?",
                         ctx))
    throw Failure("nothing was changed", Exit::failed);
  const update::Download& d = *c.decision.download;
  std::optional<std::uint64_t> patch_size;
  if (d.patch && d.patch->from == identity::version()) {
    auto patched = apply_delta(fetch, c.signed_manifest.url, d, target, replacement, ctx);
    if (patched) {
      patch_size = d.patch->size;
    } else {
      if (patched.error().message == replacement.write_error().message) throw Failure(patched.error());
      log::warn(patched.error().message + ": downloading the whole binary instead");
      replacement.reset().value_or_throw();
    }
  }
  if (!patch_size) {
    Progress progress(ctx, "downloading keel " + m.version, d.size);
    auto got = update::download(
        fetch, c.signed_manifest.url, d, [&](std::string_view bytes) { return replacement.write(bytes); },
        [&](std::uint64_t done) { progress.update(done); });
    if (!got) {
      if (got.error().message == "cannot write the new binary") throw Failure(replacement.write_error());
      throw Failure(got.error());
    }
  }
  replacement.finish().value_or_throw();

  using namespace std::chrono_literals;
  std::string said = replacement.run({"--version"}, 10s).value_or_throw();
  said = said.substr(0, said.find('\n'));
  if (said.rfind("keel " + m.version + " ", 0) != 0)
    throw Failure("the new keel says " + quote(said) + ", not version " + m.version, Exit::failed,
                  "the old keel is still in place");
  {
    ManifestCopy copy(target.parent_path(), c.signed_manifest);
    if (!replacement.run({"self", "verify-manifest", copy.path.string()}, 10s))
      throw Failure("the new keel does not trust key " + c.signed_manifest.key_id +
                        ", which signed this manifest: installing it would lock you out of updates",
                    Exit::failed, "the old keel is still in place");
  }
  replacement.install().value_or_throw();
  ctx.out << "keel: updated " << identity::version() << " to " << m.version << " at " << target.string()
          << (patch_size ? " (from a patch of " + std::to_string(*patch_size) + " bytes)" : "") << '\n';
  ctx.err << "hint: the previous keel is " << update::backup_of(target).string()
          << "; keel self rollback puts it back\n";
  return 0;
}

int run_rollback(Context& ctx) {
  require_self_update();
  stdfs::path target = update::running_binary().value_or_throw();
  update::check_not_packaged(target).value_or_throw();
  auto lock = update::DirectoryLock::take(target.parent_path()).value_or_throw();
  update::remove_leftovers(target.parent_path());
  std::string version;
  auto runs = [&](const stdfs::path& old) -> Status {
    auto c = process::Command::program({old.string(), "--version"});
    c.out = process::Output::capture();
    c.err = process::Output::discard();
    c.timeout = std::chrono::seconds(10);
    c.env.set["KEEL_NO_UPDATE_CHECK"] = "1";
    auto out = process::run(c);
    if (!out.ok())
      return Error{quote(old.string()) + " does not run (" + process::failure(out, "it").message + ")",
                   "nothing was changed", Exit::failed};
    version = out.out.substr(0, out.out.find('\n'));
    return ok_status();
  };
  update::rollback(target, runs).value_or_throw();
  ctx.out << "keel: " << target.string() << " is " << version << " again; " << update::backup_of(target).string()
          << " holds keel " << identity::version() << '\n';
  return 0;
}

int run_verify_manifest(const SelfOptions& o, Context& ctx) {
  stdfs::path file = o.manifest;
  stdfs::path sig = o.signature.empty() ? stdfs::path(o.manifest + ".minisig") : stdfs::path(o.signature);
  std::string shown = fs::display_path(file, ctx.cwd);
  auto text = fs::read_file(file, update::k_max_manifest_size + 1).value_or_throw();
  auto signature = fs::read_file(sig, 64u << 10).value_or_throw();
  auto keys = update::trusted_keys(ctx.config.get_list("update.keys")).value_or_throw();
  auto m = update::verify_manifest(std::move(text), std::move(signature), keys, shown).value_or_throw();
  ctx.out << shown << ": channel " << m.manifest.channel << ", version " << m.manifest.version << ", serial "
          << m.manifest.serial << ", expires " << update::format_utc_time(m.manifest.expires) << ", signed by key "
          << m.key_id << '\n';
  return 0;
}

const char* k_description =
    "Updates a keel that was installed by downloading its binary, from a manifest signed with minisign keys "
    "built into keel (and update.keys of your own config). keel installs only a binary that the manifest lists "
    "for this platform and channel, with its size and SHA-256, from a manifest that has not expired and is not "
    "older than one seen before, and a version newer than the running one unless --allow-downgrade. The new "
    "binary is written beside the old one, run, and renamed over it in one step; the old one stays as NAME.old. "
    "A keel installed by a package manager (dpkg, rpm, nix, snap, Homebrew, /usr/bin) is left to it. "
    "Configuration: update.url, update.urls, update.keys, update.channel, update.ca_file, update.timeout; "
    "https_proxy and no_proxy are honoured.";

std::string check_channel(const std::string& c) {
  return update::valid_channel(c) ? std::string() : "a channel is a lower-case name such as stable or beta";
}

}  // namespace

void notify_about_updates(Context& ctx, std::string_view command) {
  for (std::string_view quiet : {"self", "hooks", "completions", "man"})
    if (command == quiet) return;
  if (!::isatty(STDERR_FILENO) || ctx.globals.quiet || !update::notice_allowed(ctx.env) ||
      !identity::self_update_enabled() || !ctx.config.get_bool("update.check", true))
    return;
  if (ctx.config.get_string("update.url").empty() && identity::update_url().empty()) return;
  if (update::packaged_by_path(ctx.self_path)) return;
  stdfs::path state = update::state_dir(ctx.env);
  auto notice = update::read_notice(state);
  auto d = update::decide_notice(notice, k_now, std::string(identity::version()));
  if (!d.tell && !d.check) return;
  if (d.tell) {
    ctx.err << "keel: " << *d.tell << '\n' << std::flush;
    notice.notified = k_now;
  }
  // Recorded before the check runs: an offline machine tries once a day.
  if (d.check) notice.checked = k_now;
  update::write_notice(state, notice);
  if (d.check) update::start_background_check(ctx.self_path);
}

void setup_self(CLI::App& app, Runner& chosen) {
  set_long_description(&app, k_description);
  app.require_subcommand(1);
  auto o = std::make_shared<SelfOptions>();

  auto* check_cmd = app.add_subcommand("check", "Say whether a newer keel is available (exit 0 yes, 3 no)");
  check_cmd->add_option("--channel", o->channel, "The channel (default: update.channel, stable)")
      ->type_name("NAME")
      ->check(check_channel);
  check_cmd->add_flag("--json", o->json, "Print current and available versions as JSON");
  check_cmd->callback([o, &chosen] { chosen = [o](Context& ctx) { return run_check(*o, ctx); }; });

  auto* update_cmd = app.add_subcommand("update", "Download, check and install the newest keel of the channel");
  update_cmd->add_option("--channel", o->channel, "The channel (default: update.channel, stable)")
      ->type_name("NAME")
      ->check(check_channel);
  update_cmd->add_option("--to", o->to, "Install only if the channel offers this version")->type_name("VERSION");
  update_cmd->add_flag("--allow-downgrade", o->allow_downgrade, "Install an older version than the running one");
  update_cmd->add_flag("-y,--yes", o->yes, "Do not ask on a terminal");
  update_cmd->callback([o, &chosen] { chosen = [o](Context& ctx) { return run_update(*o, ctx); }; });

  auto* rollback_cmd = app.add_subcommand("rollback", "Put back the keel that the last update replaced (NAME.old)");
  rollback_cmd->callback([&chosen] { chosen = [](Context& ctx) { return run_rollback(ctx); }; });

  auto* verify_cmd = app.add_subcommand(
      "verify-manifest", "Check an update manifest's signature and fields against this keel's trusted keys");
  verify_cmd->add_option("manifest", o->manifest, "The manifest (its signature: MANIFEST.minisig)")
      ->required()
      ->type_name("MANIFEST");
  verify_cmd->add_option("-x", o->signature, "Signature file")->type_name("SIG");
  verify_cmd->callback([o, &chosen] { chosen = [o](Context& ctx) { return run_verify_manifest(*o, ctx); }; });
}

}  // namespace keel::cmd
