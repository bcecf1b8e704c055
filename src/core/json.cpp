#include "core/json.hpp"

#include <nlohmann/json.hpp>

namespace keel::json {

std::string quote(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace keel::json
