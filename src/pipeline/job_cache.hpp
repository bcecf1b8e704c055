#pragma once
// The cache around one job of keel run: before it runs, its key from its
// inputs, and whether its outputs are already in place (up to date) or can
// be restored from the store; after it succeeded, its outputs and output
// stored under that key. Only jobs with `inputs` are cached; the entry is
// written after success, never before.

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/inputs.hpp"
#include "pipeline/jobs.hpp"
#include "pipeline/remote_cache.hpp"
#include "pipeline/store.hpp"

namespace keel::pipeline {

struct CacheSetup {
  const Store* store = nullptr;  // null: no cache (--no-cache, or a store that cannot be written)
  RemoteCache* remote = nullptr;  // cache.remote.url, looked in after the store
  const TreeFacts* facts = nullptr;
  StatCache* stats = nullptr;
  bool force = false;  // run even when up to date (the result is still stored)
  bool dry_run = false;  // say what would happen: nothing is restored or marked used
  std::vector<std::pair<std::string, std::optional<std::string>>> key_env;  // cache.key_env, with values
  std::vector<std::string> key_outputs;                                     // cache.key_commands' outputs
  std::string platform;
  // Set once a write to the store failed: the run goes on without storing,
  // and says so once.
  mutable std::atomic<bool> store_failed{false};
};

struct CacheCheck {
  // restored: with dry_run, that it would be.
  enum class Outcome { miss, up_to_date, restored } outcome = Outcome::miss;
  bool from_remote = false;  // the entry came from the remote cache
  std::string key;
  std::string out, err;              // restored: the output to replay
  std::vector<std::string> notes;    // warnings for the job's output (globs matching nothing, damage)
};

// `env` is the job's declared environment (env_file, then env).
Result<CacheCheck> check_cache(const CacheSetup& cache, const TaskSpec& spec, const Job& job,
                               const std::filesystem::path& root, const Pairs& env,
                               const std::vector<std::string>& dep_keys);

struct StoreResult {
  std::optional<Error> missing_output;  // the job fails: a declared output is not there
  std::optional<Error> store_error;     // the store could not be written
};

StoreResult store_outputs(const CacheSetup& cache, const TaskSpec& spec, const Job& job,
                          const std::filesystem::path& root, const std::string& key, const std::string& out,
                          const std::string& err);

}  // namespace keel::pipeline
