#pragma once
// xz for tar.xz archives and a .deb's data.tar.xz, through liblzma's
// multi-threaded encoder driven directly (libarchive's xz filter takes no
// block size and no filter chain). The stream is cut into blocks of a fixed
// size, so the bytes do not depend on the number of threads, and one thread
// gives the same bytes as eight.
//
// Settings, measured on a 200 MiB tree of programs, libraries and documents
// from /usr against dpkg-deb's xz -6 (bench/dist.sh; README):
//   level 5 (LZMA2 with an 8 MiB dictionary, as at level 6, and a shorter
//   match length to look for): about 20% less CPU than level 6;
//   the x86 branch filter in front for amd64 and i386 code: machine code
//   compresses better once its call addresses are made absolute, which wins
//   back what level 5 loses (output within 1% of xz -6's).

#include <lzma.h>

#include <functional>
#include <string>
#include <string_view>

#include "dist/parallel_compress.hpp"

namespace keel::dist {

class XzCompressor final : public Compressor {
 public:
  // `x86_code`: put the x86 branch filter in front (amd64 and i386 targets).
  XzCompressor(std::function<bool(std::string_view)> out, unsigned threads, bool x86_code);
  ~XzCompressor() override;
  XzCompressor(const XzCompressor&) = delete;
  XzCompressor& operator=(const XzCompressor&) = delete;

  bool write(std::string_view data) override;
  bool finish() override;
  std::string error() const override { return m_error; }

 private:
  bool code(lzma_action action);
  bool fail(lzma_ret why);

  std::function<bool(std::string_view)> m_out;
  lzma_stream m_stream = LZMA_STREAM_INIT;
  std::string m_buffer;
  std::string m_error;
  bool m_failed = false;
};

}  // namespace keel::dist
