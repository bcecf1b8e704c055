#pragma once
// Helpers for the test_git_*.cpp files: opening repositories made by the real
// git, and splitting what git prints.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "git/git.hpp"
#include "support.hpp"

namespace keel::test {

inline git::Repository open_repo(const std::filesystem::path& dir) {
  static git::Library library;
  auto repo = git::Repository::discover(dir);
  INFO("dir: " << dir << " error: " << (repo ? "" : repo.error().message));
  REQUIRE(repo.ok());
  return std::move(repo).value();
}

// Fails the test with the error's message when r holds one.
template <class T>
T must(Result<T> r) {
  INFO("error: " << (r ? "" : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

// git_init() in a directory that may not exist yet.
inline void git_init_dir(const std::filesystem::path& dir, const std::string& extra_args = "") {
  std::filesystem::create_directories(dir);
  git_init(dir, extra_args);
}

inline std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Splits on sep, dropping one empty field at the end ("a\0b\0" -> a, b).
inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

inline git::Oid oid(const std::string& hex) {
  auto id = git::Oid::from_hex(trimmed(hex));
  REQUIRE(id.has_value());
  return *id;
}

}  // namespace keel::test
