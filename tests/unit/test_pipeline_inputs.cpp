// keel run's input walk: which files it takes and in what order.
#include <doctest/doctest.h>

#include <algorithm>

#include "pipeline/inputs.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::test;

namespace {

std::vector<std::string> scanned(const TempDir& dir, const std::vector<std::string>& globs) {
  auto facts = pipeline::TreeFacts::read(nullptr);
  REQUIRE(facts.ok());
  pipeline::StatCache stats;
  auto scan = pipeline::scan_inputs(dir.path(), "", globs, *facts, stats);
  INFO("error: " << (scan ? "" : scan.error().message));
  REQUIRE(scan.ok());
  std::vector<std::string> out;
  for (const auto& f : scan->files) out.push_back(f.path);
  return out;
}

}  // namespace

// The walk reads directories on every core, in no fixed order; the cache
// key needs the files in byte order of their paths, where "a.b/x" comes before "a/x" and a
// directory's files may come before, between or after its subdirectories.
TEST_CASE("pipeline inputs: files come in path order, without repeats, whatever the tree") {
  TempDir dir;
  const std::vector<std::string> files = {"a.b/x", "a/x",   "a/b/c", "a/c",     "a/z", "a-b",    "a0/x",
                                          "b",     "a/b.c/d", "a/b/c.d/e", "a/b0", "z/y/x/w", "a/b/c-d"};
  for (const auto& f : files) dir.write(f, "x\n");
  auto sorted = files;
  std::sort(sorted.begin(), sorted.end());
  CHECK(scanned(dir, {"**"}) == sorted);
  // Overlapping globs and a file named exactly: each file once, in order.
  CHECK(scanned(dir, {"a/**", "a/b/**", "b", "a/b/*"}) ==
        std::vector<std::string>{"a/b.c/d", "a/b/c", "a/b/c-d", "a/b/c.d/e", "a/b0", "a/c", "a/x", "a/z", "b"});
  CHECK(scanned(dir, {"a/b"}) == std::vector<std::string>{"a/b/c", "a/b/c-d", "a/b/c.d/e"});
}
