#include "pipeline/inputs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <system_error>
#include <thread>

#include "core/exit_memory.hpp"
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

std::uint32_t git_mode(mode_t mode) {
  if (S_ISLNK(mode)) return 0120000;
  return (mode & 0111) ? 0100755 : 0100644;
}

// A file the walk chose, with what lstat said of it then: only what the
// stat cache compares, as tens of thousands of whole stat records cost
// page faults.
struct Found {
  Found(std::string path, const struct stat& st)
      : rel(std::move(path)), size(st.st_size), ino(st.st_ino), mtime(st.st_mtim), ctime(st.st_ctim),
        mode(st.st_mode) {}
  std::string rel;  // relative to the task's dir
  // Met before the index was read: whether git ignores it is asked when
  // the walk ends (Walker::settle).
  bool unsettled = false;
  bool ignored = false;  // settled: left out
  bool cached = false;   // the stat cache knew it: digest holds its SHA-256
  crypto::Digest digest{};
  off_t size;
  ino_t ino;
  struct timespec mtime, ctime;
  mode_t mode;
  struct stat as_stat() const {
    struct stat st {};
    st.st_size = size;
    st.st_ino = ino;
    st.st_mtim = mtime;
    st.st_ctim = ctime;
    st.st_mode = mode;
    return st;
  }
};

// A thread's files. A deque, not a vector: records are added without
// moving those before them (a growing vector moved twenty thousand records
// into new memory each time it grew), and the pointers the sort takes stay
// good.
using Files = std::deque<Found>;

// What one thread found, and how many of those wait for the index.
struct Run {
  Files files;
  std::size_t unsettled = 0;
};

// The walk: directories are read on every core, each taken from one queue
// of paths (a path, not an open descriptor, so that a wide tree cannot use
// up the process's descriptors). A file a glob chooses is stat'ed through
// its directory's descriptor, with no path lookup from the root.
class Walker {
 public:
  using Range = TreeFacts::Range;

  Walker(const std::filesystem::path& root, const std::string& dir, const std::vector<std::string>& globs,
         const TreeFacts& facts, const StatCache& stats)
      : m_root(root), m_dir(dir), m_facts(facts), m_stats(stats), m_prefix(dir.empty() ? "" : dir + "/") {
    for (const auto& g : globs) {
      if (!g.empty() && g.front() == '!') m_exclude.emplace_back(std::string_view(g).substr(1));
      else m_include.push_back(g);
    }
    for (const auto& g : m_include) m_include_globs.emplace_back(has_wildcard(g) ? std::string_view(g) : "");
    m_matched = std::make_unique<std::atomic<bool>[]>(m_include.size());
    m_base = (dir.empty() ? root : root / dir).string() + "/";
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    m_max_helpers = cores - 1;
  }

  ~Walker() {
    if (m_base_fd >= 0) ::close(m_base_fd);
  }

  Status run() {
    m_base_fd = ::open(m_base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (m_base_fd < 0 && errno != ENOENT && errno != ENOTDIR) return cannot_read(m_base, errno);
    std::vector<std::string> roots;
    for (std::size_t i = 0; i < m_include.size(); ++i) {
      if (!has_wildcard(m_include[i])) {
        if (auto st = literal(i); !st) return st;
        continue;
      }
      roots.push_back(walk_root(m_include[i]));
    }
    std::sort(roots.begin(), roots.end());
    std::string last;
    bool any = false;
    for (const auto& r : roots) {
      // Below a root already walked: nothing new there.
      if (any && (last.empty() || r == last || r.rfind(last + "/", 0) == 0)) continue;
      any = true;
      last = r;
      m_queue.push_back(Pending{r, false, -1});
    }
    if (m_base_fd < 0) m_queue.clear();  // no such directory: nothing to walk, every glob unmatched
    work();
    m_helpers.clear();  // joins them; none starts once the queue is done
    if (m_thrown) std::rethrow_exception(m_thrown);
    if (m_failure) return std::move(*m_failure);
    sort_found();
    return ok_status();
  }

  // After run(): the files, sorted by path and without repeats.
  std::vector<Found*> order;
  // Once the paths are moved out of the records, what is left is memory
  // only: the thousands of small blocks the records live in.
  void leave_records_to_exit() {
    leave_to_exit(std::move(m_runs));
    leave_to_exit(std::move(m_sorted));
    leave_to_exit(std::move(order));
  }
  std::vector<std::string> unmatched() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < m_include.size(); ++i)
      if (!m_matched[i]) out.push_back(m_include[i]);
    return out;
  }

 private:
  struct Pending {
    std::string rel;   // a directory, relative to the task's dir
    bool named;        // below a directory a glob names exactly: git's ignores do not apply
    int literal;       // that glob's index, or -1
    // The index's paths below it, when its parent was visited after the
    // index was read: looked for there, not in the whole index.
    std::optional<Range> part = std::nullopt;
  };

  std::string root_relative(const std::string& rel) const {
    if (m_dir.empty()) return rel;
    return rel.empty() ? m_dir : m_dir + "/" + rel;
  }
  std::filesystem::path absolute(const std::string& rel) const {
    return rel.empty() ? m_root / m_dir : m_root / m_dir / rel;
  }

  bool excluded(const std::string& rel) const {
    return hooks::any_glob_matches(m_exclude, rel);
  }

  // Named exactly: taken even when git ignores it; a directory with all it holds.
  Status literal(std::size_t index) {
    std::string rel = m_include[index];
    while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
    while (!rel.empty() && rel.back() == '/') rel.pop_back();
    struct stat st {};
    if (::lstat(absolute(rel).c_str(), &st) != 0) return ok_status();  // reported as matching nothing
    if (S_ISDIR(st.st_mode)) {
      m_queue.push_back(Pending{rel, true, static_cast<int>(index)});
      return ok_status();
    }
    if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && !excluded(rel)) {
      found.emplace_back(rel, st);
      m_matched[index] = true;
    }
    return ok_status();
  }

  // Whether git leaves the file out: ignored and not tracked.
  bool left_out(const std::string& rel, Range within = {}) const {
    if (m_dir.empty()) return !m_facts.tracked(rel, within) && m_facts.ignored(rel, false);  // no copy of the path
    std::string from_root = root_relative(rel);
    return !m_facts.tracked(from_root, within) && m_facts.ignored(from_root, false);
  }

  // Read first: a store on every file, from every thread, kept one cache
  // line moving between the cores.
  void mark_matched(std::size_t glob) {
    if (!m_matched[glob].load(std::memory_order_relaxed)) m_matched[glob].store(true, std::memory_order_relaxed);
  }

  enum class Want { no, yes, after_the_index };

  // A file met in the walk: wanted when a glob matches it and git does not
  // ignore it. Before the index is read (no `part` of it yet), that is
  // asked when the walk ends.
  Want wanted(const std::string& rel, bool named, const std::optional<Range>& part) {
    bool any = named;
    for (std::size_t i = 0; !any && i < m_include.size(); ++i)
      if (m_include_globs[i].matches(rel)) {
        mark_matched(i);
        any = true;
      }
    if (!any || excluded(rel)) return Want::no;
    if (named) return Want::yes;
    if (!part) return Want::after_the_index;
    return left_out(rel, *part) ? Want::no : Want::yes;
  }

  // A directory is entered unless git ignores it and it holds no tracked
  // file. Before the index is read (no part of it `below` the directory
  // yet), the ignore rules are asked first: most directories are not
  // ignored, and only an ignored one waits.
  bool entered(const std::string& from_root, const std::optional<Range>& below) const {
    if (below) return m_facts.holds_tracked(from_root, *below) || !m_facts.ignored(from_root, true);
    return !m_facts.ignored(from_root, true) || m_facts.holds_tracked(from_root);
  }

  // The files met before the index was read, settled now that it is.
  void settle(Run& run) const {
    if (run.unsettled == 0) return;
    for (auto& f : run.files)
      if (f.unsettled) f.ignored = left_out(f.rel);
  }

  // One directory: its files taken into `out`, its subdirectories into
  // `more`. Read with getdents64 into a buffer of the caller's: an opendir
  // of a descriptor costs three more system calls per directory (fstat and
  // two fcntl), a tenth of the walk's.
  Status visit(const Pending& p, Run& out, std::vector<Pending>& more, std::span<char> buffer) {
    int fd = ::openat(m_base_fd, p.rel.empty() ? "." : p.rel.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      if (err == ENOENT || err == ENOTDIR) return ok_status();
      return cannot_read(absolute(p.rel), err);
    }
    fs::FdCloser closed(fd);  // however the visit ends
    // Once the index is read, a file's or subdirectory's question goes to
    // the part of it below this directory.
    std::optional<Range> part;
    if (p.part) part = p.part;
    else if (m_facts.tracked_known()) part = m_facts.under(root_relative(p.rel));
    for (;;) {
      ssize_t got = ::getdents64(fd, buffer.data(), buffer.size());
      if (got == 0) return ok_status();
      if (got < 0) {
        int err = errno;
        return cannot_read(absolute(p.rel), err);
      }
      for (ssize_t at = 0; at < got;) {
        const auto* e = reinterpret_cast<const struct dirent64*>(buffer.data() + at);
        at += e->d_reclen;
        if (auto st = entry(p, fd, *e, part, out, more); !st) return st;
      }
    }
  }

  // One name a directory listed.
  Status entry(const Pending& p, int fd, const struct dirent64& e, const std::optional<Range>& part, Run& out,
               std::vector<Pending>& more) {
    std::string_view name = e.d_name;
    if (name == "." || name == ".." || name == ".git") return ok_status();
    struct stat st;  // filled before it is read
    bool have_stat = false;
    bool is_dir = e.d_type == DT_DIR;
    if (e.d_type == DT_UNKNOWN) {
      have_stat = ::fstatat(fd, e.d_name, &st, AT_SYMLINK_NOFOLLOW) == 0;
      is_dir = have_stat && S_ISDIR(st.st_mode);
    }
    std::string child = p.rel.empty() ? std::string(name) : p.rel + "/" + std::string(name);
    if (is_dir) {
      std::string from_root = root_relative(child);
      std::optional<Range> below;
      if (part) below = m_facts.under(from_root, *part);
      if (!p.named && !entered(from_root, below)) return ok_status();
      more.push_back(Pending{std::move(child), p.named, p.literal, below});
      return ok_status();
    }
    if (e.d_type != DT_REG && e.d_type != DT_LNK && e.d_type != DT_UNKNOWN) return ok_status();
    Want want = wanted(child, p.named, part);
    if (want == Want::no) return ok_status();
    if (!have_stat && ::fstatat(fd, e.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      int err = errno;
      if (err == ENOENT) return ok_status();  // gone since it was listed: not an input
      return cannot_read(m_base + child, err);
    }
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) return ok_status();
    bool unsettled = want == Want::after_the_index;
    out.files.emplace_back(std::move(child), st).unsettled = unsettled;
    out.unsettled += unsettled;
    if (p.literal >= 0) mark_matched(static_cast<std::size_t>(p.literal));
    return ok_status();
  }

  static bool by_path(const Found* a, const Found* b) { return a->rel < b->rel; }

  // Pointers to a run's records, sorted by path. Every thread's records
  // stay where they were made; only pointers to them are sorted (moving or
  // copying twenty thousand records cost more than the walk, in page
  // faults).
  static std::vector<Found*> sorted(Files& run) {
    std::vector<Found*> out;
    out.reserve(run.size());
    for (auto& f : run)
      if (!f.ignored) out.push_back(&f);
    std::sort(out.begin(), out.end(), by_path);
    return out;
  }

  // What the stat cache knows of a run's files, asked in path order (each
  // question starts where the last one ended), on the thread that sorted
  // them: the threads finish side by side instead of one asking for all.
  void look_up(const std::vector<Found*>& run) const {
    std::size_t cursor = 0;
    std::string key;
    for (Found* f : run) {
      key.assign(m_prefix).append(f->rel);
      f->cached = m_stats.find(key, f->as_stat(), f->digest, &cursor);
    }
  }

  // By path, without repeats: each thread sorted its own files as it
  // finished, side by side, and the sorted runs are merged here.
  void sort_found() {
    m_sorted.push_back(sorted(found));
    look_up(m_sorted.back());
    m_runs.push_back(std::move(found));
    for (auto& run : m_sorted) {
      std::vector<Found*> merged;
      merged.reserve(order.size() + run.size());
      std::merge(order.begin(), order.end(), run.begin(), run.end(), std::back_inserter(merged), by_path);
      order = std::move(merged);
    }
    order.erase(std::unique(order.begin(), order.end(), [](const Found* a, const Found* b) { return a->rel == b->rel; }),
                order.end());
  }

  // Takes directories from the queue until it is empty and no thread is in
  // one (which could add more); starts helpers while there is work for them.
  void work() {
    Run mine;
    // Aligned for the records the kernel writes into it.
    alignas(struct dirent64) std::array<char, 32768> listing;
    std::unique_lock lock(m_lock);
    for (;;) {
      m_wake.wait(lock, [&] { return m_failure || m_thrown || !m_queue.empty() || m_busy == 0; });
      if (m_failure || m_thrown || m_queue.empty()) break;
      Pending p = std::move(m_queue.back());
      m_queue.pop_back();
      ++m_busy;
      lock.unlock();
      std::vector<Pending> more;
      Status status = ok_status();
      std::exception_ptr thrown;
      // Caught here, not where it was thrown: out of a helper it would end
      // the process, and out of this thread it would leave the helpers
      // waiting for m_busy to fall.
      try {
        status = visit(p, mine, more, listing);
      } catch (...) {
        thrown = std::current_exception();
      }
      lock.lock();
      --m_busy;
      if (thrown && !m_thrown) m_thrown = thrown;
      if (!status && !m_failure) m_failure = status.error();
      for (auto& m : more) m_queue.push_back(std::move(m));
      if (m_queue.size() > 1 && m_helpers.size() < m_max_helpers) start_helper();
      m_wake.notify_all();
    }
    lock.unlock();
    // Caught as a visit's is: settling and sorting allocate too.
    try {
      settle(mine);
      std::vector<Found*> mine_sorted = sorted(mine.files);
      look_up(mine_sorted);
      lock.lock();
      m_runs.push_back(std::move(mine.files));  // the records stay where they are: the pointers hold
      m_sorted.push_back(std::move(mine_sorted));
    } catch (...) {
      if (!lock.owns_lock()) lock.lock();
      if (!m_thrown) m_thrown = std::current_exception();
    }
  }

  // A helper the system will not start is not needed: the threads running
  // take the work.
  void start_helper() {
    try {
      m_helpers.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      m_max_helpers = m_helpers.size();
    }
  }

  const std::filesystem::path& m_root;
  const std::string& m_dir;
  const TreeFacts& m_facts;
  const StatCache& m_stats;
  const std::string m_prefix;  // the task's dir from the root, with a trailing '/', or ""
  std::string m_base;  // the task's dir, with a trailing '/'
  int m_base_fd = -1;
  std::vector<std::string> m_include;
  std::vector<hooks::KeelGlob> m_include_globs;  // matches nothing for a literal
  std::vector<hooks::KeelGlob> m_exclude;
  std::unique_ptr<std::atomic<bool>[]> m_matched;  // per include glob: chose a file

  std::mutex m_lock;  // guards what follows
  std::condition_variable m_wake;
  std::vector<Pending> m_queue;
  Files found;                        // what literal globs named
  std::vector<Files> m_runs;          // each thread's files
  std::vector<std::vector<Found*>> m_sorted;  // each run's, by path
  std::size_t m_busy = 0;
  std::optional<Error> m_failure;
  std::exception_ptr m_thrown;  // the first exception a visit threw
  std::size_t m_max_helpers = 0;
  std::vector<std::jthread> m_helpers;
};

}  // namespace

struct TreeFacts::Index {
  // The index file read on its own, on another thread: the repository
  // object stays this thread's (libgit2's objects are one thread's at a
  // time), for the ignore rules. Not valid when the file cannot be read
  // alone.
  std::shared_future<Result<git::TrackedFiles>> alone;
  std::atomic<bool> known{false};
  // The repository's own read, when the file could not be read alone.
  std::once_flag by_repository_once;
  std::optional<Result<git::TrackedFiles>> by_repository;
};

TreeFacts TreeFacts::start(const git::Repository* repo, std::function<void()> before_reading) {
  TreeFacts f;
  f.m_repo = repo;
  if (!repo || repo->is_bare()) return f;
  f.m_index = std::make_shared<Index>();
  if (auto file = git::TrackedFiles::file_alone(*repo))
    f.m_index->alone = std::async(std::launch::async, [file = *file, before = std::move(before_reading)] {
      if (before) before();
      return git::TrackedFiles::read_file(file);
    });
  return f;
}

Result<TreeFacts> TreeFacts::read(const git::Repository* repo) {
  TreeFacts f = start(repo);
  if (auto st = f.index_status(); !st) return st.error();
  return f;
}

const Result<git::TrackedFiles>& TreeFacts::index() const {
  if (m_index->alone.valid()) {
    const auto& alone = m_index->alone.get();
    if (alone) {
      m_index->known = true;
      return alone;
    }
  }
  std::call_once(m_index->by_repository_once, [&] {
    std::lock_guard lock(*m_lock);
    m_index->by_repository.emplace(git::TrackedFiles::read(*m_repo));
  });
  m_index->known = true;
  return *m_index->by_repository;
}

bool TreeFacts::tracked_known() const {
  if (!m_index || m_index->known) return true;
  if (!m_index->alone.valid() || m_index->alone.wait_for(std::chrono::seconds(0)) != std::future_status::ready ||
      !m_index->alone.get())
    return false;
  m_index->known = true;
  return true;
}

TreeFacts::Range TreeFacts::under(std::string_view root_relative_dir, Range within) const {
  if (!m_index) return {0, 0};
  const auto& files = index();
  return files ? files->under(root_relative_dir, within) : Range{0, 0};
}

bool TreeFacts::tracked(std::string_view root_relative, Range within) const {
  if (!m_index) return false;
  const auto& files = index();
  return files && files->tracked(root_relative, within);
}

bool TreeFacts::holds_tracked(std::string_view root_relative_dir, Range within) const {
  if (!m_index) return false;
  const auto& files = index();
  return files && files->holds(root_relative_dir, within);
}

Status TreeFacts::index_status() const {
  if (!m_index) return ok_status();
  const auto& files = index();
  if (!files) return files.error();
  return ok_status();
}

bool TreeFacts::ignored(const std::string& path, bool is_dir) const {
  if (!m_repo) return false;
  std::lock_guard lock(*m_lock);
  return git::is_ignored(*m_repo, is_dir ? path + "/" : path);
}

// The file: the magic line, then three little-endian 64-bit numbers (when
// it was written, in ns; how many paths; how many bytes they take), then
// the paths, sorted, each ending in NUL, then one 64-byte record per path
// (size, mtime, ctime, inode as little-endian 64-bit numbers, then the
// digest). The two arrays are taken as they are, without a per-file
// parse: a per-file CBOR map, and then a CBOR byte string read byte by
// byte, each cost more than the walk they save. Anything that does not add
// up is an empty cache.
namespace {

constexpr std::string_view k_stat_magic = "keel stat cache 4\n";
constexpr std::size_t k_stat_header = k_stat_magic.size() + 3 * 8;

std::uint64_t little_endian_64(const char* p) {
  std::uint64_t v = 0;
  for (int k = 7; k >= 0; --k) v = v << 8 | static_cast<std::uint8_t>(p[k]);
  return v;
}

void append_64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * i));
}

}  // namespace

void StatCache::load(const std::filesystem::path& file) {
  auto mapped = fs::MappedFile::open(file);
  if (!mapped) return;
  std::string_view bytes = mapped->bytes();
  if (bytes.size() < k_stat_header || !bytes.starts_with(k_stat_magic)) return;
  const char* header = bytes.data() + k_stat_magic.size();
  std::uint64_t written = little_endian_64(header);
  std::uint64_t count = little_endian_64(header + 8);
  std::uint64_t names_size = little_endian_64(header + 16);
  std::size_t rest = bytes.size() - k_stat_header;
  if (names_size > rest || count > (rest - names_size) / sizeof(Entry) ||
      rest - names_size != count * sizeof(Entry) || names_size >= UINT32_MAX)
    return;
  std::string_view names(bytes.data() + k_stat_header, names_size);
  std::vector<std::uint32_t> starts;
  starts.reserve(count);
  for (std::size_t at = 0; at < names.size();) {
    std::size_t end = names.find('\0', at);
    if (end == std::string_view::npos) return;
    starts.push_back(static_cast<std::uint32_t>(at));
    at = end + 1;
  }
  if (starts.size() != count) return;
  m_names = names;
  m_records = reinterpret_cast<const std::uint8_t*>(bytes.data() + k_stat_header + names_size);
  m_file.emplace(std::move(mapped).value());
  m_starts = std::move(starts);
  m_written_ns = static_cast<std::int64_t>(written);
}

void StatCache::start_loading(const std::filesystem::path& file) {
  m_loaded = false;
  m_loading = std::async(std::launch::async, [this, file] { load(file); }).share();
}

void StatCache::wait_loaded() const {
  if (m_loaded.load(std::memory_order_acquire)) return;
  m_loading.wait();
  m_loaded.store(true, std::memory_order_release);
}

std::string_view StatCache::name(std::size_t i) const {
  // The i-th path ends where the next one starts, less its NUL.
  std::size_t end = i + 1 < m_starts.size() ? m_starts[i + 1] : m_names.size();
  return std::string_view(m_names.data() + m_starts[i], end - m_starts[i] - 1);
}

StatCache::Entry StatCache::record(std::size_t i) const {
  const std::uint8_t* p = m_records + i * sizeof(Entry);
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
  wait_loaded();
  std::lock_guard lock(m_lock);
  if (m_fresh.empty()) return ok_status();
  std::map<std::string_view, Entry> all;  // sorted: a later load searches it
  for (std::size_t i = 0; i < m_starts.size(); ++i) all.emplace(name(i), record(i));
  for (const auto& [path, e] : m_fresh) all[path] = e;
  std::string names, raw;
  raw.reserve(all.size() * sizeof(Entry));
  std::uint64_t count = 0;
  for (const auto& [path, e] : all) {
    if (path.find('\0') != std::string_view::npos) continue;
    names += path;
    names += '\0';
    append_64(raw, static_cast<std::uint64_t>(e.size));
    append_64(raw, static_cast<std::uint64_t>(e.mtime_ns));
    append_64(raw, static_cast<std::uint64_t>(e.ctime_ns));
    append_64(raw, e.ino);
    raw.append(e.digest.begin(), e.digest.end());
    ++count;
  }
  std::string bytes(k_stat_magic);
  append_64(bytes, static_cast<std::uint64_t>(now_ns()));
  append_64(bytes, count);
  append_64(bytes, names.size());
  bytes += names;
  bytes += raw;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  return fs::write_file(file, bytes, {.mode = 0600, .links = fs::Links::replace});
}

namespace {

bool same_file(const auto& e, const struct stat& st) {
  return e.size == st.st_size && e.mtime_ns == ns(st.st_mtim) && e.ctime_ns == ns(st.st_ctim) &&
         e.ino == static_cast<std::uint64_t>(st.st_ino);
}

}  // namespace

bool StatCache::find(const std::string& path, const struct stat& st, crypto::Digest& out, std::size_t* cursor) const {
  wait_loaded();
  // The first path not before `path`: from the cursor, in steps that
  // double until one overshoots, then by halves.
  std::size_t lo = cursor ? *cursor : 0, hi = lo, step = 1;
  while (hi < m_starts.size() && name(hi) < path) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = std::min(hi, m_starts.size());
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo) / 2;
    if (name(mid) < path) lo = mid + 1;
    else hi = mid;
  }
  if (cursor) *cursor = lo;
  if (lo < m_starts.size() && name(lo) == path) {
    Entry e = record(lo);
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
  wait_loaded();
  std::lock_guard lock(m_lock);
  m_fresh[path] = Entry{st.st_size, ns(st.st_mtim), ns(st.st_ctim), static_cast<std::uint64_t>(st.st_ino), digest};
}

Result<InputScan> scan_inputs(const std::filesystem::path& root, const std::string& dir,
                              const std::vector<std::string>& globs, const TreeFacts& facts, StatCache& stats) {
  Walker walker(root, dir, globs, facts, stats);
  if (auto st = walker.run(); !st) return st.error();
  if (auto st = facts.index_status(); !st) return st.error();
  InputScan scan;
  scan.unmatched = walker.unmatched();
  // The files the stat cache did not know are hashed on every core.
  const std::string prefix = dir.empty() ? std::string() : dir + "/";
  const std::string base = (dir.empty() ? root : root / dir).string() + "/";
  const std::vector<Found*>& found = walker.order;
  std::vector<InputFile> files(found.size());
  constexpr std::size_t k_run = 4096;
  std::vector<std::vector<std::size_t>> run_misses((found.size() + k_run - 1) / k_run);
  for_each_index(run_misses.size(), [&](std::size_t r) {
    for (std::size_t i = r * k_run; i < std::min(found.size(), (r + 1) * k_run); ++i) {
      files[i].path = std::move(found[i]->rel);
      files[i].mode = git_mode(found[i]->mode);
      if (found[i]->cached) files[i].digest = found[i]->digest;
      else run_misses[r].push_back(i);
    }
  }, 1);
  std::vector<std::size_t> misses;
  for (const auto& run : run_misses) misses.insert(misses.end(), run.begin(), run.end());
  std::mutex failure_lock;
  std::optional<Error> failure;
  for_each_index(misses.size(), [&](std::size_t m) {
    std::size_t i = misses[m];
    std::string path = base + files[i].path;
    auto fail = [&](Error e) {
      std::lock_guard lock(failure_lock);
      if (!failure) failure = std::move(e);
    };
    if (S_ISLNK(found[i]->mode)) {
      std::error_code ec;
      auto target = std::filesystem::read_symlink(path, ec);
      if (ec) return fail(cannot_read(path, ec.value()));
      files[i].digest = crypto::sha256(target.string());
    } else {
      auto d = crypto::sha256_file(path);
      if (!d) return fail(d.error());
      files[i].digest = *d;
    }
    stats.put(prefix + files[i].path, found[i]->as_stat(), files[i].digest);
  }, 16);
  if (failure) return std::move(*failure);
  walker.leave_records_to_exit();
  scan.files = std::move(files);
  return scan;
}

}  // namespace keel::pipeline
