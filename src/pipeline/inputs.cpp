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
    return ok_status();
  }

  std::map<std::string, bool> found;  // task-relative path -> named exactly
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
      found[rel] = true;
      m_matched[index] = true;
    }
    return ok_status();
  }

  void consider(const std::string& rel, bool named) {
    bool any = false;
    for (std::size_t i = 0; i < m_include.size(); ++i)
      if (named || (has_wildcard(m_include[i]) && hooks::glob_match(m_include[i], rel))) {
        if (!named) m_matched[i] = true;
        any = true;
        if (!named) break;
      }
    if (!any || excluded(rel) || found.count(rel)) return;
    std::string from_root = root_relative(rel);
    if (!named && !m_facts.tracked(from_root) && m_facts.ignored(from_root, false)) return;
    found[rel] = named;
  }

  Status walk(const std::string& rel, bool named) {
    std::filesystem::path path = absolute(rel);
    DIR* d = ::opendir(path.c_str());
    if (!d) {
      if (errno == ENOENT || errno == ENOTDIR) return ok_status();
      return cannot_read(path, errno);
    }
    std::vector<std::pair<std::string, bool>> children;  // name, is a directory
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name == "." || name == ".." || name == ".git") continue;
      bool is_dir = e->d_type == DT_DIR;
      if (e->d_type == DT_UNKNOWN) {
        struct stat st {};
        is_dir = ::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
      }
      children.emplace_back(std::string(name), is_dir);
    }
    ::closedir(d);
    for (const auto& [name, is_dir] : children) {
      std::string child = rel.empty() ? name : rel + "/" + name;
      if (!is_dir) {
        consider(child, named);
        continue;
      }
      std::string from_root = root_relative(child);
      if (!named && !m_facts.holds_tracked(from_root) && m_facts.ignored(from_root, true)) continue;
      if (auto st = walk(child, named); !st) return st;
    }
    return ok_status();
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
  auto entries = git::index_entries(*repo);
  if (!entries) return entries.error();
  for (const auto& e : *entries) {
    f.m_tracked.insert(e.path);
    for (std::size_t slash = e.path.find('/'); slash != std::string::npos; slash = e.path.find('/', slash + 1))
      f.m_tracked_dirs.insert(e.path.substr(0, slash));
  }
  return f;
}

bool TreeFacts::ignored(const std::string& path, bool is_dir) const {
  if (!m_repo) return false;
  std::lock_guard lock(*m_lock);
  return git::is_ignored(*m_repo, is_dir ? path + "/" : path);
}

void StatCache::load(const std::filesystem::path& file) {
  auto bytes = fs::read_file(file, 256u << 20);
  if (!bytes) return;
  auto doc = nlohmann::json::from_cbor(*bytes, true, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("v", 0) != 1) return;
  std::unordered_map<std::string, Entry> entries;
  const auto& files = doc["files"];
  if (!files.is_object()) return;
  for (auto it = files.begin(); it != files.end(); ++it) {
    const auto& v = it.value();
    if (!v.is_array() || v.size() != 5 || !v[4].is_binary() || v[4].get_binary().size() != 32) return;
    for (int i = 0; i < 4; ++i)
      if (!v[i].is_number_integer()) return;
    Entry e{v[0].get<std::int64_t>(), v[1].get<std::int64_t>(), v[2].get<std::int64_t>(), v[3].get<std::uint64_t>(), {}};
    std::copy(v[4].get_binary().begin(), v[4].get_binary().end(), e.digest.begin());
    entries.emplace(it.key(), e);
  }
  if (!doc["written"].is_number_integer()) return;
  std::lock_guard lock(m_lock);
  m_entries = std::move(entries);
  m_written_ns = doc["written"].get<std::int64_t>();
}

Status StatCache::save(const std::filesystem::path& file) const {
  std::lock_guard lock(m_lock);
  if (!m_changed) return ok_status();
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, e] : m_entries)
    files[path] = nlohmann::json::array(
        {e.size, e.mtime_ns, e.ctime_ns, e.ino, nlohmann::json::binary({e.digest.begin(), e.digest.end()})});
  nlohmann::json doc{{"v", 1}, {"written", now_ns()}, {"files", std::move(files)}};
  auto bytes = nlohmann::json::to_cbor(doc);
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  return fs::write_file(file, std::string(bytes.begin(), bytes.end()), {.mode = 0600, .links = fs::Links::replace});
}

bool StatCache::find(const std::string& path, const struct stat& st, crypto::Digest& out) const {
  std::lock_guard lock(m_lock);
  auto it = m_entries.find(path);
  if (it == m_entries.end()) return false;
  const Entry& e = it->second;
  bool same = e.size == st.st_size && e.mtime_ns == ns(st.st_mtim) && e.ctime_ns == ns(st.st_ctim) &&
              e.ino == static_cast<std::uint64_t>(st.st_ino);
  if (!same || e.mtime_ns + k_racy_ns >= m_written_ns || e.ctime_ns + k_racy_ns >= m_written_ns) return false;
  out = e.digest;
  return true;
}

void StatCache::put(const std::string& path, const struct stat& st, const crypto::Digest& digest) {
  std::lock_guard lock(m_lock);
  m_entries[path] = Entry{st.st_size, ns(st.st_mtim), ns(st.st_ctim), static_cast<std::uint64_t>(st.st_ino), digest};
  m_changed = true;
}

Result<InputScan> scan_inputs(const std::filesystem::path& root, const std::string& dir,
                              const std::vector<std::string>& globs, const TreeFacts& facts, StatCache& stats) {
  Walker walker(root, dir, globs, facts);
  if (auto st = walker.run(); !st) return st.error();
  InputScan scan;
  scan.unmatched = walker.unmatched();
  for (const auto& [rel, named] : walker.found) {
    std::filesystem::path path = dir.empty() ? root / rel : root / dir / rel;
    std::string from_root = dir.empty() ? rel : dir + "/" + rel;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return cannot_read(path, errno);
    InputFile f{rel, git_mode(st), {}};
    if (!stats.find(from_root, st, f.digest)) {
      if (S_ISLNK(st.st_mode)) {
        std::error_code ec;
        auto target = std::filesystem::read_symlink(path, ec);
        if (ec) return cannot_read(path, ec.value());
        f.digest = crypto::sha256(target.string());
      } else {
        auto d = crypto::sha256_file(path);
        if (!d) return d.error();
        f.digest = *d;
      }
      stats.put(from_root, st, f.digest);
    }
    scan.files.push_back(std::move(f));
  }
  return scan;
}

}  // namespace keel::pipeline
