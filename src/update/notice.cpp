#include "update/notice.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <sstream>

#include "fs/fs.hpp"
#include "semver/semver.hpp"

namespace keel::update {

namespace stdfs = std::filesystem;

namespace {

constexpr const char* k_file = "update-notice";

std::int64_t number(const std::string& text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() ? n : 0;
}

bool set(const std::map<std::string, std::string>& env, const char* name) {
  auto it = env.find(name);
  return it != env.end() && !it->second.empty();
}

}  // namespace

NoticeState read_notice(const stdfs::path& dir) {
  NoticeState s;
  auto text = fs::read_file(dir / k_file, 4096);
  if (!text) return s;
  std::istringstream lines(*text);
  std::string key, value;
  while (lines >> key >> value) {
    if (key == "checked") s.checked = number(value);
    if (key == "notified") s.notified = number(value);
    if (key == "available" && semver::parse(value)) s.available = value;
  }
  return s;
}

void write_notice(const stdfs::path& dir, const NoticeState& s) {
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  std::string text = "checked " + std::to_string(s.checked) + "\nnotified " + std::to_string(s.notified) + "\n";
  if (!s.available.empty()) text += "available " + s.available + "\n";
  (void)fs::write_file(dir / k_file, text);
}

bool notice_allowed(const std::map<std::string, std::string>& env) {
  return !set(env, "CI") && !set(env, "NO_UPDATE_NOTIFIER") && !set(env, "KEEL_NO_UPDATE_CHECK");
}

NoticeDecision decide_notice(const NoticeState& s, std::int64_t now, const std::string& running) {
  NoticeDecision d;
  d.check = now - s.checked >= k_notice_interval || s.checked > now;
  auto available = semver::parse(s.available);
  auto current = semver::parse(running);
  if (available && current && semver::compare(*available, *current) > 0 &&
      (now - s.notified >= k_notice_interval || s.notified > now))
    d.tell = "keel " + s.available + " is available (this is " + running + "): keel self update installs it";
  return d;
}

void start_background_check(const std::string& self) {
  // Everything the children run between fork and exec is async-signal-safe.
  pid_t child = ::fork();
  if (child < 0) return;
  if (child == 0) {
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    const char* argv[] = {self.c_str(), "self", "check", nullptr};
    ::execv(self.c_str(), const_cast<char* const*>(argv));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace keel::update
