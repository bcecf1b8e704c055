// TOML and YAML into the Value tree: types, origins and every parse error.
#include <doctest/doctest.h>

#include "config/parse.hpp"

using namespace keel;
using namespace keel::config;

namespace {

Value toml_ok(std::string_view text) {
  auto r = parse_toml(text, "keel.toml", Origin::Kind::project);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

Value yaml_ok(std::string_view text) {
  auto r = parse_yaml(text, "keel.yaml", Origin::Kind::project);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::string toml_err(std::string_view text) {
  auto r = parse_toml(text, "keel.toml", Origin::Kind::project);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

std::string yaml_err(std::string_view text) {
  auto r = parse_yaml(text, "keel.yaml", Origin::Kind::project);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("TOML values keep their types and positions") {
  Value v = toml_ok("[log]\nlevel = \"debug\"\n\n[process]\ngrace_period = 7\nshell = [\"bash\", \"-c\"]\nx = 1.5\ny = true\n");
  const Value* level = v.find_path({"log", "level"});
  REQUIRE(level);
  CHECK(level->as_string() == "debug");
  CHECK(level->origin().describe() == "keel.toml:2:1");
  CHECK(level->origin().kind == Origin::Kind::project);
  CHECK(v.find_path({"process", "grace_period"})->as_int() == 7);
  CHECK(v.find_path({"process", "grace_period"})->origin().line == 5);
  CHECK(v.find_path({"process", "shell"})->render() == R"(["bash", "-c"])");
  CHECK(v.find_path({"process", "x"})->as_float() == doctest::Approx(1.5));
  CHECK(v.find_path({"process", "y"})->as_bool());
}

TEST_CASE("YAML values follow the core schema") {
  Value v = yaml_ok("log:\n  level: debug\nprocess:\n  grace_period: 7\n  quoted: \"7\"\n  on: true\n  list: [a, b]\n  nothing:\n");
  CHECK(v.find_path({"log", "level"})->as_string() == "debug");
  CHECK(v.find_path({"log", "level"})->origin().describe() == "keel.yaml:2:3");
  CHECK(v.find_path({"process", "grace_period"})->type() == Value::Type::integer);
  CHECK(v.find_path({"process", "quoted"})->type() == Value::Type::string);
  CHECK(v.find_path({"process", "on"})->as_bool());
  CHECK(v.find_path({"process", "list"})->render() == R"(["a", "b"])");
  CHECK(v.find_path({"process", "nothing"})->type() == Value::Type::null);
}

TEST_CASE("non-ASCII text in strings, keys and comments is fine") {
  Value v = toml_ok(
      "# \xc4\xba comment\n\"\xc4\xba\" = \"\xc4\xba \xe3\x80\x80\"\n[t] # \xc4\xba\nx = '\xc4\xba'\n"
      "ml = \"\"\"\n\xc4\xba \\\"\"\" \xc4\xba\"\"\"\"\nlit = '''\xc4\xba\n\xc4\xba'''\nq = \"\\\"\xc4\xba\"\n");
  CHECK(v.find_path({"t", "ml"})->as_string() == "\xc4\xba \"\"\" \xc4\xba\"");
  CHECK(v.find_path({"t", "lit"})->as_string() == "\xc4\xba\n\xc4\xba");
  CHECK(v.find_path({"t", "q"})->as_string() == "\"\xc4\xba");
  CHECK(v.find("\xc4\xba")->as_string() == "\xc4\xba \xe3\x80\x80");
  CHECK(v.find_path({"t", "x"})->as_string() == "\xc4\xba");
}

TEST_CASE("an empty document is an empty table") {
  CHECK(toml_ok("").size() == 0);
  CHECK(yaml_ok("").size() == 0);
  CHECK(yaml_ok("# only a comment\n").size() == 0);
}

TEST_CASE("parse errors name the file, line and column") {
  SUBCASE("malformed TOML") {
    CHECK(toml_err("[log\nlevel = 1\n") ==
          "keel.toml:1:5: malformed TOML: error while parsing table header: expected ']', saw '\\n'");
  }
  SUBCASE("a character toml++ only asserts on") {
    CHECK(toml_err("[log]\nx = 1\n[`og]\n") == "keel.toml:3:2: malformed TOML: unexpected character in a key");
  }
  SUBCASE("a character toml++ marks unreachable") {
    CHECK(toml_err("a = \xc4\xba\n") == "keel.toml:1:5: malformed TOML: unexpected character");
  }
  SUBCASE("duplicate TOML key") {
    CHECK(toml_err("[log]\nlevel = 1\nlevel = 2\n") ==
          "keel.toml:3:9: malformed TOML: error while parsing key-value pair: cannot redefine existing integer 'level'");
  }
  SUBCASE("malformed YAML") {
    CHECK(yaml_err("log:\n  level: [a, b\n") == "keel.yaml:3:1: malformed YAML: end of sequence flow not found");
  }
  SUBCASE("duplicate YAML key") {
    CHECK(yaml_err("log:\n  level: a\n  level: b\n") == "keel.yaml:3:3: duplicate key 'level'");
  }
  SUBCASE("duplicate YAML key spelled with '-' and '_'") {
    CHECK(yaml_err("process:\n  grace_period: 1\n  grace-period: 2\n") == "keel.yaml:3:3: duplicate key 'grace-period'");
  }
  SUBCASE("YAML top level that is not a mapping") {
    CHECK(yaml_err("- a\n- b\n") == "keel.yaml:1:1: the top level must be a mapping of keys");
  }
  SUBCASE("alias bombs are refused") {
    std::string doc = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 8; ++i) {
      std::string prev = "*a" + std::to_string(i - 1);
      doc += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev + ", " + prev + ", " + prev + ", " +
             prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + "]\n";
    }
    CHECK(yaml_err(doc) == "keel.yaml:1:37: too many values (aliases expand to over 100000)");
  }
  SUBCASE("deep nesting is refused") {
    CHECK(yaml_err("a: " + std::string(100, '[') + std::string(100, ']') + "\n") == "keel.yaml:1:67: nested too deeply");
  }
  SUBCASE("several YAML documents") {
    CHECK(yaml_err("a: 1\n---\nb: 2\n") == "keel.yaml:2:1: expected one YAML document, found more");
  }
  SUBCASE("input on which yaml-cpp's LoadAll never ends") {
    CHECK(yaml_err("1, b =Bpce s,.") == "keel.yaml:1:1: the top level must be a mapping of keys");
  }
  SUBCASE("invalid UTF-8") {
    CHECK(toml_err("[log]\nlevel = \"a\xff\"\n") == "keel.toml:2:11: invalid UTF-8");
    CHECK(yaml_err("log:\n  level: \xc3\x28\n") == "keel.yaml:2:10: invalid UTF-8");
  }
  SUBCASE("NUL byte") {
    CHECK(toml_err(std::string_view("[log]\nlev\0el = 1\n", 17)) == "keel.toml:2:4: NUL byte in text");
    CHECK(yaml_err(std::string_view("a: \0\n", 5)) == "keel.yaml:1:4: NUL byte in text");
  }
}

TEST_CASE("format follows the file extension") {
  CHECK(format_for_path("a/keel.yaml") == Format::yaml);
  CHECK(format_for_path("keel.yml") == Format::yaml);
  CHECK(format_for_path("keel.toml") == Format::toml);
  auto r = parse_document("a: 1\n", "x.yml", Origin::Kind::user);
  REQUIRE(r.ok());
  CHECK(r->find("a")->as_int() == 1);
}

TEST_CASE("flag values: TOML scalars and arrays, otherwise plain strings") {
  Origin o{Origin::Kind::flag, "-c x=...", 0, 0};
  CHECK(parse_flag_value("true", o).type() == Value::Type::boolean);
  CHECK(parse_flag_value("42", o).as_int() == 42);
  CHECK(parse_flag_value("1.2.3", o).as_string() == "1.2.3");
  CHECK(parse_flag_value("[\"a\", \"b\"]", o).render() == R"(["a", "b"])");
  CHECK(parse_flag_value("[broken", o).as_string() == "[broken");
  CHECK(parse_flag_value("hello world", o).as_string() == "hello world");
  CHECK(parse_toml_value("\"auto\"").as_string() == "auto");
}
