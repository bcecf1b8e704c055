#include "git/oid.hpp"

#include <cstring>

namespace keel::git {

static_assert(sizeof(git_oid::id) == Oid::raw_size, "libgit2 built with a different hash size");

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Oid::Oid(const git_oid& id) { std::memcpy(m_bytes.data(), id.id, raw_size); }

std::optional<Oid> Oid::from_hex(std::string_view hex) {
  if (hex.size() != hex_size) return std::nullopt;
  Oid id;
  for (std::size_t i = 0; i < raw_size; ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id.m_bytes[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return id;
}

std::string Oid::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(hex_size, '0');
  for (std::size_t i = 0; i < raw_size; ++i) {
    out[2 * i] = digits[m_bytes[i] >> 4];
    out[2 * i + 1] = digits[m_bytes[i] & 0xf];
  }
  return out;
}

std::string Oid::short_hex(std::size_t length) const { return hex().substr(0, length); }

bool Oid::is_zero() const {
  for (unsigned char b : m_bytes)
    if (b != 0) return false;
  return true;
}

git_oid Oid::raw() const {
  git_oid out;
  std::memcpy(out.id, m_bytes.data(), raw_size);
  return out;
}

// Object ids are already uniformly distributed: their first bytes are a hash.
std::size_t OidHash::operator()(const Oid& id) const noexcept {
  std::size_t h;
  std::memcpy(&h, id.bytes().data(), sizeof h);
  return h;
}

}  // namespace keel::git
