#include "git/inflate.hpp"

#include <array>
#include <cstdint>
#include <cstring>

// DEFLATE is RFC 1951, its zlib wrapper RFC 1950. Codes are read least
// significant bit first, so a table is indexed by the next bits of the
// stream as they stand, which are the code's bits reversed.

namespace keel::git {

namespace {

constexpr unsigned k_max_code_length = 15;
constexpr unsigned k_litlen_bits = 9;
constexpr unsigned k_dist_bits = 7;
constexpr unsigned k_precode_bits = 7;  // precode lengths are at most 7
constexpr unsigned k_max_litlen = 288;
constexpr unsigned k_max_dist = 32;

constexpr std::uint16_t k_length_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                             31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::uint8_t k_length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                             2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::uint16_t k_dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                           33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                           1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::uint8_t k_dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                           6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
constexpr std::uint8_t k_precode_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

// The bits of the stream not yet used, lowest first. Past the end of the
// input it reads zero bytes and counts them; a stream that needs them is
// cut short, which finish() reports.
class BitReader {
 public:
  BitReader(const unsigned char* in, std::size_t size) : m_start(in), m_p(in), m_end(in + size) {}

  // At least 56 bits in the buffer.
  void refill() {
    if (m_end - m_p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, m_p, 8);
      // The bytes loaded beyond the whole ones counted are loaded again by
      // the next refill: OR-ing the same bits twice changes nothing.
      m_buf |= word << m_count;
      m_p += (63 - m_count) >> 3;
      m_count |= 56;
      return;
    }
    while (m_count <= 56) {
      std::uint64_t byte = 0;
      if (m_p < m_end)
        byte = *m_p++;
      else
        ++m_phantom;
      m_buf |= byte << m_count;
      m_count += 8;
    }
  }
  std::uint64_t peek() const { return m_buf; }
  void drop(unsigned n) {
    m_buf >>= n;
    m_count -= n;
  }
  unsigned take(unsigned n) {  // n <= 32, after refill()
    unsigned v = static_cast<unsigned>(m_buf & ((std::uint64_t(1) << n) - 1));
    drop(n);
    return v;
  }
  void align() { drop(m_count & 7); }
  // Bytes read past the end: a few are lookahead; more is a runaway stream.
  bool overrun() const { return m_phantom > 16; }

  // A stored block's bytes, after align().
  bool copy_bytes(unsigned char* out, std::size_t n) {
    while (n > 0 && m_count >= 8) {
      *out++ = static_cast<unsigned char>(take(8));
      --n;
    }
    if (n > 0) {
      if (m_phantom > 0 || static_cast<std::size_t>(m_end - m_p) < n) return false;
      std::memcpy(out, m_p, n);
      m_p += n;
      m_buf = 0;  // held bytes at the old position, now copied
      m_count = 0;
    }
    return true;
  }

  // The stream's length, once its last bits are taken; false if it needed
  // bytes past the end of the input.
  bool consumed(std::size_t& out) const {
    std::size_t loaded = static_cast<std::size_t>(m_p - m_start) + m_phantom;
    std::size_t unused = m_count / 8;
    if (loaded - unused > static_cast<std::size_t>(m_end - m_start)) return false;
    out = loaded - unused;
    return true;
  }

 private:
  const unsigned char* m_start;
  const unsigned char* m_p;
  const unsigned char* m_end;
  std::uint64_t m_buf = 0;
  unsigned m_count = 0;
  std::size_t m_phantom = 0;
};

// A canonical Huffman code. `fast` maps the next `bits` bits to symbol << 4
// | length; 0 there means a longer code, decoded from `count` and `sorted`.
template <unsigned Bits, unsigned MaxSymbols>
struct Code {
  std::array<std::uint16_t, 1u << Bits> fast;
  std::array<std::uint16_t, k_max_code_length + 1> count;
  std::array<std::uint16_t, MaxSymbols> sorted;  // symbols by (length, value)

  using Counts = std::array<std::uint16_t, k_max_code_length + 1>;

  static Counts count_lengths(const std::uint8_t* lengths, unsigned n) {
    Counts c{};
    for (unsigned s = 0; s < n; ++s) c[lengths[s]]++;
    return c;
  }

  // False for an over-subscribed or incomplete code, or no code at all.
  // `counts` holds how many symbols have each length (counts[0] unused).
  bool build(const std::uint8_t* lengths, unsigned n, const Counts& counts) {
    count = counts;
    count[0] = 0;
    int left = 1;
    for (unsigned len = 1; len <= k_max_code_length; ++len) {
      left = (left << 1) - count[len];
      if (left < 0) return false;
    }
    if (left != 0) return false;
    std::array<std::uint16_t, k_max_code_length + 2> offset{};
    for (unsigned len = 1; len <= k_max_code_length; ++len) offset[len + 1] = offset[len] + count[len];
    for (unsigned sym = 0; sym < n; ++sym)
      if (lengths[sym]) sorted[offset[lengths[sym]]++] = static_cast<std::uint16_t>(sym);
    // The table grows a length at a time: doubling it repeats every shorter
    // code under both values of the new top bit, and then each code of
    // this length takes its one slot. Slots left 0 start longer codes.
    //
    // The codes in canonical order are kept bit-reversed, as the table is
    // indexed: the next code is the reversed code plus one, counted from
    // the top bit down. Moving to a longer length appends a 0, which
    // reversed is a leading 0: the value stays.
    fast[0] = fast[1] = 0;
    unsigned reversed = 0, index = 0;
    for (unsigned len = 1; len <= Bits; ++len) {
      if (len > 1) std::memcpy(&fast[1u << (len - 1)], &fast[0], sizeof(fast[0]) << (len - 1));
      for (unsigned i = 0; i < count[len]; ++i) {
        fast[reversed] = static_cast<std::uint16_t>(sorted[index++] << 4 | len);
        unsigned bit = 1u << (len - 1);
        while (reversed & bit) bit >>= 1;
        reversed = (reversed & (bit - 1)) | bit;
      }
    }
    return true;
  }

  bool build(const std::uint8_t* lengths, unsigned n) { return build(lengths, n, count_lengths(lengths, n)); }

  // The next symbol; the reader holds at least 15 bits.
  unsigned decode(BitReader& in) const {
    std::uint64_t bits = in.peek();
    std::uint16_t entry = fast[bits & ((1u << Bits) - 1)];
    if (entry != 0) {
      in.drop(entry & 15);
      return entry >> 4;
    }
    // Canonical decoding one bit at a time: codes of each length are
    // consecutive numbers, starting where the shorter ones ended.
    unsigned code = 0, first = 0, index = 0;
    for (unsigned len = 1; len <= k_max_code_length; ++len) {
      code |= static_cast<unsigned>(bits >> (len - 1)) & 1;
      unsigned n = count[len];
      if (code - first < n) {
        std::size_t at = index + (code - first);
        if (at >= MaxSymbols) break;  // only for a code build() refused
        in.drop(len);
        return sorted[at];
      }
      index += n;
      first = (first + n) << 1;
      code <<= 1;
    }
    return ~0u;  // unreachable for a complete code
  }
};

using LitLenCode = Code<k_litlen_bits, k_max_litlen>;
using DistCode = Code<k_dist_bits, k_max_dist>;

struct FixedCodes {
  LitLenCode litlen;
  DistCode dist;
  bool ok = false;
  FixedCodes() {
    std::uint8_t l[k_max_litlen];
    std::memset(l, 8, 144);
    std::memset(l + 144, 9, 112);
    std::memset(l + 256, 7, 24);
    std::memset(l + 280, 8, 8);
    std::uint8_t d[k_max_dist];
    std::memset(d, 5, sizeof d);
    ok = litlen.build(l, k_max_litlen) && dist.build(d, k_max_dist);
  }
};

const FixedCodes& fixed_codes() {
  static const FixedCodes codes;
  return codes;
}

// Reads a dynamic block's code descriptions (RFC 1951, 3.2.7).
bool read_dynamic_codes(BitReader& in, LitLenCode& litlen, DistCode& dist) {
  in.refill();
  unsigned nlit = in.take(5) + 257, ndist = in.take(5) + 1, nprecode = in.take(4) + 4;
  if (nlit > 286 || ndist > 30) return false;
  std::uint8_t precode_lengths[19] = {};
  for (unsigned i = 0; i < nprecode; ++i) {
    in.refill();
    precode_lengths[k_precode_order[i]] = static_cast<std::uint8_t>(in.take(3));
  }
  Code<k_precode_bits, 19> precode;
  if (!precode.build(precode_lengths, 19)) return false;

  std::uint8_t lengths[k_max_litlen + k_max_dist];  // the loop writes the first nlit + ndist
  // Counted as they are decoded, which spares build() a pass over them.
  LitLenCode::Counts litlen_counts{};
  DistCode::Counts dist_counts{};
  auto count = [&](unsigned at, unsigned length) { (at < nlit ? litlen_counts : dist_counts)[length]++; };
  unsigned total = nlit + ndist;
  for (unsigned i = 0; i < total;) {
    in.refill();
    if (in.overrun()) return false;
    unsigned sym = precode.decode(in);
    if (sym < 16) {
      count(i, sym);
      lengths[i++] = static_cast<std::uint8_t>(sym);
      continue;
    }
    std::uint8_t value = 0;
    unsigned repeat;
    if (sym == 16) {
      if (i == 0) return false;
      value = lengths[i - 1];
      repeat = 3 + in.take(2);
    } else if (sym == 17) {
      repeat = 3 + in.take(3);
    } else if (sym == 18) {
      repeat = 11 + in.take(7);
    } else {
      return false;
    }
    if (i + repeat > total) return false;
    std::memset(lengths + i, value, repeat);
    if (value != 0)  // zero lengths need no count
      for (unsigned r = 0; r < repeat; ++r) count(i + r, value);
    i += repeat;
  }
  if (lengths[256] == 0) return false;  // no end of block
  return litlen.build(lengths, nlit, litlen_counts) && dist.build(lengths + nlit, ndist, dist_counts);
}

// Literals and matches until the end-of-block symbol.
bool inflate_block(BitReader& in, const LitLenCode& litlen, const DistCode& dist, unsigned char* out,
                   std::size_t size, std::size_t& produced) {
  for (;;) {
    in.refill();
    if (in.overrun()) return false;
    unsigned sym = litlen.decode(in);
    if (sym < 256) {
      if (produced == size) return false;
      out[produced++] = static_cast<unsigned char>(sym);
      continue;
    }
    if (sym == 256) return true;
    sym -= 257;
    if (sym >= 29) return false;
    // Length (up to 5 extra bits), distance code (up to 15) and its extra
    // bits (up to 13): 33 bits, so one more refill before the distance.
    unsigned length = k_length_base[sym] + in.take(k_length_extra[sym]);
    in.refill();
    unsigned dsym = dist.decode(in);
    if (dsym >= 30) return false;
    unsigned distance = k_dist_base[dsym] + in.take(k_dist_extra[dsym]);
    if (distance > produced || length > size - produced) return false;
    unsigned char* to = out + produced;
    const unsigned char* from = to - distance;
    for (unsigned i = 0; i < length; ++i) to[i] = from[i];  // overlapping by design
    produced += length;
  }
}

std::uint32_t adler32(const unsigned char* p, std::size_t n) {
  std::uint32_t a = 1, b = 0;
  while (n > 0) {
    std::size_t chunk = n < 5552 ? n : 5552;  // no overflow before the modulo
    n -= chunk;
    // Eight bytes a step: b gains 8a plus each byte weighted by how many
    // of the eight sums it is in, which keeps b off a's per-byte chain.
    for (; chunk >= 8; chunk -= 8, p += 8) {
      std::uint32_t sum = 0, weighted = 0;
      for (unsigned i = 0; i < 8; ++i) {
        sum += p[i];
        weighted += (8 - i) * p[i];
      }
      b += 8 * a + weighted;
      a += sum;
    }
    for (; chunk > 0; --chunk) {
      a += *p++;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return (b << 16) | a;
}

}  // namespace

bool inflate_small(const unsigned char* in, std::size_t in_size, unsigned char* out, std::size_t out_size,
                   std::size_t& consumed) {
  if (in_size < 2) return false;
  unsigned cmf = in[0], flg = in[1];
  if ((cmf & 15) != 8 || (cmf >> 4) > 7 || (cmf * 256 + flg) % 31 != 0 || (flg & 0x20)) return false;
  const FixedCodes& fixed = fixed_codes();
  if (!fixed.ok) return false;

  BitReader bits(in + 2, in_size - 2);
  LitLenCode litlen;
  DistCode dist;
  std::size_t produced = 0;
  bool last = false;
  while (!last) {
    bits.refill();
    last = bits.take(1) != 0;
    unsigned type = bits.take(2);
    if (type == 0) {
      bits.align();
      bits.refill();
      unsigned len = bits.take(16), nlen = bits.take(16);
      if (len != (~nlen & 0xffff) || len > out_size - produced) return false;
      if (!bits.copy_bytes(out + produced, len)) return false;
      produced += len;
    } else if (type == 1) {
      if (!inflate_block(bits, fixed.litlen, fixed.dist, out, out_size, produced)) return false;
    } else if (type == 2) {
      if (!read_dynamic_codes(bits, litlen, dist) || !inflate_block(bits, litlen, dist, out, out_size, produced))
        return false;
    } else {
      return false;
    }
    if (bits.overrun()) return false;
  }
  if (produced != out_size) return false;
  bits.align();
  bits.refill();
  std::uint32_t expected = 0;
  for (int i = 0; i < 4; ++i) expected = (expected << 8) | bits.take(8);
  if (expected != adler32(out, out_size)) return false;
  std::size_t used = 0;
  if (!bits.consumed(used)) return false;
  consumed = used + 2;
  return true;
}

}  // namespace keel::git
