// libFuzzer target for the Debian control writer (src/dist/deb.hpp): every
// field from the input. Besides crashes and sanitizer reports, it aborts
// when an accepted control file could be misread by dpkg: every line is a
// "Field: value" line or a continuation starting with a space, no line is
// empty, and no field appears twice; accepted versions start with a digit
// and hold only Debian's characters.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "dist/deb.hpp"

using namespace keel::dist;

namespace {

using keel::fuzz::pieces;
using keel::fuzz::require;

void check_control(const std::string& text) {
  require(!text.empty() && text.back() == '\n');
  std::set<std::string> fields;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string_view line = std::string_view(text).substr(start, nl - start);
    require(!line.empty());
    if (line.front() != ' ') {
      std::size_t colon = line.find(": ");
      require(colon != std::string_view::npos && colon > 0);
      require(fields.insert(std::string(line.substr(0, colon))).second);
    }
    start = nl + 1;
  }
  require(fields.count("Package") && fields.count("Version") && fields.count("Description"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 8192) return 0;
  auto p = pieces(std::string_view(reinterpret_cast<const char*>(data), size));
  p.resize(12);
  auto version = deb::version_from_semver(p[1]);
  if (version) {
    require(!version->empty() && (*version)[0] >= '0' && (*version)[0] <= '9');
    require(version->find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+~") ==
            std::string::npos);
  }
  deb::Control c;
  c.package = p[0];
  c.version = version ? *version : p[1];
  c.architecture = deb::architecture(p[2]);
  c.maintainer = p[3];
  c.section = p[4].empty() ? "utils" : p[4];
  c.priority = "optional";
  c.homepage = p[5];
  c.description = p[6];
  for (auto* list : {&c.depends, &c.recommends, &c.conflicts})
    if (!p[7].empty()) list->push_back(p[7]);
  c.provides = {p[8]};
  auto control = deb::control_file(c);
  if (control) check_control(*control);
  std::string changelog = deb::changelog(p[0], c.version, p[3], {p[9]}, static_cast<std::int64_t>(size) * 86400);
  require(changelog.ends_with("\n"));
  std::string copyright = deb::copyright(p[10], p[0], p[3], p[11]);
  require(copyright.starts_with("Format: ") && copyright.ends_with("\n"));
  return 0;
}
