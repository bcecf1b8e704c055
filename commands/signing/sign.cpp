// keel sign: minisign signatures of files.
#include <ctime>
#include <fstream>

#include "commands/groups.hpp"
#include "commands/signing/common.hpp"
#include "fs/fs.hpp"
#include "log/log.hpp"

namespace keel::cmd {

namespace {

namespace stdfs = std::filesystem;
using namespace signing;

struct SignOptions {
  std::vector<std::string> files;
  std::string secret_key;
  std::string trusted_comment;
  std::string untrusted_comment = "signature from keel secret key";
  bool legacy = false;
  PasswordSource password;
};


int run_sign(const SignOptions& o, Context& ctx) {
  crypto::SecretKey key = load_secret_key(o.secret_key, o.password, ctx);
  crypto::SigAlg alg = o.legacy ? crypto::SigAlg::legacy : crypto::SigAlg::prehashed;
  for (const auto& file : o.files) {
    stdfs::path path = file;
    std::ifstream data = open_data(path, Exit::io);
    std::string trusted = o.trusted_comment.empty()
                              ? crypto::default_trusted_comment(std::time(nullptr), path.filename().string(), alg)
                              : o.trusted_comment;
    auto sig = crypto::sign(key, data, alg, trusted, o.untrusted_comment);
    if (!sig) throw Failure(sig.error());
    stdfs::path out = file + ".minisig";
    if (auto st = fs::write_file(out, crypto::signature_file(*sig)); !st) throw Failure(st.error());
    log::info("signed " + quote(file) + " into " + quote(out.string()));
  }
  return status(Exit::ok);
}

}  // namespace

void setup_sign(CLI::App& app, Runner& chosen) {
  set_long_description(&app,
                       "Writes FILE.minisig for each FILE, a signature that minisign -V verifies. By default "
                       "the data's BLAKE2b-512 is signed (minisign's prehashed format), streamed, so files of "
                       "any size take constant memory. The secret key comes from -s, else from "
                       "KEEL_SIGNING_KEY (the key file's text, for CI), else from "
                       "$XDG_CONFIG_HOME/keel/keel.key; its password from --password-file, "
                       "--password-stdin, KEEL_SIGNING_PASSWORD or the terminal.");
  auto o = std::make_shared<SignOptions>();
  app.add_option("files", o->files, "Files to sign")->required()->type_name("FILE");
  app.add_option("-s", o->secret_key, "Secret key file")->type_name("SECKEY");
  app.add_option("-t", o->trusted_comment,
                 "Trusted comment (default: timestamp:<unix>\\tfile:<name>\\thashed)")
      ->type_name("TEXT");
  app.add_option("-c", o->untrusted_comment, "Untrusted comment")->type_name("TEXT");
  app.add_flag("--legacy", o->legacy, "Sign the data itself (minisign's legacy format), not its hash");
  add_password_options(&app, o->password);
  app.callback([o, &chosen] { chosen = [o](Context& ctx) { return run_sign(*o, ctx); }; });
}

}  // namespace keel::cmd
