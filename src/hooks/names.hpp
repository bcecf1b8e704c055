#pragma once
// The hook names git runs, from githooks(5).

#include <span>
#include <string_view>

namespace keel::hooks {

// Every client- and server-side hook githooks(5) lists, sorted.
std::span<const std::string_view> git_hook_names();
bool is_git_hook(std::string_view name);

// The hooks git writes to on standard input (pre-push's refs, ...).
bool reads_stdin(std::string_view hook);

// A name a custom hook may have: it becomes a file name and a config key, so
// letters, digits, '-' and '_' only.
bool is_valid_hook_name(std::string_view name);

}  // namespace keel::hooks
