// libFuzzer target for the config loading path: TOML and YAML documents,
// KEEL_* environment values and -c overrides. The first byte picks the
// path; the rest is the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "config/parse.hpp"
#include "core/json.hpp"

using namespace keel::config;

namespace {

// Walks a parsed tree the way `config list` does, so rendering is covered.
void touch(const Value& v) {
  (void)v.render();
  (void)v.render_plain();
  (void)keel::json::quote(v.is_string() ? v.as_string() : v.render());
  for (const auto& item : v.items()) touch(item);
  for (std::size_t i = 0; i < v.size(); ++i) touch(v.value_at(i));
}

LoadOptions empty_options() {
  LoadOptions o;
  o.cwd = "/nonexistent-keel-fuzz";
  o.env["KEEL_SYSTEM_CONFIG_DIR"] = "/nonexistent-keel-fuzz";
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto r = parse_toml(input, "fuzz.toml", Origin::Kind::project);
      if (r) touch(*r);
      break;
    }
    case 1: {
      auto r = parse_yaml(input, "fuzz.yaml", Origin::Kind::project);
      if (r) touch(*r);
      break;
    }
    case 2: {
      // "NAME=value": one KEEL_ variable.
      LoadOptions o = empty_options();
      auto eq = input.find('=');
      o.env["KEEL_" + input.substr(0, eq)] = eq == std::string::npos ? "" : input.substr(eq + 1);
      Config c = load(o);
      touch(c.root());
      break;
    }
    case 3: {
      LoadOptions o = empty_options();
      o.overrides.push_back(input);
      Config c = load(o);
      touch(c.root());
      break;
    }
  }
  return 0;
}
