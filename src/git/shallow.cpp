// libgit2 1.5 predates its shallow-clone support: it neither reads the
// shallow file nor stops at the boundary, so keel reads the file itself.

#include <fstream>

#include "git/detail.hpp"

namespace keel::git::detail {

Result<std::shared_ptr<const OidSet>> read_shallow_file(const std::filesystem::path& common_dir) {
  auto path = common_dir / "shallow";
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::shared_ptr<const OidSet>();  // not shallow
  auto ids = std::make_shared<OidSet>();
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto id = Oid::from_hex(line);
    if (!id) return Error{"malformed shallow file " + quote(path.string()), {}, Exit::failed};
    ids->insert(*id);
  }
  if (ids->empty()) return std::shared_ptr<const OidSet>();
  return std::shared_ptr<const OidSet>(std::move(ids));
}

}  // namespace keel::git::detail
