// keel key: make and show minisign key pairs.
#include <sodium.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "commands/groups.hpp"
#include "commands/signing/common.hpp"
#include "fs/fs.hpp"

namespace keel::cmd {

namespace {

namespace stdfs = std::filesystem;
using namespace signing;

struct GenerateOptions {
  std::string public_key;
  std::string secret_key;
  bool force = false;
  bool unencrypted = false;
  PasswordSource password;
  std::string comment;
};

void refuse_existing(const stdfs::path& path, bool force) {
  std::error_code ec;
  if (!force && stdfs::exists(path, ec))
    throw usage_error("Key generation aborted: " + quote(path.string()) + " already exists",
                      "add --force to overwrite the existing key pair");
}

// A secret key file is never readable by others, not even for the moment
// between writing and renaming: an existing file is narrowed first, since
// the atomic write keeps its mode.
void write_secret(const stdfs::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path() && !stdfs::exists(path.parent_path(), ec)) {
    stdfs::create_directories(path.parent_path(), ec);
    ::chmod(path.parent_path().c_str(), 0700);  // as minisign's own key directory
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      throw Failure("cannot write the secret key to " + quote(path.string()) + ": not a regular file", Exit::io);
    if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), 0600) != 0)
      throw Failure("cannot make " + quote(path.string()) + " private (mode 0600): " + std::strerror(errno), Exit::io);
  }
  if (auto st2 = fs::write_file(path, text, {.mode = 0600}); !st2) throw Failure(st2.error());
}

int run_generate(const GenerateOptions& o, Context& ctx) {
  stdfs::path pub = o.public_key.empty() ? default_public_key() : stdfs::path(o.public_key);
  stdfs::path sec = o.secret_key.empty() ? default_secret_key(ctx) : stdfs::path(o.secret_key);
  refuse_existing(pub, o.force);
  refuse_existing(sec, o.force);
  if (o.unencrypted && (!o.password.file.empty() || o.password.from_stdin))
    throw usage_error("--unencrypted takes no password");
  crypto::SecretKey key = crypto::generate_key();
  std::string comment = o.comment.empty() ? "minisign encrypted secret key" : o.comment;
  auto sealed = [&] {
    if (o.unencrypted) return crypto::seal(key, std::nullopt, comment);
    Password p = read_password(o.password, ctx, true);
    return crypto::seal(key, std::string_view(p.text()), comment);
  }();
  if (!sealed) throw Failure(sealed.error());
  write_secret(sec, crypto::secret_key_file(*sealed));
  crypto::PublicKey public_key = key.public_key();
  if (auto st = fs::write_file(pub, crypto::public_key_file(public_key)); !st) throw Failure(st.error());
  ctx.out << "The secret key was saved as " << fs::display_path(sec, ctx.cwd) << " - Keep it secret!\n"
          << "The public key was saved as " << fs::display_path(pub, ctx.cwd) << " - That one can be public.\n"
          << "key id " << crypto::key_id_hex(public_key.key_id) << "\n"
          << "Files signed using this key pair can be verified with:\n"
          << "keel verify FILE -P " << crypto::public_key_base64(public_key) << '\n';
  return status(Exit::ok);
}

struct ShowOptions {
  std::string key;
  PasswordSource password;
};

// A public key file, or a secret key file (decrypted to read its id).
int run_show(const ShowOptions& o, Context& ctx) {
  stdfs::path path = o.key.empty() ? default_public_key() : stdfs::path(o.key);
  std::string shown = fs::display_path(path, ctx.cwd);
  std::string text = read_small_file(path, Exit::io);
  auto pub = crypto::parse_public_key_file(text, shown);
  auto sealed = pub ? Result<crypto::SealedKey>(Error{}) : crypto::parse_secret_key_file(text, shown);
  sodium_memzero(text.data(), text.size());
  crypto::PublicKey key;
  if (pub) key = *pub;
  else if (sealed) key = unseal_key(*sealed, shown, o.password, ctx).public_key();
  else throw Failure(pub.error());
  ctx.out << "key id " << crypto::key_id_hex(key.key_id) << '\n' << crypto::public_key_base64(key) << '\n';
  return status(Exit::ok);
}


struct ChangeOptions {
  std::string key;
  PasswordSource password;      // the current one
  std::string new_password_file;
  bool unencrypted = false;     // store the key without a password
};

int run_change_password(const ChangeOptions& o, Context& ctx) {
  stdfs::path path = o.key.empty() ? default_secret_key(ctx) : stdfs::path(o.key);
  std::string shown = fs::display_path(path, ctx.cwd);
  std::string text = read_small_file(path, Exit::io);
  auto parsed = crypto::parse_secret_key_file(text, shown);
  sodium_memzero(text.data(), text.size());
  if (!parsed) throw Failure(parsed.error());
  crypto::SecretKey key = unseal_key(*parsed, shown, o.password, ctx);
  std::string comment = parsed->comment;
  auto sealed = [&] {
    if (o.unencrypted) return crypto::seal(key, std::nullopt, comment);
    PasswordSource fresh;
    fresh.file = o.new_password_file;
    fresh.environment = false;  // KEEL_SIGNING_PASSWORD is the current one
    Password p = read_password(fresh, ctx, true);
    return crypto::seal(key, std::string_view(p.text()), comment);
  }();
  if (!sealed) throw Failure(sealed.error());
  write_secret(path, crypto::secret_key_file(*sealed));
  ctx.out << (o.unencrypted ? "Password removed.\n" : "Password updated.\n");
  return status(Exit::ok);
}

}  // namespace

void setup_key(CLI::App& app, Runner& chosen) {
  app.require_subcommand(1);
  set_long_description(&app,
                       "Key pairs in minisign's format: the public key file (keel.pub by default) and the "
                       "secret key file ($XDG_CONFIG_HOME/keel/keel.key), encrypted with scrypt from a "
                       "password as minisign does. minisign reads keel's keys and keel reads minisign's.");

  auto gen = std::make_shared<GenerateOptions>();
  auto* g = app.add_subcommand("generate", "Make a new key pair; never overwrites one without --force");
  g->add_option("-p", gen->public_key, "Public key file (default: keel.pub)")->type_name("PUBKEY");
  g->add_option("-s", gen->secret_key, "Secret key file (default: $XDG_CONFIG_HOME/keel/keel.key)")
      ->type_name("SECKEY");
  g->add_flag("--force", gen->force, "Overwrite existing key files");
  auto* plain = g->add_flag("--unencrypted", gen->unencrypted, "Store the secret key without a password");
  add_password_options(g, gen->password);
  g->get_option("--password-file")->excludes(plain);
  g->add_option("--comment", gen->comment, "The secret key file's untrusted comment")->type_name("TEXT");
  g->callback([gen, &chosen] { chosen = [gen](Context& ctx) { return run_generate(*gen, ctx); }; });

  auto show = std::make_shared<ShowOptions>();
  auto* s = app.add_subcommand("show", "Print a key's id and its public key line");
  s->add_option("key", show->key, "Public or secret key file (default: keel.pub)")->type_name("KEY");
  add_password_options(s, show->password);
  s->callback([show, &chosen] { chosen = [show](Context& ctx) { return run_show(*show, ctx); }; });

  auto change = std::make_shared<ChangeOptions>();
  auto* c = app.add_subcommand("change-password", "Encrypt a secret key with a new password, or remove it");
  c->add_option("key", change->key, "Secret key file (default: $XDG_CONFIG_HOME/keel/keel.key)")->type_name("SECKEY");
  add_password_options(c, change->password);
  auto* fresh = c->add_option("--new-password-file", change->new_password_file,
                              "Read the new password from this file's first line (default: ask on the terminal)")
                    ->type_name("FILE");
  c->add_flag("--unencrypted", change->unencrypted, "Store the key without a password")->excludes(fresh);
  c->callback([change, &chosen] { chosen = [change](Context& ctx) { return run_change_password(*change, ctx); }; });
}

}  // namespace keel::cmd
