// Version files: presets and custom patterns change only the version token.
#include <doctest/doctest.h>

#include "release/files.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::release;

namespace {

std::string bump(FileRule rule, std::string_view content, std::string_view version = "2.0.0") {
  auto r = replace_version(rule, content, version);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return std::move(r).value();
}

std::string failure(FileRule rule, std::string_view content) {
  auto r = replace_version(rule, content, "2.0.0");
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

FileRule at(std::string path) { return FileRule{std::move(path), Preset::none, {}, 1}; }

}  // namespace

TEST_CASE("release files: package.json changes only the top-level version") {
  std::string in =
      "{\n  \"name\": \"x\",\n  \"version\": \"1.0.0\",\n  \"config\": {\"version\": \"9\"},\n"
      "  \"dependencies\": {\"version\": \"^1\"},\n  \"list\": [\"version\", {\"version\": \"3\"}],\n"
      "  \"s\": \"\\\"version\\\": \\\"1\\\"\"\n}\n";
  std::string out = bump(at("package.json"), in);
  std::string want = in;
  want.replace(want.find("1.0.0"), 5, "2.0.0");
  CHECK(out == want);
  CHECK(bump(at("web/package.json"), "{\"version\":\"0.0.1\"}") == "{\"version\":\"2.0.0\"}");
  CHECK(failure(at("package.json"), "{\"name\": \"x\"}") ==
        "version not found exactly as expected in 'package.json': found 0 places, expected 1");
  CHECK(failure(at("package.json"), "{\"version\": \"1\", \"version\": \"2\"}") ==
        "version not found exactly as expected in 'package.json': found 2 places, expected 1");
}

TEST_CASE("release files: package.json must be JSON that nlohmann/json reads the same way") {
  CHECK(failure(at("package.json"), "{\n  \"version\": \"1.0.0\",\n  \"name\": x\n}\n") ==
        "package.json:3:11: malformed JSON: syntax error while parsing value - invalid literal; last read: "
        "'\"name\": x'");
  CHECK(failure(at("package.json"), "{\"version\": \"1.0.0\"} trailing") ==
        "package.json:1:24: malformed JSON: syntax error while parsing value - invalid literal; last read: "
        "'\"1.0.0\"} tra'; expected end of input");
  CHECK(failure(at("package.json"), "{\"version\": \"1.0.\\u0030\"}") ==
        "cannot place the version of 'package.json' exactly: its \"version\" value has escapes");
  // nlohmann/json throws out_of_range, not parse_error, for such a number
  // (found by tests/fuzz/fuzz_release_files.cpp).
  CHECK(failure(at("package.json"), "{\"version\": \"1.0.0\", \"n\": 1e1115111}") ==
        "'package.json' is not JSON keel can read: number overflow parsing '1e1115111'");
  CHECK(failure(at("package.json"), "{\"version\": 1}") ==
        "version not found exactly as expected in 'package.json': found 0 places, expected 1");
}

TEST_CASE("release files: Cargo.toml [package] and [workspace.package]") {
  std::string in =
      "[package]\nname = \"x\"\nversion = \"0.1.0\" # keep\n\n[dependencies]\nserde = { version = \"1\" }\n"
      "version = \"1.0\"\n";
  CHECK(bump(at("Cargo.toml"), in) ==
        "[package]\nname = \"x\"\nversion = \"2.0.0\" # keep\n\n[dependencies]\nserde = { version = \"1\" }\n"
        "version = \"1.0\"\n");
  std::string ws = "[workspace]\nmembers = [\"a\"]\n\n[ workspace.package ]\nversion='1.1.1'\nedition = \"2021\"\n";
  CHECK(bump(at("Cargo.toml"), ws) ==
        "[workspace]\nmembers = [\"a\"]\n\n[ workspace.package ]\nversion='2.0.0'\nedition = \"2021\"\n");
  // version.workspace = true is no version of its own.
  CHECK(failure(at("crates/a/Cargo.toml"), "[package]\nversion.workspace = true\n") ==
        "version not found exactly as expected in 'crates/a/Cargo.toml': found 0 places, expected 1");
}

TEST_CASE("release files: TOML is read by toml++, which says where the version is") {
  // Dotted keys and inline tables are TOML too; a name with two-byte
  // letters before the value (toml++ counts columns in code points).
  CHECK(bump(at("Cargo.toml"), "package.name = \"x\"\npackage.version = \"0.1.0\"\n") ==
        "package.name = \"x\"\npackage.version = \"2.0.0\"\n");
  CHECK(bump(at("Cargo.toml"), "[workspace]\npackage = { description = \"\u00e9\u00e9\", version = \"1.0.0\" }\n") ==
        "[workspace]\npackage = { description = \"\u00e9\u00e9\", version = \"2.0.0\" }\n");
  CHECK(failure(at("Cargo.toml"), "[package]\nversion = \"1.0.\\u0030\"\n") ==
        "cannot place the version of 'Cargo.toml' exactly: its 'package' version has escapes or spans lines");
  CHECK(failure(at("Cargo.toml"), "[package]\nversion = \"\"\"1.0.0\"\"\"\n") ==
        "cannot place the version of 'Cargo.toml' exactly: its 'package' version has escapes or spans lines");
  CHECK(failure(at("pyproject.toml"), "[project]\nversion = \"1.0.0\"\nname = \n") ==
        "pyproject.toml:3:8: malformed TOML: error while parsing key-value pair: expected value, saw '\\n'");
  // The old line scanner took a version key in a multi-line string for one.
  CHECK(bump(at("Cargo.toml"), "[package]\ndescription = \"\"\"\nversion = \"9\"\n\"\"\"\nversion = \"1.0.0\"\n") ==
        "[package]\ndescription = \"\"\"\nversion = \"9\"\n\"\"\"\nversion = \"2.0.0\"\n");
}

TEST_CASE("release files: TOML that once stopped toml++ 3.3 is refused or read, never a crash") {
  // Found by tests/fuzz/fuzz_release_files.cpp: toml++ asks whether a code
  // point such as U+FEBF is whitespace and its answer ran into
  // TOML_UNREACHABLE (parse_toml.cpp).
  const char* inputs[] = {
      "paskjjjjjjjjjjjjjjjjjjjjn =992:$\"=88\xef\xba\xbf.",
      "\"\"\".0\"\n.0\"\nT\\\xef\xbb\xbe\\\\\\\\!\\",
      "\"\"\"ka\xef\xbb\xbf" "e\\\n\xef\xbb\xbfn\xef\xbb\xbf" "ae]\nnng\xef\xbb\xbf" "e\\\n\xef\xba\xbf" "am",
      "jnn=9b99{\"a9b99n-n99b999un9\xef\xbb\xbe{\"aAA\"n0+A\"n0{\"aA\"9Gn0Bn",
      "[package]\nversion = \"1.0.0\"\nname = x\xc3\xa9\n",
  };
  for (const char* text : inputs) {
    INFO(text);
    CHECK_FALSE(find_versions(at("Cargo.toml"), text).ok());
  }
}

TEST_CASE("release files: pyproject.toml PEP 621 and Poetry") {
  CHECK(bump(at("pyproject.toml"), "[project]\nname = \"x\"\nversion = \"1.0.0\"\n") ==
        "[project]\nname = \"x\"\nversion = \"2.0.0\"\n");
  CHECK(bump(at("pyproject.toml"), "[tool.poetry]\nversion = \"1.0.0\"\n[tool.black]\nversion = \"x\"\n") ==
        "[tool.poetry]\nversion = \"2.0.0\"\n[tool.black]\nversion = \"x\"\n");
  CHECK(bump(at("pyproject.toml"), "[project]\nversion = \"1\"\n[tool.poetry]\nversion = \"1\"\n") ==
        "[project]\nversion = \"2.0.0\"\n[tool.poetry]\nversion = \"2.0.0\"\n");
  CHECK_FALSE(replace_version(at("pyproject.toml"), "[project]\ndynamic = [\"version\"]\n", "2.0.0").ok());
}

TEST_CASE("release files: meson.build project(version:)") {
  std::string in =
      "# project('no', version: '0')\nproject('keel', 'cpp',\n  version : '1.2.3',  # the version\n"
      "  meson_version: '>=1.0',\n  default_options: ['version=x'])\nfoo(version: '5')\n";
  std::string out = bump(at("meson.build"), in);
  std::string want = in;
  want.replace(want.find("1.2.3"), 5, "2.0.0");
  CHECK(out == want);
  CHECK(failure(at("meson.build"), "project('x')\n") ==
        "version not found exactly as expected in 'meson.build': found 0 places, expected 1");
}

TEST_CASE("release files: VERSION keeps surrounding whitespace") {
  CHECK(bump(at("VERSION"), "1.0.0\n") == "2.0.0\n");
  CHECK(bump(at("VERSION"), "  1.0.0  \r\n") == "  2.0.0  \r\n");
  CHECK(bump(at("VERSION"), "1.0.0") == "2.0.0");
  CHECK(failure(at("VERSION"), "\n") == "version not found exactly as expected in 'VERSION': found 0 places, expected 1");
}

TEST_CASE("release files: custom regex with a named group") {
  FileRule r{"src/version.h", Preset::none, R"re(^#define VERSION "(?<version>[^"]+)")re", 1};
  CHECK(bump(r, "#pragma once\n#define VERSION \"1.0.0\"\n") == "#pragma once\n#define VERSION \"2.0.0\"\n");
  r.regex = R"re((?:a|b)(x)? = (?P<version>\d+\.\d+\.\d+))re";
  CHECK(bump(r, "b = 1.2.3\n") == "b = 2.0.0\n");
  r.regex = R"(\d+\.\d+\.\d+)";  // no group: the whole match
  r.count = 2;
  CHECK(bump(r, "1.0.0 and 1.0.0\n") == "2.0.0 and 2.0.0\n");
  CHECK(failure(r, "1.0.0\n") ==
        "version not found exactly as expected in 'src/version.h': found 1 place, expected 2");
  r.regex = "([";
  CHECK(failure(r, "x").rfind("invalid regex '([' for 'src/version.h': ", 0) == 0);
  FileRule none{"notes.txt", Preset::none, {}, 1};
  CHECK(failure(none, "x") == "no preset or regex for version file 'notes.txt'");
}

TEST_CASE("release files: named group translation") {
  std::size_t group = 0;
  CHECK(translate_named_group(R"(a(?<version>b)c)", group).value() == "a(b)c");
  CHECK(group == 1);
  CHECK(translate_named_group(R"((x)(?:y)\((?P<version>z)[(])", group).value() == R"((x)(?:y)\((z)[(])");
  CHECK(group == 2);
  CHECK(translate_named_group("plain", group).value() == "plain");
  CHECK(group == 0);
  CHECK(translate_named_group("(?<version>a)(?<version>b)", group).error().message ==
        "regex '(?<version>a)(?<version>b)' has two groups named version");
  CHECK(translate_named_group("(?<other>a)", group).error().message ==
        "regex '(?<other>a)': only the group named version may have a name");
}

TEST_CASE("release files: presets by name") {
  CHECK(parse_preset("Cargo.toml") == Preset::cargo_toml);
  CHECK_FALSE(parse_preset("cargo.toml"));
  CHECK(preset_for_path("a/b/pyproject.toml") == Preset::pyproject_toml);
  CHECK(preset_for_path("VERSION") == Preset::version_file);
  CHECK(preset_for_path("VERSION.txt") == Preset::none);
}
