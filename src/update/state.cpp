#include "update/state.hpp"

#include <charconv>
#include <sstream>

#include "fs/fs.hpp"

namespace keel::update {

namespace stdfs = std::filesystem;

namespace {

constexpr const char* k_serials = "update-serials";

std::map<std::string, std::uint64_t> read_serials(const stdfs::path& dir) {
  std::map<std::string, std::uint64_t> out;
  auto text = fs::read_file(dir / k_serials, 64u << 10);
  if (!text) return out;
  std::istringstream lines(*text);
  std::string channel, number;
  while (lines >> channel >> number) {
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
    if (ec == std::errc() && end == number.data() + number.size()) out[channel] = n;
  }
  return out;
}

}  // namespace

stdfs::path state_dir(const std::map<std::string, std::string>& env) {
  auto it = env.find("XDG_STATE_HOME");
  if (it != env.end() && !it->second.empty() && it->second.front() == '/') return stdfs::path(it->second) / "keel";
  auto home = env.find("HOME");
  return stdfs::path(home != env.end() ? home->second : "/") / ".local" / "state" / "keel";
}

std::uint64_t highest_serial(const stdfs::path& dir, const std::string& channel) {
  auto all = read_serials(dir);
  auto it = all.find(channel);
  return it == all.end() ? 0 : it->second;
}

Status remember_serial(const stdfs::path& dir, const std::string& channel, std::uint64_t serial) {
  auto all = read_serials(dir);
  if (all[channel] >= serial && all[channel] != 0) return ok_status();
  all[channel] = serial;
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) return Error{"cannot create " + quote(dir.string()) + ": " + ec.message(), {}, Exit::io};
  std::string text;
  for (const auto& [c, n] : all) text += c + " " + std::to_string(n) + "\n";
  return fs::write_file(dir / k_serials, text);
}

}  // namespace keel::update
