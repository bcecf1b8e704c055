// leave_to_exit() keeps memory only when the process asked it to.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/exit_memory.hpp"

namespace {

// Counts destructions, so a test can tell whether an object was destroyed.
struct Counted {
  explicit Counted(int* count) : destroyed(count) {}
  Counted(Counted&& other) noexcept : destroyed(other.destroyed) { other.destroyed = nullptr; }
  Counted(const Counted&) = delete;
  ~Counted() {
    if (destroyed) ++*destroyed;
  }
  int* destroyed;
};

}  // namespace

TEST_CASE("leave_to_exit: off, the object is destroyed where it is") {
  keel::keep_memory_until_exit(false);
  int destroyed = 0;
  {
    std::vector<std::string> paths(3, std::string(40, 'x'));
    Counted c(&destroyed);
    keel::leave_to_exit(std::move(paths));
    keel::leave_to_exit(std::move(c));
    CHECK(paths.size() == 3);  // not moved from
    CHECK(destroyed == 0);
  }
  CHECK(destroyed == 1);
}

TEST_CASE("leave_to_exit: on, the object is taken and never destroyed") {
  keel::keep_memory_until_exit(true);
  int destroyed = 0;
  {
    std::vector<std::string> paths(3, std::string(40, 'x'));
    Counted c(&destroyed);
    keel::leave_to_exit(std::move(paths));
    keel::leave_to_exit(std::move(c));
    CHECK(paths.empty());  // moved into memory kept until the exit
  }
  CHECK(destroyed == 0);
  keel::keep_memory_until_exit(false);
  CHECK_FALSE(keel::memory_kept_until_exit());
}
