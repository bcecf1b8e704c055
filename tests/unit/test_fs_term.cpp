// The one file writer, bounded reads and colour decisions.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "fs/fs.hpp"
#include "support.hpp"
#include "term/term.hpp"

using namespace keel;
using keel::test::TempDir;

TEST_CASE("write_file replaces content atomically and keeps the mode") {
  TempDir dir;
  auto p = dir.write("f.txt", "old");
  ::chmod(p.c_str(), 0600);
  REQUIRE(fs::write_file(p, "new content").ok());
  CHECK(keel::test::read_text(p) == "new content");
  struct stat st {};
  ::stat(p.c_str(), &st);
  CHECK((st.st_mode & 0777) == 0600);
  std::size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  CHECK(files == 1);  // no temporary file left behind
}

TEST_CASE("write_file makes its temporary file in the staging directory when asked") {
  TempDir dir;
  std::filesystem::create_directories(dir / "work");
  std::filesystem::create_directories(dir / "staging");
  auto p = dir.write("work/f.txt", "old");
  ::chmod(p.c_str(), 0755);
  REQUIRE(fs::write_file(p, "new", {.staging = dir / "staging"}).ok());
  CHECK(keel::test::read_text(p) == "new");
  struct stat st {};
  ::stat(p.c_str(), &st);
  CHECK((st.st_mode & 0777) == 0755);
  CHECK(std::filesystem::is_empty(dir / "staging"));
  std::size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir / "work")) ++files;
  CHECK(files == 1);
  auto missing = fs::write_file(p, "x", {.staging = dir / "nope"});
  REQUIRE_FALSE(missing.ok());
  CHECK(keel::test::read_text(p) == "new");
}

TEST_CASE("write_file replaces a file whose name is 255 bytes long") {
  // The temporary name adds ".", ".keel-XXXXXX": it is shortened to fit.
  TempDir dir;
  auto file = dir.write(std::string(251, 'n') + ".txt", "one\n");
  REQUIRE(fs::write_file(file, "two\n").ok());
  CHECK(keel::test::read_text(file) == "two\n");
  CHECK(fs::temporary_template("d", file).size() == 2 + 255);
}

TEST_CASE("write_file creates new files with the given mode") {
  TempDir dir;
  REQUIRE(fs::write_file(dir / "new.sh", "#!/bin/sh\n", {.mode = 0755}).ok());
  struct stat st {};
  ::stat((dir / "new.sh").c_str(), &st);
  CHECK((st.st_mode & 0777) == 0755);
}

TEST_CASE("write_file into a missing directory fails cleanly") {
  TempDir dir;
  auto r = fs::write_file(dir / "nope/f.txt", "x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "cannot write '" + (dir / "nope/f.txt").string() + "': No such file or directory");
}

namespace {
std::size_t entries(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}
}  // namespace

TEST_CASE("write_file writes through a symlink and keeps it") {
  TempDir dir;
  std::filesystem::create_directories(dir / "real");
  auto target = dir.write("real/CHANGELOG.md", "old");
  std::filesystem::create_symlink("real/CHANGELOG.md", dir / "CHANGELOG.md");
  std::filesystem::create_symlink("CHANGELOG.md", dir / "second-link");
  REQUIRE(fs::write_file(dir / "second-link", "new").ok());
  CHECK(std::filesystem::is_symlink(dir / "CHANGELOG.md"));
  CHECK(std::filesystem::is_symlink(dir / "second-link"));
  CHECK(keel::test::read_text(target) == "new");
  CHECK(entries(dir / "real") == 1);  // the temporary file was made beside the target
  CHECK(entries(dir.path()) == 3);
}

TEST_CASE("write_file through a dangling symlink creates the file it names") {
  TempDir dir;
  std::filesystem::create_symlink("made.txt", dir / "link");
  REQUIRE(fs::write_file(dir / "link", "x").ok());
  CHECK(std::filesystem::is_symlink(dir / "link"));
  CHECK(keel::test::read_text(dir / "made.txt") == "x");
}

TEST_CASE("write_file replaces a symlink itself when told to") {
  TempDir dir;
  auto target = dir.write("target", "old");
  std::filesystem::create_symlink("target", dir / "link");
  REQUIRE(fs::write_file(dir / "link", "new", {.links = fs::Links::replace}).ok());
  CHECK_FALSE(std::filesystem::is_symlink(dir / "link"));
  CHECK(keel::test::read_text(dir / "link") == "new");
  CHECK(keel::test::read_text(target) == "old");
}

TEST_CASE("write_file refuses a symlink loop") {
  TempDir dir;
  std::filesystem::create_symlink("b", dir / "a");
  std::filesystem::create_symlink("a", dir / "b");
  auto r = fs::write_file(dir / "a", "x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "cannot write '" + (dir / "a").string() + "': Too many levels of symbolic links");
  CHECK(r.error().exit == Exit::io);
}

TEST_CASE("write_file streams into a FIFO and leaves it a FIFO") {
  TempDir dir;
  auto fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  // A reader must be there before the writer can open the FIFO.
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  REQUIRE(fs::write_file(fifo, "through the pipe").ok());
  char buf[64] = {};
  auto n = ::read(reader, buf, sizeof buf);
  ::close(reader);
  CHECK(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0) == "through the pipe");
  struct stat st {};
  REQUIRE(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK(entries(dir.path()) == 1);
}

TEST_CASE("write_file streams into a character device and never replaces it") {
  REQUIRE(fs::write_file("/dev/null", "discarded").ok());
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  auto full = fs::write_file("/dev/full", "no room");
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().message == "cannot write '/dev/full': No space left on device");
  CHECK(full.error().exit == Exit::io);
}

TEST_CASE("write_file writes - to the given stream, and only when one is given") {
  TempDir dir;
  std::ostringstream out;
  REQUIRE(fs::write_file("-", "to stdout", {.dash = &out}).ok());
  CHECK(out.str() == "to stdout");
  auto here = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto plain = fs::write_file("-", "a file named -");
  std::filesystem::current_path(here);
  REQUIRE(plain.ok());
  CHECK(keel::test::read_text(dir / "-") == "a file named -");
}

TEST_CASE("write_file refuses a directory and a read-only file before changing anything") {
  TempDir dir;
  std::filesystem::create_directories(dir / "d");
  auto d = fs::write_file(dir / "d", "x");
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().message == "cannot write '" + (dir / "d").string() + "': it is a directory");
  auto ro = dir.write("ro.txt", "keep");
  ::chmod(ro.c_str(), 0444);
  auto r = fs::write_file(ro, "x", {.shown = "ro.txt"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "cannot write 'ro.txt': the file is read-only");
  CHECK(r.error().exit == Exit::io);
  CHECK(keel::test::read_text(ro) == "keep");
  CHECK(entries(dir.path()) == 2);
  // A file keel restores is put back whatever its mode.
  REQUIRE(fs::write_file(ro, "restored", {.links = fs::Links::replace}).ok());
  CHECK(keel::test::read_text(ro) == "restored");
}

TEST_CASE("read_for_update reads regular files and refuses streams") {
  TempDir dir;
  auto f = dir.write("f", "content");
  std::filesystem::create_symlink("f", dir / "link");
  auto through = fs::read_for_update(dir / "link", "prepend to");
  REQUIRE(through.ok());
  CHECK(through->value_or("") == "content");
  auto missing = fs::read_for_update(dir / "missing", "prepend to");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  auto device = fs::read_for_update("/dev/null", "prepend to", "null");
  REQUIRE_FALSE(device.ok());
  CHECK(device.error().message == "cannot prepend to 'null': not a regular file");
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
