#pragma once
// Changing one value in a config file's text while keeping every other byte:
// comments, blank lines, key order, quoting style and indentation of the
// rest of the document survive `keel config set`.

#include <string>
#include <string_view>
#include <vector>

#include "config/parse.hpp"
#include "config/value.hpp"
#include "core/error.hpp"

namespace keel::config {

// Returns `text` with the key at `path` set to `value` (a scalar or an array
// of scalars). An existing value is replaced in place; a missing key is
// added to its table (which is created at the end when missing). Fails with
// "file:line:col: ..." when the document does not parse or a parent of the
// key is not a table. `display_path` names the file in messages.
Result<std::string> set_in_document(std::string_view text, Format format, const std::vector<std::string>& path,
                                    const Value& value, const std::string& display_path);

}  // namespace keel::config
