#pragma once
// SLSA provenance for keel dist's artifacts: an in-toto Statement v1 with a
// SLSA provenance v1 predicate, as JSON (nlohmann/json), and the check
// `keel verify --provenance` makes of an artifact against one. Times are the
// source date (a build's clock times are clamped to it), so the statement
// is as reproducible as the artifacts.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace keel::dist {

struct Subject {
  std::string name;
  std::string sha256;
};

struct ProvenanceInputs {
  std::vector<Subject> subjects;
  std::string source_uri;  // "git+https://..." from remote.origin.url; empty when there is none
  std::string commit;      // the source's full commit id; empty outside git
  std::string version;
  std::vector<std::string> targets;  // "linux/amd64"
  bool snapshot = false;
  std::string config_json;  // the resolved [dist] table
  std::string keel_version;
  std::int64_t source_date = 0;
};

inline constexpr std::string_view k_statement_type = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view k_predicate_type = "https://slsa.dev/provenance/v1";
inline constexpr std::string_view k_build_type = "urn:keel:dist:v1";

std::string provenance_statement(const ProvenanceInputs& in);

struct ProvenanceMatch {
  std::string source_uri, commit, builder_version;
};

// Finds the artifact (its file name and SHA-256) among the statement's
// subjects. Errors (Exit::failed) say what does not match; a statement
// keel cannot read is Exit::usage, as minisign's malformed input is.
Result<ProvenanceMatch> match_provenance(std::string_view statement, const std::string& shown,
                                         const std::string& name, const std::string& sha256);

// "2023-11-14T22:13:20Z"
std::string rfc3339(std::int64_t when);

}  // namespace keel::dist
