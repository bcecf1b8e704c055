#include "dist/provenance.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

#include "core/json_document.hpp"

namespace keel::dist {

using nlohmann::ordered_json;

std::string rfc3339(std::int64_t when) {
  std::time_t t = static_cast<std::time_t>(when);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string provenance_statement(const ProvenanceInputs& in) {
  ordered_json st;
  st["_type"] = k_statement_type;
  auto& subjects = st["subject"] = ordered_json::array();
  for (const auto& s : in.subjects) subjects.push_back({{"name", s.name}, {"digest", {{"sha256", s.sha256}}}});
  st["predicateType"] = k_predicate_type;

  ordered_json external;
  external["command"] = "keel dist";
  external["version"] = in.version;
  external["targets"] = in.targets;
  external["snapshot"] = in.snapshot;
  ordered_json internal;
  internal["config"] = in.config_json.empty() ? ordered_json::object() : ordered_json::parse(in.config_json);
  // Where the files were written is not part of what they are: the same
  // commit built into another directory gives the same statement.
  internal["config"].erase("output_dir");
  auto dependencies = ordered_json::array();
  if (!in.commit.empty()) {
    ordered_json source;
    if (!in.source_uri.empty()) source["uri"] = in.source_uri;
    source["digest"] = {{"gitCommit", in.commit}};
    dependencies.push_back(std::move(source));
  }
  ordered_json definition;
  definition["buildType"] = k_build_type;
  definition["externalParameters"] = std::move(external);
  definition["internalParameters"] = std::move(internal);
  definition["resolvedDependencies"] = std::move(dependencies);

  ordered_json run;
  run["builder"] = {{"id", "urn:keel:builder"}, {"version", {{"keel", in.keel_version}}}};
  run["metadata"] = {{"startedOn", rfc3339(in.source_date)}, {"finishedOn", rfc3339(in.source_date)}};
  st["predicate"] = {{"buildDefinition", std::move(definition)}, {"runDetails", std::move(run)}};
  return st.dump(2) + "\n";
}

Result<ProvenanceMatch> match_provenance(std::string_view statement, const std::string& shown, const std::string& name,
                                         const std::string& sha256) {
  auto doc = json::parse_document(statement, shown, Exit::usage);
  if (!doc) return doc.error();
  auto unreadable = [&](const std::string& why) {
    return Error{quote(shown) + " is not SLSA provenance keel can read: " + why, {}, Exit::usage};
  };
  const auto& d = *doc;
  if (!d.is_object() || d.value("_type", "") != k_statement_type) return unreadable("its _type is not an in-toto Statement v1");
  if (d.value("predicateType", "") != k_predicate_type) return unreadable("its predicateType is not SLSA provenance v1");
  if (!d.contains("subject") || !d["subject"].is_array()) return unreadable("it has no subject list");
  bool named = false;
  for (const auto& s : d["subject"]) {
    if (!s.is_object() || !s.contains("name") || !s["name"].is_string()) continue;
    if (s["name"].get<std::string>() != name) continue;
    named = true;
    const auto* digest = s.contains("digest") && s["digest"].is_object() ? &s["digest"] : nullptr;
    if (digest && digest->contains("sha256") && (*digest)["sha256"].is_string() &&
        (*digest)["sha256"].get<std::string>() == sha256) {
      ProvenanceMatch m;
      try {
        const auto& deps = d.at("predicate").at("buildDefinition").at("resolvedDependencies");
        if (deps.is_array() && !deps.empty()) {
          m.source_uri = deps[0].value("uri", "");
          m.commit = deps[0].at("digest").value("gitCommit", "");
        }
        m.builder_version = d.at("predicate").at("runDetails").at("builder").at("version").value("keel", "");
      } catch (const nlohmann::json::exception&) {
        return unreadable("its predicate lacks the build definition or the builder");
      }
      return m;
    }
  }
  if (!named) return Error{quote(name) + " is not a subject of " + quote(shown), {}, Exit::failed};
  return Error{quote(name) + " is not the file " + quote(shown) + " describes: its SHA-256 differs", {}, Exit::failed};
}

}  // namespace keel::dist
