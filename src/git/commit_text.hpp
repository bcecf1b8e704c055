#pragma once
// A raw commit object's text, as stored ("tree …\nparent …\nauthor …\n
// committer …\n\nmessage"), read into the fields release history needs.
// Pure: no repository, so it can be fuzzed and unit-tested on its own.

#include <string_view>

#include "git/commit.hpp"

namespace keel::git {

// Fills out's message (leading newlines dropped, as libgit2 does), parents,
// parent_count, committer time and offset. False for anything but the
// standard layout (tree, parents, author, committer, other headers, a blank
// line): the caller then asks libgit2, which knows every tolerated oddity.
bool parse_commit_text(std::string_view raw, CommitBrief& out);

}  // namespace keel::git
