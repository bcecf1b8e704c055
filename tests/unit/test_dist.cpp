// keel dist's pure parts: name templates, destinations, the order and
// completeness of an archive's tree, checksum lines; and that the
// compressors' bytes do not depend on the number of threads.
#include <doctest/doctest.h>

#include "support.hpp"

#include <random>

#include "dist/archive.hpp"
#include "dist/build.hpp"
#include "dist/deb.hpp"
#include "dist/entries.hpp"
#include "dist/template.hpp"

using namespace keel;
using namespace keel::dist;

namespace {

std::vector<std::string> paths(const std::vector<Entry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.path + (e.kind == EntryKind::dir ? "/" : ""));
  return out;
}

Entry file(std::string path) {
  Entry e;
  e.path = std::move(path);
  return e;
}

}  // namespace

TEST_CASE("dist template: fields are filled, unknown ones refused or kept") {
  TemplateFields f{"keel", "1.2.3", "linux", "amd64"};
  CHECK(expand("{name}_{version}_{os}_{arch}", f).value() == "keel_1.2.3_linux_amd64");
  CHECK(expand("plain", f).value() == "plain");
  auto unknown = expand("{name}_{nme}", f);
  REQUIRE(!unknown);
  CHECK(unknown.error().message == "unknown field '{nme}' in '{name}_{nme}'");
  CHECK(unknown.error().exit == Exit::config);
  CHECK(expand("{name", f).error().message == "unclosed '{' in '{name'");
  // A glob's alternatives stay for the glob.
  CHECK(expand("build/{os}/*.{so,a}", f, Unknown::keep).value() == "build/linux/*.{so,a}");
  CHECK(expand("x{", f, Unknown::keep).value() == "x{");
}

TEST_CASE("dist template: an artifact name is one safe file name") {
  CHECK(check_artifact_name("keel_1.0.0_linux_amd64.tar.gz"));
  CHECK(check_artifact_name("keel_1.0.0-snapshot+abc1234_linux_amd64"));
  CHECK(check_artifact_name("a/b").error().message == "invalid artifact name 'a/b': it contains '/'");
  CHECK(check_artifact_name("").error().message == "invalid artifact name '': it is empty");
  CHECK(check_artifact_name("..").error().message == "invalid artifact name '..': it starts with '.'");
  CHECK(check_artifact_name("-rf").error().message == "invalid artifact name '-rf': it starts with '-'");
  CHECK(check_artifact_name("a\nb").error().message == "invalid artifact name 'a\nb': it contains a control character");
  CHECK(check_artifact_name("a\xff").error().message == "invalid artifact name '(not UTF-8)': it is not valid UTF-8");
  CHECK(!check_artifact_name(std::string(256, 'a')));
}

TEST_CASE("dist entries: destinations stay inside the archive") {
  CHECK(normalize_destination("bin/tool").value() == "bin/tool");
  CHECK(normalize_destination("./bin//tool").value() == "bin/tool");
  CHECK(normalize_destination("/usr/bin/").value() == "usr/bin/");
  CHECK(normalize_destination("").value() == "");
  CHECK(normalize_destination("a/../../etc").error().message ==
        "the destination 'a/../../etc' climbs out of the archive root");
  CHECK(!normalize_destination("a/.."));
  CHECK(!normalize_destination("a\tb"));
  CHECK(!normalize_destination("\xc3"));
}

TEST_CASE("dist entries: paths sort component by component") {
  CHECK(path_before("a", "a/b"));
  CHECK(path_before("a/b", "a-b"));  // bytewise, '-' < '/', would put a-b first
  CHECK(path_before("a/z", "a-b"));
  CHECK(path_before("B", "a"));
  CHECK(!path_before("a", "a"));
}

TEST_CASE("dist entries: the tree gets its directories, in order, and no path twice") {
  auto tree = finish_tree({file("b/x"), file("a-b"), file("a/c/d"), file("README")}).value();
  CHECK(paths(tree) == std::vector<std::string>{"README", "a/", "a/c/", "a/c/d", "a-b", "b/", "b/x"});
  for (const auto& e : tree)
    if (e.kind == EntryKind::dir) CHECK(e.mode == 0755);

  Entry one = file("bin/tool"), two = file("bin/tool");
  one.origin = "keel.toml:3:1";
  two.origin = "keel.toml:4:1";
  auto twice = finish_tree({one, two});
  REQUIRE(!twice);
  CHECK(twice.error().message ==
        "two files have the destination 'bin/tool' (keel.toml:3:1 and keel.toml:4:1)");
  auto clash = finish_tree({file("bin"), file("bin/tool")});
  REQUIRE(!clash);
  CHECK(clash.error().message == "'bin' is both a file and the directory of 'bin/tool'");
}

TEST_CASE("dist checksums: one line per file, sorted by name, as sha256sum writes them") {
  CHECK(checksum_lines({{"b.tar.gz", "22"}, {"a.zip", "11"}}) == "11  a.zip\n22  b.tar.gz\n");
}

TEST_CASE("dist archive: gzip, zstd and xz give the same bytes whatever the number of threads") {
  test::TempDir dir;
  // 40 MiB of one random block repeated: past xz's 24 MiB blocks at level
  // 6, zstd's 32 MiB pieces and ten of gzip's 4 MiB pieces, so the encoders
  // really split the work; quick to compress because it repeats.
  std::mt19937 rng(7);
  std::string block(1 << 16, '\0');
  for (auto& c : block) c = static_cast<char>(rng());
  std::string big;
  big.reserve(40u << 20);
  while (big.size() < (40u << 20)) big += block;
  Entry e = file("big.bin");
  e.source = dir.write("big.bin", big);
  e.size = big.size();
  for (Format f : {Format::tar_gz, Format::tar_zst, Format::tar_xz}) {
    for (bool x86 : {false, true}) {
      CAPTURE(format_name(f));
      CAPTURE(x86);
      std::string tag = std::string(x86 ? "x86" : "") + std::string(extension(f));
      auto one = write_archive(f, {e}, {1700000000, 1, {}, x86}, dir / ("one" + tag));
      auto three = write_archive(f, {e}, {1700000000, 3, {}, x86}, dir / ("three" + tag));
      REQUIRE(one);
      REQUIRE(three);
      CHECK(one->size > 0);
      CHECK(crypto::hex(one->sha256) == crypto::hex(three->sha256));
    }
  }
}

TEST_CASE("dist archive: the output must not exist yet, and a failure leaves nothing") {
  test::TempDir dir;
  Entry e = file("a.txt");
  e.source = dir.write("a.txt", "hello");
  e.size = 5;
  dir.write("out.tar.gz", "old");
  auto again = write_archive(Format::tar_gz, {e}, {}, dir / "out.tar.gz");
  REQUIRE(!again);
  CHECK(again.error().exit == Exit::io);
  CHECK(test::read_text(dir / "out.tar.gz") == "old");

  Entry grown = e;
  grown.size = 3;  // the file changed after it was listed
  auto changed = write_archive(Format::tar_gz, {grown}, {}, dir / "changed.tar.gz");
  REQUIRE(!changed);
  CHECK(changed.error().message == "'" + (dir / "a.txt").string() + "' changed while it was being archived");
  CHECK(!std::filesystem::exists(dir / "changed.tar.gz"));
}

TEST_CASE("dist deb: the copyright file is DEP-5, with the licence's own notices") {
  std::string wrapped = deb::copyright("Copyright (c) 2023 Jane Doe\n\nPermission is granted.\n", "tool",
                                       "Keel Test", "MIT");
  CHECK(wrapped ==
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: tool\n\n"
        "Files: *\nCopyright: 2023 Jane Doe\nLicense: MIT\n Copyright (c) 2023 Jane Doe\n .\n Permission is granted.\n");
  // A file that already is DEP-5 is kept, and ends with a newline (found by fuzz_deb_control).
  CHECK(deb::copyright("Format: x\n\npara", "tool", "K", "MIT") == "Format: x\n\npara\n");
}

TEST_CASE("dist deb: changelog lines stay within 80 columns") {
  std::string header = "feat(dist):";
  for (int i = 0; i < 40; ++i) header += " word" + std::to_string(i);
  std::string text = deb::changelog("tool", "1.0.0-1", "K T <k@t.invalid>", {header}, 1700000000);
  std::size_t lines = 0;
  for (std::size_t start = 0, nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1, ++lines)
    CHECK(nl - start <= 80);
  CHECK(lines == 8);  // the entry line, a blank, the bullet wrapped over four lines, a blank, the trailer
  CHECK(text.starts_with("tool (1.0.0-1) unstable; urgency=medium\n\n  * feat(dist): word0 word1"));
  CHECK(text.find("\n    word") != std::string::npos);
  CHECK(text.ends_with("\n\n -- K T <k@t.invalid>  Tue, 14 Nov 2023 22:13:20 +0000\n"));
}
