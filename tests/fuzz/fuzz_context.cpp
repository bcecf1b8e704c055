// libFuzzer target for `keel release changelog --from-context`
// (src/release/context.hpp): any bytes as the context JSON. What reads
// renders with the built-in template, and writing the sections back out
// must give JSON that reads again to the same sections.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include "release/changelog.hpp"
#include "release/context.hpp"

using namespace keel::release;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

const Template& built_in() {
  static const Template t = [] {
    auto parsed = Template::parse(default_template());
    require(parsed.ok());
    return std::move(parsed).value();
  }();
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto sections = context_from_json(text, "fuzz.json");
  if (!sections) {
    require(!sections.error().message.empty());
    return 0;
  }
  std::string out;
  for (const auto& s : *sections) built_in().render(s, out);
  std::string again = context_json(*sections);
  auto reread = context_from_json(again, "again.json");
  require(reread.ok());
  require(context_json(*reread) == again);
  return 0;
}
