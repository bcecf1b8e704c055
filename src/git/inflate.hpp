#pragma once
// A zlib inflater for the small objects of a history walk: commits of a few
// hundred bytes, each compressed with its own Huffman codes.
//
// Why not only libdeflate: its decode tables are sized for long streams
// (2,048 entries for literals and lengths), and filling them again for every
// commit was half of the time keel spent inflating. Here the first-level
// tables are 512 and 128 entries, and a code longer than that is decoded bit
// by bit, which in a few hundred bytes is rare.
//
// It accepts a subset of valid streams: incomplete Huffman codes and a
// preset dictionary are refused. Callers fall back to libdeflate whenever it
// refuses a stream, so a refusal only costs time. A stream it accepts has had
// its Adler-32 checked.

#include <cstddef>

namespace keel::git {

// Inflates the zlib stream at `in` into exactly `out_size` bytes at `out`.
// On success, `consumed` is the length of the stream, trailer included,
// which may be shorter than `in_size`. False when the stream is damaged,
// does not inflate to exactly out_size bytes, or is one it does not take.
bool inflate_small(const unsigned char* in, std::size_t in_size, unsigned char* out, std::size_t out_size,
                   std::size_t& consumed);

}  // namespace keel::git
