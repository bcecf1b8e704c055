#include "dist/parallel_compress.hpp"

#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>
#include <memory>
#include <new>

namespace keel::dist {

namespace {

constexpr std::size_t k_gzip_piece = 4u << 20;
constexpr std::size_t k_zstd_piece = 32u << 20;
constexpr int k_zstd_window_log = 25;  // the whole piece

std::string gzip_piece(const std::string& piece) {
  std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> c(libdeflate_alloc_compressor(9),
                                                                              libdeflate_free_compressor);
  if (!c) throw std::bad_alloc();
  std::string out(libdeflate_gzip_compress_bound(c.get(), piece.size()), '\0');
  std::size_t n = libdeflate_gzip_compress(c.get(), piece.data(), piece.size(), out.data(), out.size());
  if (n == 0) throw std::bad_alloc();  // the bound is always enough
  out.resize(n);
  return out;
}

std::string zstd_piece(const std::string& piece) {
  std::unique_ptr<ZSTD_CCtx, std::size_t (*)(ZSTD_CCtx*)> c(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!c) throw std::bad_alloc();
  ZSTD_CCtx_setParameter(c.get(), ZSTD_c_compressionLevel, 19);
  ZSTD_CCtx_setParameter(c.get(), ZSTD_c_windowLog, k_zstd_window_log);
  // Sizes in the frame header, and a checksum, as the zstd tool writes them.
  ZSTD_CCtx_setParameter(c.get(), ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(piece.size()), '\0');
  std::size_t n = ZSTD_compress2(c.get(), out.data(), out.size(), piece.data(), piece.size());
  if (ZSTD_isError(n)) throw std::bad_alloc();  // the bound is always enough; memory is what fails
  out.resize(n);
  return out;
}

}  // namespace

ParallelCompressor::ParallelCompressor(PieceFormat format, std::function<bool(std::string_view)> out,
                                       unsigned threads)
    : m_format(format),
      m_piece_size(format == PieceFormat::gzip ? k_gzip_piece : k_zstd_piece),
      m_out(std::move(out)),
      m_threads(std::max(1u, threads)) {
  m_piece.reserve(m_piece_size);
}

ParallelCompressor::~ParallelCompressor() {
  for (auto& f : m_pending)
    if (f.valid()) f.wait();
}

bool ParallelCompressor::write(std::string_view data) {
  while (!data.empty() && !m_failed) {
    std::size_t take = std::min(data.size(), m_piece_size - m_piece.size());
    m_piece.append(data.substr(0, take));
    data.remove_prefix(take);
    if (m_piece.size() == m_piece_size && !submit()) return false;
  }
  return !m_failed;
}

bool ParallelCompressor::submit() {
  m_any = true;
  auto compress = m_format == PieceFormat::gzip ? gzip_piece : zstd_piece;
  m_pending.push_back(std::async(std::launch::async, [compress, piece = std::move(m_piece)] { return compress(piece); }));
  m_piece = std::string();
  m_piece.reserve(m_piece_size);
  // At most one piece per thread in flight: memory stays bounded.
  return drain(m_threads);
}

bool ParallelCompressor::drain(std::size_t keep) {
  while (m_pending.size() > keep && !m_failed) {
    std::string piece = m_pending.front().get();
    m_pending.pop_front();
    if (!m_out(piece)) m_failed = true;
  }
  return !m_failed;
}

bool ParallelCompressor::finish() {
  if ((!m_piece.empty() || !m_any) && !submit()) return false;
  return drain(0);
}

}  // namespace keel::dist
