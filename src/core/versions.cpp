#include "core/versions.hpp"

#include <curl/curl.h>
#include <git2.h>
#include <sodium.h>
#include <spdlog/version.h>
#include <fmt/core.h>
#include <toml++/impl/version.h>

#include "build_config.hpp"
#include "version.hpp"

namespace keel {

std::string version_line() {
  std::string s = "keel ";
  s += KEEL_VERSION;
  s += " (commit ";
  s += KEEL_COMMIT;
  s += ", built ";
  s += KEEL_BUILD_DATE;
  s += KEEL_STATIC ? ", static)" : ", dynamic)";
  return s;
}

std::vector<std::pair<std::string, std::string>> library_versions() {
  std::vector<std::pair<std::string, std::string>> out;
  int major = 0, minor = 0, rev = 0;
  git_libgit2_version(&major, &minor, &rev);
  out.emplace_back("libgit2", std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(rev));
  const curl_version_info_data* c = curl_version_info(CURLVERSION_NOW);
  out.emplace_back("libcurl", c->version);
  if (c->ssl_version) out.emplace_back("tls", c->ssl_version);
  out.emplace_back("libsodium", sodium_version_string());
  out.emplace_back("toml++", std::to_string(TOML_LIB_MAJOR) + "." + std::to_string(TOML_LIB_MINOR) + "." +
                                 std::to_string(TOML_LIB_PATCH));
  out.emplace_back("spdlog", std::to_string(SPDLOG_VER_MAJOR) + "." + std::to_string(SPDLOG_VER_MINOR) + "." +
                                 std::to_string(SPDLOG_VER_PATCH));
  out.emplace_back("fmt", std::to_string(FMT_VERSION / 10000) + "." + std::to_string(FMT_VERSION / 100 % 100) + "." +
                              std::to_string(FMT_VERSION % 100));
  return out;
}

}  // namespace keel
