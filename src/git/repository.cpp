#include "git/detail.hpp"

namespace keel::git {

Library::Library() {
  git_libgit2_init();
  // Opening such a repository is safe because add_worktree_config() reads
  // the per-worktree file that the extension announces.
  const char* extensions[] = {"worktreeconfig"};
  git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, std::size(extensions));
  // Hashing every object again on each read was a sixth of `release next`
  // on a long history. git itself trusts its object store when reading and
  // leaves checking it to fsck, and so does keel.
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}
Library::~Library() { git_libgit2_shutdown(); }

Error last_error(std::string_view what, Exit exit) {
  const git_error* e = git_error_last();
  std::string message(what);
  if (e && e->message) {
    message += ": ";
    message += e->message;
  }
  // keel's messages end without a period; some of libgit2's end with one.
  while (!message.empty() && (message.back() == '.' || message.back() == '\n' || message.back() == ' '))
    message.pop_back();
  return Error{message, {}, exit};
}

namespace {

std::filesystem::path trim_slash(const char* p) {
  if (!p) return {};
  std::string s(p);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

namespace detail {

std::string take(git_buf& buf) {
  std::string out(buf.ptr ? buf.ptr : "", buf.size);
  git_buf_dispose(&buf);
  return out;
}

}  // namespace detail

Result<Repository> Repository::discover(const std::filesystem::path& start) {
  git_buf buf = GIT_BUF_INIT;
  int rc = git_repository_discover(&buf, start.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) {
    return Error{"not a git repository: " + quote(start.string()),
                 "run keel inside a repository or point -C at one", Exit::usage};
  }
  if (rc != 0) return last_error("cannot open repository at " + quote(start.string()));
  return open(detail::take(buf));
}

Result<Repository> Repository::open(const std::filesystem::path& path) {
  git_repository* raw = nullptr;
  if (git_repository_open(&raw, path.c_str()) != 0)
    return last_error("cannot open repository " + quote(path.string()));
  Repository repo(raw);
  if (auto st = detail::add_worktree_config(raw); !st) return st.error();
  auto shallow = detail::read_shallow_file(repo.common_dir());
  if (!shallow) return shallow.error();
  repo.m_shallow = std::move(shallow).value();
  return repo;
}

bool Repository::is_bare() const { return git_repository_is_bare(get()) == 1; }
bool Repository::is_shallow() const { return git_repository_is_shallow(get()) == 1; }
bool Repository::is_worktree() const { return git_repository_is_worktree(get()) == 1; }
// Not git_repository_is_empty(): libgit2 1.5 only calls a repository empty
// when HEAD names init.defaultBranch (else "master"), so `git init -b main`
// would not count.
bool Repository::is_empty() const {
  if (git_repository_head_unborn(get()) != 1) return false;
  git_reference_iterator* raw = nullptr;
  if (git_reference_iterator_new(&raw, get()) != 0) return false;
  Handle<git_reference_iterator, git_reference_iterator_free> it(raw);
  git_reference* ref = nullptr;
  if (git_reference_next(&ref, raw) != 0) return true;  // no references at all
  git_reference_free(ref);
  return false;
}
std::filesystem::path Repository::workdir() const { return trim_slash(git_repository_workdir(get())); }
std::filesystem::path Repository::git_dir() const { return trim_slash(git_repository_path(get())); }
std::filesystem::path Repository::common_dir() const { return trim_slash(git_repository_commondir(get())); }

}  // namespace keel::git
