#pragma once
// What the newer fuzz targets share: aborting on a broken invariant, and
// the input cut into NUL-separated fields.
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace keel::fuzz {

inline void require(bool ok) {
  if (!ok) std::abort();
}

inline std::vector<std::string> pieces(std::string_view data) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= data.size(); ++i) {
    if (i == data.size() || data[i] == '\0') {
      out.emplace_back(data.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace keel::fuzz
