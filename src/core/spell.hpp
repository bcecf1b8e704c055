#pragma once
// "did you mean" suggestions, shared by commands and config keys.

#include <string>
#include <string_view>
#include <vector>

namespace keel {

std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to word if it is near enough to be a likely typo.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace keel
