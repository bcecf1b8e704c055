#pragma once
// The heap, tuned for a short-lived process on machines where a page's
// first touch is dear (about 18 us on the VMs keel is benchmarked on, four
// times what faulting it in ahead costs).

#include <cstddef>

namespace keel {

// Freed memory stays in the heap for reuse: glibc would give each block of
// 128 KiB or more its own mmap, unmapped on free, and trim the heap's free
// top, so that the next large block faults all its pages again.
void keep_freed_memory();

// Faults in the next `bytes` of the heap with one madvise call, for work
// about to allocate that much. Does nothing where the kernel cannot.
void prefault_heap(std::size_t bytes);

}  // namespace keel
