#include "pipeline/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "core/parallel.hpp"
#include "fs/fs.hpp"

namespace keel::pipeline {

namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t k_max_entry_bytes = 64u << 20;

Error io(const std::string& what, const stdfs::path& p, int err) {
  return Error{what + " " + quote(p.string()) + ": " + std::strerror(err), {}, Exit::io};
}

using Fd = fs::FdCloser;
using fs::write_all;

// A temporary file beside `target`: its path and an open descriptor.
Result<std::pair<std::string, int>> temp_beside(const stdfs::path& target) {
  std::string tmpl = fs::temporary_template(target.parent_path(), target);
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) return io("cannot write", target, errno);
  return std::make_pair(tmpl, fd);
}

// Copies `in` (src) into a new temporary file beside target, hashing the
// bytes as they go. Returns the temporary file (open) and their digest;
// on an error nothing is left behind.
struct Copied {
  std::string tmp;
  int fd;
  crypto::Digest digest;
};
Result<Copied> copy_hashing(int in, const stdfs::path& src, const stdfs::path& target) {
  auto tmp = temp_beside(target);
  if (!tmp) return tmp.error();
  Fd out(tmp->second);
  auto fail = [&](const std::string& what, const stdfs::path& p, int err) {
    ::unlink(tmp->first.c_str());
    return io(what, p, err);
  };
  crypto::Sha256 h;
  thread_local std::vector<char> buf(1 << 18);
  for (;;) {
    ssize_t r = ::read(in, buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail("cannot read", src, errno);
    if (r == 0) break;
    std::string_view chunk(buf.data(), static_cast<std::size_t>(r));
    h.update(chunk);
    if (!write_all(out.get(), chunk)) return fail("cannot write", target, errno);
  }
  return Copied{tmp->first, out.release(), h.finish()};
}

// Copies src into a new temporary file beside target, hashing what it
// copies, and renames it there when those bytes have the expected digest:
// a blob's name is always its content's. False when src changed since it
// was hashed (a task still writing it); nothing is left behind then.
Result<bool> copy_into_place(const stdfs::path& src, const stdfs::path& target, const crypto::Digest& expected) {
  Fd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return io("cannot read", src, errno);
  auto copied = copy_hashing(in.get(), src, target);
  if (!copied) return copied.error();
  Fd out(copied->fd);
  auto fail = [&](const std::string& what, const stdfs::path& p, int err) {
    ::unlink(copied->tmp.c_str());
    return io(what, p, err);
  };
  if (copied->digest != expected) {
    ::unlink(copied->tmp.c_str());
    return false;
  }
  if (::fchmod(out.get(), 0444) != 0) return fail("cannot write", target, errno);
  if (::close(out.release()) != 0) return fail("cannot write", target, errno);
  if (::rename(copied->tmp.c_str(), target.c_str()) != 0) return fail("cannot write", target, errno);
  return true;
}

std::string mode_text(std::uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%o", mode);
  return buf;
}

json to_json(const ActionEntry& e) {
  json outputs = json::array();
  for (const auto& o : e.outputs) {
    json r{{"path", o.path}, {"mode", mode_text(o.mode)}, {"digest", crypto::hex(o.digest)}, {"size", o.size}};
    if (o.mode == 0120000) r["link"] = o.link;
    outputs.push_back(std::move(r));
  }
  json j{{"job", e.job}, {"outputs", std::move(outputs)}, {"exit_code", e.exit_code}};
  j["stdout"] = e.out ? json(crypto::hex(*e.out)) : json(nullptr);
  j["stderr"] = e.err ? json(crypto::hex(*e.err)) : json(nullptr);
  return j;
}

std::optional<ActionEntry> from_json(const json& j) {
  try {
    ActionEntry e;
    e.job = j.at("job").get<std::string>();
    e.exit_code = j.at("exit_code").get<int>();
    for (const char* stream : {"stdout", "stderr"}) {
      const json& v = j.at(stream);
      if (v.is_null()) continue;
      crypto::Digest d{};
      if (!crypto::parse_hex(v.get<std::string>(), d)) return std::nullopt;
      (std::string_view(stream) == "stdout" ? e.out : e.err) = d;
    }
    for (const json& r : j.at("outputs")) {
      OutputRecord o;
      o.path = r.at("path").get<std::string>();
      std::string mode = r.at("mode").get<std::string>();
      if (mode == "100644") o.mode = 0100644;
      else if (mode == "100755") o.mode = 0100755;
      else if (mode == "120000") o.mode = 0120000;
      else return std::nullopt;
      if (!crypto::parse_hex(r.at("digest").get<std::string>(), o.digest)) return std::nullopt;
      o.size = r.at("size").get<std::uint64_t>();
      if (o.mode == 0120000) o.link = r.at("link").get<std::string>();
      if (!safe_relative(o.path)) return std::nullopt;
      e.outputs.push_back(std::move(o));
    }
    return e;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::uint64_t size_on_disk(const stdfs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// An exclusive lock on dir/gc.lock while alive.
class GcLock {
 public:
  explicit GcLock(const stdfs::path& dir) : m_fd(::open((dir / "gc.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (m_fd >= 0) ::flock(m_fd, LOCK_EX);
  }
  ~GcLock() {
    if (m_fd >= 0) ::close(m_fd);
  }
  GcLock(const GcLock&) = delete;
  GcLock& operator=(const GcLock&) = delete;

 private:
  int m_fd;
};

}  // namespace

// A relative path that stays below its base.
bool safe_relative(std::string_view p) {
  if (p.empty() || p.front() == '/') return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string_view seg(p.data() + start, end - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    start = end + 1;
  }
  return p.find('\0') == std::string::npos;
}

stdfs::path Store::blob_path(const crypto::Digest& d) const {
  std::string h = crypto::hex(d);
  return m_dir / "cas" / h.substr(0, 2) / h.substr(2);
}

Status Store::prepare() const {
  for (const char* sub : {"cas", "ac", "stat"}) {
    std::error_code ec;
    stdfs::create_directories(m_dir / sub, ec);
    if (ec) return io("cannot create the cache directory", m_dir / sub, ec.value());
  }
  // A read-only store shows here, before any job counts on it (a full one
  // when the first entry is written).
  for (const char* sub : {"cas", "ac"})
    if (::access((m_dir / sub).c_str(), W_OK) != 0) return io("cannot write", m_dir / sub, errno);
  return ok_status();
}

void Store::discard(const stdfs::path& damaged) const { ::unlink(damaged.c_str()); }

Result<std::optional<ActionEntry>> Store::lookup(const std::string& key) const {
  stdfs::path path = entry_path(key);
  auto text = fs::read_file(path, k_max_entry_bytes);
  if (!text) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return std::optional<ActionEntry>();  // a miss
    discard(path);
    return std::optional<ActionEntry>();
  }
  json doc = json::parse(*text, nullptr, false);
  std::optional<ActionEntry> entry;
  if (!doc.is_discarded() && doc.is_object() && doc.contains("entry") && doc.contains("sha256") &&
      doc["sha256"].is_string() && doc["sha256"].get<std::string>() == crypto::hex(crypto::sha256(doc["entry"].dump())) &&
      doc.value("format", 0) == 1)
    entry = from_json(doc["entry"]);
  if (!entry) discard(path);
  return entry;
}

void Store::touch(const std::string& key) const { ::utimensat(AT_FDCWD, entry_path(key).c_str(), nullptr, 0); }

// A blob already there is taken as it is when its size is right: a
// damaged one of the same size is found by its digest when it is read.
static bool blob_present(const stdfs::path& blob, std::uint64_t size) {
  struct stat st {};
  return ::stat(blob.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) == size;
}

Result<bool> Store::put_file(const stdfs::path& file, const crypto::Digest& digest) const {
  stdfs::path blob = blob_path(digest);
  if (blob_present(blob, size_on_disk(file))) return true;
  std::error_code ec;
  stdfs::create_directories(blob.parent_path(), ec);
  if (ec) return io("cannot write", blob.parent_path(), ec.value());
  return copy_into_place(file, blob, digest);
}

bool Store::has_blob(const crypto::Digest& digest, std::uint64_t size) const {
  return blob_present(blob_path(digest), size);
}

Result<std::unique_ptr<BlobWriter>> Store::new_blob(const crypto::Digest& digest, std::uint64_t size) const {
  stdfs::path blob = blob_path(digest);
  std::error_code ec;
  stdfs::create_directories(blob.parent_path(), ec);
  if (ec) return io("cannot write", blob.parent_path(), ec.value());
  auto tmp = temp_beside(blob);
  if (!tmp) return tmp.error();
  return std::make_unique<BlobWriter>(tmp->first, tmp->second, blob, digest, size);
}

BlobWriter::BlobWriter(std::string tmp, int fd, stdfs::path place, const crypto::Digest& expected, std::uint64_t size)
    : m_tmp(std::move(tmp)), m_fd(fd), m_place(std::move(place)), m_expected(expected), m_size(size) {}

BlobWriter::~BlobWriter() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_done) ::unlink(m_tmp.c_str());
}

bool BlobWriter::write(std::string_view piece) {
  if (m_failed) return false;
  m_too_long = piece.size() > m_size - m_written;
  if (m_too_long || !write_all(m_fd, piece)) {
    m_failed = true;
    return false;
  }
  m_written += piece.size();
  m_hash.update(piece);
  return true;
}

Result<bool> BlobWriter::commit() {
  if (m_failed || m_written != m_size || m_hash.finish() != m_expected) return false;
  if (::fchmod(m_fd, 0444) != 0 || ::close(std::exchange(m_fd, -1)) != 0) return io("cannot write", m_place, errno);
  if (::rename(m_tmp.c_str(), m_place.c_str()) != 0) return io("cannot write", m_place, errno);
  m_done = true;
  return true;
}

Result<crypto::Digest> Store::put_bytes(std::string_view bytes) const {
  crypto::Digest d = crypto::sha256(bytes);
  stdfs::path blob = blob_path(d);
  if (blob_present(blob, bytes.size())) return d;
  std::error_code ec;
  stdfs::create_directories(blob.parent_path(), ec);
  if (ec) return io("cannot write", blob.parent_path(), ec.value());
  if (auto w = fs::write_file(blob, bytes, {.mode = 0444, .links = fs::Links::replace}); !w) return w.error();
  return d;
}

Status Store::record(const std::string& key, const ActionEntry& entry) const {
  json inner = to_json(entry);
  json doc{{"format", 1}, {"sha256", crypto::hex(crypto::sha256(inner.dump()))}, {"entry", std::move(inner)}};
  return fs::write_file(entry_path(key), doc.dump() + "\n", {.mode = 0644, .links = fs::Links::replace});
}

Result<std::optional<std::string>> Store::read_blob(const crypto::Digest& digest) const {
  stdfs::path blob = blob_path(digest);
  auto bytes = fs::read_file(blob, 1u << 30);
  if (!bytes) {
    struct stat st {};
    if (::lstat(blob.c_str(), &st) != 0) return std::optional<std::string>();
    return bytes.error();
  }
  if (crypto::sha256(*bytes) != digest) {
    discard(blob);
    return std::optional<std::string>();
  }
  return std::optional<std::string>(std::move(bytes).value());
}

namespace {

// One output written beside its place under a temporary name, checked
// against its digest. Returns the temporary name; nullopt when the blob is
// missing or damaged (removed then).
Result<std::optional<std::string>> stage_output(const OutputRecord& o, const stdfs::path& place,
                                                const stdfs::path& blob, bool& damaged) {
  if (o.mode == 0120000) {
    // A name of its own, as mkostemp gives files: another keel restoring
    // the same outputs at the same moment must not take it.
    auto tmp = temp_beside(place);
    if (!tmp) return tmp.error();
    ::close(tmp->second);
    ::unlink(tmp->first.c_str());
    if (::symlink(o.link.c_str(), tmp->first.c_str()) != 0) return io("cannot write", place, errno);
    return std::optional<std::string>(tmp->first);
  }
  Fd in(::open(blob.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return io("cannot read", blob, errno);
  }
  auto copied = copy_hashing(in.get(), blob, place);
  if (!copied) return copied.error();
  Fd out(copied->fd);
  auto fail = [&](const std::string& what, const stdfs::path& p, int err) {
    ::unlink(copied->tmp.c_str());
    return io(what, p, err);
  };
  if (copied->digest != o.digest) {
    ::unlink(copied->tmp.c_str());
    damaged = true;
    return std::optional<std::string>();
  }
  if (::fchmod(out.get(), o.mode == 0100755 ? 0755 : 0644) != 0 || ::close(out.release()) != 0)
    return fail("cannot write", place, errno);
  return std::optional<std::string>(copied->tmp);
}

}  // namespace

Result<bool> Store::restore(const ActionEntry& entry, const stdfs::path& base) const {
  const auto& outputs = entry.outputs;
  std::vector<stdfs::path> places;
  places.reserve(outputs.size());
  std::set<stdfs::path> made;
  for (const auto& o : outputs) {
    places.push_back(base / o.path);
    stdfs::path parent = places.back().parent_path();
    if (!made.insert(parent).second) continue;
    std::error_code ec;
    stdfs::create_directories(parent, ec);
    if (ec) return io("cannot write", parent, ec.value());
  }
  // Every output staged at once, on every core: reading, hashing and
  // writing the bytes is the cost.
  std::vector<std::optional<std::string>> staged(outputs.size());
  std::vector<std::uint8_t> missing(outputs.size(), 0), damaged(outputs.size(), 0);
  std::mutex failure_lock;
  std::optional<Error> failure;
  for_each_index(
      outputs.size(),
      [&](std::size_t i) {
        bool bad = false;
        auto r = stage_output(outputs[i], places[i], blob_path(outputs[i].digest), bad);
        if (!r) {
          std::lock_guard lock(failure_lock);
          if (!failure) failure = r.error();
          return;
        }
        staged[i] = std::move(*r);
        missing[i] = !staged[i];
        damaged[i] = bad;
      },
      8);
  auto abandon = [&] {
    for (const auto& tmp : staged)
      if (tmp) ::unlink(tmp->c_str());
  };
  for (std::size_t i = 0; i < outputs.size(); ++i)
    if (damaged[i]) discard(blob_path(outputs[i].digest));
  if (failure) {
    abandon();
    return std::move(*failure);
  }
  if (std::find(missing.begin(), missing.end(), 1) != missing.end()) {
    abandon();
    return false;
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string& tmp = *staged[i];
    const stdfs::path& place = places[i];
    // A directory in the way of a file (or the other way round) is the
    // task's own business; anything else is replaced by rename.
    if (::rename(tmp.c_str(), place.c_str()) != 0) {
      int err = errno;
      abandon();
      return io("cannot write", place, err);
    }
  }
  return true;
}

void Store::note_run(const RunCounts& c) const {
  if (c.hits + c.misses + c.remote_hits + c.remote_misses + c.remote_bytes_up == 0) return;
  json j{{"hits", c.hits}, {"misses", c.misses}, {"at", std::time(nullptr)}};
  if (c.remote_hits + c.remote_misses + c.remote_bytes_up != 0) {
    j["remote_hits"] = c.remote_hits;
    j["remote_misses"] = c.remote_misses;
    j["remote_bytes_down"] = c.remote_bytes_down;
    j["remote_bytes_up"] = c.remote_bytes_up;
  }
  std::string line = j.dump() + "\n";
  int fd = ::open((m_dir / "runs.jsonl").c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  // One small O_APPEND write: whole, whichever process writes beside it.
  (void)!::write(fd, line.data(), line.size());
  ::close(fd);
}

Result<StoreStats> Store::stats() const {
  StoreStats s;
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(m_dir / "cas", ec); !ec && it != stdfs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().filename().string().front() == '.') continue;
    ++s.blobs;
    s.bytes += size_on_disk(it->path());
  }
  for (auto it = stdfs::directory_iterator(m_dir / "ac", ec); !ec && it != stdfs::directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().front() == '.') continue;
    ++s.entries;
    s.bytes += size_on_disk(it->path());
  }
  auto runs = fs::read_file(m_dir / "runs.jsonl", 64u << 20);
  if (runs) {
    std::vector<std::string_view> lines;
    std::string_view all = *runs;
    while (!all.empty()) {
      std::size_t nl = all.find('\n');
      lines.push_back(all.substr(0, nl));
      all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
    }
    std::size_t from = lines.size() > 100 ? lines.size() - 100 : 0;
    for (std::size_t i = from; i < lines.size(); ++i) {
      json j = json::parse(lines[i], nullptr, false);
      if (j.is_discarded() || !j.is_object() || !j["hits"].is_number_unsigned() || !j["misses"].is_number_unsigned())
        continue;
      s.recent.hits += j["hits"].get<std::uint64_t>();
      s.recent.misses += j["misses"].get<std::uint64_t>();
      auto count = [&](const char* name) {
        return j.contains(name) && j[name].is_number_unsigned() ? j[name].get<std::uint64_t>() : 0;
      };
      s.recent.remote_hits += count("remote_hits");
      s.recent.remote_misses += count("remote_misses");
      s.recent.remote_bytes_down += count("remote_bytes_down");
      s.recent.remote_bytes_up += count("remote_bytes_up");
      ++s.runs;
    }
  }
  return s;
}

Result<GcReport> Store::gc(const GcLimits& limits) const {
  GcLock lock(m_dir);
  GcReport report;
  struct Item {
    stdfs::path path;
    stdfs::file_time_type used;
    std::uint64_t size;
    std::vector<crypto::Digest> blobs;
  };
  std::vector<Item> items;
  std::error_code ec;
  for (auto it = stdfs::directory_iterator(m_dir / "ac", ec); !ec && it != stdfs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.front() == '.') continue;
    Item item{it->path(), it->last_write_time(ec), size_on_disk(it->path()), {}};
    auto entry = lookup(name);
    if (!entry || !*entry) {
      ++report.entries_removed;  // damaged, removed by lookup
      continue;
    }
    for (const auto& o : (*entry)->outputs)
      if (o.mode != 0120000) item.blobs.push_back(o.digest);
    if ((*entry)->out) item.blobs.push_back(*(*entry)->out);
    if ((*entry)->err) item.blobs.push_back(*(*entry)->err);
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.used > b.used; });
  auto now = stdfs::file_time_type::clock::now();
  std::set<crypto::Digest> kept_blobs;
  std::uint64_t kept_bytes = 0;
  for (const auto& item : items) {
    bool too_old = limits.max_age && now - item.used > *limits.max_age;
    std::uint64_t extra = item.size;
    for (const auto& b : item.blobs)
      if (!kept_blobs.count(b)) extra += size_on_disk(blob_path(b));
    bool too_big = limits.max_bytes && kept_bytes + extra > *limits.max_bytes;
    if (too_old || too_big) {
      ::unlink(item.path.c_str());
      ++report.entries_removed;
      report.bytes_freed += item.size;
      continue;
    }
    kept_bytes += extra;
    kept_blobs.insert(item.blobs.begin(), item.blobs.end());
  }
  // Blobs no kept entry names. A blob written in the last ten minutes may
  // belong to an entry another run is about to record: it stays.
  for (auto it = stdfs::recursive_directory_iterator(m_dir / "cas", ec); !ec && it != stdfs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string hex = it->path().parent_path().filename().string() + it->path().filename().string();
    crypto::Digest d{};
    bool named = crypto::parse_hex(hex, d) && kept_blobs.count(d);
    if (named) continue;
    if (now - it->last_write_time(ec) < std::chrono::minutes(10)) continue;
    std::uint64_t size = size_on_disk(it->path());
    if (::unlink(it->path().c_str()) == 0) {
      ++report.blobs_removed;
      report.bytes_freed += size;
    }
  }
  return report;
}

Status Store::clean() const {
  GcLock lock(m_dir);
  for (const char* sub : {"cas", "ac", "stat", "runs.jsonl"}) {
    std::error_code ec;
    stdfs::remove_all(m_dir / sub, ec);
    if (ec) return io("cannot remove", m_dir / sub, ec.value());
  }
  return ok_status();
}

Result<std::uint64_t> parse_size(std::string_view text) {
  std::string_view t = text;
  std::uint64_t n = 0;
  std::size_t i = 0;
  for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) {
    if (n > (UINT64_MAX - 9) / 10) return Error{"invalid size " + quote(text) + ": too large", {}, Exit::usage};
    n = n * 10 + static_cast<std::uint64_t>(t[i] - '0');
  }
  if (i == 0) return Error{"invalid size " + quote(text) + ": expected a number such as 5G or 500M", {}, Exit::usage};
  std::string unit(t.substr(i));
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::map<std::string, int> k_shift{{"", 0},   {"B", 0},   {"K", 10},  {"KB", 10}, {"KIB", 10},
                                                  {"M", 20}, {"MB", 20}, {"MIB", 20}, {"G", 30}, {"GB", 30},
                                                  {"GIB", 30}, {"T", 40}, {"TB", 40}, {"TIB", 40}};
  auto it = k_shift.find(unit);
  if (it == k_shift.end())
    return Error{"invalid size " + quote(text) + ": unknown unit " + quote(std::string(t.substr(i))),
                 "units are K, M, G and T (powers of 1024)", Exit::usage};
  if (it->second && n > (UINT64_MAX >> it->second)) return Error{"invalid size " + quote(text) + ": too large", {}, Exit::usage};
  return n << it->second;
}

std::string format_size(std::uint64_t bytes) {
  static constexpr const char* k_units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, k_units[u]);
  return buf;
}

}  // namespace keel::pipeline
