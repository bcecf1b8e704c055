// SHA-1 of git objects (src/git/object_hash): the published test vectors,
// the SHA-NI and portable block functions against each other on every
// length around the block and padding edges, and object ids against
// libgit2's for the same content.

#include <git2/odb.h>

#include <doctest/doctest.h>

#include <random>
#include <string>

#include "git/object_hash.hpp"

using namespace keel::git;

namespace {

std::string hex(const std::array<unsigned char, 20>& d) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (unsigned char c : d) {
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

std::string sha1_hex(std::string_view data) {
  Sha1 sha;
  sha.update(data);
  return hex(sha.finish());
}

std::string random_bytes(std::mt19937& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

}  // namespace

TEST_CASE("sha1 gives the FIPS 180 test vectors") {
  CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  std::string million(1000000, 'a');
  CHECK(sha1_hex(million) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("sha1 gives one digest however the input is split") {
  std::mt19937 rng(7);
  std::string data = random_bytes(rng, 1000);
  std::string whole = sha1_hex(data);
  for (std::size_t step : {1u, 3u, 63u, 64u, 65u, 200u}) {
    Sha1 sha;
    for (std::size_t at = 0; at < data.size(); at += step) sha.update(std::string_view(data).substr(at, step));
    CHECK_MESSAGE(hex(sha.finish()) == whole, "step " << step);
  }
}

TEST_CASE("the SHA-NI and portable block functions agree") {
  if (!detail::sha1_has_sha_ni()) {
    MESSAGE("this CPU has no SHA extensions; only the portable function runs");
    CHECK(std::string(Sha1::implementation()) == "portable");
    return;
  }
  CHECK(std::string(Sha1::implementation()) == "sha-ni");
  std::mt19937 rng(11);
  for (std::size_t blocks = 1; blocks <= 9; ++blocks) {
    for (int round = 0; round < 50; ++round) {
      std::string data = random_bytes(rng, 64 * blocks);
      std::uint32_t start[5];
      for (auto& w : start) w = rng();
      std::uint32_t a[5], b[5];
      std::copy(start, start + 5, a);
      std::copy(start, start + 5, b);
      auto* p = reinterpret_cast<const unsigned char*>(data.data());
      detail::sha1_blocks_portable(a, p, blocks);
      detail::sha1_blocks_sha_ni(b, p, blocks);
      REQUIRE(std::equal(a, a + 5, b));
    }
  }
}

TEST_CASE("object ids match libgit2's for every length up to three blocks past the padding edge") {
  std::mt19937 rng(3);
  for (std::size_t n = 0; n < 260; ++n) {
    std::string content = random_bytes(rng, n);
    git_oid expected;
    REQUIRE(git_odb_hash(&expected, content.data(), content.size(), GIT_OBJECT_COMMIT) == 0);
    CHECK_MESSAGE(hash_object("commit", content) == Oid(expected), "length " << n);
    REQUIRE(git_odb_hash(&expected, content.data(), content.size(), GIT_OBJECT_BLOB) == 0);
    CHECK_MESSAGE(hash_object("blob", content) == Oid(expected), "length " << n);
  }
}

TEST_CASE("an empty blob has git's well-known id") {
  CHECK(hash_object("blob", "").hex() == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
}
