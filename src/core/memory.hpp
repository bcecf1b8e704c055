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

// For work that will allocate megabytes (a walk over thousands of commits):
// the heap grows by `bytes` at once and is backed by transparent huge
// pages where the kernel offers them, so that one fault maps 2 MiB instead
// of 4 KiB; threads allocate from the same heap. Resident memory grows in
// 2 MiB steps, so commands with a small footprint do not call it.
void use_huge_pages_for_heap(std::size_t bytes);

}  // namespace keel
