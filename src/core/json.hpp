#pragma once
// JSON for keel's --json outputs and JSON logs, through nlohmann/json: the
// header stays small so that only the files that build documents pay for
// including the library.

#include <string>
#include <string_view>

namespace keel::json {

// Returns s as a JSON string literal, quotes included. Bytes that are not
// valid UTF-8 are replaced with U+FFFD so the output is always valid JSON.
std::string quote(std::string_view s);

}  // namespace keel::json
