#include "git/stage.hpp"

#include <sys/stat.h>

#include <map>

#include "git/cli.hpp"
#include "git/status.hpp"

namespace keel::git {

namespace {

bool is_regular_mode(std::uint32_t mode) { return mode == 0100644 || mode == 0100755; }

// Whether the work tree file is of the kind the index entry records.
bool same_kind(const std::filesystem::path& file, std::uint32_t index_mode) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) return false;
  if (is_regular_mode(index_mode)) return S_ISREG(st.st_mode);
  if (index_mode == 0120000) return S_ISLNK(st.st_mode);
  return false;
}

std::string nul_joined(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths) {
    out += p;
    out += '\0';
  }
  return out;
}

// Runs the user's git with `paths` on stdin, NUL-separated.
Status git_with_paths(const Repository& repo, std::vector<std::string> args, const std::vector<std::string>& paths,
                      const std::string& what) {
  auto out = cli::run(repo, std::move(args), what, nul_joined(paths));
  if (!out) return out.error();
  return ok_status();
}

Result<std::map<std::string, std::uint32_t>> modes_of(const Repository& repo, const std::vector<std::string>& paths) {
  auto entries = index_entries(repo);
  if (!entries) return entries.error();
  std::map<std::string, std::uint32_t> wanted;
  for (const auto& p : paths) wanted.emplace(p, 0);
  for (const auto& e : *entries)
    if (e.stage == 0 && wanted.count(e.path)) wanted[e.path] = e.mode;
  return wanted;
}

}  // namespace

Result<Staged> stage_content(const Repository& repo, const std::vector<std::string>& paths) {
  Staged out;
  auto before = modes_of(repo, paths);
  if (!before) return before.error();
  for (const auto& p : paths) {
    std::uint32_t mode = before->at(p);
    (mode != 0 && same_kind(repo.workdir() / p, mode) ? out.staged : out.type_changed).push_back(p);
  }
  if (out.staged.empty()) return out;

  std::string what = out.staged.size() == 1 ? "cannot stage " + quote(out.staged.front()) : "cannot stage the fixed files";
  auto added = git_with_paths(repo, {"--literal-pathspecs", "add", "--pathspec-from-file=-", "--pathspec-file-nul"},
                              out.staged, what + " with git add");
  if (!added) return added.error();

  // git add took the work tree's executable bit too; put the index's back.
  auto after = modes_of(repo, out.staged);
  if (!after) return after.error();
  std::vector<std::string> plus_x, minus_x;
  for (const auto& p : out.staged) {
    std::uint32_t was = before->at(p), now = after->at(p);
    if (was == now || !is_regular_mode(was) || !is_regular_mode(now)) continue;
    (was == 0100755 ? plus_x : minus_x).push_back(p);
  }
  for (auto [flag, list] : {std::pair{"--chmod=+x", &plus_x}, std::pair{"--chmod=-x", &minus_x}}) {
    if (list->empty()) continue;
    auto kept = git_with_paths(repo, {"update-index", flag, "-z", "--stdin"}, *list, what + ": cannot keep its mode");
    if (!kept) return kept.error();
  }
  return out;
}

}  // namespace keel::git
