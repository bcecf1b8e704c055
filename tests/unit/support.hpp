#pragma once
// Helpers shared by the unit tests: temporary directories and real git
// repositories made with the real `git` binary.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/tasks.hpp"

// Lets CHECK print both sides of a comparison of string lists.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& v) {
    std::string s = "{";
    for (const auto& item : v) s += "\n  \"" + item + "\"";
    s += v.empty() ? "}" : "\n}";
    return String(s.c_str());
  }
};
}  // namespace doctest

namespace keel::test {

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& rel) const { return m_path / rel; }
  // Writes a file (parent directories created) and returns its path.
  std::filesystem::path write(const std::string& rel, const std::string& content) const;

 private:
  std::filesystem::path m_path;
};

// Runs a shell command line in dir; returns its stdout. Fails the current
// test (doctest FAIL) when it exits non-zero.
std::string sh(const std::filesystem::path& dir, const std::string& command);

// `git init` with a fixed identity and default branch "main".
void git_init(const std::filesystem::path& dir, const std::string& extra_args = "");
// Writes file, `git add`s it and commits with message; returns the commit id.
std::string git_commit_file(const std::filesystem::path& dir, const std::string& file, const std::string& content,
                            const std::string& message);

std::string read_text(const std::filesystem::path& path);

// Writes text as dir/keel.toml and loads the configuration with dir as the
// project root and no system or user files.
config::Config load_project_toml(const TempDir& dir, const std::string& text);

// The [tasks.NAME] tables of a keel.toml text, read as keel run reads them.
std::vector<pipeline::TaskSpec> task_specs(std::string_view toml);

}  // namespace keel::test
