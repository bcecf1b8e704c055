// Declared defaults read without the TOML parser must read as it would.
#include <doctest/doctest.h>

#include "config/parse.hpp"
#include "config/schema.hpp"

using namespace keel::config;

namespace {

void same_as_toml(std::string_view text) {
  INFO("default: " << text);
  CHECK(parse_default_value(text).render_json() == parse_toml_value(text).render_json());
}

}  // namespace

TEST_CASE("every declared default reads as the TOML parser reads it") {
  int count = 0;
  for (const auto& table : all_key_tables())
    for (const auto& decl : table.keys)
      if (!decl.default_value.empty()) {
        same_as_toml(decl.default_value);
        ++count;
      }
  CHECK(count > 20);
}

TEST_CASE("default values of every shape the reader takes, and some it leaves to TOML") {
  for (std::string_view text :
       {"true", "false", "0", "100", "\"\"", "\"v{version}\"", "[]", "[ ]", "[\"main\", \"master\"]", "[1, 2, 3]",
        "[[\"a\"], []]", "{}", "{feat = \"minor\", fix = \"patch\"}", "{ z = \"last\", a = \"first\" }",
        "{a = [\"x\"], b = {c = true}}",
        // Left to the TOML parser, or read by it as a plain string:
        "\"tab\\there\"", "'literal'", "-1", "+1", "1.5", "007", "0x10", "[1,]", "{a = 1,}", "{a = 1, a = 2}",
        "[\"open\"", "nan", "1979-05-27", "\"\"\"multi\"\"\"", "{\"quoted key\" = 1}"})
    same_as_toml(text);
}
