#pragma once
// keel's one worker pool: f(0) … f(n-1) on a number of threads, this one
// included, each thread taking the next index until none is left. If f
// throws, no index is started after it, and the first exception is
// rethrown here once every thread has stopped.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace keel {

template <class F>
void for_each_index_on(std::size_t threads, std::size_t n, F&& f) {
  threads = std::max<std::size_t>(1, std::min(threads, n));
  std::atomic<std::size_t> next{0};
  std::mutex failure_lock;
  std::exception_ptr failure;
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        f(i);
      } catch (...) {
        std::lock_guard guard(failure_lock);
        if (!failure) failure = std::current_exception();
        next = n;
        return;
      }
    }
  };
  {
    std::vector<std::jthread> pool;  // joined on leaving this block
    pool.reserve(threads - 1);
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
  }
  if (failure) std::rethrow_exception(failure);
}

// On every core, when there are enough items to pay for starting threads
// (tens of microseconds each); otherwise on this thread.
template <class F>
void for_each_index(std::size_t n, F&& f, std::size_t min_per_thread = 128) {
  std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  for_each_index_on(std::min(cores, n / min_per_thread), n, f);
}

}  // namespace keel
