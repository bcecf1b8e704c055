#include "pipeline/job_cache.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/exit_memory.hpp"
#include "pipeline/cache_key.hpp"

namespace keel::pipeline {

namespace stdfs = std::filesystem;

namespace {

std::string joined(const std::string& dir, const std::string& rel) { return dir.empty() ? rel : dir + "/" + rel; }

Result<crypto::Digest> digest_of(const stdfs::path& file, const std::string& from_root, const struct stat& st,
                                 StatCache& stats) {
  crypto::Digest d{};
  if (stats.find(from_root, st, d)) return d;
  auto fresh = crypto::sha256_file(file);
  if (!fresh) return fresh.error();
  stats.put(from_root, st, *fresh);
  return *fresh;
}

// Whether the outputs on disk are the entry's, byte for byte and mode.
bool outputs_in_place(const ActionEntry& e, const stdfs::path& base, const std::string& dir, StatCache& stats) {
  for (const auto& o : e.outputs) {
    stdfs::path p = base / o.path;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return false;
    if (o.mode == 0120000) {
      std::error_code ec;
      if (!S_ISLNK(st.st_mode) || stdfs::read_symlink(p, ec).string() != o.link || ec) return false;
      continue;
    }
    if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != o.size) return false;
    if (((st.st_mode & 0111) ? 0100755u : 0100644u) != o.mode) return false;
    auto d = digest_of(p, joined(dir, o.path), st, stats);
    if (!d || *d != o.digest) return false;
  }
  return true;
}

// Every file and link below one declared output.
Status collect(const stdfs::path& base, const std::string& rel, const std::string& dir, StatCache& stats,
               std::vector<OutputRecord>& out) {
  stdfs::path p = base / rel;
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return Error{"cannot read " + quote(p.string()) + ": " + std::strerror(errno), {}, Exit::io};
  if (S_ISDIR(st.st_mode)) {
    std::error_code ec;
    std::vector<std::string> names;
    for (auto it = stdfs::directory_iterator(p, ec); !ec && it != stdfs::directory_iterator(); it.increment(ec))
      names.push_back(it->path().filename().string());
    if (ec) return Error{"cannot read " + quote(p.string()) + ": " + ec.message(), {}, Exit::io};
    std::sort(names.begin(), names.end());
    for (const auto& n : names)
      if (auto s = collect(base, rel + "/" + n, dir, stats, out); !s) return s;
    return ok_status();
  }
  OutputRecord r;
  r.path = rel;
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    r.mode = 0120000;
    r.link = stdfs::read_symlink(p, ec).string();
    r.digest = crypto::sha256(r.link);
    r.size = r.link.size();
  } else if (S_ISREG(st.st_mode)) {
    r.mode = (st.st_mode & 0111) ? 0100755 : 0100644;
    r.size = static_cast<std::uint64_t>(st.st_size);
    auto d = digest_of(p, joined(dir, rel), st, stats);
    if (!d) return d.error();
    r.digest = *d;
  } else {
    return ok_status();  // a socket or FIFO left behind is no output
  }
  out.push_back(std::move(r));
  return ok_status();
}

}  // namespace

Result<CacheCheck> check_cache(const CacheSetup& cache, const TaskSpec& spec, const Job& job, const stdfs::path& root,
                               const Pairs& env, const std::vector<std::string>& dep_keys) {
  CacheCheck check;
  auto scan = scan_inputs(root, job.dir, spec.inputs, *cache.facts, *cache.stats);
  if (!scan) return scan.error();
  for (const auto& g : scan->unmatched)
    check.notes.push_back("warning: input " + quote(g) + " of task " + quote(spec.name) + " matches no file");
  KeyParts parts;
  parts.dir = job.dir;
  parts.shell = spec.shell;
  parts.commands = job.commands;
  parts.env = env;
  parts.key_env = cache.key_env;
  parts.key_outputs = cache.key_outputs;
  parts.inputs = std::move(scan->files);
  parts.dep_keys = dep_keys;
  parts.platform = cache.platform;
  check.key = cache_key(parts);
  leave_to_exit(std::move(parts.inputs));
  if (!cache.store || cache.force) return check;

  auto entry = cache.store->lookup(check.key);
  if (!entry) return entry.error();
  if (!*entry && cache.remote) {
    *entry = cache.remote->fetch(check.key, !cache.dry_run);
    if (*entry) (*entry)->job = job.name;
    check.from_remote = entry->has_value();
  }
  if (!*entry) return check;
  stdfs::path base = root / job.dir;
  if (outputs_in_place(**entry, base, job.dir, *cache.stats)) {
    check.outcome = CacheCheck::Outcome::up_to_date;
    if (!cache.dry_run) cache.store->touch(check.key);
    return check;
  }
  if (cache.dry_run) {
    check.outcome = CacheCheck::Outcome::restored;
    return check;
  }
  auto replay = [&](const std::optional<crypto::Digest>& d, std::string& into) -> Result<bool> {
    if (!d) return true;
    auto bytes = cache.store->read_blob(*d);
    if (!bytes) return bytes.error();
    if (!*bytes) return false;
    into = std::move(**bytes);
    return true;
  };
  auto out_ok = replay((*entry)->out, check.out);
  if (!out_ok) return out_ok.error();
  auto err_ok = replay((*entry)->err, check.err);
  if (!err_ok) return err_ok.error();
  bool whole = *out_ok && *err_ok;
  if (whole) {
    auto restored = cache.store->restore(**entry, base);
    if (!restored) return restored.error();
    whole = *restored;
  }
  if (!whole) {
    // A blob is missing or damaged: the entry cannot be used again.
    ::unlink(cache.store->entry_path(check.key).c_str());
    check.notes.push_back("warning: the cache entry of " + quote(job.name) + " was damaged and is removed; running it");
    check.out.clear();
    check.err.clear();
    return check;
  }
  // The restored files are new: their digests are known.
  for (const auto& o : (*entry)->outputs) {
    struct stat st {};
    if (o.mode != 0120000 && ::lstat((base / o.path).c_str(), &st) == 0) cache.stats->put(joined(job.dir, o.path), st, o.digest);
  }
  cache.store->touch(check.key);
  check.outcome = CacheCheck::Outcome::restored;
  return check;
}

StoreResult store_outputs(const CacheSetup& cache, const TaskSpec& spec, const Job& job, const stdfs::path& root,
                          const std::string& key, const std::string& out, const std::string& err) {
  StoreResult result;
  stdfs::path base = root / job.dir;
  ActionEntry entry;
  entry.job = job.name;
  for (const auto& o : spec.outputs) {
    std::string rel = o;
    while (!rel.empty() && rel.back() == '/') rel.pop_back();
    struct stat st {};
    if (::lstat((base / rel).c_str(), &st) != 0) {
      result.missing_output = Error{"task " + quote(job.name) + " succeeded but did not produce its output " + quote(o),
                                    "it is not cached; check the task's outputs", Exit::failed};
      return result;
    }
    if (auto s = collect(base, rel, job.dir, *cache.stats, entry.outputs); !s) {
      result.store_error = s.error();
      return result;
    }
  }
  if (!cache.store || cache.store_failed) return result;
  auto fail = [&](Error e) {
    result.store_error = std::move(e);
    return result;
  };
  for (const auto& o : entry.outputs) {
    if (o.mode == 0120000) continue;
    auto stored = cache.store->put_file(base / o.path, o.digest);
    if (!stored) return fail(stored.error());
    // Changed while being stored (another run writing the same outputs):
    // no entry, since it could not say what the outputs are.
    if (!*stored) return result;
  }
  if (!out.empty()) {
    auto d = cache.store->put_bytes(out);
    if (!d) return fail(d.error());
    entry.out = *d;
    entry.out_size = out.size();
  }
  if (!err.empty()) {
    auto d = cache.store->put_bytes(err);
    if (!d) return fail(d.error());
    entry.err = *d;
    entry.err_size = err.size();
  }
  if (auto s = cache.store->record(key, entry); !s) return fail(s.error());
  if (cache.remote) cache.remote->upload(key, std::move(entry));
  return result;
}

}  // namespace keel::pipeline
