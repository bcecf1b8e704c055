#include "support.hpp"

#include "config/parse.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace keel::test {

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/keel-test-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  m_path = std::filesystem::canonical(tmpl);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::filesystem::path TempDir::write(const std::string& rel, const std::string& content) const {
  auto p = m_path / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

std::string sh(const std::filesystem::path& dir, const std::string& command) {
  std::string full = "cd " + shell_quote(dir.string()) + " && ( " + command + " ) 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = ::pclose(pipe);
  INFO("command: " << command << "\noutput: " << out);
  REQUIRE(status == 0);
  return out;
}

void git_init(const std::filesystem::path& dir, const std::string& extra_args) {
  sh(dir, "git init -q -b main " + extra_args + " . && git config user.name 'Keel Test' && "
          "git config user.email test@keel.invalid && git config commit.gpgsign false");
}

std::string git_commit_file(const std::filesystem::path& dir, const std::string& file, const std::string& content,
                            const std::string& message) {
  auto p = dir / file;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  sh(dir, "git add -- " + shell_quote(file) + " && git commit -q -m " + shell_quote(message));
  std::string id = sh(dir, "git rev-parse HEAD");
  while (!id.empty() && (id.back() == '\n')) id.pop_back();
  return id;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

config::Config load_project_toml(const TempDir& dir, const std::string& text) {
  dir.write("keel.toml", text);
  config::LoadOptions o;
  o.cwd = dir.path();
  o.project_root = dir.path();
  o.env["KEEL_SYSTEM_CONFIG_DIR"] = "/nonexistent-keel-test";
  return config::load(o);
}

std::vector<pipeline::TaskSpec> task_specs(std::string_view toml) {
  auto doc = config::parse_document(toml, "keel.toml", config::Origin::Kind::project);
  REQUIRE(doc.ok());
  auto t = pipeline::tasks_from(*doc->find("tasks"));
  REQUIRE(t.ok());
  return *t;
}

}  // namespace keel::test
