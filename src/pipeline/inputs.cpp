#include "pipeline/inputs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/parallel.hpp"
#include "fs/fs.hpp"
#include "git/files.hpp"
#include "git/status.hpp"
#include "hooks/glob.hpp"

namespace keel::pipeline {

namespace {

std::int64_t ns(const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

std::int64_t now_ns() {
  struct timespec t {};
  ::clock_gettime(CLOCK_REALTIME, &t);
  return ns(t);
}

// A racily clean file: changed within this long of the record being made,
// as the kernel's coarse timestamps see it.
constexpr std::int64_t k_racy_ns = 1'000'000'000;

Error cannot_read(const std::filesystem::path& p, int err) {
  return Error{"cannot read " + quote(p.string()) + ": " + std::strerror(err), {}, Exit::io};
}

bool has_wildcard(std::string_view glob) { return glob.find_first_of("*?[{\\") != std::string_view::npos; }

// The directory below which a glob can match anything: "src/**/*.c" ->
// "src"; "" for a glob without '/', which matches at any depth.
std::string walk_root(std::string_view glob) {
  while (!glob.empty() && glob.front() == '/') glob.remove_prefix(1);
  if (glob.find('/') == std::string_view::npos || (glob.find('/') == glob.size() - 1)) return {};
  std::string root;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = glob.find('/', start);
    if (slash == std::string_view::npos) break;  // the last segment names files
    std::string_view seg = glob.substr(start, slash - start);
    if (has_wildcard(seg)) break;
    root += (root.empty() ? "" : "/") + std::string(seg);
    start = slash + 1;
  }
  return root;
}

std::uint32_t git_mode(const struct stat& st) {
  if (S_ISLNK(st.st_mode)) return 0120000;
  return (st.st_mode & 0111) ? 0100755 : 0100644;
}

class Walker {
 public:
  Walker(const std::filesystem::path& root, const std::string& dir, const std::vector<std::string>& globs,
         const TreeFacts& facts)
      : m_root(root), m_dir(dir), m_facts(facts) {
    for (const auto& g : globs) {
      if (!g.empty() && g.front() == '!') m_exclude.push_back(g.substr(1));
      else m_include.push_back(g);
    }
    m_matched.assign(m_include.size(), false);
  }

  Status run() {
    std::vector<std::string> roots;
    for (const auto& g : m_include) {
      if (!has_wildcard(g)) {
        if (auto st = literal(g); !st) return st;
        continue;
      }
      roots.push_back(walk_root(g));
    }
    std::sort(roots.begin(), roots.end());
    std::string last;
    bool any = false;
    for (const auto& r : roots) {
      // Below a root already walked: nothing new there.
      if (any && (last.empty() || r == last || r.rfind(last + "/", 0) == 0)) continue;
      any = true;
      last = r;
      if (auto st = walk(r, false); !st) return st;
    }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    return ok_status();
  }

  // Relative to the task's dir; sorted and without repeats after run(). Kept
  // small: twenty thousand of them are a cost in page faults.
  std::vector<std::string> found;
  std::vector<std::string> unmatched() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < m_include.size(); ++i)
      if (!m_matched[i]) out.push_back(m_include[i]);
    return out;
  }

 private:
  std::string root_relative(const std::string& rel) const {
    if (m_dir.empty()) return rel;
    return rel.empty() ? m_dir : m_dir + "/" + rel;
  }
  std::filesystem::path absolute(const std::string& rel) const {
    return rel.empty() ? m_root / m_dir : m_root / m_dir / rel;
  }

  bool excluded(const std::string& rel) const {
    return std::any_of(m_exclude.begin(), m_exclude.end(), [&](const auto& g) { return hooks::glob_match(g, rel); });
  }

  // Named exactly: taken even when git ignores it; a directory with all it holds.
  Status literal(const std::string& glob) {
    std::string rel = glob;
    while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
    while (!rel.empty() && rel.back() == '/') rel.pop_back();
    struct stat st {};
    if (::lstat(absolute(rel).c_str(), &st) != 0) return ok_status();  // reported as matching nothing
    std::size_t index = static_cast<std::size_t>(&glob - m_include.data());
    if (S_ISDIR(st.st_mode)) {
      std::size_t before = found.size();
      if (auto s = walk(rel, true); !s) return s;
      if (found.size() > before) m_matched[index] = true;
      return ok_status();
    }
    if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && !excluded(rel)) {
      found.push_back(rel);
      m_matched[index] = true;
    }
    return ok_status();
  }

  // A file met in the walk: taken when a glob matches it and git does not
  // ignore it.
  void consider(const std::string& rel, bool named) {
    bool any = false;
    for (std::size_t i = 0; i < m_include.size(); ++i)
      if (named || (has_wildcard(m_include[i]) && hooks::glob_match(m_include[i], rel))) {
        if (!named) m_matched[i] = true;
        any = true;
        if (!named) break;
      }
    if (!any || excluded(rel)) return;
    std::string from_root = root_relative(rel);
    if (!named && !m_facts.tracked(from_root) && m_facts.ignored(from_root, false)) return;
    found.push_back(rel);
  }

  Status walk(const std::string& rel, bool named) {
    int fd = ::open(absolute(rel).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return walk_at(rel, named, fd);
  }

  // Takes `fd`, an open directory; subdirectories are opened relative to it,
  // so no path is looked up from the root again.
  Status walk_at(const std::string& rel, bool named, int fd) {
    DIR* d = fd < 0 ? nullptr : ::fdopendir(fd);
    if (!d) {
      int err = errno;
      if (fd >= 0) ::close(fd);
      if (err == ENOENT || err == ENOTDIR) return ok_status();
      return cannot_read(absolute(rel), err);
    }
    std::vector<std::pair<std::string, std::string>> dirs;  // path, name
    Status status = ok_status();
    // d_type says what an entry is on the usual file systems; a regular
    // file or a link is stat'ed later, in parallel.
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name == "." || name == ".." || name == ".git") continue;
      bool is_dir = e->d_type == DT_DIR;
      if (e->d_type == DT_UNKNOWN) {
        struct stat st {};
        is_dir = ::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
      }
      std::string child = rel.empty() ? std::string(name) : rel + "/" + std::string(name);
      bool other = e->d_type != DT_REG && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN;
      if (is_dir) dirs.emplace_back(std::move(child), std::string(name));
      else if (!other) consider(child, named);
    }
    for (const auto& [child, name] : dirs) {
      if (!status) break;
      std::string from_root = root_relative(child);
      if (!named && !m_facts.holds_tracked(from_root) && m_facts.ignored(from_root, true)) continue;
      status = walk_at(child, named, ::openat(::dirfd(d), name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    }
    ::closedir(d);
    return status;
  }

  const std::filesystem::path& m_root;
  const std::string& m_dir;
  const TreeFacts& m_facts;
  std::vector<std::string> m_include, m_exclude;
  std::vector<bool> m_matched;
};

}  // namespace

Result<TreeFacts> TreeFacts::read(const git::Repository* repo) {
  TreeFacts f;
  f.m_repo = repo;
  if (!repo || repo->is_bare()) return f;
  auto tracked = git::TrackedFiles::read(*repo);
  if (!tracked) return tracked.error();
  f.m_tracked.emplace(std::move(tracked).value());
  return f;
}

bool TreeFacts::ignored(const std::string& path, bool is_dir) const {
  if (!m_repo) return false;
  std::lock_guard lock(*m_lock);
  return git::is_ignored(*m_repo, is_dir ? path + "/" : path);
}

// The file: CBOR {"v": 2, "written": ns, "paths": "a\0b\0…", "entries":
// binary, 64 bytes per path (size, mtime, ctime, inode as little-endian
// 64-bit numbers, then the digest)}. Three values for the library to read,
// however many files: a per-file CBOR map cost more than the walk itself.
void StatCache::load(const std::filesystem::path& file) {
  auto bytes = fs::read_file(file, 256u << 20);
  if (!bytes) return;
  nlohmann::json doc;
  try {
    // Even without exceptions, the library throws on an array that claims
    // more elements than memory can hold.
    doc = nlohmann::json::from_cbor(*bytes, true, false);
  } catch (const nlohmann::json::exception&) {
    return;
  }
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("v") || doc["v"] != 3) return;
  auto& paths = doc["paths"];
  auto& records = doc["entries"];
  const auto& written = doc["written"];
  if (!paths.is_string() || !records.is_binary() || !written.is_number_integer()) return;
  std::string names = std::move(paths.get_ref<std::string&>());
  std::vector<std::uint32_t> starts;
  if (names.size() >= UINT32_MAX) return;
  for (std::size_t at = 0; at < names.size();) {
    std::size_t end = names.find('\0', at);
    if (end == std::string::npos) return;
    starts.push_back(static_cast<std::uint32_t>(at));
    at = end + 1;
  }
  std::vector<std::uint8_t> raw = std::move(records.get_binary());
  if (raw.size() != starts.size() * sizeof(Entry)) return;
  m_names = std::move(names);
  m_starts = std::move(starts);
  m_records = std::move(raw);
  m_written_ns = written.get<std::int64_t>();
}

StatCache::Entry StatCache::record(std::size_t i) const {
  const std::uint8_t* p = m_records.data() + i * sizeof(Entry);
  auto u64 = [&](std::size_t at) {
    std::uint64_t v = 0;
    for (int k = 7; k >= 0; --k) v = v << 8 | p[at + static_cast<std::size_t>(k)];
    return v;
  };
  Entry e{static_cast<std::int64_t>(u64(0)), static_cast<std::int64_t>(u64(8)), static_cast<std::int64_t>(u64(16)),
          u64(24), {}};
  std::copy(p + 32, p + 64, e.digest.begin());
  return e;
}

Status StatCache::save(const std::filesystem::path& file) const {
  std::lock_guard lock(m_lock);
  if (m_fresh.empty()) return ok_status();
  std::map<std::string_view, Entry> all;  // sorted: a later load searches it
  for (std::size_t i = 0; i < m_starts.size(); ++i) all.emplace(std::string_view(m_names.data() + m_starts[i]), record(i));
  for (const auto& [path, e] : m_fresh) all[path] = e;
  std::string names;
  std::vector<std::uint8_t> raw;
  raw.reserve(all.size() * sizeof(Entry));
  auto put64 = [&](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) raw.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  for (const auto& [path, e] : all) {
    if (path.find('\0') != std::string_view::npos) continue;
    names += path;
    names += '\0';
    put64(static_cast<std::uint64_t>(e.size));
    put64(static_cast<std::uint64_t>(e.mtime_ns));
    put64(static_cast<std::uint64_t>(e.ctime_ns));
    put64(e.ino);
    raw.insert(raw.end(), e.digest.begin(), e.digest.end());
  }
  nlohmann::json doc{{"v", 3},
                     {"written", now_ns()},
                     {"paths", std::move(names)},
                     {"entries", nlohmann::json::binary(std::move(raw))}};
  auto bytes = nlohmann::json::to_cbor(doc);
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  return fs::write_file(file, std::string(bytes.begin(), bytes.end()), {.mode = 0600, .links = fs::Links::replace});
}

namespace {

bool same_file(const auto& e, const struct stat& st) {
  return e.size == st.st_size && e.mtime_ns == ns(st.st_mtim) && e.ctime_ns == ns(st.st_ctim) &&
         e.ino == static_cast<std::uint64_t>(st.st_ino);
}

}  // namespace

bool StatCache::find(const std::string& path, const struct stat& st, crypto::Digest& out) const {
  auto name = [&](std::uint32_t start) { return std::string_view(m_names.data() + start); };
  auto it = std::lower_bound(m_starts.begin(), m_starts.end(), path,
                             [&](std::uint32_t start, const std::string& p) { return name(start) < p; });
  if (it != m_starts.end() && name(*it) == path) {
    Entry e = record(static_cast<std::size_t>(it - m_starts.begin()));
    if (same_file(e, st) && e.mtime_ns + k_racy_ns < m_written_ns && e.ctime_ns + k_racy_ns < m_written_ns) {
      out = e.digest;
      return true;
    }
  }
  // What this run learnt is racily clean by the same rule (it was recorded
  // moments after the file changed): it serves the next run, not this one.
  return false;
}

void StatCache::put(const std::string& path, const struct stat& st, const crypto::Digest& digest) {
  std::lock_guard lock(m_lock);
  m_fresh[path] = Entry{st.st_size, ns(st.st_mtim), ns(st.st_ctim), static_cast<std::uint64_t>(st.st_ino), digest};
}

Result<InputScan> scan_inputs(const std::filesystem::path& root, const std::string& dir,
                              const std::vector<std::string>& globs, const TreeFacts& facts, StatCache& stats) {
  Walker walker(root, dir, globs, facts);
  if (auto st = walker.run(); !st) return st.error();
  InputScan scan;
  scan.unmatched = walker.unmatched();
  // Each file's stat and digest, on every core: the kernel's path lookups
  // and the hashing are the cost, as in git's preloaded index.
  auto& found = walker.found;
  std::vector<InputFile> files(found.size());
  std::vector<std::uint8_t> taken(found.size(), 0);
  std::mutex failure_lock;
  std::optional<Error> failure;
  auto fail = [&](Error e) {
    std::lock_guard lock(failure_lock);
    if (!failure) failure = std::move(e);
  };
  const std::string base = (dir.empty() ? root : root / dir).string() + "/";
  for_each_index(found.size(), [&](std::size_t i) {
    std::string& rel = found[i];
    std::string path = base + rel;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno != ENOENT) fail(cannot_read(path, errno));  // gone since the walk: not an input
      return;
    }
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) return;
    InputFile& f = files[i];
    f.mode = git_mode(st);
    std::string from_root = dir.empty() ? rel : dir + "/" + rel;
    if (!stats.find(from_root, st, f.digest)) {
      if (S_ISLNK(st.st_mode)) {
        std::error_code ec;
        auto target = std::filesystem::read_symlink(path, ec);
        if (ec) return fail(cannot_read(path, ec.value()));
        f.digest = crypto::sha256(target.string());
      } else {
        auto d = crypto::sha256_file(path);
        if (!d) return fail(d.error());
        f.digest = *d;
      }
      stats.put(from_root, st, f.digest);
    }
    f.path = std::move(rel);
    taken[i] = 1;
  }, 256);
  if (failure) return std::move(*failure);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!taken[i]) continue;
    if (kept != i) files[kept] = std::move(files[i]);  // never onto itself: that empties a string
    ++kept;
  }
  files.resize(kept);
  scan.files = std::move(files);
  return scan;
}

}  // namespace keel::pipeline
