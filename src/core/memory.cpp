#include "core/memory.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace keel {

namespace {

// Blocks from this size up still get their own mmap.
constexpr int k_mmap_threshold = 64 << 20;

}  // namespace

void keep_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, k_mmap_threshold);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

void prefault_heap(std::size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  // A block below the threshold comes from the top of the heap, and goes
  // back to it when freed: the next allocations reuse its pages. A larger
  // one would be unmapped on free, its pages lost.
  if (bytes >= static_cast<std::size_t>(k_mmap_threshold)) return;
  void* block = std::malloc(bytes);
  if (!block) return;
  auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  auto begin = (reinterpret_cast<std::uintptr_t>(block) + page - 1) & ~(page - 1);
  auto end = (reinterpret_cast<std::uintptr_t>(block) + bytes) & ~(page - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
  std::free(block);
#else
  (void)bytes;
#endif
}

void use_huge_pages_for_heap(std::size_t bytes) {
#if defined(MADV_HUGEPAGE) && !defined(__SANITIZE_ADDRESS__)
  constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
  keep_freed_memory();
  mallopt(M_ARENA_MAX, 1);
  // The heap ends at an arbitrary address. A block reaching up to the next
  // 2 MiB boundary, never touched and never freed, puts what is allocated
  // next onto whole huge pages; it costs address space, not memory. The pad
  // makes glibc grow the heap by `bytes` in the same brk call, so that one
  // madvise covers all of it.
  static void* filler = nullptr;
  if (filler) return;
  auto start = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  auto begin = (start + huge - 1) & ~(huge - 1);
  mallopt(M_TOP_PAD, static_cast<int>(bytes));
  filler = std::malloc(begin - start + 1);
  mallopt(M_TOP_PAD, 128 << 10);  // glibc's default, for later growth
  auto end = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  if (filler && end > begin + huge) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)bytes;
#endif
}

}  // namespace keel
