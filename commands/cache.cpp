// keel cache: the store keel run keeps its results in (src/pipeline/store.hpp).
#include <chrono>

#include "commands/groups.hpp"
#include "pipeline/duration.hpp"
#include "pipeline/store.hpp"

namespace keel::cmd {

namespace {

struct GcOptions {
  std::string max_size;
  std::string max_age;
};

int stats(Context& ctx) {
  pipeline::Store store(cache_directory(ctx));
  auto s = store.stats().value_or_throw();
  ctx.out << "directory: " << store.dir().string() << '\n';
  ctx.out << "entries:   " << s.entries << '\n';
  ctx.out << "blobs:     " << s.blobs << '\n';
  ctx.out << "size:      " << pipeline::format_size(s.bytes) << '\n';
  const auto& r = s.recent;
  if (r.hits + r.misses == 0) {
    ctx.out << "hit rate:  no cached task has run yet\n";
  } else {
    ctx.out << "hit rate:  " << (100 * r.hits + (r.hits + r.misses) / 2) / (r.hits + r.misses) << "% (" << r.hits
            << " of " << r.hits + r.misses << " cached tasks in the last " << s.runs << " runs)\n";
  }
  if (r.remote_hits + r.remote_misses + r.remote_bytes_up != 0) {
    ctx.out << "remote:    " << r.remote_hits << " of " << r.remote_hits + r.remote_misses << " lookups hit, "
            << pipeline::format_size(r.remote_bytes_down) << " downloaded, " << pipeline::format_size(r.remote_bytes_up)
            << " uploaded (last " << s.runs << " runs)\n";
  }
  return status(Exit::ok);
}

int gc(const GcOptions& o, Context& ctx) {
  pipeline::GcLimits limits;
  if (!o.max_size.empty()) limits.max_bytes = pipeline::parse_size(o.max_size).value_or_throw();
  if (!o.max_age.empty()) {
    auto age = pipeline::parse_duration(o.max_age);
    if (!age) throw usage_error("--max-age: " + age.error().message);
    limits.max_age = *age;
  }
  if (!limits.max_bytes && !limits.max_age)
    limits.max_bytes = pipeline::parse_size(ctx.config.get_string("cache.max_size", "5G")).value_or_throw();
  pipeline::Store store(cache_directory(ctx));
  auto r = store.gc(limits).value_or_throw();
  ctx.out << "removed " << r.entries_removed << " entries and " << r.blobs_removed << " blobs, "
          << pipeline::format_size(r.bytes_freed) << " freed\n";
  return status(Exit::ok);
}

int clean(Context& ctx) {
  pipeline::Store store(cache_directory(ctx));
  store.clean().value_or_throw();
  ctx.out << "removed the cache in " << store.dir().string() << '\n';
  return status(Exit::ok);
}

}  // namespace

void setup_cache(CLI::App& app, Runner& chosen) {
  app.require_subcommand(1);
  set_long_description(&app,
                       "keel run's cache: content-addressed blobs under cas/, one action entry per task run under "
                       "ac/ (its outputs, their modes and digests, its output and exit status), and the stat cache "
                       "of each work tree under stat/. It lives in cache.dir, default $XDG_CACHE_HOME/keel or "
                       "~/.cache/keel. Several keel processes may use it at once: every file is written under a "
                       "temporary name and renamed into place, and a damaged file is found by its digest, removed "
                       "and treated as a miss.");
  auto* s = app.add_subcommand("stats", "Show the cache's entries, size and recent hit rate");
  set_long_description(s, "Prints the cache directory, the number of entries and blobs, their size, and the share "
                          "of cached tasks that were up to date or restored over the last 100 runs; with a remote cache, its "
                          "lookups that hit and the bytes downloaded and uploaded over those runs.");
  s->parse_complete_callback([&chosen] { chosen = [](Context& c) { return stats(c); }; });
  auto o = std::make_shared<GcOptions>();
  auto* g = app.add_subcommand("gc", "Remove least recently used entries above a size or age");
  set_long_description(g, "Removes the entries not used for longer than --max-age, then the least recently used "
                          "ones until what is left fits --max-size, then the blobs no entry names. Without either "
                          "option, cache.max_size (default 5G) is the limit; keel run also does this after a run "
                          "that stored something, when the cache is above cache.max_size.");
  g->add_option("--max-size", o->max_size, "Keep at most this much (K, M, G, T)")->type_name("SIZE");
  g->add_option("--max-age", o->max_age, "Remove entries unused for this long (30d, 12h)")->type_name("AGE");
  g->parse_complete_callback([&chosen, o] { chosen = [o](Context& c) { return gc(*o, c); }; });
  auto* c = app.add_subcommand("clean", "Remove the whole cache");
  set_long_description(c, "Removes every blob, entry and stat cache; the next runs start from nothing.");
  c->parse_complete_callback([&chosen] { chosen = [](Context& ctx) { return clean(ctx); }; });
}

}  // namespace keel::cmd
