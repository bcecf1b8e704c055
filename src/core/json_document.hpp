#pragma once
// Untrusted JSON text parsed by nlohmann/json, with keel's error texts. Only
// the files that read documents include this header (and the library).

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace keel::json {

// The document, or an error (exit status `exit`): "SHOWN:LINE:COL:
// malformed JSON: syntax error ..." for a syntax error, "'SHOWN' is not JSON
// keel can read: ..." for one the library refuses otherwise (a number out
// of range, say).
Result<nlohmann::ordered_json> parse_document(std::string_view text, const std::string& shown, Exit exit);

}  // namespace keel::json
