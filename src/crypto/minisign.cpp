#include "crypto/minisign.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "core/utf8.hpp"

namespace keel::crypto {

namespace {

constexpr std::string_view k_comment_prefix = "untrusted comment: ";
constexpr std::string_view k_trusted_prefix = "trusted comment: ";
// minisign's line buffers: a longer line is an error there, and here.
constexpr std::size_t k_comment_max = 1024;
constexpr std::size_t k_trusted_max = 8192;
constexpr std::size_t k_chunk = 64 * 1024;

struct Sodium {
  Sodium() {
    if (sodium_init() < 0) throw Failure("cannot initialise libsodium", Exit::failed);
  }
};
void need_sodium() { static Sodium once; }

// minisign exits 2 for every file it cannot use; so does keel (a bad
// argument, in keel's table).
Error format_error(std::string_view minisign_text, const std::string& path) {
  return Error{std::string(minisign_text) + ": " + quote(path), {}, Exit::usage};
}

// The file's lines as minisign's fgets and trim() see them: each without
// its "\n" and then one "\r"; `complete` is false for a last line without
// "\n", `clean` false when another "\r" is left in it.
struct Line {
  std::string_view text;
  bool complete = false;
  bool clean = true;
  std::size_t stored = 0;  // bytes before the "\n", a "\r" included
};

std::vector<Line> lines_of(std::string_view text, std::size_t max_lines) {
  std::vector<Line> out;
  while (!text.empty() && out.size() < max_lines) {
    std::size_t nl = text.find('\n');
    Line l;
    l.complete = nl != std::string_view::npos;
    l.text = text.substr(0, l.complete ? nl : text.size());
    l.stored = l.text.size();
    text.remove_prefix(l.complete ? nl + 1 : text.size());
    if (!l.text.empty() && l.text.back() == '\r') l.text.remove_suffix(1);
    l.clean = l.text.find('\r') == std::string_view::npos;
    out.push_back(l);
  }
  return out;
}

template <std::size_t N>
bool decode(std::string_view base64, std::array<unsigned char, N>& out) {
  need_sodium();
  std::array<unsigned char, N + 3> buf{};
  std::size_t len = 0;
  const char* end = nullptr;
  bool ok = sodium_base642bin(buf.data(), buf.size(), base64.data(), base64.size(), nullptr, &len, &end,
                              sodium_base64_VARIANT_ORIGINAL) == 0 &&
            end == base64.data() + base64.size() && len == N;
  if (ok) std::memcpy(out.data(), buf.data(), N);
  sodium_memzero(buf.data(), buf.size());  // it may hold a secret key
  return ok;
}

std::string encode(const unsigned char* data, std::size_t size) {
  need_sodium();
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

std::uint64_t load_le64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void store_le64(unsigned char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

// Tabs and printable UTF-8 only: a trusted comment shown on a terminal must
// not carry control sequences, neither C0 nor C1 (U+0080-U+009F, which some
// terminals obey as ESC sequences) nor the bidirectional overrides that
// reorder what is shown.
bool printable(std::string_view s) {
  if (utf8::find_invalid(s)) return false;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
      ++i;
      continue;
    }
    std::size_t len = utf8::sequence_length(s.substr(i));
    std::uint32_t cp = c & (0xff >> (len + 1));
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    if (cp <= 0x9f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return false;
    i += len;
  }
  return true;
}

std::array<unsigned char, 32> checksum(const KeyId& id, const std::array<unsigned char, 64>& key) {
  need_sodium();
  std::array<unsigned char, 32> out{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, out.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>("Ed"), 2);
  crypto_generichash_update(&state, id.data(), id.size());
  crypto_generichash_update(&state, key.data(), key.size());
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

// scrypt's stream for the key's 104 bytes; empty on failure.
bool kdf_stream(std::string_view password, const SealedKey& k, std::array<unsigned char, 104>& stream) {
  need_sodium();
  return crypto_pwhash_scryptsalsa208sha256(stream.data(), stream.size(), password.data(), password.size(),
                                            k.salt.data(), k.opslimit, static_cast<std::size_t>(k.memlimit)) == 0;
}

Status read_error(const std::istream& data) {
  if (data.bad()) return Error{"cannot read the data to sign or verify", {}, Exit::io};
  return ok_status();
}

// A read buffer left uninitialised: zeroing it would write every page of it,
// though a small file fills a few bytes (16 page faults per `keel verify`).
std::unique_ptr<char[]> chunk_buffer() { return std::make_unique_for_overwrite<char[]>(k_chunk); }

// BLAKE2b-512 of everything `data` yields.
Result<std::array<unsigned char, 64>> prehash(std::istream& data) {
  need_sodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 64);
  auto buf = chunk_buffer();
  while (data) {
    data.read(buf.get(), static_cast<std::streamsize>(k_chunk));
    auto n = static_cast<std::size_t>(data.gcount());
    if (n) crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(buf.get()), n);
  }
  if (auto st = read_error(data); !st) return st.error();
  std::array<unsigned char, 64> out{};
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

Result<std::string> read_all(std::istream& data) {
  std::string out;
  auto buf = chunk_buffer();
  while (data) {
    data.read(buf.get(), static_cast<std::streamsize>(k_chunk));
    out.append(buf.get(), static_cast<std::size_t>(data.gcount()));
  }
  if (auto st = read_error(data); !st) return st.error();
  return out;
}

// What Ed25519 signs for the data: its hash, or the whole of it.
Result<std::string> signed_message(std::istream& data, SigAlg alg) {
  if (alg == SigAlg::legacy) return read_all(data);
  auto hash = prehash(data);
  if (!hash) return hash.error();
  return std::string(reinterpret_cast<const char*>(hash->data()), hash->size());
}

std::string sig_and_comment(const std::array<unsigned char, 64>& sig, const std::string& comment) {
  return std::string(reinterpret_cast<const char*>(sig.data()), sig.size()) + comment;
}

}  // namespace

std::string key_id_hex(const KeyId& id) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llX", static_cast<unsigned long long>(load_le64(id.data())));
  return buf;
}

// --- SecretKey -----------------------------------------------------------------

SecretKey::SecretKey(SecretKey&& other) noexcept : key_id(other.key_id), key(other.key) {
  sodium_memzero(other.key.data(), other.key.size());
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  key_id = other.key_id;
  key = other.key;
  sodium_memzero(other.key.data(), other.key.size());
  return *this;
}

SecretKey::~SecretKey() { sodium_memzero(key.data(), key.size()); }

PublicKey SecretKey::public_key() const {
  PublicKey p;
  p.key_id = key_id;
  std::memcpy(p.key.data(), key.data() + 32, 32);
  return p;
}

SealedKey::~SealedKey() { sodium_memzero(keynum.data(), keynum.size()); }

// --- public keys ---------------------------------------------------------------

Result<PublicKey> parse_public_key_base64(std::string_view base64) {
  std::array<unsigned char, 42> raw{};
  if (!decode(base64, raw))
    return Error{"base64 conversion failed - was an actual public key given?", {}, Exit::usage};
  if (raw[0] != 'E' || raw[1] != 'd') return Error{"Unsupported signature algorithm", {}, Exit::usage};
  PublicKey k;
  std::memcpy(k.key_id.data(), raw.data() + 2, 8);
  std::memcpy(k.key.data(), raw.data() + 10, 32);
  return k;
}

Result<PublicKey> parse_public_key_file(std::string_view text, const std::string& path) {
  auto lines = lines_of(text, 2);
  if (lines.size() < 2) return format_error("Error while loading the public key file", path);
  auto key = parse_public_key_base64(lines[1].text);
  if (!key) return format_error(key.error().message, path);
  return key;
}

std::string public_key_base64(const PublicKey& key) {
  std::array<unsigned char, 42> raw{};
  raw[0] = 'E';
  raw[1] = 'd';
  std::memcpy(raw.data() + 2, key.key_id.data(), 8);
  std::memcpy(raw.data() + 10, key.key.data(), 32);
  return encode(raw.data(), raw.size());
}

std::string public_key_file(const PublicKey& key) {
  return std::string(k_comment_prefix) + "minisign public key " + key_id_hex(key.key_id) + "\n" +
         public_key_base64(key) + "\n";
}

// --- secret keys ---------------------------------------------------------------

Result<SealedKey> parse_secret_key_file(std::string_view text, const std::string& path) {
  auto lines = lines_of(text, 2);
  if (lines.size() < 2) return format_error("Error while loading the secret key file", path);
  SealedKey k;
  std::string_view comment = lines[0].text;
  if (comment.starts_with(k_comment_prefix)) comment.remove_prefix(k_comment_prefix.size());
  k.comment = std::string(comment);
  std::array<unsigned char, 158> raw{};
  if (!decode(lines[1].text, raw)) {
    sodium_memzero(raw.data(), raw.size());
    return format_error("base64 conversion failed - was an actual secret key given?", path);
  }
  Error problem;
  if (raw[0] != 'E' || raw[1] != 'd') problem = format_error("Unsupported signature algorithm", path);
  else if (raw[4] != 'B' || raw[5] != '2') problem = format_error("Unsupported checksum function", path);
  else if (raw[2] == 'S' && raw[3] == 'c') k.encrypted = true;
  else if (raw[2] != 0 || raw[3] != 0) problem = format_error("Unsupported key derivation function", path);
  if (!problem.message.empty()) {
    sodium_memzero(raw.data(), raw.size());
    return problem;
  }
  std::memcpy(k.salt.data(), raw.data() + 6, 32);
  k.opslimit = load_le64(raw.data() + 38);
  k.memlimit = load_le64(raw.data() + 46);
  std::memcpy(k.keynum.data(), raw.data() + 54, 104);
  sodium_memzero(raw.data(), raw.size());
  return k;
}

std::string secret_key_file(const SealedKey& k) {
  std::array<unsigned char, 158> raw{};
  raw[0] = 'E';
  raw[1] = 'd';
  raw[2] = k.encrypted ? 'S' : 0;
  raw[3] = k.encrypted ? 'c' : 0;
  raw[4] = 'B';
  raw[5] = '2';
  std::memcpy(raw.data() + 6, k.salt.data(), 32);
  store_le64(raw.data() + 38, k.opslimit);
  store_le64(raw.data() + 46, k.memlimit);
  std::memcpy(raw.data() + 54, k.keynum.data(), 104);
  std::string line = encode(raw.data(), raw.size());
  sodium_memzero(raw.data(), raw.size());
  std::string out;
  out.reserve(k_comment_prefix.size() + k.comment.size() + line.size() + 2);  // one buffer, no stray copies
  out.append(k_comment_prefix).append(k.comment).append("\n").append(line).append("\n");
  sodium_memzero(line.data(), line.size());
  return out;
}

SecretKey generate_key() {
  need_sodium();
  SecretKey k;
  std::array<unsigned char, 32> pk{};
  crypto_sign_keypair(pk.data(), k.key.data());
  randombytes_buf(k.key_id.data(), k.key_id.size());
  return k;
}

Result<SealedKey> seal(const SecretKey& key, std::optional<std::string_view> password, std::string comment,
                       std::uint64_t opslimit, std::uint64_t memlimit) {
  need_sodium();
  if (comment.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos ||
      comment.size() + k_comment_prefix.size() + 1 >= k_comment_max)
    return Error{"the key's comment must be one line of at most " +
                     std::to_string(k_comment_max - k_comment_prefix.size() - 2) + " bytes",
                 {}, Exit::usage};
  SealedKey s;
  s.comment = std::move(comment);
  std::memcpy(s.keynum.data(), key.key_id.data(), 8);
  std::memcpy(s.keynum.data() + 8, key.key.data(), 64);
  auto chk = checksum(key.key_id, key.key);
  std::memcpy(s.keynum.data() + 72, chk.data(), 32);
  if (!password) return s;
  s.encrypted = true;
  randombytes_buf(s.salt.data(), s.salt.size());
  s.opslimit = opslimit;
  s.memlimit = memlimit;
  std::array<unsigned char, 104> stream{};
  // As minisign does: less memory than the default rather than no key.
  while (!kdf_stream(*password, s, stream)) {
    s.opslimit /= 2;
    s.memlimit /= 2;
    if (s.opslimit < crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN ||
        s.memlimit < crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN)
      return Error{"Unable to complete key derivation - More memory would be needed", {}, Exit::failed};
  }
  for (std::size_t i = 0; i < stream.size(); ++i) s.keynum[i] ^= stream[i];
  sodium_memzero(stream.data(), stream.size());
  return s;
}

Result<SecretKey> unseal(const SealedKey& sealed, std::optional<std::string_view> password,
                         const std::string& path) {
  std::array<unsigned char, 104> keynum = sealed.keynum;
  if (sealed.encrypted) {
    if (!password) return Error{"secret key " + quote(path) + " is encrypted: a password is needed", {}, Exit::usage};
    if (sealed.opslimit > k_max_opslimit || sealed.memlimit > k_max_memlimit)
      return Error{"secret key " + quote(path) + " asks for key derivation limits above minisign's defaults (opslimit " +
                       std::to_string(sealed.opslimit) + ", memlimit " + std::to_string(sealed.memlimit) +
                       "): refused",
                   {}, Exit::usage};
    std::array<unsigned char, 104> stream{};
    if (!kdf_stream(*password, sealed, stream))
      return Error{"Unable to complete key derivation - This probably means out of memory: " + quote(path), {},
                   Exit::failed};
    for (std::size_t i = 0; i < stream.size(); ++i) keynum[i] ^= stream[i];
    sodium_memzero(stream.data(), stream.size());
  }
  SecretKey k;
  std::memcpy(k.key_id.data(), keynum.data(), 8);
  std::memcpy(k.key.data(), keynum.data() + 8, 64);
  std::array<unsigned char, 32> stored{};
  std::memcpy(stored.data(), keynum.data() + 72, 32);
  sodium_memzero(keynum.data(), keynum.size());
  auto chk = checksum(k.key_id, k.key);
  // minisign 0.11 writes an all-zero checksum into unencrypted keys.
  bool zero = sodium_is_zero(stored.data(), stored.size()) == 1;
  if (sodium_memcmp(chk.data(), stored.data(), 32) != 0 && (sealed.encrypted || !zero)) {
    if (sealed.encrypted) return Error{"Wrong password for that key: " + quote(path), {}, Exit::usage};
    return Error{"secret key " + quote(path) + " is damaged: its checksum does not match", {}, Exit::usage};
  }
  return k;
}

// --- signatures ----------------------------------------------------------------

Result<Signature> parse_signature_file(std::string_view text, const std::string& path) {
  auto lines = lines_of(text, 4);
  Signature s;
  if (lines.empty()) return format_error("Error while reading the signature file", path);
  if (!lines[0].complete || !lines[0].clean || lines[0].stored + 1 >= k_comment_max ||
      lines[0].text.find('\0') != std::string_view::npos)
    return format_error("Untrusted signature comment too long", path);
  if (!lines[0].text.starts_with(k_comment_prefix))
    return format_error("Untrusted signature comment should start with \"untrusted comment: \"", path);
  s.untrusted_comment = std::string(lines[0].text.substr(k_comment_prefix.size()));
  if (lines.size() < 2) return format_error("Error while reading the signature file", path);
  // minisign reads this line into a buffer of 102 bytes with its "\n".
  if (!lines[1].complete || !lines[1].clean || lines[1].stored > 101)
    return format_error("Signature too long", path);
  if (lines.size() < 3) return format_error("Trusted comment not present", path);
  if (!lines[2].text.starts_with(k_trusted_prefix))
    return format_error("Trusted signature comment should start with \"trusted comment: \"", path);
  if (!lines[2].complete || !lines[2].clean || lines[2].stored + 1 >= k_trusted_max)
    return format_error("Trusted comment too long", path);
  s.trusted_comment = std::string(lines[2].text.substr(k_trusted_prefix.size()));
  if (!printable(s.trusted_comment)) return format_error("Signature file contains unprintable characters", path);
  if (lines.size() < 4) return format_error("Error while reading the signature file", path);
  std::array<unsigned char, 74> raw{};
  if (!decode(lines[1].text, raw))
    return format_error("base64 conversion failed - was an actual signature given?", path);
  if (raw[0] == 'E' && raw[1] == 'd') s.alg = SigAlg::legacy;
  else if (raw[0] == 'E' && raw[1] == 'D') s.alg = SigAlg::prehashed;
  else return format_error("Unsupported signature algorithm", path);
  std::memcpy(s.key_id.data(), raw.data() + 2, 8);
  std::memcpy(s.sig.data(), raw.data() + 10, 64);
  if (!decode(lines[3].text, s.global_sig))
    return format_error("base64 conversion failed - was an actual signature given?", path);
  return s;
}

std::string signature_file(const Signature& s) {
  std::array<unsigned char, 74> raw{};
  raw[0] = 'E';
  raw[1] = s.alg == SigAlg::legacy ? 'd' : 'D';
  std::memcpy(raw.data() + 2, s.key_id.data(), 8);
  std::memcpy(raw.data() + 10, s.sig.data(), 64);
  return std::string(k_comment_prefix) + s.untrusted_comment + "\n" + encode(raw.data(), raw.size()) + "\n" +
         std::string(k_trusted_prefix) + s.trusted_comment + "\n" + encode(s.global_sig.data(), 64) + "\n";
}

std::string default_trusted_comment(std::int64_t now, const std::string& basename, SigAlg alg) {
  return "timestamp:" + std::to_string(now) + "\tfile:" + basename + (alg == SigAlg::prehashed ? "\thashed" : "");
}

Result<Signature> sign(const SecretKey& key, std::istream& data, SigAlg alg, std::string trusted_comment,
                       std::string untrusted_comment) {
  need_sodium();
  for (const std::string* c : {&trusted_comment, &untrusted_comment})
    if (c->find_first_of("\r\n") != std::string::npos)
      return Error{"a comment must be one line: " + quote(*c), {}, Exit::usage};
  if (trusted_comment.size() + k_trusted_prefix.size() + 1 >= k_trusted_max)
    return Error{"Trusted comment too long", {}, Exit::usage};
  if (untrusted_comment.size() + k_comment_prefix.size() + 1 >= k_comment_max)
    return Error{"Untrusted comment too long: minisign reads at most " +
                     std::to_string(k_comment_max - k_comment_prefix.size() - 2) + " bytes of it",
                 {}, Exit::usage};
  if (!printable(trusted_comment))
    return Error{"the trusted comment has control characters or is not UTF-8", {}, Exit::usage};
  auto message = signed_message(data, alg);
  if (!message) return message.error();
  Signature s;
  s.alg = alg;
  s.key_id = key.key_id;
  s.untrusted_comment = std::move(untrusted_comment);
  s.trusted_comment = std::move(trusted_comment);
  crypto_sign_detached(s.sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message->data()),
                       message->size(), key.key.data());
  std::string global = sig_and_comment(s.sig, s.trusted_comment);
  crypto_sign_detached(s.global_sig.data(), nullptr, reinterpret_cast<const unsigned char*>(global.data()),
                       global.size(), key.key.data());
  return s;
}

Result<Verification> verify(const PublicKey& key, const Signature& sig, std::istream& data,
                            const std::string& sig_path, bool require_prehashed) {
  need_sodium();
  if (sig.alg == SigAlg::legacy && require_prehashed)
    return Verification{Verdict::legacy_refused, "Legacy (non-prehashed) signature found"};
  auto message = signed_message(data, sig.alg);
  if (!message) return message.error();
  if (sig.key_id != key.key_id)
    return Verification{Verdict::key_mismatch, "Signature key id in " + sig_path + " is " + key_id_hex(sig.key_id) +
                                                   " but the key id in the public key is " +
                                                   key_id_hex(key.key_id)};
  if (crypto_sign_verify_detached(sig.sig.data(), reinterpret_cast<const unsigned char*>(message->data()),
                                  message->size(), key.key.data()) != 0)
    return Verification{Verdict::bad_signature, "Signature verification failed"};
  std::string global = sig_and_comment(sig.sig, sig.trusted_comment);
  if (crypto_sign_verify_detached(sig.global_sig.data(), reinterpret_cast<const unsigned char*>(global.data()),
                                  global.size(), key.key.data()) != 0)
    return Verification{Verdict::bad_comment_signature, "Comment signature verification failed"};
  return Verification{Verdict::valid, {}};
}

}  // namespace keel::crypto
