#pragma once
// The update notice: at most once a day, on a terminal, one line after a
// command's output saying that a newer keel exists. The check behind it
// runs in a detached background process (keel self check), at most once a
// day, and never delays the command; the line comes from what the last
// check recorded. Off in CI (CI set), with NO_UPDATE_NOTIFIER or
// KEEL_NO_UPDATE_CHECK set, with update.check = false, in builds without
// self-update, and for a keel a package manager installed.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace keel::update {

inline constexpr std::int64_t k_notice_interval = 24 * 60 * 60;

// $STATE/update-notice: "checked <unix>", "available <version>",
// "notified <unix>", one per line.
struct NoticeState {
  std::int64_t checked = 0;
  std::string available;
  std::int64_t notified = 0;
};

NoticeState read_notice(const std::filesystem::path& state_dir);
void write_notice(const std::filesystem::path& state_dir, const NoticeState& state);  // best effort

// Whether the environment allows the notice at all (CI, NO_UPDATE_NOTIFIER,
// KEEL_NO_UPDATE_CHECK).
bool notice_allowed(const std::map<std::string, std::string>& env);

struct NoticeDecision {
  bool check = false;                // start a background check now
  std::optional<std::string> tell;   // the line to print
};

// Pure: what to do at `now` for the running version.
NoticeDecision decide_notice(const NoticeState& state, std::int64_t now, const std::string& running);

// `self` with "self check" in a new session, stdio on /dev/null, not
// waited for (double fork: no zombie, no controlling terminal).
void start_background_check(const std::string& self);

}  // namespace keel::update
