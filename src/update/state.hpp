#pragma once
// What keel self update remembers between runs, in $XDG_STATE_HOME/keel
// (default ~/.local/state/keel): the highest manifest serial seen on each
// channel, so that an older manifest replayed later is refused even while
// it has not expired. One line per channel, "CHANNEL SERIAL".

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "core/error.hpp"

namespace keel::update {

std::filesystem::path state_dir(const std::map<std::string, std::string>& env);

// 0 when nothing was seen (or the file is unreadable: the signature and
// expiry checks still hold).
std::uint64_t highest_serial(const std::filesystem::path& dir, const std::string& channel);
Status remember_serial(const std::filesystem::path& dir, const std::string& channel, std::uint64_t serial);

}  // namespace keel::update
