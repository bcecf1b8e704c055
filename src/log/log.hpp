#pragma once
// Logging for every command: warnings to stderr by default, -v for info,
// -vv for debug, KEEL_LOG=level, --log-format json for CI. Every message
// passes the redactor, so credentials and secret config values never show.
// spdlog stays inside log.cpp; callers use these functions.

#include <string>
#include <string_view>
#include <vector>

namespace keel::log {

enum class Level { trace, debug, info, warn, error, off };
enum class Format { text, json };

// Parses "trace|debug|info|warn|warning|error|off".
bool parse_level(std::string_view text, Level& out);
bool parse_format(std::string_view text, Format& out);

// (Re)configures the logger. Messages go to stderr.
void setup(Level level, Format format);
Level level();

// Values that must never be printed (secret config keys, tokens).
void add_secret(std::string value);
// Removes URL credentials ("https://user:pass@host" -> "https://***@host")
// and registered secrets from text.
std::string redact(std::string_view text);
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

void trace(std::string_view message);
void debug(std::string_view message);
void info(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);

}  // namespace keel::log
