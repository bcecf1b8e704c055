#include "pipeline/duration.hpp"

#include <cstdint>
#include <string>

namespace keel::pipeline {

namespace {

constexpr std::int64_t k_max_ms = 10LL * 365 * 24 * 3600 * 1000;

Error invalid(std::string_view text, std::string_view why) {
  return Error{"invalid duration " + quote(text) + ": " + std::string(why), {}, Exit::config};
}

// Milliseconds in one of the unit at the start of s; its length in `used`.
std::int64_t unit_at(std::string_view s, std::size_t& used) {
  struct Unit {
    std::string_view name;
    std::int64_t ms;
  };
  // "ms" before "m": the longest name wins.
  for (Unit u : {Unit{"ms", 1}, Unit{"s", 1000}, Unit{"m", 60'000}, Unit{"h", 3'600'000}, Unit{"d", 86'400'000}}) {
    if (s.starts_with(u.name)) {
      used = u.name.size();
      return u.ms;
    }
  }
  used = 0;
  return 0;
}

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return invalid(text, "it is empty");
  std::int64_t total = 0;
  std::int64_t last_unit = INT64_MAX;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t digits = i;
    std::int64_t n = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
      if (n > k_max_ms) return invalid(text, "longer than 10 years");
      n = n * 10 + (text[digits] - '0');
      ++digits;
    }
    if (digits == i) return invalid(text, "expected a whole number and a unit (ms, s, m, h, d), as in 90s or 1m30s");
    std::size_t used = 0;
    std::int64_t unit = unit_at(text.substr(digits), used);
    if (used == 0) return invalid(text, "expected a unit (ms, s, m, h, d) after " + std::string(text.substr(i, digits - i)));
    // "1m30s" yes, "30s1m" and "1m1m" no: units from the largest down.
    if (unit >= last_unit) return invalid(text, "give the units from the largest down, each once, as in 1h30m");
    last_unit = unit;
    if (n > k_max_ms / unit || total + n * unit > k_max_ms) return invalid(text, "longer than 10 years");
    total += n * unit;
    i = digits + used;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d) {
  static constexpr std::pair<const char*, long long> k_units[] = {
      {"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}, {"ms", 1}};
  long long left = d.count();
  std::string out;
  for (const auto& [unit, ms] : k_units)
    if (left >= ms) {
      out += std::to_string(left / ms) + unit;
      left %= ms;
    }
  return out.empty() ? "0s" : out;
}

}  // namespace keel::pipeline
