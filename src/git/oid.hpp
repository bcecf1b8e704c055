#pragma once
// Object ids as plain values: comparable, hashable, printable. Keeps git_oid
// out of the interfaces commands use.

#include <git2/oid.h>

#include <array>
#include <compare>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace keel::git {

class Oid {
 public:
  static constexpr std::size_t raw_size = 20;  // SHA-1; libgit2 1.5 has nothing else
  static constexpr std::size_t hex_size = 2 * raw_size;

  Oid() = default;  // all zero, git's "no object"
  explicit Oid(const git_oid& id);

  // Exactly 40 hex digits (either case); nullopt otherwise. Abbreviations
  // need the object database: see resolve_commit().
  static std::optional<Oid> from_hex(std::string_view hex);

  std::string hex() const;
  std::string short_hex(std::size_t length = 12) const;
  bool is_zero() const;
  git_oid raw() const;
  const std::array<unsigned char, raw_size>& bytes() const { return m_bytes; }

  // Byte order, which is also the order of the hex strings.
  friend auto operator<=>(const Oid&, const Oid&) = default;

 private:
  std::array<unsigned char, raw_size> m_bytes{};
};

struct OidHash {
  std::size_t operator()(const Oid& id) const noexcept;
};

}  // namespace keel::git

template <>
struct std::hash<keel::git::Oid> : keel::git::OidHash {};
