// libFuzzer target for the changelog template language (src/release/
// template.hpp): parse any text, and render what parses against data that
// has every kind of value (text, flags, lists, nested objects), so that
// sections, inverted sections and dotted names all run. Besides crashes and
// sanitizer reports, it checks invariants and aborts when one breaks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "release/template.hpp"

using namespace keel::release;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

Data make_data() {
  Data d = Data::object();
  d.set("name", Data::text("keel"));
  d.set("blank", Data::text(""));
  d.set("yes", Data::flag(true));
  d.set("no", Data::flag(false));
  Data items = Data::list();
  for (const char* n : {"a", "b"}) {
    Data item = Data::object();
    item.set("n", Data::text(n));
    Data inner = Data::list();
    inner.push(Data::object()).set("m", Data::text(n));
    item.set("items", std::move(inner));
    items.push(std::move(item));
  }
  d.set("items", std::move(items));
  d.set("none", Data::list());
  Data obj = Data::object();
  obj.set("deep", Data::text("down"));
  d.set("obj", std::move(obj));
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Data context = make_data();
  std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = Template::parse(text);
  if (!parsed) {
    const std::string& m = parsed.error().message;
    require(m.rfind("template:", 0) == 0);
    require(m.find('\n') == std::string::npos);
    return 0;
  }
  std::string out = parsed->render(context);
  // Text without tags renders as itself.
  if (text.find("{{") == std::string::npos) require(out == text);
  // Rendering twice gives the same result.
  require(parsed->render(context) == out);
  return 0;
}
