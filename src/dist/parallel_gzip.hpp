#pragma once
// gzip for tar.gz artifacts: the stream cut into 4 MiB pieces, each
// compressed by libdeflate at level 9 on its own thread into one gzip
// member, the members written in order (RFC 1952 allows a series of members;
// gzip, tar, zlib's gunzip and every gzip library read them as one stream).
// The pieces' size is fixed, so the bytes do not depend on the number of
// threads. libdeflate's level 9 compresses smaller than gzip -9 and about
// twice as fast, and two threads halve that again.

#include <cstddef>
#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <deque>

namespace keel::dist {

class ParallelGzip {
 public:
  static constexpr std::size_t k_piece = 4u << 20;

  // `out` receives the compressed bytes in order; false stops everything.
  ParallelGzip(std::function<bool(std::string_view)> out, unsigned threads);
  ~ParallelGzip();
  ParallelGzip(const ParallelGzip&) = delete;
  ParallelGzip& operator=(const ParallelGzip&) = delete;

  bool write(std::string_view data);
  // Compresses what is left and writes every member; an empty stream is one
  // empty member, as gzip writes it.
  bool finish();

 private:
  bool submit();
  bool drain(std::size_t keep);

  std::function<bool(std::string_view)> m_out;
  unsigned m_threads;
  std::string m_piece;
  std::deque<std::future<std::string>> m_pending;
  bool m_any = false;
  bool m_failed = false;
};

}  // namespace keel::dist
