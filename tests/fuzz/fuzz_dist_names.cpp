// libFuzzer target for keel dist's names (src/dist/template.hpp and
// entries.hpp): a name template with field values from the input, the
// artifact-name check, destinations and the tree an archive is built from.
// Besides crashes and sanitizer reports, it aborts when an invariant breaks:
// an accepted artifact name is one file name; a destination never climbs
// out; a finished tree is sorted, has every parent and no path twice.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "dist/entries.hpp"
#include "dist/template.hpp"

using namespace keel::dist;

namespace {

using keel::fuzz::pieces;
using keel::fuzz::require;

void names(const std::vector<std::string>& p) {
  TemplateFields f{p.size() > 1 ? p[1] : "keel", p.size() > 2 ? p[2] : "1.0.0", "linux", "amd64"};
  auto refused = expand(p[0], f, Unknown::refuse);
  auto kept = expand(p[0], f, Unknown::keep);
  require(kept.ok());
  if (refused) {
    require(*refused == *kept);
    if (check_artifact_name(*refused)) {
      require(refused->find('/') == std::string::npos);
      require(!refused->empty() && refused->front() != '.' && refused->front() != '-');
    }
  }
  if (p[0].find('{') == std::string::npos) require(refused && *refused == p[0]);
}

void destinations(const std::vector<std::string>& p) {
  std::vector<Entry> entries;
  for (const auto& text : p) {
    auto d = normalize_destination(text);
    if (!d) continue;
    require(d->empty() || d->front() != '/');
    std::string path = *d;
    while (!path.empty() && path.back() == '/') path.pop_back();
    for (std::size_t start = 0; start <= path.size();) {
      std::size_t slash = path.find('/', start);
      std::string_view seg = std::string_view(path).substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      require(path.empty() || (!seg.empty() && seg != "." && seg != ".."));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    Entry e;
    e.path = path;
    entries.push_back(e);
  }
  auto tree = finish_tree(entries);
  if (!tree) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < tree->size(); ++i) {
    const auto& path = (*tree)[i].path;
    require(seen.insert(path).second);
    if (i > 0) require(path_before((*tree)[i - 1].path, path));
    std::size_t slash = path.rfind('/');
    if (slash != std::string::npos) require(seen.count(path.substr(0, slash)) == 1);  // the parent came first
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  auto p = pieces(std::string_view(reinterpret_cast<const char*>(data), size));
  names(p);
  destinations(p);
  return 0;
}
