#include "git/git.hpp"

namespace keel::git {

Library::Library() { git_libgit2_init(); }
Library::~Library() { git_libgit2_shutdown(); }

Error last_error(std::string_view what) {
  const git_error* e = git_error_last();
  std::string message(what);
  if (e && e->message) {
    message += ": ";
    message += e->message;
  }
  return Error{message, {}, Exit::usage};
}

namespace {

std::filesystem::path trim_slash(const char* p) {
  if (!p) return {};
  std::string s(p);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

Result<Repository> Repository::discover(const std::filesystem::path& start) {
  git_buf buf = GIT_BUF_INIT;
  int rc = git_repository_discover(&buf, start.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) {
    return Error{"not a git repository: " + quote(start.string()),
                 "run keel inside a repository or point -C at one", Exit::usage};
  }
  if (rc != 0) return last_error("cannot open repository at " + quote(start.string()));
  std::string found(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  return open(found);
}

Result<Repository> Repository::open(const std::filesystem::path& path) {
  git_repository* repo = nullptr;
  if (git_repository_open(&repo, path.c_str()) != 0)
    return last_error("cannot open repository " + quote(path.string()));
  return Repository(repo);
}

bool Repository::is_bare() const { return git_repository_is_bare(get()) == 1; }
bool Repository::is_shallow() const { return git_repository_is_shallow(get()) == 1; }
bool Repository::is_worktree() const { return git_repository_is_worktree(get()) == 1; }
bool Repository::is_empty() const { return git_repository_is_empty(get()) == 1; }
std::filesystem::path Repository::workdir() const { return trim_slash(git_repository_workdir(get())); }
std::filesystem::path Repository::git_dir() const { return trim_slash(git_repository_path(get())); }
std::filesystem::path Repository::common_dir() const { return trim_slash(git_repository_commondir(get())); }

}  // namespace keel::git
