// Atomic writes, bounded reads and colour decisions.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "fs/fs.hpp"
#include "support.hpp"
#include "term/term.hpp"

using namespace keel;
using keel::test::TempDir;

TEST_CASE("write_atomic replaces content and keeps the mode") {
  TempDir dir;
  auto p = dir.write("f.txt", "old");
  ::chmod(p.c_str(), 0600);
  REQUIRE(fs::write_atomic(p, "new content").ok());
  CHECK(keel::test::read_text(p) == "new content");
  struct stat st {};
  ::stat(p.c_str(), &st);
  CHECK((st.st_mode & 0777) == 0600);
  std::size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  CHECK(files == 1);  // no temporary file left behind
}

TEST_CASE("write_atomic_staged makes its temporary file in the staging directory") {
  TempDir dir;
  std::filesystem::create_directories(dir / "work");
  std::filesystem::create_directories(dir / "staging");
  auto p = dir.write("work/f.txt", "old");
  ::chmod(p.c_str(), 0755);
  REQUIRE(fs::write_atomic_staged(p, "new", 0644, dir / "staging").ok());
  CHECK(keel::test::read_text(p) == "new");
  struct stat st {};
  ::stat(p.c_str(), &st);
  CHECK((st.st_mode & 0777) == 0755);
  CHECK(std::filesystem::is_empty(dir / "staging"));
  std::size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir / "work")) ++files;
  CHECK(files == 1);
  auto missing = fs::write_atomic_staged(p, "x", 0644, dir / "nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(keel::test::read_text(p) == "new");
}

TEST_CASE("write_atomic creates new files with the given mode") {
  TempDir dir;
  REQUIRE(fs::write_atomic(dir / "new.sh", "#!/bin/sh\n", 0755).ok());
  struct stat st {};
  ::stat((dir / "new.sh").c_str(), &st);
  CHECK((st.st_mode & 0777) == 0755);
}

TEST_CASE("write_atomic into a missing directory fails cleanly") {
  TempDir dir;
  auto r = fs::write_atomic(dir / "nope/f.txt", "x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "cannot write '" + (dir / "nope/f.txt").string() + "': No such file or directory");
}

TEST_CASE("read_file errors") {
  TempDir dir;
  auto missing = fs::read_file(dir / "missing");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "cannot read '" + (dir / "missing").string() + "': No such file or directory");
  auto directory = fs::read_file(dir.path());
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error().message == "cannot read '" + dir.path().string() + "': Is a directory");
  dir.write("big", std::string(11, 'x'));
  auto big = fs::read_file(dir / "big", 10);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message == "file too large: '" + (dir / "big").string() + "' is over 10 bytes");
  CHECK(fs::read_file(dir / "big", 11).value() == std::string(11, 'x'));
}

TEST_CASE("display_path is relative under the base") {
  CHECK(fs::display_path("/a/b/c.toml", "/a") == "b/c.toml");
  CHECK(fs::display_path("/x/c.toml", "/a") == "/x/c.toml");
  CHECK(fs::display_path("/a/c.toml", "") == "/a/c.toml");
}

TEST_CASE("colour: flags, NO_COLOR, TERM=dumb and ttys") {
  using term::ColorMode;
  std::map<std::string, std::string> env;
  CHECK(term::use_color(ColorMode::auto_, true, env));
  CHECK_FALSE(term::use_color(ColorMode::auto_, false, env));
  CHECK(term::use_color(ColorMode::always, false, env));
  CHECK_FALSE(term::use_color(ColorMode::never, true, env));
  env["NO_COLOR"] = "1";
  CHECK_FALSE(term::use_color(ColorMode::auto_, true, env));
  CHECK(term::use_color(ColorMode::always, true, env));
  env["NO_COLOR"] = "";
  CHECK(term::use_color(ColorMode::auto_, true, env));
  env["TERM"] = "dumb";
  CHECK_FALSE(term::use_color(ColorMode::auto_, true, env));
}
