#include "dist/parallel_gzip.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <memory>
#include <new>

namespace keel::dist {

namespace {

std::string compress_piece(const std::string& piece) {
  std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> c(libdeflate_alloc_compressor(9),
                                                                              libdeflate_free_compressor);
  if (!c) throw std::bad_alloc();
  std::string out(libdeflate_gzip_compress_bound(c.get(), piece.size()), '\0');
  std::size_t n = libdeflate_gzip_compress(c.get(), piece.data(), piece.size(), out.data(), out.size());
  if (n == 0) throw std::bad_alloc();  // the bound is always enough
  out.resize(n);
  return out;
}

}  // namespace

ParallelGzip::ParallelGzip(std::function<bool(std::string_view)> out, unsigned threads)
    : m_out(std::move(out)), m_threads(std::max(1u, threads)) {
  m_piece.reserve(k_piece);
}

ParallelGzip::~ParallelGzip() {
  for (auto& f : m_pending)
    if (f.valid()) f.wait();
}

bool ParallelGzip::write(std::string_view data) {
  while (!data.empty() && !m_failed) {
    std::size_t take = std::min(data.size(), k_piece - m_piece.size());
    m_piece.append(data.substr(0, take));
    data.remove_prefix(take);
    if (m_piece.size() == k_piece && !submit()) return false;
  }
  return !m_failed;
}

bool ParallelGzip::submit() {
  m_any = true;
  m_pending.push_back(std::async(std::launch::async, [piece = std::move(m_piece)] { return compress_piece(piece); }));
  m_piece = std::string();
  m_piece.reserve(k_piece);
  // At most one piece per thread in flight: memory stays bounded.
  return drain(m_threads);
}

bool ParallelGzip::drain(std::size_t keep) {
  while (m_pending.size() > keep && !m_failed) {
    std::string member = m_pending.front().get();
    m_pending.pop_front();
    if (!m_out(member)) m_failed = true;
  }
  return !m_failed;
}

bool ParallelGzip::finish() {
  if ((!m_piece.empty() || !m_any) && !submit()) return false;
  return drain(0);
}

}  // namespace keel::dist
