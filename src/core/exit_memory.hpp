#pragma once
// A command ends with its process. Handing a large structure back to malloc
// piece by piece just before that (a 20,000-entry index, the input list of
// a warm cache check) costs a millisecond the exit does in one step, so
// keel's main turns leave_to_exit() on: what is given to it is then never
// freed, as git leaves its index to the exit. Off by default, so that tests
// and any longer-lived caller free as usual; off under the sanitizers, so
// that a real leak or a use after free still shows. Only plain memory may
// be given: nothing holding a lock, a temporary file or a running thread.

#include <type_traits>
#include <utility>

namespace keel {

void keep_memory_until_exit(bool keep);
bool memory_kept_until_exit();

namespace detail {
// Keeps a pointer to what was left, so that a leak checker sees it reachable.
void note_left(const void* object);
}  // namespace detail

// Takes `object` (moved from) when memory is kept until the exit; otherwise
// leaves it to be destroyed where it is.
template <class T>
void leave_to_exit(T&& object) {
  static_assert(!std::is_lvalue_reference_v<T>, "leave_to_exit takes an object to move from");
  if (memory_kept_until_exit()) detail::note_left(new std::decay_t<T>(std::move(object)));
}

}  // namespace keel
