#pragma once
// Internal to src/commit/: one check per lint rule. Each returns the problem
// when the message breaks the rule, nullopt when it passes or the rule does
// not apply (no scope for scope-enum, an empty value list, ...).

#include <optional>
#include <string>

#include "commit/lint.hpp"

namespace keel::commit::rules {

using Problem = std::optional<std::string>;

Problem header_trim(const Message& m, const Rule& r);
Problem header_max_length(const Message& m, const Rule& r);
Problem type_empty(const Message& m, const Rule& r);
Problem type_case(const Message& m, const Rule& r);
Problem type_enum(const Message& m, const Rule& r);
Problem scope_enum(const Message& m, const Rule& r);
Problem scope_case(const Message& m, const Rule& r);
Problem scope_empty(const Message& m, const Rule& r);
Problem subject_empty(const Message& m, const Rule& r);
Problem subject_case(const Message& m, const Rule& r);
Problem subject_full_stop(const Message& m, const Rule& r);
Problem body_leading_blank(const Message& m, const Rule& r);
Problem body_max_line_length(const Message& m, const Rule& r);
Problem footer_leading_blank(const Message& m, const Rule& r);
Problem footer_max_line_length(const Message& m, const Rule& r);

}  // namespace keel::commit::rules
