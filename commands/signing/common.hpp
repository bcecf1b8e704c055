#pragma once
// What keel key, keel sign and keel verify share: where keys live, how a
// password is read, and reading key files.

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "commands/context.hpp"
#include "commands/registry.hpp"
#include "crypto/minisign.hpp"

namespace keel::cmd::signing {

// A password in memory that is wiped when it goes.
class Password {
 public:
  Password() { m_text.reserve(1024); }  // no reallocation leaves a copy behind
  Password(const Password&) = delete;
  Password& operator=(const Password&) = delete;
  Password(Password&& other) noexcept;
  ~Password();
  std::string& text() { return m_text; }
  const std::string& text() const { return m_text; }

 private:
  std::string m_text;
};

// Where the password comes from: a file's first line, standard input's
// first line, the environment (KEEL_SIGNING_PASSWORD), or the terminal.
struct PasswordSource {
  std::string file;    // --password-file
  bool from_stdin = false;  // --password-stdin
  bool environment = true;  // KEEL_SIGNING_PASSWORD may give it
};

// --password-file and --password-stdin, which exclude each other.
void add_password_options(CLI::App* app, PasswordSource& source);

// The password, or an error when there is nowhere to read one (no option,
// no variable and no terminal: keel refuses rather than hangs). `confirm`
// asks twice on a terminal, for a new password.
Password read_password(const PasswordSource& source, Context& ctx, bool confirm);

// keel.pub in the current directory; $XDG_CONFIG_HOME/keel/keel.key.
std::filesystem::path default_public_key();
std::filesystem::path default_secret_key(const Context& ctx);

// The secret key to sign with: KEEL_SIGNING_KEY's text when it is set and
// no -s was given, else the file; decrypted with the password when sealed.
crypto::SecretKey load_secret_key(const std::string& given_path, const PasswordSource& source, Context& ctx);

// The data to sign or verify, opened for streaming; a missing file or a
// directory is refused with `exit` before anything is written.
std::ifstream open_data(const std::filesystem::path& path, Exit exit);

// A parsed secret key, decrypted with the password when it is sealed.
crypto::SecretKey unseal_key(const crypto::SealedKey& sealed, const std::string& shown, const PasswordSource& source,
                             Context& ctx);

// A key or signature file's text: small files only (a 1 GB "comment" is
// refused before it is read), errors with `exit`.
std::string read_small_file(const std::filesystem::path& path, Exit exit);

}  // namespace keel::cmd::signing
