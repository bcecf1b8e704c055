// Placeholder until the editor lands in this session: refuses to write.
#include "config/edit.hpp"
namespace keel::config {
Result<std::string> set_in_document(std::string_view, Format, const std::vector<std::string>&, const Value&,
                                    const std::string& display_path) {
  return Error{"cannot edit " + quote(display_path) + " yet", {}, Exit::usage};
}
}  // namespace keel::config
