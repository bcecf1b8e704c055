#pragma once
// SHA-256 through OpenSSL's EVP interface (SHA-NI or AVX2 where the CPU has
// them): the cache's content addresses and keys.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace keel::crypto {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::string_view bytes);
  // A field whose end is unambiguous: its length, then its bytes.
  void field(std::string_view bytes);
  Digest finish();  // the object may not be used afterwards

 private:
  struct Ctx;
  std::unique_ptr<Ctx> m_ctx;
};

// The bytes Sha256::field() hashes, appended to `out`: for a caller that
// gathers many fields and hashes them in large pieces.
void append_field(std::string& out, std::string_view bytes);

Digest sha256(std::string_view bytes);
// The file's digest, read in large blocks; errors name the path (Exit::io).
Result<Digest> sha256_file(const std::filesystem::path& path);

// An incremental digest by name ("sha256", "sha512", "md5"), in hex.
class Hash {
 public:
  explicit Hash(std::string_view algorithm);  // std::bad_alloc for an unknown name
  ~Hash();
  Hash(Hash&&) noexcept;
  Hash& operator=(Hash&&) noexcept;
  void update(std::string_view bytes);
  std::string finish_hex();  // the object may not be used afterwards

 private:
  struct Ctx;
  std::unique_ptr<Ctx> m_ctx;
};

// A file's or some bytes' digest in lowercase hex: "sha256" and "sha512"
// for checksum files, "md5" for a Debian package's md5sums.
Result<std::string> file_digest_hex(const std::filesystem::path& path, std::string_view algorithm);
std::string digest_hex(std::string_view bytes, std::string_view algorithm);

std::string hex(const Digest& d);
// 64 lowercase hex digits, or nothing.
bool parse_hex(std::string_view text, Digest& out);

}  // namespace keel::crypto
