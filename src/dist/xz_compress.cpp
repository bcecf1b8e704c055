#include "dist/xz_compress.hpp"

#include <algorithm>

namespace keel::dist {

namespace {

constexpr std::uint32_t k_level = 5;
// Three dictionaries, liblzma's own choice at this level, written out so
// that a liblzma with another default cannot change the bytes.
constexpr std::uint64_t k_block_size = 24u << 20;
constexpr std::size_t k_out_buffer = 1u << 20;

std::string lzma_message(lzma_ret r) {
  switch (r) {
    case LZMA_MEM_ERROR: return "xz: out of memory";
    case LZMA_MEMLIMIT_ERROR: return "xz: memory limit reached";
    case LZMA_OPTIONS_ERROR: return "xz: this liblzma cannot write these settings";
    case LZMA_UNSUPPORTED_CHECK: return "xz: this liblzma has no CRC64";
    default: return "xz: liblzma failed (code " + std::to_string(static_cast<int>(r)) + ")";
  }
}

}  // namespace

XzCompressor::XzCompressor(std::function<bool(std::string_view)> out, unsigned threads, bool x86_code)
    : m_out(std::move(out)), m_buffer(k_out_buffer, '\0') {
  lzma_options_lzma lzma2;
  if (lzma_lzma_preset(&lzma2, k_level)) {
    fail(LZMA_OPTIONS_ERROR);
    return;
  }
  lzma_filter chain[3];
  std::size_t n = 0;
  if (x86_code) chain[n++] = {LZMA_FILTER_X86, nullptr};
  chain[n++] = {LZMA_FILTER_LZMA2, &lzma2};
  chain[n] = {LZMA_VLI_UNKNOWN, nullptr};
  lzma_mt mt{};
  mt.threads = std::max(1u, threads);
  mt.block_size = k_block_size;
  mt.filters = chain;
  mt.check = LZMA_CHECK_CRC64;  // the xz tool's default
  if (lzma_ret r = lzma_stream_encoder_mt(&m_stream, &mt); r != LZMA_OK) fail(r);
  m_stream.next_out = reinterpret_cast<std::uint8_t*>(m_buffer.data());
  m_stream.avail_out = m_buffer.size();
}

XzCompressor::~XzCompressor() { lzma_end(&m_stream); }

bool XzCompressor::fail(lzma_ret why) {
  m_failed = true;
  if (m_error.empty()) m_error = lzma_message(why);
  return false;
}

// Runs the encoder until it has taken all input (LZMA_RUN) or written the
// end of the stream (LZMA_FINISH), passing each full buffer on.
bool XzCompressor::code(lzma_action action) {
  for (;;) {
    lzma_ret r = lzma_code(&m_stream, action);
    bool done = action == LZMA_FINISH ? r == LZMA_STREAM_END : m_stream.avail_in == 0;
    if (r != LZMA_OK && r != LZMA_STREAM_END) return fail(r);
    bool last = action == LZMA_FINISH && done;
    if (m_stream.avail_out == 0 || (last && m_stream.avail_out < m_buffer.size())) {
      if (!m_out({m_buffer.data(), m_buffer.size() - m_stream.avail_out})) {
        m_failed = true;
        return false;
      }
      m_stream.next_out = reinterpret_cast<std::uint8_t*>(m_buffer.data());
      m_stream.avail_out = m_buffer.size();
    }
    if (done) return true;
  }
}

bool XzCompressor::write(std::string_view data) {
  if (m_failed) return false;
  m_stream.next_in = reinterpret_cast<const std::uint8_t*>(data.data());
  m_stream.avail_in = data.size();
  return code(LZMA_RUN);
}

bool XzCompressor::finish() {
  if (m_failed) return false;
  m_stream.next_in = nullptr;
  m_stream.avail_in = 0;
  return code(LZMA_FINISH);
}

}  // namespace keel::dist
