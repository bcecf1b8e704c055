// Letter cases as commitlint defines them, and the lint settings read from
// keel's configuration (the commit.* key table).
#include <doctest/doctest.h>

#include "commit/settings.hpp"
#include "commit/text_case.hpp"
#include "config/schema.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::commit;

namespace {

config::Config load_with(std::vector<std::string> overrides) {
  config::LoadOptions o;
  o.cwd = "/nonexistent-keel-test";
  o.env["KEEL_SYSTEM_CONFIG_DIR"] = "/nonexistent-keel-test";
  o.overrides = std::move(overrides);
  config::Config c = config::load(o);
  for (const auto& d : c.diagnostics()) INFO(d.message);
  REQUIRE_FALSE(c.has_errors());
  return c;
}

}  // namespace

TEST_CASE("commit case: conversions") {
  CHECK(to_case("Hello World", Case::lower) == "hello world");
  CHECK(to_case("Hello World", Case::upper) == "HELLO WORLD");
  CHECK(to_case("hello world", Case::sentence) == "Hello world");
  CHECK(to_case("hello API world", Case::sentence) == "Hello API world");
  CHECK(to_case("hello world", Case::start) == "Hello World");
  CHECK(to_case("fooBar baz", Case::start) == "Foo Bar Baz");
  CHECK(to_case("hello world", Case::camel) == "helloWorld");
  CHECK(to_case("Hello-World", Case::camel) == "helloWorld");
  CHECK(to_case("hello world", Case::pascal) == "HelloWorld");
  CHECK(to_case("hello World", Case::kebab) == "hello-world");
  CHECK(to_case("XMLHttpRequest", Case::kebab) == "xml-http-request");
  CHECK(to_case("version2 beta", Case::snake) == "version_2_beta");
  CHECK(to_case("don't stop", Case::snake) == "dont_stop");
  CHECK(to_case("", Case::start).empty());
}

TEST_CASE("commit case: is_case follows commitlint") {
  CHECK(is_case("add x", Case::lower));
  CHECK_FALSE(is_case("add X", Case::lower));
  CHECK(is_case("add `X`", Case::lower));  // quoted text is left out
  CHECK(is_case("add \"X\" and 'Y'", Case::lower));
  CHECK(is_case("``", Case::upper));          // nothing left: in every case
  CHECK(is_case("2fa", Case::upper));         // starts with a digit
  CHECK(is_case("Add x", Case::sentence));
  CHECK(is_case("I'm here", Case::sentence));
  CHECK_FALSE(is_case("add x", Case::sentence));
  CHECK(is_case("Add X", Case::start));
  CHECK(is_case("AddX", Case::pascal));
  CHECK(is_case("addX", Case::camel));
  CHECK(is_case("add-x", Case::kebab));
  CHECK(is_case("add_x", Case::snake));
  CHECK_FALSE(is_case("add_x", Case::kebab));
  CHECK(is_case("ADD X", Case::upper));
}

TEST_CASE("commit case: names") {
  CHECK(parse_case("lower-case") == Case::lower);
  CHECK(parse_case("start-case") == Case::start);
  CHECK_FALSE(parse_case("lowercase").has_value());
  CHECK(case_name(Case::pascal) == "pascal-case");
  CHECK(case_names() == std::vector<std::string>{"lower-case", "upper-case", "camel-case", "kebab-case",
                                                 "pascal-case", "sentence-case", "snake-case", "start-case"});
}

TEST_CASE("commit settings: the key table's defaults are config-conventional") {
  auto s = settings_from_config(load_with({}));
  REQUIRE(s.ok());
  Rules preset = conventional_rules();
  for (const auto& info : rule_infos()) {
    INFO(info.name);
    CHECK(s->rules.at(std::string(info.name)) == preset.at(std::string(info.name)));
  }
  CHECK(s->ignore.merges);
  CHECK(s->ignore.reverts);
  CHECK(s->ignore.fixups);
}

TEST_CASE("commit settings: every rule's keys are declared") {
  for (const auto& info : rule_infos()) {
    std::string prefix = "commit.rules." + std::string(info.name);
    INFO(prefix);
    CHECK(config::find_decl(config::split_key(prefix + ".level")) != nullptr);
    CHECK((config::find_decl(config::split_key(prefix + ".value")) != nullptr) == (info.value != ValueKind::none));
    CHECK((config::find_decl(config::split_key(prefix + ".when")) != nullptr) == info.configurable_when);
  }
}

TEST_CASE("commit settings: values from the configuration") {
  auto s = settings_from_config(load_with({
      "commit.rules.type-enum.level=warn",
      "commit.rules.type-enum.value=[\"feat\", \"fix\"]",
      "commit.rules.scope-enum.value=api",
      "commit.rules.subject-case.level=off",
      "commit.rules.type-case.value=[\"upper-case\", \"lower-case\"]",
      "commit.rules.type-case.when=never",
      "commit.rules.header-max-length.value=72",
      "commit.rules.subject-full-stop.value=!",
      "commit.ignore_merges=false",
      "commit.ignore-fixups=false",
  }));
  REQUIRE(s.ok());
  CHECK(s->rules["type-enum"].level == Level::warning);
  CHECK(s->rules["type-enum"].words == std::vector<std::string>{"feat", "fix"});
  CHECK(s->rules["scope-enum"].words == std::vector<std::string>{"api"});
  CHECK(s->rules["subject-case"].level == Level::off);
  CHECK(s->rules["type-case"].words == std::vector<std::string>{"upper-case", "lower-case"});
  CHECK(s->rules["type-case"].when == When::never);
  CHECK(s->rules["header-max-length"].limit == 72);
  CHECK(s->rules["subject-full-stop"].text == "!");
  CHECK_FALSE(s->ignore.merges);
  CHECK(s->ignore.reverts);
  CHECK_FALSE(s->ignore.fixups);
}

TEST_CASE("commit settings: values the schema cannot check") {
  auto bad_case = settings_from_config(load_with({"commit.rules.subject-case.value=[\"lower-case\", \"Lower\"]"}));
  REQUIRE_FALSE(bad_case.ok());
  CHECK(bad_case.error().message == "invalid value for 'commit.rules.subject-case.value': unknown case 'Lower'");
  CHECK(bad_case.error().hint ==
        "cases are lower-case, upper-case, camel-case, kebab-case, pascal-case, sentence-case, snake-case or "
        "start-case");
  CHECK(bad_case.error().exit == Exit::config);

  auto negative = settings_from_config(load_with({"commit.rules.body-max-line-length.value=-1"}));
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error().message ==
        "invalid value for 'commit.rules.body-max-line-length.value': expected a length of 0 or more, found -1");
}
