#include "git/staged_scope.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "git/detail.hpp"

#ifdef KEEL_LIBGIT2_TREE_CACHE_LOOKUP
#include <git2/sys/index.h>  // the patched libgit2 of the static build
#endif

namespace keel::git::detail {

#ifdef KEEL_LIBGIT2_TREE_CACHE_LOOKUP

namespace {

// Walks HEAD's tree and the index side by side, one directory level at a
// time: at each, HEAD's tree at prefix ("" or "dir/") and the index entries
// [lo, hi) whose paths start with prefix.
class Narrower {
 public:
  Narrower(git_repository* repo, git_index* index) : m_repo(repo), m_index(index) {}

  // True when the index holds exactly `tree` under dir ("" for the root).
  bool unchanged(const std::string& dir, const git_oid* tree) const {
    git_oid cached;
    return git_index_tree_cache_lookup(&cached, m_index, dir.c_str()) == 0 && git_oid_equal(&cached, tree);
  }

  // Appends to out the paths under prefix that may differ and returns true,
  // or returns false with out unchanged when nothing under prefix could be
  // left out (the caller then names prefix whole).
  bool narrow(const git_tree* tree, const std::string& prefix, std::size_t lo, std::size_t hi,
              std::vector<std::string>& out) const {
    // Names below prefix to name whole, as views into the tree and the
    // index: most directories that differ hold no directory that does not,
    // and their names are never needed.
    std::vector<std::string_view> whole;
    std::vector<std::string> deeper;  // from the subdirectories narrowed
    bool left_out = false;
    // HEAD's subdirectories at this level, by name, for the index's to meet.
    struct Subtree {
      std::string_view name;
      const git_tree_entry* entry;
      bool clean;
      bool met = false;
    };
    std::vector<Subtree> subtrees;
    for (std::size_t i = 0, n = git_tree_entrycount(tree); i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree, i);
      std::string_view name = git_tree_entry_name(e);
      if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
        whole.push_back(name);
        continue;
      }
      bool clean = unchanged(prefix + std::string(name), git_tree_entry_id(e));
      left_out = left_out || clean;
      subtrees.push_back({name, e, clean});
    }
    std::sort(subtrees.begin(), subtrees.end(), [](const Subtree& a, const Subtree& b) { return a.name < b.name; });

    for (std::size_t i = lo; i < hi;) {
      const char* rest = git_index_get_byindex(m_index, i)->path + prefix.size();
      const char* slash = std::strchr(rest, '/');
      if (!slash) {
        whole.push_back(rest);
        ++i;
        continue;
      }
      std::string_view name(rest, static_cast<std::size_t>(slash - rest));
      std::string dir = prefix + std::string(name) + "/";
      std::size_t end = i + 1;
      while (end < hi && std::strncmp(git_index_get_byindex(m_index, end)->path, dir.c_str(), dir.size()) == 0) ++end;
      auto sub = std::lower_bound(subtrees.begin(), subtrees.end(), name,
                                  [](const Subtree& s, std::string_view n) { return s.name < n; });
      if (sub != subtrees.end() && sub->name == name) {
        sub->met = true;
        // A clean one was left out above; one that differs is narrowed too.
        if (!sub->clean) {
          if (descend(sub->entry, dir, i, end, deeper))
            left_out = true;
          else
            whole.push_back(name);
        }
      } else {
        whole.push_back(name);  // a directory HEAD has not
      }
      i = end;
    }
    // A directory of HEAD's that the index no longer has.
    for (const auto& s : subtrees)
      if (!s.met && !s.clean) whole.push_back(s.name);
    if (!left_out) return false;
    for (std::string_view name : whole) out.push_back(prefix + std::string(name));
    out.insert(out.end(), std::make_move_iterator(deeper.begin()), std::make_move_iterator(deeper.end()));
    return true;
  }

 private:
  // narrow() for a subdirectory of HEAD that differs.
  bool descend(const git_tree_entry* entry, const std::string& dir, std::size_t lo, std::size_t hi,
               std::vector<std::string>& out) const {
    git_tree* sub = nullptr;
    if (git_tree_lookup(&sub, m_repo, git_tree_entry_id(entry)) != 0) {
      git_error_clear();
      return false;  // the diff will say what is wrong with it
    }
    TreePtr owned(sub);
    return narrow(sub, dir, lo, hi, out);
  }

  git_repository* m_repo;
  git_index* m_index;
};

}  // namespace

std::optional<std::vector<std::string>> staged_scope(git_repository* repo, git_index* index, const git_tree* head) {
  if (!head || git_index_has_conflicts(index) || (git_index_caps(index) & GIT_INDEX_CAPABILITY_IGNORE_CASE))
    return std::nullopt;
  Narrower narrower(repo, index);
  if (narrower.unchanged("", git_tree_id(head))) return std::vector<std::string>();
  std::vector<std::string> paths;
  if (!narrower.narrow(head, "", 0, git_index_entrycount(index), paths)) return std::nullopt;
  // A file in both HEAD and the index is named twice.
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

#else

std::optional<std::vector<std::string>> staged_scope(git_repository*, git_index*, const git_tree*) {
  return std::nullopt;
}

#endif

}  // namespace keel::git::detail
