// keel verify: check a minisign signature, as minisign -V does.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <vector>

#include "commands/groups.hpp"
#include "commands/signing/common.hpp"
#include "core/json.hpp"
#include "crypto/sha256.hpp"
#include "dist/provenance.hpp"
#include "fs/fs.hpp"

namespace keel::cmd {

namespace {

namespace stdfs = std::filesystem;
using namespace signing;

struct VerifyOptions {
  std::string file;
  std::string signature;   // -x; default FILE.minisig
  std::string public_key;  // -p
  std::string public_key_base64;  // -P
  bool quiet = false;        // -q
  bool comment_only = false; // -Q
  bool output = false;       // -o
  bool require_prehashed = false;
  bool json = false;
  std::string provenance;  // --provenance: FILE is an artifact this statement must list
};

// minisign's statuses: 0 valid, 1 verification failure, 2 usage or I/O.
constexpr Exit k_bad_input = Exit::usage;

crypto::PublicKey load_public_key(const VerifyOptions& o, const Context& ctx) {
  if (!o.public_key_base64.empty()) {
    auto key = crypto::parse_public_key_base64(o.public_key_base64);
    if (!key) throw Failure(key.error().message, k_bad_input);
    return *key;
  }
  stdfs::path path = o.public_key.empty() ? default_public_key() : stdfs::path(o.public_key);
  std::string shown = fs::display_path(path, ctx.cwd);
  auto key = crypto::parse_public_key_file(read_small_file(path, k_bad_input), shown);
  if (!key) throw Failure(key.error().message, k_bad_input);
  return *key;
}

// A private copy of the data in $TMPDIR, unlinked as soon as it is made:
// nothing is left behind whatever ends keel, and no one can swap it.
class TempCopy {
 public:
  explicit TempCopy(const std::string& file) {
    std::ifstream in = open_data(file, k_bad_input);
    std::error_code ec;
    stdfs::path dir = stdfs::temp_directory_path(ec);
    if (ec) throw Failure("cannot make a private copy of " + quote(file) + ": no temporary directory", k_bad_input);
    std::string pattern = (dir / "keel-verify.XXXXXX").string();
    m_fd = ::mkstemp(pattern.data());
    if (m_fd < 0) throw Failure("cannot make a private copy of " + quote(file) + ": " + std::strerror(errno), k_bad_input);
    ::unlink(pattern.c_str());
    std::vector<char> buf(64 * 1024);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      for (std::streamsize done = 0; done < in.gcount();) {
        ssize_t n = ::write(m_fd, buf.data() + done, static_cast<std::size_t>(in.gcount() - done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          ::close(m_fd);
          throw Failure("cannot make a private copy of " + quote(file) + ": " + std::strerror(errno), k_bad_input);
        }
        done += n;
      }
    }
    if (in.bad()) {
      ::close(m_fd);
      throw Failure("cannot read " + quote(file), k_bad_input);
    }
  }
  TempCopy(const TempCopy&) = delete;
  TempCopy& operator=(const TempCopy&) = delete;
  ~TempCopy() { ::close(m_fd); }
  // The copy, opened anew from the start (Linux keeps the unlinked file
  // reachable through the descriptor).
  std::ifstream open() const { return open_data("/proc/self/fd/" + std::to_string(m_fd), k_bad_input); }

 private:
  int m_fd = -1;
};

std::string_view algorithm_name(crypto::SigAlg alg) { return alg == crypto::SigAlg::legacy ? "Ed" : "ED"; }

// A verdict as minisign gives it, or as JSON; the status. A valid one
// prints nothing here unless --json: the caller shows the comment.
int report(const VerifyOptions& o, Context& ctx, const crypto::Signature& sig, const std::string& sig_path,
           const crypto::Verification& result) {
  bool valid = result.verdict == crypto::Verdict::valid;
  if (o.json) {
    // The trusted comment only once it is verified: before, it is anyone's.
    ctx.out << "{\"file\": " << json::quote(o.file) << ", \"signature\": " << json::quote(sig_path)
            << ", \"key_id\": " << json::quote(crypto::key_id_hex(sig.key_id))
            << ", \"algorithm\": " << json::quote(std::string(algorithm_name(sig.alg)))
            << ", \"trusted_comment\": " << (valid ? json::quote(sig.trusted_comment) : std::string("null"))
            << ", \"valid\": " << (valid ? "true" : "false");
    if (!valid) ctx.out << ", \"error\": " << json::quote(result.message);
    ctx.out << "}\n";
    return check_status(!valid);
  }
  // minisign prints a key id mismatch even when quiet.
  if (!valid && (!o.quiet || result.verdict == crypto::Verdict::key_mismatch))
    ctx.err << "keel: error: " << result.message << '\n';
  return check_status(!valid);
}

// After the statement's signature verified: the artifact must be one of its
// subjects, with the same SHA-256.
int check_provenance(const VerifyOptions& o, Context& ctx) {
  std::string text = read_small_file(o.provenance, k_bad_input);
  auto digest = crypto::sha256_file(o.file);
  if (!digest) throw Failure(digest.error().message, k_bad_input);
  std::string name = stdfs::path(o.file).filename().string();
  auto match = dist::match_provenance(text, o.provenance, name, crypto::hex(*digest));
  if (!match) {
    if (match.error().exit != Exit::failed) throw Failure(match.error().message, k_bad_input);
    if (!o.quiet) ctx.err << "keel: error: " << match.error().message << '\n';
    return status(Exit::failed);
  }
  if (!o.quiet)
    ctx.out << "Provenance verified: " << name << " was built"
            << (match->source_uri.empty() ? "" : " from " + match->source_uri)
            << (match->commit.empty() ? "" : " at " + match->commit) << " by keel " << match->builder_version << '\n';
  return status(Exit::ok);
}

int run_verify(VerifyOptions o, Context& ctx) {
  if (!o.public_key.empty() && !o.public_key_base64.empty())
    throw usage_error("A public key cannot be provided both inline and as a file");
  if (!o.provenance.empty()) {
    if (o.output || o.json || o.comment_only) throw usage_error("--provenance excludes -o, -Q and --json");
    VerifyOptions statement = o;
    statement.file = o.provenance;
    statement.provenance.clear();
    if (int st = run_verify(statement, ctx); st != status(Exit::ok)) return st;
    return check_provenance(o, ctx);
  }
  crypto::PublicKey key = load_public_key(o, ctx);
  std::string sig_path = o.signature.empty() ? o.file + ".minisig" : o.signature;
  auto sig = crypto::parse_signature_file(read_small_file(sig_path, k_bad_input), sig_path);
  if (!sig) throw Failure(sig.error().message, k_bad_input);
  // minisign refuses a legacy signature before it reads the data.
  if (sig->alg == crypto::SigAlg::legacy && o.require_prehashed) {
    crypto::Verification refused{crypto::Verdict::legacy_refused, "Legacy (non-prehashed) signature found"};
    return report(o, ctx, *sig, sig_path, refused);
  }
  // With -o, what is written out must be exactly what was verified, even
  // if the file changes meanwhile: the data is copied once, verified and
  // written from the copy.
  std::optional<TempCopy> copy;
  if (o.output) copy.emplace(o.file);
  std::ifstream data = copy ? copy->open() : open_data(o.file, k_bad_input);
  auto result = crypto::verify(key, *sig, data, sig_path, o.require_prehashed);
  if (!result) throw Failure(result.error().message, k_bad_input);
  if (int st = report(o, ctx, *sig, sig_path, *result); st != status(Exit::ok) || o.json) return st;
  std::ostream& info = o.output ? ctx.err : ctx.out;
  if (o.comment_only) info << sig->trusted_comment << '\n';
  else if (!o.quiet) info << "Signature and comment signature verified\nTrusted comment: " << sig->trusted_comment << '\n';
  if (o.output) {
    std::ifstream again = copy->open();
    std::vector<char> buf(64 * 1024);
    while (again && ctx.out) {
      again.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      ctx.out.write(buf.data(), again.gcount());
    }
    ctx.out.flush();
    if (!ctx.out || again.bad()) throw Failure("cannot write the data to standard output", k_bad_input);
  }
  return status(Exit::ok);
}

}  // namespace

void setup_verify(CLI::App& app, Runner& chosen) {
  set_long_description(&app,
                       "Checks FILE against its minisign signature (FILE.minisig unless -x) with the public "
                       "key from -p (default keel.pub) or -P, making minisign -V's checks in its order. "
                       "Exit status: 0 valid, 1 verification failed, 2 usage, unreadable or malformed "
                       "input, as minisign's. A trusted comment with control characters or invalid UTF-8 is "
                       "refused, so that it cannot rewrite the terminal it is shown on.");
  auto o = std::make_shared<VerifyOptions>();
  app.add_option("file", o->file, "The signed file")->required()->type_name("FILE");
  app.add_option("-x", o->signature, "Signature file (default: FILE.minisig)")->type_name("SIG");
  auto* p = app.add_option("-p", o->public_key, "Public key file (default: keel.pub)")->type_name("PUBKEY");
  app.add_option("-P", o->public_key_base64, "Public key, base64 (its key line)")->type_name("PUBKEY")->excludes(p);
  app.add_flag("-q", o->quiet, "Print nothing, only set the exit status");
  app.add_flag("-Q", o->comment_only, "Print only the trusted comment");
  app.add_flag("-o", o->output, "Write the file to standard output once verified (messages go to stderr)");
  app.add_flag("--require-prehashed", o->require_prehashed, "Refuse legacy (non-prehashed) signatures");
  app.add_flag("--json", o->json, "Print the key id, algorithm, trusted comment and result as JSON");
  app.add_option("--provenance", o->provenance,
                 "Check FILE (an artifact) against this signed SLSA provenance of keel dist: the statement's "
                 "signature (STATEMENT.minisig unless -x), then FILE's name and SHA-256 among its subjects")
      ->type_name("STATEMENT");
  app.callback([o, &chosen] { chosen = [o](Context& ctx) { return run_verify(*o, ctx); }; });
}

}  // namespace keel::cmd
