#pragma once
// gitignore-style globs for choosing a hook command's files.
//
//   *      any run of characters except '/'
//   ?      one character except '/'
//   [a-z]  a class; [!a-z] or [^a-z] negates it
//   **/    zero or more directories ("**/x" is x at any depth)
//   /**    everything below ("dir/**")
//   \x     x itself
// A glob without a '/' (other than a trailing one) matches a file name or a
// directory name at any depth, so "*.txt" takes "a/b.txt" and "vendor"
// takes everything below any directory named vendor. A glob with a '/' is
// anchored at the root it is relative to; a leading '/' only anchors it.
// A trailing '/' means a directory: "build/" takes everything below build.

#include <string>
#include <string_view>
#include <vector>

namespace keel::hooks {

bool glob_match(std::string_view glob, std::string_view path);

// True when any glob in the list matches.
bool any_glob_matches(const std::vector<std::string>& globs, std::string_view path);

}  // namespace keel::hooks
