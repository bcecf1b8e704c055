// Keys of `keel run`: one table per task, "*" is the task's name.
// src/pipeline/tasks.cpp reads them and checks what the types cannot
// (durations, conditions, paths inside the repository).
#include "config/keys/tables.hpp"

namespace keel::config::keys {

static const KeyDecl k_run_keys[] = {
    {"run.default", KeyType::string_list, "", "Tasks `keel run` runs when none is named; empty: it lists them.", 0},
    {"cache.dir", KeyType::string, "",
     "Where keel run keeps its cache; default $XDG_CACHE_HOME/keel, or ~/.cache/keel.", 0},
    {"cache.key_env", KeyType::string_list, "",
     "Environment variables whose values are part of every cache key (CC, CFLAGS, ...).", 0},
    {"cache.key_commands", KeyType::string_list, "",
     "Shell commands whose output is part of every cache key, run once per keel run (\"cc --version\").", 0},
    {"cache.max_size", KeyType::string, R"("5G")",
     "After a run that stored something, least recently used entries are removed above this size (K, M, G, T).", 0},
    {"cache.remote.url", KeyType::string, "",
     "A remote cache speaking Bazel's HTTP protocol (nginx WebDAV, bazel-remote): http(s)://host[:port][/prefix]. "
     "Credentials in the URL or ~/.netrc; never shown.",
     k_trusted},
    {"cache.remote.upload", KeyType::boolean, "true",
     "Upload results to the remote cache; false reads only (pull requests).", 0},
    {"cache.remote.timeout", KeyType::string, R"("60s")",
     "Longest wait to connect to the remote cache, and longest a transfer may stall, before it is left alone.", 0},
    {"cache.remote.max_blob_size", KeyType::string, R"("1G")",
     "Blobs larger than this are neither uploaded nor downloaded.", 0},
    {"cache.remote.token_env", KeyType::string, "",
     "Name of the environment variable holding a bearer token for the remote cache.", k_trusted},
    {"cache.remote.ca_file", KeyType::string, "",
     "CA certificates (PEM) that the remote cache's TLS certificate is checked against; default $SSL_CERT_FILE, "
     "else the system's.",
     k_trusted},
    {"tasks.*.run", KeyType::string_list, "",
     "Shell command, or a list run in order up to the first failure. Templates {args}, {vars.NAME} and "
     "{matrix.KEY} reach the shell as arguments, never as script text.",
     0},
    {"tasks.*.desc", KeyType::string, "", "One line for `keel run --list`.", 0},
    {"tasks.*.deps", KeyType::string_list, "", "Tasks run first, in parallel where the graph allows.", 0},
    {"tasks.*.dir", KeyType::string, "", "Directory the commands run in, relative to the repository root.", 0},
    {"tasks.*.env", KeyType::string_table, "", "Environment variables of the commands.", 0},
    {"tasks.*.env_file", KeyType::string, "", "A dotenv file (NAME=value lines) read before env, relative to dir.", 0},
    {"tasks.*.shell", KeyType::string_list, "", "Interpreter and flag for this task's commands; default process.shell.",
     0},
    {"tasks.*.interactive", KeyType::boolean, "false", "Give the task the terminal; it never runs beside another.", 0},
    {"tasks.*.vars", KeyType::string_table, "",
     "Variables with their defaults, for {vars.NAME}; `keel run TASK NAME=value` overrides one.", 0},
    {"tasks.*.matrix.*", KeyType::string_list, "", "One job per combination of these lists' values.", 0},
    {"tasks.*.matrix_include", KeyType::table_list, "", "Combinations added to the matrix, as in GitHub Actions.", 0},
    {"tasks.*.matrix_exclude", KeyType::table_list, "", "Combinations removed from the matrix.", 0},
    {"tasks.*.timeout", KeyType::string, "", "Stop the task after this long (\"90s\", \"10m\", \"1h30m\").", 0},
    {"tasks.*.retries", KeyType::integer, "0", "Run a failed task again up to this many times.", 0},
    {"tasks.*.retry_delay", KeyType::string, R"("1s")", "Wait before the first retry, doubled before each next one.", 0},
    {"tasks.*.continue_on_error", KeyType::boolean, "false", "A failure is reported but does not fail the run.", 0},
    {"tasks.*.if", KeyType::string_list, "",
     "Conditions that must all hold, else the task is skipped: env:NAME (set, not empty), file:PATH (exists), "
     "branch:GLOB, merge, rebase.",
     0},
    {"tasks.*.finally", KeyType::string_list, "",
     "Tasks run after the whole graph, even after a failure or Ctrl-C, with KEEL_RUN_STATUS set.", 0},
    {"tasks.*.inputs", KeyType::string_list, "",
     "Files the task reads (gitignore-style globs relative to dir, !glob to leave out): with them, the task is "
     "cached and skipped while they, its commands and its env are unchanged.",
     0},
    {"tasks.*.outputs", KeyType::string_list, "",
     "Files and directories the task writes, relative to dir: stored in the cache and restored from it.", 0},
};

const KeyTable run_table{"run", k_run_keys};

}  // namespace keel::config::keys
