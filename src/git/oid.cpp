#include "git/oid.hpp"

#include <array>
#include <cstring>

namespace keel::git {

static_assert(sizeof(git_oid::id) == Oid::raw_size, "libgit2 built with a different hash size");

namespace {

// A table rather than comparisons: the digits of an id are random, so the
// comparisons' branches were mispredicted about once a digit, and a history
// walk parses two ids per commit.
constexpr std::array<signed char, 256> k_hex_values = [] {
  std::array<signed char, 256> t{};
  t.fill(-1);
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<signed char>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<signed char>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<signed char>(c - 'A' + 10);
  return t;
}();

int hex_value(char c) { return k_hex_values[static_cast<unsigned char>(c)]; }

}  // namespace

Oid::Oid(const git_oid& id) { std::memcpy(m_bytes.data(), id.id, raw_size); }

std::optional<Oid> Oid::from_hex(std::string_view hex) {
  if (hex.size() != hex_size) return std::nullopt;
  Oid id;
  int bad = 0;  // checked once at the end: no branch per digit
  for (std::size_t i = 0; i < raw_size; ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    bad |= hi | lo;
    id.m_bytes[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  if (bad < 0) return std::nullopt;
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
