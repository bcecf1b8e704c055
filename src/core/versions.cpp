#include "core/versions.hpp"

#include <archive.h>
#include <curl/curl.h>
#include <fmt/core.h>
#include <git2.h>
#include <libdeflate.h>
#include <openssl/crypto.h>
#include <protobuf-c/protobuf-c.h>
#include <sodium.h>
#include <spdlog/version.h>
#include <toml++/impl/version.h>
#include <zlib.h>
#include <zstd.h>

#include <nlohmann/json.hpp>

#include "build_config.hpp"
#include "core/identity.hpp"
#include "version.hpp"

namespace keel {

std::string version_line() {
  std::string s = "keel ";
  s += identity::version();
  s += " (commit ";
  s += KEEL_COMMIT;
  s += ", built ";
  s += KEEL_BUILD_DATE;
  s += KEEL_STATIC ? ", static)" : ", dynamic)";
  return s;
}

namespace {

std::string dotted(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

// "libarchive 3.6.2" -> "3.6.2"
std::string after_space(const char* s) {
  std::string text = s ? s : "";
  std::size_t space = text.rfind(' ');
  return space == std::string::npos ? text : text.substr(space + 1);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> library_versions() {
  std::vector<std::pair<std::string, std::string>> out;
  int major = 0, minor = 0, rev = 0;
  git_libgit2_version(&major, &minor, &rev);
  out.emplace_back("libgit2", dotted(major, minor, rev));
  out.emplace_back("libcurl", curl_version_info(CURLVERSION_NOW)->version);
  out.emplace_back("OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING));
  out.emplace_back("libarchive", after_space(archive_version_string()));
  out.emplace_back("zstd", ZSTD_versionString());
  out.emplace_back("zlib", zlibVersion());
  out.emplace_back("libdeflate", LIBDEFLATE_VERSION_STRING);
  out.emplace_back("libsodium", sodium_version_string());
  out.emplace_back("protobuf-c", protobuf_c_version());
  // yaml-cpp has no version in its headers or at run time: what the build
  // found (pkg-config) is all there is.
  out.emplace_back("yaml-cpp", KEEL_YAML_CPP_VERSION);
  out.emplace_back("toml++", dotted(TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH));
  out.emplace_back("nlohmann-json",
                   dotted(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH));
  out.emplace_back("spdlog", dotted(SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH));
  out.emplace_back("fmt", dotted(FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100));
  return out;
}

}  // namespace keel
