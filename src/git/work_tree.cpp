#include "git/work_tree.hpp"

#include <sys/stat.h>

namespace keel::git {

namespace {

// A `.git` that git itself would accept: a directory holding HEAD, or a
// file starting with "gitdir:".
bool has_git_entry(const std::filesystem::path& dir) {
  std::filesystem::path dot_git = dir / ".git";
  struct stat st {};
  if (::stat(dot_git.c_str(), &st) != 0) return false;
  if (S_ISDIR(st.st_mode)) return ::stat((dot_git / "HEAD").c_str(), &st) == 0;
  if (!S_ISREG(st.st_mode)) return false;
  FILE* f = std::fopen(dot_git.c_str(), "r");
  if (!f) return false;
  char prefix[8] = {};
  std::size_t n = std::fread(prefix, 1, 7, f);
  std::fclose(f);
  return n == 7 && std::string_view(prefix, 7) == "gitdir:";
}

}  // namespace

std::optional<std::filesystem::path> find_work_tree_root(const std::filesystem::path& start,
                                                         const std::map<std::string, std::string>& env) {
  auto it = env.find("GIT_WORK_TREE");
  if (it != env.end() && !it->second.empty()) return std::filesystem::absolute(it->second).lexically_normal();
  std::filesystem::path dir = std::filesystem::absolute(start).lexically_normal();
  if (dir.has_filename() == false && dir != dir.root_path()) dir = dir.parent_path();
  for (;;) {
    if (has_git_entry(dir)) return dir;
    if (dir == dir.root_path() || dir.empty()) return std::nullopt;
    dir = dir.parent_path();
  }
}

}  // namespace keel::git
