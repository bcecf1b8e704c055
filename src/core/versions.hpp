#pragma once
// Build and library facts for `keel --version`.

#include <string>
#include <utility>
#include <vector>

namespace keel {

// "keel 0.1.0 (commit 1a2b3c4d5e6f, built Nov 24 2026, static)"
std::string version_line();
// {"libgit2", "1.5.1"}, ... queried from the linked libraries where they can
// tell, else the headers keel was built with.
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace keel
