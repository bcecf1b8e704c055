// libFuzzer target for the version-file presets of [[release.files]]
// (src/release/files): package.json (checked against nlohmann/json),
// Cargo.toml, pyproject.toml, meson.build and VERSION. The first byte picks
// the preset; the rest is the file. Besides crashes and sanitizer reports it
// checks that every span lies inside the file, spans do not overlap, and a
// replacement changes nothing but the spans' bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "release/files.hpp"

using namespace keel::release;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

constexpr Preset k_presets[] = {Preset::package_json, Preset::cargo_toml, Preset::pyproject_toml,
                                Preset::meson_build, Preset::version_file};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  FileRule rule;
  rule.path = "fuzzed";
  rule.preset = k_presets[data[0] % std::size(k_presets)];
  rule.count = 1 + (data[0] >> 4) % 2;
  std::string content(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto spans = find_versions(rule, content);
  if (!spans) return 0;
  std::size_t last_end = 0;
  std::size_t kept = content.size();
  for (const Span& s : *spans) {
    require(s.begin <= s.end && s.end <= content.size());
    require(s.begin >= last_end);
    last_end = s.end;
    kept -= s.end - s.begin;
  }
  const std::string version = "9.8.7-fuzz.1";
  auto replaced = replace_version(rule, content, version);
  require(replaced.ok());
  require(replaced->size() == kept + spans->size() * version.size());
  // The bytes between the spans are the file's own.
  std::size_t in = 0, out = 0;
  for (const Span& s : *spans) {
    require(replaced->compare(out, s.begin - in, content, in, s.begin - in) == 0);
    out += s.begin - in;
    require(replaced->compare(out, version.size(), version) == 0);
    out += version.size();
    in = s.end;
  }
  require(replaced->compare(out, std::string::npos, content, in, std::string::npos) == 0);
  return 0;
}
