// The only translation unit that includes spdlog.
#include "log/log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <mutex>

#include "core/json.hpp"

namespace keel::log {

namespace {

std::mutex g_secrets_mutex;
std::vector<std::string> g_secrets;
Level g_level = Level::warn;

spdlog::level::level_enum to_spd(Level l) {
  switch (l) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::off: return spdlog::level::off;
  }
  return spdlog::level::warn;
}

std::string_view level_word(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warning";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "error";
    default: return "log";
  }
}

// Writes "keel: warning: ..." or one JSON object per line to stderr.
class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit StderrSink(Format format) : m_format(format) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    std::string line;
    if (m_format == Format::json) {
      auto secs = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
      line = "{\"time_ms\":" + std::to_string(secs) + ",\"level\":" + json::quote(level_word(msg.level)) +
             ",\"message\":" + json::quote(text) + "}\n";
    } else {
      line = "keel: ";
      line += level_word(msg.level);
      line += ": ";
      line += text;
      line += '\n';
    }
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  Format m_format;
};

std::mutex g_logger_mutex;
Format g_format = Format::text;
std::shared_ptr<spdlog::logger> g_logger;  // made for the first message shown

// spdlog's registry, default logger and formatter are built only when a
// message is shown: most runs show none, and building them touched pages
// that cost more than the rest of a quiet hook run's logging.
void emit(Level level, std::string_view m) {
  if (level < g_level) return;
  std::shared_ptr<spdlog::logger> logger;
  {
    std::lock_guard<std::mutex> lock(g_logger_mutex);
    if (!g_logger) {
      g_logger = std::make_shared<spdlog::logger>("keel", std::make_shared<StderrSink>(g_format));
      g_logger->set_level(to_spd(g_level));
      g_logger->flush_on(spdlog::level::trace);
    }
    logger = g_logger;
  }
  logger->log(to_spd(level), "{}", m);
}

bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

}  // namespace

bool parse_level(std::string_view t, Level& out) {
  if (t == "trace") return out = Level::trace, true;
  if (t == "debug") return out = Level::debug, true;
  if (t == "info") return out = Level::info, true;
  if (t == "warn" || t == "warning") return out = Level::warn, true;
  if (t == "error") return out = Level::error, true;
  if (t == "off") return out = Level::off, true;
  return false;
}

bool parse_format(std::string_view t, Format& out) {
  if (t == "text") return out = Format::text, true;
  if (t == "json") return out = Format::json, true;
  return false;
}

void setup(Level level, Format format) {
  std::lock_guard<std::mutex> lock(g_logger_mutex);
  g_level = level;
  g_format = format;
  g_logger.reset();
}

Level level() { return g_level; }

void add_secret(std::string value) {
  if (value.size() < 3) return;  // too short to redact without mangling text
  std::lock_guard<std::mutex> lock(g_secrets_mutex);
  g_secrets.push_back(std::move(value));
}

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  // URL credentials: scheme://userinfo@host -> scheme://***@host
  std::size_t pos = 0;
  while ((pos = out.find("://", pos)) != std::string::npos) {
    std::size_t scheme_start = pos;
    while (scheme_start > 0 && is_scheme_char(out[scheme_start - 1])) --scheme_start;
    std::size_t auth = pos + 3;
    std::size_t end = out.find_first_of("/?# \t\n\"'", auth);
    if (end == std::string::npos) end = out.size();
    std::size_t at = out.rfind('@', end == 0 ? 0 : end - 1);
    if (scheme_start < pos && at != std::string::npos && at >= auth && at < end) {
      out.replace(auth, at - auth, "***");
      pos = auth + 4;
    } else {
      pos = auth;
    }
  }
  for (const auto& s : secrets) {
    std::size_t p = 0;
    while ((p = out.find(s, p)) != std::string::npos) {
      out.replace(p, s.size(), "<redacted>");
      p += 10;
    }
  }
  return out;
}

std::string redact(std::string_view text) {
  std::lock_guard<std::mutex> lock(g_secrets_mutex);
  return redact(text, g_secrets);
}

void trace(std::string_view m) { emit(Level::trace, m); }
void debug(std::string_view m) { emit(Level::debug, m); }
void info(std::string_view m) { emit(Level::info, m); }
void warn(std::string_view m) { emit(Level::warn, m); }
void error(std::string_view m) { emit(Level::error, m); }

}  // namespace keel::log
