#pragma once
// Runs f(0) … f(n-1) on every core when there are enough items to pay for
// starting threads (tens of microseconds each); otherwise on this thread.
// f must be safe to call concurrently for different indices.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace keel {

template <class F>
void for_each_index(std::size_t n, F&& f, std::size_t min_per_thread = 128) {
  std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  std::size_t threads = std::min(cores, n / min_per_thread);
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) f(i);
    return;
  }
  constexpr std::size_t k_batch = 32;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (;;) {
      std::size_t start = next.fetch_add(k_batch, std::memory_order_relaxed);
      if (start >= n) return;
      for (std::size_t i = start; i < std::min(n, start + k_batch); ++i) f(i);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace keel
