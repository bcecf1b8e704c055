// The changelog context: template data to JSON and back.
#include <doctest/doctest.h>

#include "release/context.hpp"

using namespace keel;
using namespace keel::release;

TEST_CASE("release context: data goes to JSON and back unchanged") {
  Data section = Data::object();
  section.set("version", Data::text("1.2.0"));
  section.set("unreleased", Data::flag(false));
  Data groups = Data::list();
  Data g = Data::object();
  g.set("title", Data::text("Features"));
  Data commits = Data::list();
  Data c = Data::object();
  c.set("text", Data::text("caf\xc3\xa9 \"quoted\"\n"));
  commits.push(std::move(c));
  g.set("commits", std::move(commits));
  groups.push(std::move(g));
  section.set("groups", std::move(groups));

  std::string json = context_json({section});
  auto back = context_from_json(json, "c.json");
  REQUIRE(back.ok());
  REQUIRE(back->size() == 1);
  CHECK(context_json(*back) == json);
  auto tmpl = Template::parse("{{version}}:{{#groups}}{{#commits}}{{text}}{{/commits}}{{/groups}}");
  REQUIRE(tmpl.ok());
  CHECK(tmpl->render(back->front()) == tmpl->render(section));
}

TEST_CASE("release context: numbers and null become text") {
  auto back = context_from_json(R"([{"version": "1.0.0", "n": 3, "z": null, "f": 1.5}])", "c.json");
  REQUIRE(back.ok());
  const Data& s = back->front();
  CHECK(s.field("n")->as_text() == "3");
  CHECK(s.field("z")->as_text().empty());
  CHECK(s.field("f")->as_text() == "1.5");
}

TEST_CASE("release context: invalid UTF-8 in a message is replaced, never an error") {
  Data section = Data::object();
  section.set("version", Data::text("1.0.0"));
  section.set("text", Data::text("bad \xff byte"));
  auto back = context_from_json(context_json({section}), "c.json");
  REQUIRE(back.ok());
  CHECK(back->front().field("text")->as_text() == "bad \xef\xbf\xbd byte");
}

TEST_CASE("release context: errors") {
  auto malformed = context_from_json("[\n{\"version\": }", "x.json");
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.error().message.rfind("x.json:2:13: malformed JSON: syntax error", 0) == 0);
  CHECK(malformed.error().exit == Exit::usage);
  CHECK(context_from_json("[1]", "x.json").error().message == "x.json: section 1 is not an object");
  CHECK(context_from_json("[{\"version\": \"\"}]", "x.json").error().message ==
        "x.json: section 1 has no \"version\" text");
  CHECK(context_from_json("[{\"version\": \"1\", \"groups\": {}}]", "x.json").error().message ==
        "x.json: section 1: \"groups\" is not an array");
}
