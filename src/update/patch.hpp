#pragma once
// Delta updates: a zstd frame that rebuilds the new binary with the old one
// as its dictionary (the format of `zstd --patch-from=OLD`, which can apply
// it too). Made by keel dist --channel --patch-from, applied by keel self
// update, whose result is checked against the manifest's SHA-256 like any
// download (and replaced by the full download on any failure).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace keel::update {

// Binaries up to 128 MiB: the window must reach back over the old binary.
inline constexpr int k_patch_window_log_max = 27;

Result<std::string> make_patch(std::string_view old_binary, std::string_view new_binary);

// Streams the rebuilt binary to `out`, refusing more than `max_size` bytes.
Status apply_patch(std::string_view old_binary, std::string_view patch, std::uint64_t max_size,
                   const std::function<bool(std::string_view)>& out);

}  // namespace keel::update
