#include "core/exit_memory.hpp"

#include <atomic>
#include <mutex>
#include <vector>

namespace keel {

namespace {
std::atomic<bool> g_keep{false};
std::mutex g_left_lock;
}  // namespace

void keep_memory_until_exit(bool keep) { g_keep.store(keep, std::memory_order_relaxed); }

bool memory_kept_until_exit() { return g_keep.load(std::memory_order_relaxed); }

void detail::note_left(const void* object) {
  // Allocated, never destroyed: it must outlive every static destructor.
  static auto* left = new std::vector<const void*>;
  std::lock_guard lock(g_left_lock);
  left->push_back(object);
}

}  // namespace keel
