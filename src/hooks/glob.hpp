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
//   {a,b}  either alternative, which may hold wildcards and nest
//          ("*.{js,ts}", "{src,lib}/**/*.c"); "\{" is a brace itself
//
// hooks.glob_style = "lefthook" gives lefthook's default matcher instead
// (gobwas/glob without separators): '*' and '**' match any run of
// characters, '/' included, '?' any one character, and the glob is matched
// against the whole path, so "src/*.js" takes src/sub/c.js, "*.js" takes
// a/b.js, and "**/*.js" does not take a top-level a.js.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::hooks {

enum class GlobStyle { keel, lefthook };

bool glob_match(std::string_view glob, std::string_view path);

// One keel-style glob read once, for matching many paths:
// KeelGlob(g).matches(p) is glob_match(g, p).
class KeelGlob {
 public:
  explicit KeelGlob(std::string_view glob);
  bool matches(std::string_view path) const;

 private:
  struct Alternative {
    std::vector<std::string> segments;  // "**/" put in front of an unanchored glob
    bool dir_only = false;
    // For "**/*SUFFIX" with a plain SUFFIX ("*.txt", the common case): a
    // path matches when one of its names ends with it, the file's own only
    // unless dir_only. The same answer as the segments give, found faster.
    std::optional<std::string> name_suffix;
    // For "DIR/**" with plain names in DIR ("src/**", a task's usual
    // input): a path matches when it starts with "DIR/". The same answer
    // again, without splitting the path.
    std::optional<std::string> dir_prefix;
  };
  std::vector<Alternative> m_alternatives;  // none: the glob matches nothing
};
bool lefthook_glob_match(std::string_view glob, std::string_view path);

// True when any glob in the list matches.
bool any_glob_matches(const std::vector<std::string>& globs, std::string_view path);
// The same for globs read once, to match many paths against them.
std::vector<KeelGlob> keel_globs(const std::vector<std::string>& globs);
bool any_glob_matches(const std::vector<KeelGlob>& globs, std::string_view path);

// The globs {a,b} alternatives stand for, in order: "*.{js,ts}" is "*.js"
// and "*.ts". nullopt past k_max_alternatives. A '{' without its '}' is
// itself.
inline constexpr std::size_t k_max_alternatives = 1024;
std::optional<std::vector<std::string>> brace_alternatives(std::string_view glob);

}  // namespace keel::hooks
