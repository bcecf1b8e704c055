#pragma once
// The layered configuration loader. Layers, lowest priority first:
//   1. built-in defaults (the key tables)
//   2. system      /etc/keel/config.{toml,yaml,yml}   ($KEEL_SYSTEM_CONFIG_DIR)
//   3. user        $XDG_CONFIG_HOME/keel/config.{toml,yaml,yml}
//   4. project     keel.{toml,yaml,yml} or .keel.* at the repository root
//   5. local       keel.local.{toml,yaml,yml} or .keel.local.* beside it
//   6. environment KEEL_<SECTION>__<KEY>
//   7. --config FILE, then -c key=value, in command-line order
//   8. a command's own flags (Config::override_value)
// Tables merge key by key; arrays and scalars are replaced whole.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/value.hpp"
#include "core/error.hpp"

namespace keel::config {

struct Diagnostic {
  enum class Severity { warning, error };
  Severity severity;
  std::string message;  // "keel.toml:3:7: unknown key 'x'; did you mean 'y'?"
  Exit exit = Exit::config;  // Exit::io when a file could not be read
};

struct ConsideredFile {
  std::string layer;  // system, user, project, local, flag
  std::filesystem::path path;
  bool exists;
};

struct LoadOptions {
  std::filesystem::path cwd;                        // where keel runs (after -C)
  std::optional<std::filesystem::path> project_root; // the repository's work tree
  std::vector<std::string> config_files;            // --config, in order; "-" is standard input
  std::optional<std::string> stdin_config;          // standard input's text, for "--config -"
  std::vector<std::string> overrides;               // -c key=value, in order
  std::map<std::string, std::string> env;           // the process environment
};

class Config {
 public:
  const Value& root() const { return m_root; }
  const Value* find(std::string_view dotted) const;

  // Typed getters for declared keys; the loader already checked the types.
  std::string get_string(std::string_view key, std::string fallback = {}) const;
  bool get_bool(std::string_view key, bool fallback = false) const;
  std::int64_t get_int(std::string_view key, std::int64_t fallback = 0) const;
  std::vector<std::string> get_list(std::string_view key) const;

  // Layer 8: a command's flag wins over everything else.
  void override_value(std::string_view key, Value v);

  // Values of keys declared secret, for the log redactor.
  std::vector<std::string> secret_values() const;

  const std::vector<Diagnostic>& diagnostics() const { return m_diagnostics; }
  bool has_errors() const;
  // The status for a configuration with errors: Exit::io when a file could
  // not be read, else Exit::config.
  Exit error_exit() const;
  const std::vector<ConsideredFile>& files() const { return m_files; }
  // The project file in use (layer 4), if any: `config set --project` edits it.
  const std::optional<std::filesystem::path>& project_file() const { return m_project_file; }

 private:
  friend Config load(const LoadOptions& options);
  Value m_root = Value::make_table();
  std::vector<Diagnostic> m_diagnostics;
  std::vector<ConsideredFile> m_files;
  std::optional<std::filesystem::path> m_project_file;
};

Config load(const LoadOptions& options);

// A document from outside the layers (a hooks remote's file), checked as a
// project file is: values converted to their keys' types, unknown keys and
// wrong types reported into `diagnostics` (and left out), trusted keys
// refused when the document's origin is a repository.
Value check_document(Value document, std::vector<Diagnostic>& diagnostics);

// File names looked for, in order, per layer (also used by `config set`).
std::vector<std::string> project_file_names();
std::vector<std::string> local_file_names();
std::filesystem::path system_config_dir(const std::map<std::string, std::string>& env);
std::optional<std::filesystem::path> user_config_dir(const std::map<std::string, std::string>& env);

}  // namespace keel::config
