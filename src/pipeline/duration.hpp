#pragma once
// Durations in keel.toml (tasks' timeout and retry_delay, cache.max_age):
// a sum of whole numbers each with a unit, "90s", "10m", "1h30m", "250ms",
// "2d". Pure logic.

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace keel::pipeline {

// At most 10 years; errors read "invalid duration '10x': ..." (Exit::config).
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// The same form back, largest unit first: "1h30m", "250ms", "0s".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace keel::pipeline
