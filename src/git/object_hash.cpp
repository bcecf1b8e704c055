#include "git/object_hash.hpp"

#include <cstring>
#include <string>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace keel::git {

namespace detail {

namespace {

std::uint32_t rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

std::uint32_t load_be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

}  // namespace

// FIPS 180-4, section 6.1.2, with the message schedule kept in a ring of 16.
void sha1_blocks_portable(std::uint32_t state[5], const unsigned char* blocks, std::size_t count) {
  for (; count > 0; --count, blocks += 64) {
    std::uint32_t w[16];
    for (int i = 0; i < 16; ++i) w[i] = load_be32(blocks + 4 * i);
    std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
    for (int t = 0; t < 80; ++t) {
      if (t >= 16) w[t & 15] = rotl(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
      std::uint32_t f, k;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      std::uint32_t next = rotl(a, 5) + f + e + k + w[t & 15];
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = next;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
  }
}

#if defined(__x86_64__)

bool sha1_has_sha_ni() {
  // One cpuid per process: in a virtual machine each one traps to the host.
  static const bool has = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    bool sha = (b & (1u << 29)) != 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    bool ssse3 = (c & (1u << 9)) != 0, sse41 = (c & (1u << 19)) != 0;
    return sha && ssse3 && sse41;
  }();
  return has;
}

namespace {

// Four rounds; the round function and constant are an immediate operand, so
// each group of five uses its own instruction.
__attribute__((target("sha,sse4.1,ssse3"))) inline __m128i four_rounds(__m128i abcd, __m128i e, int group) {
  switch (group / 5) {
    case 0:
      return _mm_sha1rnds4_epu32(abcd, e, 0);
    case 1:
      return _mm_sha1rnds4_epu32(abcd, e, 1);
    case 2:
      return _mm_sha1rnds4_epu32(abcd, e, 2);
    default:
      return _mm_sha1rnds4_epu32(abcd, e, 3);
  }
}

}  // namespace

// Twenty groups of four rounds. w[i] holds the schedule words 4i..4i+3, the
// first in the highest lane; sha1msg1/sha1msg2 derive w[i] from w[i-4..i-1]
// as W(t) = rotl1(W(t-3) ^ W(t-8) ^ W(t-14) ^ W(t-16)) does word by word.
// sha1nexte adds the fifth state word, which the round instruction leaves
// implicit, to the next group's words.
__attribute__((target("sha,sse4.1,ssse3"))) void sha1_blocks_sha_ni(std::uint32_t state[5],
                                                                    const unsigned char* blocks, std::size_t count) {
  // Reverses all 16 bytes: big-endian words, and the first word in the top lane.
  const __m128i byte_order = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
  __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)), 0x1b);
  __m128i e0 = _mm_set_epi32(static_cast<int>(state[4]), 0, 0, 0);
  for (; count > 0; --count, blocks += 64) {
    const __m128i abcd_before = abcd, e_before = e0;
    __m128i w[4];  // a ring: w[i & 3]
    for (int i = 0; i < 4; ++i)
      w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks + 16 * i)), byte_order);
    __m128i e = _mm_add_epi32(e0, w[0]);
    __m128i previous = abcd;
    for (int group = 0; group < 20; ++group) {
      previous = abcd;
      abcd = four_rounds(abcd, e, group);
      if (group == 19) break;
      int next = group + 1;
      if (next >= 4)
        w[next & 3] = _mm_sha1msg2_epu32(
            _mm_xor_si128(_mm_sha1msg1_epu32(w[next & 3], w[(next + 1) & 3]), w[(next + 2) & 3]), w[(next + 3) & 3]);
      e = _mm_sha1nexte_epu32(previous, w[next & 3]);
    }
    e0 = _mm_sha1nexte_epu32(previous, e_before);
    abcd = _mm_add_epi32(abcd, abcd_before);
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_shuffle_epi32(abcd, 0x1b));
  state[4] = static_cast<std::uint32_t>(_mm_extract_epi32(e0, 3));
}

#else

bool sha1_has_sha_ni() { return false; }
void sha1_blocks_sha_ni(std::uint32_t state[5], const unsigned char* blocks, std::size_t count) {
  sha1_blocks_portable(state, blocks, count);
}

#endif

}  // namespace detail

namespace {

void blocks(std::uint32_t state[5], const unsigned char* data, std::size_t count) {
  if (detail::sha1_has_sha_ni())
    detail::sha1_blocks_sha_ni(state, data, count);
  else
    detail::sha1_blocks_portable(state, data, count);
}

}  // namespace

Sha1::Sha1() : m_state{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}, m_block{} {}

void Sha1::update(const void* data, std::size_t size) {
  auto* p = static_cast<const unsigned char*>(data);
  m_length += size;
  if (m_fill > 0) {
    std::size_t take = std::min(size, sizeof m_block - m_fill);
    std::memcpy(m_block + m_fill, p, take);
    m_fill += take;
    p += take;
    size -= take;
    if (m_fill < sizeof m_block) return;
    blocks(m_state, m_block, 1);
    m_fill = 0;
  }
  if (size >= 64) {
    blocks(m_state, p, size / 64);
    p += size / 64 * 64;
    size %= 64;
  }
  std::memcpy(m_block, p, size);
  m_fill = size;
}

std::array<unsigned char, 20> Sha1::finish() {
  std::uint64_t bits = m_length * 8;
  unsigned char pad[72] = {0x80};
  std::size_t pad_size = (m_fill < 56 ? 56 - m_fill : 120 - m_fill);
  for (int i = 0; i < 8; ++i) pad[pad_size + i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
  update(pad, pad_size + 8);
  std::array<unsigned char, 20> digest{};
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 4; ++j) digest[4 * i + j] = static_cast<unsigned char>(m_state[i] >> (24 - 8 * j));
  return digest;
}

const char* Sha1::implementation() { return detail::sha1_has_sha_ni() ? "sha-ni" : "portable"; }

Oid hash_object(std::string_view type, std::string_view content) {
  Sha1 sha;
  std::string header(type);
  header += ' ';
  header += std::to_string(content.size());
  header += '\0';
  sha.update(header);
  sha.update(content);
  auto digest = sha.finish();
  git_oid id;
  std::memcpy(id.id, digest.data(), digest.size());
  return Oid(id);
}

}  // namespace keel::git
