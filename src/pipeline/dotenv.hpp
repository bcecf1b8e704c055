#pragma once
// env_file: variables in the dotenv format that docker compose, go-task and
// just read. One NAME=value per line; blank lines and lines starting with
// '#' are skipped; `export ` before the name is allowed. A value is taken
// as written, or quoted: '…' keeps every byte, "…" understands \n, \t,
// \" and a doubled backslash, and may span lines. Unquoted values lose trailing blanks and a
// ` #` comment. Nothing is expanded: a value is data.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace keel::pipeline {

// `shown` names the file in errors: "ci.env:3:1: expected NAME=value".
Result<std::vector<std::pair<std::string, std::string>>> parse_dotenv(std::string_view text, const std::string& shown);

}  // namespace keel::pipeline
