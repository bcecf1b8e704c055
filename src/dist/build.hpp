#pragma once
// keel dist's work: the plan (which artifact holds which files), building
// it into a staging directory, the checksum file, signatures and the
// manifest, and moving everything into the output directory at the end.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "dist/entries.hpp"
#include "dist/settings.hpp"
#include "update/manifest.hpp"

namespace keel::dist {

enum class Kind { archive, binary, package, checksum, provenance, signature };
std::string_view kind_name(Kind k);

struct Planned {
  std::string name;
  Kind kind = Kind::archive;
  Format format = Format::tar_gz;  // archives and binaries
  Target target;
  std::string deb_version;  // packages
  std::vector<Entry> entries;
  std::size_t spec = 0;  // index into Settings::archives or ::packages
};

struct Release {
  std::string name;
  std::string version;
  std::string commit;  // HEAD's full id; empty outside git
  std::int64_t source_date = 0;
  std::string tool;  // "keel 1.2.3"
  std::vector<std::string> changes;  // commit headers of this release, for changelog.Debian
  // For the provenance: where the source comes from, how keel dist was
  // asked to build it, and the [dist] table it read.
  std::string source_uri;
  bool snapshot = false;
  std::string config_json;
};

// Every artifact with its entries; errors for missing inputs, clashing
// destinations and names before anything is written.
Result<std::vector<Planned>> plan(const Settings& s, const Release& r, const std::filesystem::path& root);

struct Artifact {
  std::string name;
  Kind kind = Kind::archive;
  std::string format;  // "tar.gz", "deb", ... ; empty for checksum and signature files
  std::string os, arch;
  std::uint64_t size = 0;
  std::string sha256;
};

// Signs a file; returns the signature file's text (minisign format).
using Signer = std::function<Result<std::string>(const std::filesystem::path& file)>;

struct BuildOptions {
  std::filesystem::path root;  // the project: maintainer scripts are read from it
  unsigned threads = 0;
  Signer signer;  // required when Settings::sign is not none
};

// Builds the plan into `staging` (an empty directory) and returns every
// file written there, in name order: the artifacts, the checksum file, the
// provenance ({name}_{version}_provenance.intoto.json, whose subjects are
// the artifacts and the checksum file) and the signatures.
Result<std::vector<Artifact>> build(const std::vector<Planned>& planned, const Settings& s, const Release& r,
                                    const std::filesystem::path& staging, const BuildOptions& options);

// "<hex>  <name>\n" per artifact, sorted by name: sha256sum -c reads it.
std::string checksum_lines(const std::vector<std::pair<std::string, std::string>>& name_and_hex);

// manifest.json: the release and each artifact (documented in
// docs/dist-manifest.schema.json).
std::string manifest_json(const Release& r, const std::vector<Artifact>& artifacts);

// The update manifest of keel dist --channel: one binary artifact per
// platform, its URL relative to update/CHANNEL/manifest.json (so the tree
// that keel dist publish uploads works as it is). Errors: no binary
// artifact, or two for one platform (exit 78).
Result<update::Manifest> update_manifest(const Release& r, const std::vector<Artifact>& artifacts,
                                         const std::string& channel, std::uint64_t serial, std::int64_t expires);

// The binaries of an earlier keel dist, from its manifest.json: what
// --patch-from makes zstd patches from.
struct PreviousBinary {
  std::string platform;  // "linux/amd64"
  std::string name;
  std::string sha256;
};
struct PreviousRelease {
  std::string version;
  std::vector<PreviousBinary> binaries;
};
Result<PreviousRelease> read_previous_release(std::string_view manifest_text, const std::string& shown);

}  // namespace keel::dist
