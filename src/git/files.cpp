#include "git/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string_view>

#include <git2/sys/repository.h>

#include "core/parallel.hpp"
#include "git/cli.hpp"
#include "git/detail.hpp"

namespace keel::git {

Status use_index_file(Repository& repo, const std::filesystem::path& path) {
  git_index* raw = nullptr;
  if (git_index_open(&raw, path.c_str()) != 0) {
    Error e = detail::index_error(repo, "cannot read the index " + quote(path.string()));
    if (repo.index_through_git()) return ok_status();  // a split or sparse index: git answers (cli.hpp)
    return e;
  }
  detail::IndexPtr index(raw);
  if (git_repository_set_index(repo.get(), raw) != 0)
    return last_error("cannot use the index " + quote(path.string()), Exit::failed);
  repo.set_index_replaced();
  return ok_status();
}

namespace {

// True when the path's `filter` attribute names a driver git config defines
// (filter.NAME.clean, .smudge or .process: git-lfs, git-crypt, a secret
// scrubber). libgit2 runs only its built-in filters, so for such a path git
// itself must convert, or keel would see the unfiltered bytes.
bool has_filter_driver(const Repository& repo, const std::string& path) {
  const char* value = nullptr;
  if (git_attr_get(&value, repo.get(), GIT_ATTR_CHECK_FILE_THEN_INDEX, path.c_str(), "filter") != 0) return false;
  if (git_attr_value(value) != GIT_ATTR_VALUE_STRING) return false;
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo.get()) != 0) return false;
  detail::ConfigPtr config(raw);
  for (const char* part : {"clean", "smudge", "process"}) {
    git_config_entry* entry = nullptr;
    std::string name = std::string("filter.") + value + "." + part;
    if (git_config_get_entry(&entry, raw, name.c_str()) == 0) {
      git_config_entry_free(entry);
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::string> checkout_content(const Repository& repo, const Oid& blob, const std::string& path) {
  // libgit2 reads .gitattributes from the index too, and cannot read this
  // one; nor can it run a filter driver.
  if (repo.index_through_git() || has_filter_driver(repo, path))
    return cli::run(repo, {"cat-file", "--filters", "--path=" + path, blob.hex()},
                    "cannot read the staged content of " + quote(path));
  git_blob* raw = nullptr;
  git_oid id = blob.raw();
  if (git_blob_lookup(&raw, repo.get(), &id) != 0)
    return last_error("cannot read the staged content of " + quote(path), Exit::failed);
  Handle<git_blob, git_blob_free> owned(raw);
  git_buf buf = GIT_BUF_INIT;
  git_blob_filter_options opts = GIT_BLOB_FILTER_OPTIONS_INIT;
  // No GIT_BLOB_FILTER_CHECK_FOR_BINARY: with it libgit2 returns nothing at
  // all for a binary blob. The filters decide about binary content as git's
  // checkout does (text=auto leaves it alone, an explicit filter runs).
  opts.flags = 0;
  if (git_blob_filter(&buf, raw, path.c_str(), &opts) != 0)
    return last_error("cannot convert the staged content of " + quote(path), Exit::failed);
  return detail::take(buf);
}

Result<MergedText> merge_text(const std::string& base, const std::string& ours, const std::string& theirs) {
  git_merge_file_input in_base = GIT_MERGE_FILE_INPUT_INIT, in_ours = GIT_MERGE_FILE_INPUT_INIT,
                       in_theirs = GIT_MERGE_FILE_INPUT_INIT;
  in_base.ptr = base.data();
  in_base.size = base.size();
  in_ours.ptr = ours.data();
  in_ours.size = ours.size();
  in_theirs.ptr = theirs.data();
  in_theirs.size = theirs.size();
  git_merge_file_result result{};
  if (git_merge_file(&result, &in_base, &in_ours, &in_theirs, nullptr) != 0)
    return last_error("cannot merge file contents", Exit::failed);
  MergedText out{result.automergeable != 0, std::string(result.ptr ? result.ptr : "", result.len)};
  git_merge_file_result_free(&result);
  return out;
}

namespace {

struct timespec index_mtime(git_index* index) {
  struct stat st {};
  const char* path = git_index_path(index);
  if (!path || ::stat(path, &st) != 0) return {};
  return st.st_mtim;
}

// git's stat shortcut: a file whose size, inode and times still match what
// the index recorded has not changed, unless it was modified in the same
// instant the index was written ("racy git"), when only its bytes can tell.
bool stat_unchanged(const git_index_entry& e, int dir_fd, const char* name, const struct timespec& written) {
  struct stat st {};
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
  bool same = static_cast<std::uint32_t>(st.st_size) == e.file_size && static_cast<std::uint32_t>(st.st_ino) == e.ino &&
              static_cast<std::int32_t>(st.st_mtim.tv_sec) == e.mtime.seconds &&
              static_cast<std::uint32_t>(st.st_mtim.tv_nsec) == e.mtime.nanoseconds &&
              static_cast<std::int32_t>(st.st_ctim.tv_sec) == e.ctime.seconds &&
              static_cast<std::uint32_t>(st.st_ctim.tv_nsec) == e.ctime.nanoseconds;
  bool racy = st.st_mtim.tv_sec > written.tv_sec ||
              (st.st_mtim.tv_sec == written.tv_sec && st.st_mtim.tv_nsec >= written.tv_nsec);
  return same && !racy;
}

// A directory held open to look its files up from: fd is -1 when it
// cannot be opened.
class OpenDirectory {
 public:
  OpenDirectory() = default;
  ~OpenDirectory() { close(); }
  OpenDirectory(const OpenDirectory&) = delete;
  OpenDirectory& operator=(const OpenDirectory&) = delete;
  void open(const std::string& path) {
    close();
    fd = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    opened = true;
  }
  int fd = -1;
  bool opened = false;

 private:
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

}  // namespace

Result<std::vector<std::string>> differing_from_index(const Repository& repo, const std::vector<std::string>& paths) {
  if (repo.index_through_git()) return cli::differing_from_index(repo, paths);
  auto index = detail::open_index(repo);
  if (!index) {
    // An index libgit2 cannot read (split, sparse): git itself answers.
    if (repo.index_through_git()) return cli::differing_from_index(repo, paths);
    return index.error();
  }
  std::vector<std::string> out;
  std::vector<std::string> for_git;  // paths only git can hash (filter drivers)
  std::filesystem::path root = repo.workdir();
  struct timespec written = index_mtime(index->get());
  std::vector<const git_index_entry*> entries(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const git_index_entry* e = git_index_get_bypath(index->get(), paths[i].c_str(), 0);
    if (e && e->mode != GIT_FILEMODE_COMMIT) entries[i] = e;
  }
  // The stats on every core, as git's preloaded index does them: on a
  // large commit the kernel's path lookups are most of this function. Each
  // file is looked up from its directory, opened once for the files of it
  // that follow (the paths come sorted): a lookup from the root walked
  // every component again.
  const std::string prefix = root.string() + "/";
  std::vector<std::uint8_t> unchanged(paths.size(), 0);
  constexpr std::size_t k_chunk = 128;
  for_each_index((paths.size() + k_chunk - 1) / k_chunk, [&](std::size_t c) {
    OpenDirectory dir;
    std::string_view dir_name;
    for (std::size_t i = c * k_chunk; i < std::min(paths.size(), (c + 1) * k_chunk); ++i) {
      if (!entries[i]) continue;
      std::string_view path = paths[i];
      std::size_t slash = path.rfind('/');
      std::string_view parent = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
      if (!dir.opened || parent != dir_name) {
        dir.open(prefix + std::string(parent));
        dir_name = parent;
      }
      const char* name = paths[i].c_str() + (slash == std::string_view::npos ? 0 : slash + 1);
      unchanged[i] = dir.fd >= 0 && stat_unchanged(*entries[i], dir.fd, name, written);
    }
  }, 2);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    const git_index_entry* e = entries[i];
    if (!e || unchanged[i]) continue;
    std::filesystem::path file = root / path;
    if (has_filter_driver(repo, path)) {
      for_git.push_back(path);
      continue;
    }
    std::error_code ec;
    auto st = std::filesystem::symlink_status(file, ec);
    bool is_link = std::filesystem::is_symlink(st);
    if (!std::filesystem::exists(st) || is_link != (e->mode == GIT_FILEMODE_LINK)) {
      out.push_back(path);
      continue;
    }
    git_oid id;
    if (is_link) {
      std::string target = std::filesystem::read_symlink(file, ec).string();
      if (ec || git_odb_hash(&id, target.data(), target.size(), GIT_OBJECT_BLOB) != 0) {
        out.push_back(path);
        continue;
      }
    } else if (git_repository_hashfile(&id, repo.get(), file.c_str(), GIT_OBJECT_BLOB, path.c_str()) != 0) {
      return last_error("cannot read " + quote(path), Exit::failed);
    }
    if (!git_oid_equal(&id, &e->id)) out.push_back(path);
  }
  if (!for_git.empty()) {
    auto by_git = cli::differing_from_index(repo, for_git);
    if (!by_git) return by_git.error();
    std::set<std::string> differing(out.begin(), out.end());
    differing.insert(by_git->begin(), by_git->end());
    out.clear();
    for (const auto& path : paths)  // in the caller's order
      if (differing.count(path)) out.push_back(path);
  }
  return out;
}

namespace {

Result<detail::TreePtr> tree_of(const Repository& repo, const Oid& id) {
  auto commit = detail::lookup_commit(repo.get(), id);
  if (!commit) return commit.error();
  git_tree* tree = nullptr;
  if (git_commit_tree(&tree, commit->get()) != 0) return last_error("cannot read a commit's tree", Exit::failed);
  return detail::TreePtr(tree);
}

// `from` null: the empty tree, for a root commit.
Result<std::vector<std::string>> changed_between_trees(const Repository& repo, git_tree* from, git_tree* to) {
  git_diff* raw = nullptr;
  if (git_diff_tree_to_tree(&raw, repo.get(), from, to, nullptr) != 0)
    return last_error("cannot compare commits", Exit::failed);
  detail::DiffPtr diff(raw);
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  if (git_diff_find_similar(raw, &find) != 0) return last_error("cannot detect renames", Exit::failed);
  std::vector<std::string> out;
  for (std::size_t i = 0, n = git_diff_num_deltas(raw); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    if (d->status == GIT_DELTA_DELETED || d->new_file.mode == GIT_FILEMODE_COMMIT) continue;
    out.emplace_back(d->new_file.path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Result<std::vector<std::string>> changed_between(const Repository& repo, const Oid& from, const Oid& to) {
  auto a = tree_of(repo, from);
  if (!a) return a.error();
  auto b = tree_of(repo, to);
  if (!b) return b.error();
  return changed_between_trees(repo, a->get(), b->get());
}

Result<std::vector<std::string>> changed_by_commit(const Repository& repo, const Oid& commit) {
  auto c = detail::lookup_commit(repo.get(), commit);
  if (!c) return c.error();
  auto tree = tree_of(repo, commit);
  if (!tree) return tree.error();
  if (git_commit_parentcount(c->get()) == 0) return changed_between_trees(repo, nullptr, tree->get());
  auto parent = tree_of(repo, Oid(*git_commit_parent_id(c->get(), 0)));
  if (!parent) return parent.error();
  return changed_between_trees(repo, parent->get(), tree->get());
}

bool merge_in_progress(const Repository& repo) {
  std::error_code ec;
  return std::filesystem::exists(repo.git_dir() / "MERGE_HEAD", ec);
}

bool rebase_in_progress(const Repository& repo) {
  std::error_code ec;
  return std::filesystem::exists(repo.git_dir() / "rebase-merge", ec) ||
         std::filesystem::exists(repo.git_dir() / "rebase-apply", ec);
}

bool is_ignored(const Repository& repo, const std::string& path) {
  int ignored = 0;
  return git_ignore_path_is_ignored(&ignored, repo.get(), path.c_str()) == 0 && ignored == 1;
}

Result<std::vector<std::string>> changed_since(const Repository& repo, const Oid& base) {
  auto tree = tree_of(repo, base);
  if (!tree) return tree.error();
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
  git_diff* raw = nullptr;
  if (git_diff_tree_to_workdir_with_index(&raw, repo.get(), tree->get(), &opts) != 0)
    return last_error("cannot compare the work tree with " + quote(base.hex()), Exit::failed);
  detail::DiffPtr diff(raw);
  std::set<std::string> paths;
  for (std::size_t i = 0, n = git_diff_num_deltas(raw); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    if (d->old_file.path) paths.insert(d->old_file.path);
    if (d->new_file.path) paths.insert(d->new_file.path);
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

Result<Oid> merge_base(const Repository& repo, const Oid& a, const Oid& b) {
  git_oid out, ra = a.raw(), rb = b.raw();
  if (git_merge_base(&out, repo.get(), &ra, &rb) != 0)
    return last_error("no common ancestor of " + quote(a.hex()) + " and " + quote(b.hex()), Exit::failed);
  return Oid(out);
}

}  // namespace keel::git
