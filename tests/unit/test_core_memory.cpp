// The heap tuning: faulting ahead must leave the heap usable.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>

#include "core/memory.hpp"

using namespace keel;

TEST_CASE("memory: prefaulted heap serves the next allocations") {
  keep_freed_memory();
  prefault_heap(1 << 20);
  prefault_heap(0);
  prefault_heap(std::size_t(1) << 30);  // beyond the mmap threshold: nothing to do
  auto block = std::make_unique<char[]>(512 << 10);
  std::memset(block.get(), 'x', 512 << 10);
  CHECK(block[(512 << 10) - 1] == 'x');
}
