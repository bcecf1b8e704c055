#pragma once
// The [dist] tables of the configuration as structs, checked field by field
// with the file:line:col of each mistake.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/error.hpp"
#include "dist/archive.hpp"
#include "dist/entries.hpp"

namespace keel::dist {

struct Target {
  std::string os, arch;
  std::string text() const { return os + "/" + arch; }
};

struct ArchiveSpec {
  Format format = Format::tar_gz;
  std::string name_template = "{name}_{version}_{os}_{arch}";
  std::string wrap;  // wrap_in_directory: a template, empty for none
  std::vector<FileSpec> files;
  config::Origin origin;
};

struct PackageSpec {
  std::string package, maintainer, description, section = "misc", priority = "optional", homepage;
  std::vector<std::string> depends, recommends, conflicts, provides, replaces;
  std::vector<FileSpec> contents;
  std::string preinst, postinst, prerm, postrm;  // paths of maintainer scripts
  std::string copyright;                         // path of the copyright file; default LICENSE
  std::string license = "custom";                // the licence's short name when copyright is not DEP-5
  std::string changelog;                         // path of a Debian changelog; empty: keel writes one
  std::string compression = "xz";                // data.tar's
  std::string revision = "1";                    // the Debian revision: version 1.2.0 is 1.2.0-1
  // lintian rules that cannot apply to the package: {tag, why}, each written
  // to its overrides file under its reason.
  std::vector<std::pair<std::string, std::string>> lintian_overrides;
  config::Origin origin;
};

enum class SignWhat { none, checksum, all };

struct Settings {
  std::string name;
  std::string version;  // empty: the release tag on HEAD
  std::optional<std::int64_t> source_date_epoch;
  std::vector<std::string> before;
  std::string output_dir = "dist";
  std::vector<Target> targets;  // empty: the host
  std::vector<ArchiveSpec> archives;
  std::vector<PackageSpec> packages;
  std::string checksum_algorithm = "sha256";
  std::string checksum_template = "{name}_{version}_checksums.txt";
  SignWhat sign = SignWhat::none;
  std::string sign_key;
};

Result<Settings> settings_from_config(const config::Config& c);

// "linux/amd64" as a Target; the host's os/arch in Go's names.
Result<Target> parse_target(std::string_view text);
Target host_target();

}  // namespace keel::dist
