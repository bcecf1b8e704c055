// libFuzzer target for the small-object inflater (src/git/inflate), checked
// against libdeflate: the first two bytes are the expected size, the rest
// the zlib stream. The inflater may refuse any stream; whatever it accepts
// must be exactly what libdeflate makes of it, to the byte and to the
// stream's length.
#include <libdeflate.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "git/inflate.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::size_t expected = std::size_t(data[0]) | std::size_t(data[1]) << 8;
  const unsigned char* stream = data + 2;
  std::size_t stream_size = size - 2;

  std::string ours(expected, '\0');
  std::size_t our_used = 0;
  bool ok = keel::git::inflate_small(stream, stream_size, reinterpret_cast<unsigned char*>(ours.data()), expected,
                                     our_used);
  if (!ok) return 0;
  require(our_used <= stream_size);

  static libdeflate_decompressor* reference = libdeflate_alloc_decompressor();
  std::string theirs(expected, '\0');
  std::size_t their_used = 0;
  auto rc = libdeflate_zlib_decompress_ex(reference, stream, stream_size, theirs.data(), expected, &their_used,
                                          nullptr);
  require(rc == LIBDEFLATE_SUCCESS);
  require(ours == theirs);
  require(our_used == their_used);
  return 0;
}
