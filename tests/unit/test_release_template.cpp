// keel's changelog template language.
#include <doctest/doctest.h>

#include "release/template.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::release;

namespace {

std::string render(std::string_view text, const Data& data) {
  auto t = Template::parse(text);
  REQUIRE_MESSAGE(t.ok(), (t.ok() ? "" : t.error().message));
  return t->render(data);
}

std::string error_of(std::string_view text) {
  auto t = Template::parse(text);
  REQUIRE_FALSE(t.ok());
  return t.error().message;
}

Data sample() {
  Data d = Data::object();
  d.set("name", Data::text("keel"));
  d.set("yes", Data::flag(true));
  d.set("no", Data::flag(false));
  d.set("blank", Data::text(""));
  Data items = Data::list();
  for (const char* n : {"a", "b", "c"}) {
    Data item = Data::object();
    item.set("n", Data::text(n));
    items.push(std::move(item));
  }
  d.set("items", std::move(items));
  d.set("none", Data::list());
  Data inner = Data::object();
  inner.set("deep", Data::text("down"));
  d.set("obj", std::move(inner));
  return d;
}

}  // namespace

TEST_CASE("release template: variables") {
  Data d = sample();
  CHECK(render("hello {{name}}!", d) == "hello keel!");
  CHECK(render("{{ name }}", d) == "keel");
  CHECK(render("[{{missing}}]", d) == "[]");
  CHECK(render("{{yes}}/{{no}}", d) == "true/false");
  CHECK(render("{{obj.deep}}", d) == "down");
  CHECK(render("{{obj.missing}}|{{missing.deep}}", d) == "|");
  CHECK(render("no tags at all\n", d) == "no tags at all\n");
  CHECK(render("", d) == "");
  CHECK(render("a { b } {c} }}", d) == "a { b } {c} }}");
  // No escaping: the output is Markdown.
  Data html = Data::object();
  html.set("x", Data::text("<b>&</b>"));
  CHECK(render("{{x}}", html) == "<b>&</b>");
}

TEST_CASE("release template: sections and inverted sections") {
  Data d = sample();
  CHECK(render("{{#items}}{{n}},{{/items}}", d) == "a,b,c,");
  CHECK(render("{{#items}}{{name}}{{/items}}", d) == "keelkeelkeel");  // outer fields stay visible
  CHECK(render("{{#none}}x{{/none}}{{^none}}empty{{/none}}", d) == "empty");
  CHECK(render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}n{{/no}}", d) == "Yn");
  CHECK(render("{{#name}}[{{name}}]{{/name}}{{#blank}}B{{/blank}}{{^blank}}b{{/blank}}", d) == "[keel]b");
  CHECK(render("{{#missing}}m{{/missing}}{{^missing}}M{{/missing}}", d) == "M");
  CHECK(render("{{#obj}}{{deep}}{{/obj}}", d) == "down");
  CHECK(render("{{#items}}{{#items}}{{n}}{{/items}};{{/items}}", d) == "abc;abc;abc;");
  CHECK(render("{{! a comment }}x{{!}}", d) == "x");
}

TEST_CASE("release template: lines with only section tags disappear") {
  Data d = sample();
  CHECK(render("start\n{{#items}}\n- {{n}}\n{{/items}}\nend\n", d) == "start\n- a\n- b\n- c\nend\n");
  CHECK(render("  {{#yes}}  \nin\n  {{/yes}}\n", d) == "in\n");
  CHECK(render("{{! only a comment }}\nx\n", d) == "x\n");
  // A variable keeps its line, blank or not.
  CHECK(render("{{blank}}\nx", d) == "\nx");
  // Text besides a section tag keeps the line.
  CHECK(render("a {{#yes}}\nb{{/yes}} c\n", d) == "a \nb c\n");
  // The last line without a newline.
  CHECK(render("x\n{{#no}}y{{/no}}", d) == "x\n");
}

TEST_CASE("release template: errors name line and column") {
  CHECK(error_of("{{#a}}x") == "template:1:1: section 'a' is not closed");
  CHECK(error_of("ok\n  {{/a}}") == "template:2:3: closing tag 'a' without a section");
  CHECK(error_of("{{#a}}\n{{#b}}{{/a}}") == "template:2:7: closing tag 'a' does not match section 'b' opened at 2:1");
  CHECK(error_of("x {{name") == "template:1:3: unterminated tag: no '}}' on this line");
  CHECK(error_of("{{name\n}}") == "template:1:1: unterminated tag: no '}}' on this line");
  CHECK(error_of("{{}}") == "template:1:1: empty tag");
  CHECK(error_of("{{#}}") == "template:1:1: empty tag");
  CHECK(error_of("{{a b}}") == "template:1:1: invalid name 'a b'");
  CHECK(error_of("{{a..b}}") == "template:1:1: invalid name 'a..b'");
  CHECK(error_of("{{.a}}") == "template:1:1: invalid name '.a'");
  std::string deep;
  for (int i = 0; i < 65; ++i) deep += "{{#a}}";
  CHECK(error_of(deep) == "template:1:385: sections nested more than 64 deep");
}
