#pragma once
// minisign's key and signature formats, and signing and verifying with them.
// Every primitive is libsodium's: Ed25519, BLAKE2b, scrypt, base64, random
// bytes. The parsers take the file's text and never trust a length or a
// limit in it; the signers and verifiers read the signed data from a stream,
// so a file of any size takes constant memory.
//
// Byte layouts (all base64 of the original alphabet, one line each):
//   public key  "Ed" | key id (8) | Ed25519 public key (32)
//   secret key  "Ed" | kdf "Sc" or 00 00 | "B2" | salt (32) | opslimit (8, LE)
//               | memlimit (8, LE) | key id (8) | secret key (64) | checksum (32)
//               the last 104 bytes XORed with scrypt's stream when encrypted;
//               checksum = BLAKE2b-256("Ed" | key id | secret key)
//   signature   "Ed" (legacy: Ed25519 of the data) or "ED" (Ed25519 of the
//               data's BLAKE2b-512) | key id (8) | signature (64), then the
//               trusted comment, then Ed25519(signature | trusted comment)
//
// Error messages are minisign's where minisign has one, so that users and
// scripts recognise them; each names the file.

#include <array>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace keel::crypto {

using KeyId = std::array<unsigned char, 8>;

// The key id as minisign prints it: the 8 bytes read as a little-endian
// number, in 16 upper-case hex digits.
std::string key_id_hex(const KeyId& id);

struct PublicKey {
  KeyId key_id{};
  std::array<unsigned char, 32> key{};
};

// The decrypted secret key; its bytes are wiped when it goes.
class SecretKey {
 public:
  SecretKey() = default;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  ~SecretKey();

  KeyId key_id{};
  std::array<unsigned char, 64> key{};  // Ed25519 seed | public key

  PublicKey public_key() const;
};

// A secret key file as stored: possibly encrypted (and when not, its
// keynum is the key itself, so it is wiped when it goes).
struct SealedKey {
  SealedKey() = default;
  SealedKey(const SealedKey&) = default;
  SealedKey& operator=(const SealedKey&) = default;
  ~SealedKey();

  std::string comment;  // the untrusted comment, without its prefix
  bool encrypted = false;
  std::array<unsigned char, 32> salt{};
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
  std::array<unsigned char, 104> keynum{};  // key id | secret key | checksum
};

enum class SigAlg { legacy, prehashed };  // "Ed", "ED"

struct Signature {
  std::string untrusted_comment;  // without "untrusted comment: "
  SigAlg alg = SigAlg::prehashed;
  KeyId key_id{};
  std::array<unsigned char, 64> sig{};
  std::string trusted_comment;  // without "trusted comment: "
  std::array<unsigned char, 64> global_sig{};
};

// --- formats -----------------------------------------------------------------

// A public key file (comment line, key line) or its base64 line alone.
Result<PublicKey> parse_public_key_file(std::string_view text, const std::string& path);
Result<PublicKey> parse_public_key_base64(std::string_view base64);
std::string public_key_base64(const PublicKey& key);
std::string public_key_file(const PublicKey& key);

Result<SealedKey> parse_secret_key_file(std::string_view text, const std::string& path);
std::string secret_key_file(const SealedKey& key);

Result<Signature> parse_signature_file(std::string_view text, const std::string& path);
std::string signature_file(const Signature& sig);

// minisign's default trusted comment: "timestamp:<unix>\tfile:<basename>"
// and "\thashed" for a prehashed signature.
std::string default_trusted_comment(std::int64_t now, const std::string& basename, SigAlg alg);

// --- keys ----------------------------------------------------------------------

// minisign's defaults for scrypt (libsodium's "sensitive" limits): the most
// a key file may ask for. A hostile file must not make keel allocate
// gigabytes or compute for minutes.
inline constexpr std::uint64_t k_max_opslimit = 33554432;    // 2^25
inline constexpr std::uint64_t k_max_memlimit = 1073741824;  // 1 GiB

// A new key pair with a random key id.
SecretKey generate_key();

// The key as a file's contents: encrypted with the password, or in the clear
// (with its real checksum, which minisign 0.11 leaves as zeros) without one.
// The limits default to minisign's; tests pass smaller ones.
Result<SealedKey> seal(const SecretKey& key, std::optional<std::string_view> password, std::string comment,
                       std::uint64_t opslimit = k_max_opslimit, std::uint64_t memlimit = k_max_memlimit);

// The key from a file's contents. A wrong password is "Wrong password for
// that key"; limits above minisign's defaults are refused before any work.
Result<SecretKey> unseal(const SealedKey& sealed, std::optional<std::string_view> password,
                         const std::string& path);

// --- signing -------------------------------------------------------------------

// Signs what `data` yields (read to its end). Errors are read errors.
Result<Signature> sign(const SecretKey& key, std::istream& data, SigAlg alg, std::string trusted_comment,
                       std::string untrusted_comment);

enum class Verdict { valid, legacy_refused, key_mismatch, bad_signature, bad_comment_signature };

struct Verification {
  Verdict verdict = Verdict::bad_signature;
  std::string message;  // minisign's text for a failure; empty when valid
};

// minisign -V's checks in its order: a legacy signature when prehashed ones
// are required, the key id, the data's signature, then the trusted
// comment's. Reads `data` to its end (a legacy signature buffers it: the
// Ed25519 of the whole data needs it in one piece).
Result<Verification> verify(const PublicKey& key, const Signature& sig, std::istream& data,
                            const std::string& sig_path, bool require_prehashed);

}  // namespace keel::crypto
