// keel run's input walk: which files it takes and in what order.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include "git_support.hpp"
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

// The index is read on another thread while the walk begins. Held back
// until well after the walk has met every file it can settle alone, it
// must not change what is taken: an ignored directory holding a tracked
// file is entered, and an ignored file is left out unless it is tracked.
TEST_CASE("pipeline inputs: the walk takes the same files before and after the index is read") {
  using namespace std::chrono_literals;
  TempDir dir;
  git_init(dir.path());
  dir.write(".gitignore", "gen/\n*.log\nbuild/\n");
  for (const char* f : {"src/a.c", "src/b.log", "src/c.log", "src/sub/d.log", "src/sub/e.c", "gen/kept.txt",
                        "gen/x.txt", "build/out.o"})
    dir.write(f, "x\n");
  sh(dir.path(), "git add .gitignore src/a.c src/sub/e.c && git add -f src/b.log gen/kept.txt && git commit -q -m files");
  dir.write("src/new.c", "n\n");  // untracked, not ignored
  auto repo = open_repo(dir.path());
  auto scan = [&](const pipeline::TreeFacts& facts, const std::vector<std::string>& globs) {
    pipeline::StatCache stats;
    auto scan = pipeline::scan_inputs(dir.path(), "", globs, facts, stats);
    INFO("error: " << (scan ? "" : scan.error().message));
    REQUIRE(scan.ok());
    std::vector<std::string> out;
    for (const auto& f : scan->files) out.push_back(f.path);
    return out;
  };
  // src/ holds no ignored directory: every file there is met before the
  // index is read, and settled after it.
  const std::pair<std::vector<std::string>, std::vector<std::string>> cases[] = {
      {{"src/**"}, {"src/a.c", "src/b.log", "src/new.c", "src/sub/e.c"}},
      {{"**"}, {".gitignore", "gen/kept.txt", "src/a.c", "src/b.log", "src/new.c", "src/sub/e.c"}},
  };
  for (const auto& [globs, expected] : cases) {
    INFO("globs " << globs.front());
    CHECK(scan(must(pipeline::TreeFacts::read(&repo)), globs) == expected);
    std::promise<void> gate;
    auto held = pipeline::TreeFacts::start(&repo, [&] { gate.get_future().wait(); });
    CHECK_FALSE(held.tracked_known());
    std::jthread release([&] {
      std::this_thread::sleep_for(300ms);
      gate.set_value();
    });
    CHECK(scan(held, globs) == expected);
    CHECK(held.tracked_known());
  }
}
