#include "core/json.hpp"

#include <algorithm>

#include "core/json_document.hpp"
#include "core/utf8.hpp"

namespace keel::json {

Result<nlohmann::ordered_json> parse_document(std::string_view text, const std::string& shown, Exit exit) {
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    if (std::size_t at = what.find("syntax error"); at != std::string::npos) what = what.substr(at);
    // e.byte counts from 1; the position is counted in valid UTF-8 only.
    std::size_t offset = std::min(e.byte == 0 ? 0 : e.byte - 1, text.size());
    auto invalid = utf8::find_invalid(text.substr(0, offset));
    auto at = invalid ? *invalid : utf8::position_of(text, offset);
    return Error{shown + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": malformed JSON: " + what,
                 {}, exit};
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    if (std::size_t at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    return Error{keel::quote(shown) + " is not JSON keel can read: " + what, {}, exit};
  }
}

std::string quote(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace keel::json
