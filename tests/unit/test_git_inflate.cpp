// The small-object inflater (src/git/inflate) against zlib, which wrote the
// streams, and libdeflate, which keel falls back to: every block type, every
// compression level and strategy, lengths around the table and block edges,
// real commits from a pack, and damaged streams, where a refusal is always
// allowed but a wrong result never is.

#include <libdeflate.h>
#include <zlib.h>

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "git/inflate.hpp"

using namespace keel::git;

namespace {

std::string compress(const std::string& data, int level, int strategy = Z_DEFAULT_STRATEGY) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, level, Z_DEFLATED, 15, 8, strategy) == Z_OK);
  std::string out(deflateBound(&z, data.size()) + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

struct Inflated {
  bool ok = false;
  std::string data;
  std::size_t consumed = 0;
};

Inflated ours(const std::string& stream, std::size_t size) {
  Inflated r;
  r.data.assign(size, '\0');
  r.ok = inflate_small(reinterpret_cast<const unsigned char*>(stream.data()), stream.size(),
                       reinterpret_cast<unsigned char*>(r.data.data()), size, r.consumed);
  return r;
}

Inflated libdeflate(const std::string& stream, std::size_t size) {
  Inflated r;
  r.data.assign(size, '\0');
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  r.ok = libdeflate_zlib_decompress_ex(d, stream.data(), stream.size(), r.data.data(), size, &r.consumed, nullptr) ==
         LIBDEFLATE_SUCCESS;
  libdeflate_free_decompressor(d);
  return r;
}

// Commit-like text: hex ids, names, dates and a message, compressible the
// way real commits are.
std::string commit_like(std::mt19937& rng, std::size_t body) {
  static const char hex[] = "0123456789abcdef";
  std::string s = "tree ";
  for (int i = 0; i < 40; ++i) s += hex[rng() & 15];
  s += "\nparent ";
  for (int i = 0; i < 40; ++i) s += hex[rng() & 15];
  s += "\nauthor Ada Lovelace <ada@example.org> 17000" + std::to_string(rng() % 100000) + " +0100\n";
  s += "committer Ada Lovelace <ada@example.org> 17000" + std::to_string(rng() % 100000) + " +0100\n\n";
  s += "feat(parser): change number " + std::to_string(rng() % 1000) + "\n\n";
  static const char* words[] = {"the", "walk", "tags", "release", "commit", "a", "of", "version", "changelog", "\n"};
  while (s.size() < 200 + body) s += std::string(words[rng() % 10]) + " ";
  return s;
}

std::string random_bytes(std::mt19937& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

void check_round_trip(const std::string& data, int level, int strategy, const std::string& trailing = "") {
  std::string stream = compress(data, level, strategy);
  std::string padded = stream + trailing;  // a pack's next entry follows
  Inflated r = ours(padded, data.size());
  REQUIRE_MESSAGE(r.ok, "level " << level << " strategy " << strategy << " size " << data.size());
  CHECK(r.data == data);
  CHECK(r.consumed == stream.size());
}

}  // namespace

TEST_CASE("inflate: zlib streams of every level and strategy, sizes across block edges") {
  std::mt19937 rng(5);
  for (std::size_t body : {0u, 1u, 50u, 300u, 1000u, 5000u, 70000u}) {
    std::string text = commit_like(rng, body);
    for (int level : {0, 1, 6, 9})
      for (int strategy : {Z_DEFAULT_STRATEGY, Z_FIXED, Z_HUFFMAN_ONLY, Z_RLE, Z_FILTERED})
        check_round_trip(text, level, strategy, "PACKNEXT");
  }
  check_round_trip(random_bytes(rng, 100000), 6, Z_DEFAULT_STRATEGY);  // long codes, stored blocks
  check_round_trip(std::string(100000, 'a'), 9, Z_DEFAULT_STRATEGY);   // long matches at distance 1
  check_round_trip("", 6, Z_DEFAULT_STRATEGY);
}

TEST_CASE("inflate: a stream that does not inflate to exactly the expected size is refused") {
  std::mt19937 rng(9);
  std::string text = commit_like(rng, 100);
  std::string stream = compress(text, 6);
  CHECK_FALSE(ours(stream, text.size() - 1).ok);
  CHECK_FALSE(ours(stream, text.size() + 1).ok);
  CHECK_FALSE(ours(stream.substr(0, stream.size() - 1), text.size()).ok);  // trailer cut
  CHECK_FALSE(ours(stream.substr(0, stream.size() / 2), text.size()).ok);
  CHECK_FALSE(ours("", 0).ok);
}

TEST_CASE("inflate: damaged streams are refused or inflate exactly as libdeflate does") {
  std::mt19937 rng(13);
  int refused = 0, agreed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = commit_like(rng, rng() % 400);
    std::string stream = compress(text, 1 + static_cast<int>(rng() % 9), rng() % 2 ? Z_DEFAULT_STRATEGY : Z_FIXED);
    std::string damaged = stream;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) damaged[rng() % damaged.size()] ^= static_cast<char>(1u << (rng() % 8));
    Inflated mine = ours(damaged, text.size());
    Inflated theirs = libdeflate(damaged, text.size());
    if (!mine.ok) {
      refused++;
      continue;
    }
    agreed++;
    REQUIRE(theirs.ok);
    CHECK(mine.data == theirs.data);
    CHECK(mine.consumed == theirs.consumed);
  }
  CHECK(refused > 0);
  MESSAGE("damaged streams: " << refused << " refused, " << agreed << " accepted with libdeflate's result");
}
