#pragma once
// Letter cases as commitlint defines them for its *-case rules: a text "is"
// a case when converting it to that case changes nothing. Text between
// backticks or quotes is left out first (it is often a proper name), and a
// text that is empty or starts with a digit after conversion is in every
// case. Word splitting follows lodash for ASCII; other characters count as
// uncased letters.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::commit {

enum class Case { lower, upper, camel, kebab, pascal, sentence, snake, start };

// "lower-case", "pascal-case", ...; nullopt for an unknown name.
std::optional<Case> parse_case(std::string_view name);
std::string_view case_name(Case c);
std::vector<std::string> case_names();  // every name, for error messages

std::string to_case(std::string_view text, Case c);
bool is_case(std::string_view text, Case c);

}  // namespace keel::commit
