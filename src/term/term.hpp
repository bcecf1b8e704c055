#pragma once
// Terminal facts: colour decisions and tty detection.

#include <map>
#include <string>
#include <string_view>

namespace keel::term {

enum class ColorMode { auto_, always, never };

bool parse_color_mode(std::string_view text, ColorMode& out);

// always/never win; auto means colour only on a terminal and only when
// NO_COLOR is unset or empty (https://no-color.org).
bool use_color(ColorMode mode, bool is_tty, const std::map<std::string, std::string>& env);

bool is_tty(int fd);

}  // namespace keel::term
