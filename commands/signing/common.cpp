#include "commands/signing/common.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fs/fs.hpp"
#include "process/process.hpp"

namespace keel::cmd::signing {

namespace stdfs = std::filesystem;

namespace {

// Key and signature files are a few hundred bytes; a trusted comment may
// take 8 KiB.
constexpr std::size_t k_max_key_file = 64 * 1024;

void drop_line_end(std::string& s) {
  std::size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  if (!s.empty() && s.back() == '\r') s.pop_back();
}

// Reads one line from the terminal without echoing it.
bool ask(int tty, const char* prompt, std::string& out) {
  if (::write(tty, prompt, std::strlen(prompt)) < 0) return false;
  termios before{};
  bool restore = ::tcgetattr(tty, &before) == 0;
  if (restore) {
    termios quiet = before;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  char c = 0;
  bool ok = true;
  for (;;) {
    // Polled, so that a termination signal (deferred while echo is off)
    // ends the prompt rather than a restarted read going on waiting.
    pollfd pfd{tty, POLLIN, 0};
    if (::poll(&pfd, 1, 100) == 0) {
      if (process::interrupted()) {
        ok = false;
        break;
      }
      continue;
    }
    ssize_t n = ::read(tty, &c, 1);
    if (n <= 0) {
      ok = n == 0 && !out.empty();
      break;
    }
    if (c == '\n' || c == '\r') break;
    if (out.size() >= 1023) {
      ok = false;
      break;
    }
    out += c;
  }
  if (restore) ::tcsetattr(tty, TCSAFLUSH, &before);
  (void)!::write(tty, "\n", 1);
  return ok;
}

}  // namespace

Password::Password(Password&& other) noexcept : m_text(std::move(other.m_text)) {}
// Up to the capacity: a shortened password leaves its tail behind size().
Password::~Password() { sodium_memzero(m_text.data(), m_text.capacity()); }

Password read_password(const PasswordSource& source, Context& ctx, bool confirm) {
  Password p;
  if (!source.file.empty()) {
    auto text = fs::read_file(source.file, 4096);
    if (!text) throw Failure(text.error());
    p.text() = *text;
    sodium_memzero(text->data(), text->size());
    drop_line_end(p.text());
  } else if (source.from_stdin) {
    // At most minisign's 1023 bytes, into the buffer reserved for it.
    for (char c; ctx.in.get(c) && c != '\n';) {
      if (p.text().size() >= 1023) throw usage_error("the password on standard input is longer than 1023 bytes");
      p.text() += c;
    }
    drop_line_end(p.text());
  } else if (auto it = ctx.env.find("KEEL_SIGNING_PASSWORD");
             source.environment && it != ctx.env.end() && !it->second.empty()) {
    p.text() = it->second;
  } else {
    int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (tty < 0)
      throw usage_error("no password given and no terminal to ask for one",
                        "give --password-file FILE or --password-stdin, set KEEL_SIGNING_PASSWORD, or use "
                        "--unencrypted for a new key");
    Password again;
    bool ok = false;
    {
      // A Ctrl-C at the prompt must not leave the terminal without echo:
      // the signal waits until ask() has put it back.
      process::DeferTermination defer;
      ok = ask(tty, "Password: ", p.text()) && !process::interrupted() &&
           (!confirm || (ask(tty, "Password (one more time): ", again.text()) && !process::interrupted()));
    }
    ::close(tty);
    if (process::interrupted()) throw Failure("interrupted", Exit::interrupted);
    if (!ok) throw usage_error("no password was typed");
    if (confirm && p.text() != again.text()) throw usage_error("Passwords don't match");
  }
  if (p.text().empty()) throw usage_error("the password is empty");
  return p;
}

stdfs::path default_public_key() { return "keel.pub"; }

stdfs::path default_secret_key(const Context& ctx) {
  auto it = ctx.env.find("XDG_CONFIG_HOME");
  stdfs::path base;
  if (it != ctx.env.end() && !it->second.empty()) {
    base = it->second;
  } else {
    auto home = ctx.env.find("HOME");
    if (home == ctx.env.end() || home->second.empty())
      throw usage_error("no secret key path: HOME and XDG_CONFIG_HOME are not set", "give -s SECKEY");
    base = stdfs::path(home->second) / ".config";
  }
  return base / "keel" / "keel.key";
}

std::ifstream open_data(const stdfs::path& path, Exit exit) {
  std::error_code ec;
  int err = 0;
  if (stdfs::is_directory(path, ec)) {
    err = EISDIR;
  } else if (int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); fd < 0) {
    err = errno;
  } else {
    ::close(fd);
  }
  std::ifstream in;
  if (!err) {
    in.open(path, std::ios::binary);
    if (!in) err = EIO;
  }
  if (err) throw Failure("cannot read " + quote(path.string()) + ": " + std::strerror(err), exit);
  return in;
}

std::string read_small_file(const stdfs::path& path, Exit exit) {
  auto text = fs::read_file(path, k_max_key_file);
  if (!text) {
    Error e = text.error();
    e.exit = exit;
    throw Failure(e);
  }
  return std::move(text).value();
}

crypto::SecretKey load_secret_key(const std::string& given_path, const PasswordSource& source, Context& ctx) {
  std::string text;
  std::string shown;
  auto env = ctx.env.find("KEEL_SIGNING_KEY");
  if (given_path.empty() && env != ctx.env.end() && !env->second.empty()) {
    text = env->second;
    shown = "KEEL_SIGNING_KEY";
  } else {
    stdfs::path path = given_path.empty() ? default_secret_key(ctx) : stdfs::path(given_path);
    shown = fs::display_path(path, ctx.cwd);
    text = read_small_file(path, Exit::io);
  }
  auto sealed = crypto::parse_secret_key_file(text, shown);
  sodium_memzero(text.data(), text.size());
  if (!sealed) throw Failure(sealed.error());
  return unseal_key(*sealed, shown, source, ctx);
}

crypto::SecretKey unseal_key(const crypto::SealedKey& sealed, const std::string& shown, const PasswordSource& source,
                             Context& ctx) {
  auto key = [&] {
    if (!sealed.encrypted) return crypto::unseal(sealed, std::nullopt, shown);
    Password p = read_password(source, ctx, false);
    return crypto::unseal(sealed, std::string_view(p.text()), shown);
  }();
  if (!key) throw Failure(key.error());
  return std::move(key).value();
}

void add_password_options(CLI::App* app, PasswordSource& source) {
  auto* file = app->add_option("--password-file", source.file, "Read the password from this file's first line")
                   ->type_name("FILE");
  app->add_flag("--password-stdin", source.from_stdin, "Read the password from standard input's first line")
      ->excludes(file);
}

}  // namespace keel::cmd::signing
