#include "crypto/sha256.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include <openssl/evp.h>

namespace keel::crypto {

// Small updates (a cache key has two fields per input file) are gathered
// and given to OpenSSL in large pieces: a call into EVP costs more than
// hashing a short field.
struct Sha256::Ctx {
  EVP_MD_CTX* md = nullptr;
  std::string pending;
  static constexpr std::size_t k_batch = 16 * 1024;
  ~Ctx() { EVP_MD_CTX_free(md); }
  void flush() {
    if (pending.empty()) return;
    EVP_DigestUpdate(md, pending.data(), pending.size());
    pending.clear();
  }
};

Sha256::Sha256() : m_ctx(std::make_unique<Ctx>()) {
  m_ctx->md = EVP_MD_CTX_new();
  if (!m_ctx->md || EVP_DigestInit_ex(m_ctx->md, EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view bytes) {
  if (bytes.size() >= Ctx::k_batch) {
    m_ctx->flush();
    EVP_DigestUpdate(m_ctx->md, bytes.data(), bytes.size());
    return;
  }
  m_ctx->pending.append(bytes);
  if (m_ctx->pending.size() >= Ctx::k_batch) m_ctx->flush();
}

namespace {

// A field's length, as eight little-endian bytes.
std::array<char, 8> length_of(std::string_view bytes) {
  std::uint64_t n = bytes.size();
  std::array<char, 8> len{};
  for (std::size_t i = 0; i < len.size(); ++i) len[i] = static_cast<char>(n >> (8 * i));
  return len;
}

}  // namespace

void Sha256::field(std::string_view bytes) {
  auto len = length_of(bytes);
  update(std::string_view(len.data(), len.size()));
  update(bytes);
}

void append_field(std::string& out, std::string_view bytes) {
  auto len = length_of(bytes);
  out.append(len.data(), len.size());
  out.append(bytes);
}

Digest Sha256::finish() {
  m_ctx->flush();
  Digest d{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(m_ctx->md, d.data(), &n);
  return d;
}

Digest sha256(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.finish();
}

namespace {

// Feeds a file to `take` in large blocks; errors name the path.
template <class Take>
Status read_blocks(const std::filesystem::path& path, Take take) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  auto fail = [&](int err) {
    return Error{"cannot read " + quote(path.string()) + ": " + std::strerror(err), {}, Exit::io};
  };
  if (fd < 0) return fail(errno);
  thread_local std::vector<char> buf(1 << 18);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return fail(err);
    }
    if (n == 0) break;
    take(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
  ::close(fd);
  return ok_status();
}

}  // namespace

Result<Digest> sha256_file(const std::filesystem::path& path) {
  Sha256 h;
  if (auto s = read_blocks(path, [&](std::string_view b) { h.update(b); }); !s) return s.error();
  return h.finish();
}

namespace {

const EVP_MD* digest_named(std::string_view algorithm) {
  if (algorithm == "sha256") return EVP_sha256();
  if (algorithm == "sha512") return EVP_sha512();
  if (algorithm == "md5") return EVP_md5();
  return nullptr;
}

std::string hex_of(const unsigned char* bytes, std::size_t n) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = k_digits[bytes[i] >> 4];
    out[2 * i + 1] = k_digits[bytes[i] & 15];
  }
  return out;
}

std::string finish_hex_of(EVP_MD_CTX* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(md, out, &n);
  return hex_of(out, n);
}

using MdCtx = std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)>;

MdCtx start(std::string_view algorithm) {
  MdCtx md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  const EVP_MD* type = digest_named(algorithm);
  if (!md || !type || EVP_DigestInit_ex(md.get(), type, nullptr) != 1) throw std::bad_alloc();
  return md;
}

}  // namespace

struct Hash::Ctx {
  MdCtx md;
};

Hash::Hash(std::string_view algorithm) : m_ctx(new Ctx{start(algorithm)}) {}
Hash::~Hash() = default;
Hash::Hash(Hash&&) noexcept = default;
Hash& Hash::operator=(Hash&&) noexcept = default;
void Hash::update(std::string_view bytes) { EVP_DigestUpdate(m_ctx->md.get(), bytes.data(), bytes.size()); }
std::string Hash::finish_hex() { return finish_hex_of(m_ctx->md.get()); }

Result<std::string> file_digest_hex(const std::filesystem::path& path, std::string_view algorithm) {
  if (!digest_named(algorithm)) return Error{"unsupported digest " + quote(algorithm), {}, Exit::usage};
  MdCtx md = start(algorithm);
  if (auto s = read_blocks(path, [&](std::string_view b) { EVP_DigestUpdate(md.get(), b.data(), b.size()); }); !s)
    return s.error();
  return finish_hex_of(md.get());
}

std::string digest_hex(std::string_view bytes, std::string_view algorithm) {
  MdCtx md = start(algorithm);
  EVP_DigestUpdate(md.get(), bytes.data(), bytes.size());
  return finish_hex_of(md.get());
}

std::string hex(const Digest& d) { return hex_of(d.data(), d.size()); }

bool parse_hex(std::string_view text, Digest& out) {
  if (text.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace keel::crypto
