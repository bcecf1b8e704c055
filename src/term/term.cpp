#include "term/term.hpp"

#include <unistd.h>

namespace keel::term {

bool parse_color_mode(std::string_view t, ColorMode& out) {
  if (t == "auto") return out = ColorMode::auto_, true;
  if (t == "always") return out = ColorMode::always, true;
  if (t == "never") return out = ColorMode::never, true;
  return false;
}

bool use_color(ColorMode mode, bool tty, const std::map<std::string, std::string>& env) {
  if (mode == ColorMode::always) return true;
  if (mode == ColorMode::never) return false;
  auto it = env.find("NO_COLOR");
  if (it != env.end() && !it->second.empty()) return false;
  auto term = env.find("TERM");
  if (term != env.end() && term->second == "dumb") return false;
  return tty;
}

bool is_tty(int fd) { return ::isatty(fd) == 1; }

}  // namespace keel::term
