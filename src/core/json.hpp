#pragma once
// Minimal JSON string escaping for keel's --json outputs and JSON logs.

#include <string>
#include <string_view>

namespace keel::json {

// Returns s as a JSON string literal, quotes included. Bytes that are not
// valid UTF-8 are replaced with U+FFFD so the output is always valid JSON.
std::string quote(std::string_view s);

}  // namespace keel::json
