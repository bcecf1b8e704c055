#pragma once
// git's cleanup of an edited commit message. The commit-msg hook sees
// COMMIT_EDITMSG before git cleans it up, so a linter has to do the same
// first: otherwise git's own "# Please enter the commit message" lines and
// the diff below the scissors line of `git commit -v` would be linted.

#include <optional>
#include <string>
#include <string_view>

namespace keel::commit {

// What git's "strip" cleanup does: cut everything from the scissors line
// (`<prefix> ------------------------ >8 ------------------------`) down,
// drop lines starting with comment_prefix, strip trailing whitespace from
// every line, collapse runs of blank lines into one and drop leading and
// trailing blank lines. CRLF line ends become LF. An empty comment_prefix
// keeps comment lines and ignores scissors (git's "whitespace" mode). The
// result is empty or ends with one '\n'.
std::string cleanup(std::string_view raw, std::string_view comment_prefix);

// The comment prefix for a core.commentChar (or core.commentString) value:
// "#" when unset, empty, "auto" (git picks a character per message; the
// choice cannot be recovered from the file) or when it holds a line break.
// Any other value is used whole, as git 2.45 and later accept strings.
std::string comment_prefix(const std::optional<std::string>& configured);

}  // namespace keel::commit
