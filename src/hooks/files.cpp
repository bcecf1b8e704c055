#include "hooks/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "commit/text.hpp"
#include "git/commit.hpp"
#include "git/files.hpp"
#include "git/refs.hpp"
#include "git/revwalk.hpp"
#include "git/status.hpp"
#include "hooks/glob.hpp"

namespace keel::hooks {

namespace {

// git's own test: a NUL byte in the first 8000 bytes makes a file binary.
bool looks_binary(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[8000];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  return n > 0 && std::find(buf, buf + n, '\0') != buf + n;
}

}  // namespace

Result<std::vector<std::string>> staged_files(const git::Repository& repo) {
  auto changes = git::staged_changes(repo);
  if (!changes) return changes.error();
  std::vector<std::string> out;
  for (auto& c : *changes) {
    if (c.kind == git::ChangeKind::deleted || c.kind == git::ChangeKind::conflicted) continue;
    if (c.new_mode == git::k_mode_submodule) continue;
    out.push_back(std::move(c.path));
  }
  // A diff is in path order already, but for the renames found after it.
  if (!std::is_sorted(out.begin(), out.end())) std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::vector<std::string>> all_files(const git::Repository& repo) {
  auto entries = git::index_entries(repo);
  if (!entries) return entries.error();
  std::vector<std::string> out;
  for (const auto& e : *entries) {
    if (e.is_submodule() || e.skip_worktree) continue;
    if (out.empty() || out.back() != e.path) out.push_back(e.path);  // conflict stages share a path
  }
  return out;
}

namespace {

// A branch the remote does not have yet: every commit of `local` that no
// remote-tracking branch of `remote` reaches, each against its first parent.
Status add_unpushed_commits(const git::Repository& repo, const git::Oid& local, const std::string& remote,
                            std::set<std::string>& files) {
  auto walk = git::RevWalk::create(repo);
  if (!walk) return walk.error();
  if (auto st = walk->push(local); !st) return st;
  // A push to a URL names no remote: then what any remote-tracking branch
  // reaches is taken to be there already, rather than walking all history.
  std::vector<git::Ref> known;
  if (!remote.empty() && remote.find_first_of("*?[\\:") == std::string::npos) {
    auto refs = git::references(repo, "refs/remotes/" + remote + "/*");
    if (!refs) return refs.error();
    known = std::move(refs).value();
  }
  if (known.empty()) {
    auto refs = git::references(repo, "refs/remotes/*");
    if (!refs) return refs.error();
    known = std::move(refs).value();
  }
  for (const auto& ref : known)
    if (auto st = walk->hide(ref.target); !st) return st;
  Status failed = ok_status();
  auto walked = walk->for_each([&](const git::Oid& commit) {
    auto changed = git::changed_by_commit(repo, commit);
    if (!changed) {
      failed = changed.error();
      return false;
    }
    files.insert(changed->begin(), changed->end());
    return true;
  });
  if (!walked) return walked;
  return failed;
}

}  // namespace

Result<std::vector<std::string>> push_files(const git::Repository& repo, const std::string& stdin_text,
                                            const std::string& remote) {
  std::set<std::string> files;
  std::istringstream lines(stdin_text);
  std::string local_ref, local_id, remote_ref, remote_id;
  while (lines >> local_ref >> local_id >> remote_ref >> remote_id) {
    auto local = git::Oid::from_hex(local_id);
    auto remote_tip = git::Oid::from_hex(remote_id);
    if (!local || local->is_zero()) continue;  // deleting a remote branch
    if (remote_tip && !remote_tip->is_zero() && git::lookup_commit(repo, *remote_tip)) {
      auto changed = git::changed_between(repo, *remote_tip, *local);
      if (!changed) return changed.error();
      files.insert(changed->begin(), changed->end());
      continue;
    }
    if (auto st = add_unpushed_commits(repo, *local, remote, files); !st) return st.error();
  }
  return std::vector<std::string>(files.begin(), files.end());
}

bool has_type(const std::filesystem::path& file, const std::string& type) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) return false;
  if (type == "symlink") return S_ISLNK(st.st_mode);
  if (!S_ISREG(st.st_mode)) return false;
  if (type == "executable") return (st.st_mode & 0111) != 0;
  bool binary = looks_binary(file);
  return type == "binary" ? binary : !binary;
}

namespace {

// lefthook: glob (case-insensitive) and exclude against the whole path,
// then root; empty globs are ignored.
bool lefthook_chooses(const CommandSettings& command, const std::string& path) {
  bool any_glob = false, globbed = false;
  for (const auto& g : command.glob) {
    if (g.empty()) continue;
    any_glob = true;
    if (lefthook_glob_match(commit::lower_ascii(g), commit::lower_ascii(path))) {
      globbed = true;
      break;
    }
  }
  if (any_glob && !globbed) return false;
  for (const auto& e : command.exclude)
    if (lefthook_glob_match(e, path)) return false;
  return true;
}

}  // namespace

std::vector<std::string> filter_files(const std::vector<std::string>& files, const CommandSettings& command,
                                      const std::filesystem::path& workdir) {
  std::vector<std::string> out;
  std::string prefix = command.root.empty() ? std::string() : command.root + "/";
  bool lefthook = command.glob_style == GlobStyle::lefthook;
  // Read once: a large commit matches thousands of paths against them.
  const std::vector<KeelGlob> include = lefthook ? std::vector<KeelGlob>() : keel_globs(command.glob);
  const std::vector<KeelGlob> exclude = lefthook ? std::vector<KeelGlob>() : keel_globs(command.exclude);
  for (const auto& path : files) {
    if (path.compare(0, prefix.size(), prefix) != 0) continue;
    if (std::any_of(command.exclude_regex.begin(), command.exclude_regex.end(),
                    [&](const PathRegex& re) { return re.finds(path); }))
      continue;
    std::string rel = path.substr(prefix.size());
    if (lefthook) {
      if (!lefthook_chooses(command, path)) continue;
    } else {
      if (!include.empty() && !any_glob_matches(include, rel)) continue;
      if (any_glob_matches(exclude, rel)) continue;
    }
    if (!command.types.empty() &&
        std::none_of(command.types.begin(), command.types.end(),
                     [&](const std::string& t) { return has_type(workdir / path, t); }))
      continue;
    out.push_back(std::move(rel));
  }
  return out;
}

}  // namespace keel::hooks
