#include "dist/publish.hpp"

#include <algorithm>

#include "core/json_document.hpp"
#include "crypto/sha256.hpp"
#include "dist/template.hpp"
#include "fs/fs.hpp"
#include "http/client.hpp"

namespace keel::dist {

namespace stdfs = std::filesystem;

namespace {

constexpr std::size_t k_max_manifest = 16u << 20;

bool hex64(const std::string& s) {
  crypto::Digest d;
  return crypto::parse_hex(s, d);
}

// What the server holds under a name: nothing, these bytes, or others.
enum class Remote { missing, same, different };

Result<Remote> remote_state(http::Client& client, const std::string& name, std::uint64_t size,
                            const std::string& sha256) {
  crypto::Sha256 hash;
  std::uint64_t seen = 0;
  auto status = client.get(
      name,
      [&](std::string_view piece) {
        if (seen + piece.size() <= size) hash.update(piece);
        seen += piece.size();
        return true;
      },
      std::numeric_limits<std::uint64_t>::max());
  if (!status) return status.error();
  if (*status == 404 || *status == 410) return Remote::missing;
  if (*status < 200 || *status > 299)
    return Error{"GET " + client.shown() + "/" + name + ": the server answered " + std::to_string(*status), {},
                 Exit::io};
  return seen == size && crypto::hex(hash.finish()) == sha256 ? Remote::same : Remote::different;
}

Status put(http::Client& client, const std::string& name, const stdfs::path& file) {
  auto status = client.put_file(name, file);
  if (!status) return status.error();
  if (*status < 200 || *status > 299)
    return Error{"PUT " + client.shown() + "/" + name + ": the server answered " + std::to_string(*status),
                 *status == 401 || *status == 403 ? "check the token (--token-env) and the server's permissions" : "",
                 Exit::io};
  return ok_status();
}

}  // namespace

Result<std::vector<ListedFile>> read_manifest(std::string_view text, const std::string& shown) {
  auto doc = json::parse_document(text, shown, Exit::io);
  if (!doc) return doc.error();
  auto bad = [&](const std::string& why) { return Error{quote(shown) + " is not a keel dist manifest: " + why, {}, Exit::io}; };
  if (!doc->is_object() || !doc->contains("artifacts") || !(*doc)["artifacts"].is_array())
    return bad("it has no \"artifacts\" list");
  std::vector<ListedFile> out;
  for (const auto& a : (*doc)["artifacts"]) {
    if (!a.is_object() || !a.contains("name") || !a["name"].is_string() || !a.contains("size") ||
        !a["size"].is_number_unsigned() || !a.contains("sha256") || !a["sha256"].is_string())
      return bad("an artifact lacks its name, size or sha256");
    ListedFile f{a["name"].get<std::string>(), a["size"].get<std::uint64_t>(), a["sha256"].get<std::string>()};
    if (auto ok = check_artifact_name(f.name); !ok) return bad(ok.error().message);
    if (f.name == "manifest.json") return bad("it lists itself");
    if (!hex64(f.sha256)) return bad("the sha256 of " + quote(f.name) + " is not 64 lowercase hex digits");
    out.push_back(std::move(f));
  }
  return out;
}

Result<PublishReport> publish(const stdfs::path& dir, const PublishOptions& options, std::ostream& progress) {
  stdfs::path manifest_path = dir / "manifest.json";
  std::string shown = fs::display_path(manifest_path);
  auto text = fs::read_file(manifest_path, k_max_manifest);
  if (!text) return Error{text.error().message, "run keel dist first", text.error().exit};
  auto files = read_manifest(*text, shown);
  if (!files) return files.error();

  // The bytes to upload are the ones the manifest describes.
  for (const auto& f : *files) {
    auto digest = crypto::sha256_file(dir / f.name);
    if (!digest) return digest.error();
    if (crypto::hex(*digest) != f.sha256)
      return Error{quote((dir / f.name).string()) + " is not the file manifest.json lists", "run keel dist again",
                   Exit::failed};
  }

  http::Options http;
  http.base_url = options.url;
  http.bearer_token = options.token;
  http.timeout = options.timeout;
  http.cancelled = options.cancelled;
  http.timeout_key = "--timeout";
  auto client = http::Client::open(std::move(http));
  if (!client) return client.error();

  std::vector<ListedFile> all = *files;
  all.push_back({"manifest.json", text->size(), crypto::hex(crypto::sha256(*text))});
  std::vector<Remote> states;
  std::vector<std::string> conflicts;
  for (const auto& f : all) {
    auto state = remote_state(**client, f.name, f.size, f.sha256);
    if (!state) return state.error();
    states.push_back(*state);
    if (*state == Remote::different) conflicts.push_back(f.name);
  }
  if (!conflicts.empty() && !options.overwrite)
    return Error{"the server already has " + quote(conflicts.front()) + " with other bytes" +
                     (conflicts.size() > 1 ? " (and " + std::to_string(conflicts.size() - 1) + " more)" : "") +
                     ": nothing was uploaded",
                 "publish another version, or replace them with --overwrite", Exit::failed};

  PublishReport report;
  if (states.back() == Remote::different) {
    // Readers must not see the old manifest while its files are replaced.
    auto removed = (*client)->remove("manifest.json");
    if (!removed) return removed.error();
    if (*removed < 200 || (*removed > 299 && *removed != 404))
      return Error{"DELETE " + (*client)->shown() + "/manifest.json: the server answered " + std::to_string(*removed),
                   {}, Exit::io};
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& f = all[i];
    if (states[i] == Remote::same) {
      progress << "skipped " << f.name << " (the server has it)\n";
      report.skipped.push_back(f.name);
      continue;
    }
    if (auto s = put(**client, f.name, dir / f.name); !s) return s.error();
    progress << "uploaded " << f.name << '\n';
    report.uploaded.push_back(f.name);
  }
  // The update manifests (keel dist --channel) point readers at the files
  // above: they go after them, each signature before its manifest, and
  // replace what the server had (they are re-signed to stay fresh).
  std::error_code ec;
  std::vector<std::string> channels;
  for (const auto& entry : stdfs::directory_iterator(dir / "update", ec))
    if (entry.is_directory(ec) && stdfs::exists(entry.path() / "manifest.json", ec))
      channels.push_back(entry.path().filename().string());
  std::sort(channels.begin(), channels.end());
  for (const auto& channel : channels) {
    std::vector<std::string> files;  // patches, then the signature, then the manifest
    for (const auto& entry : stdfs::directory_iterator(dir / "update" / channel, ec)) {
      std::string file = entry.path().filename().string();
      if (entry.is_regular_file(ec) && file.ends_with(".zst") && check_artifact_name(file)) files.push_back(file);
    }
    std::sort(files.begin(), files.end());
    files.insert(files.end(), {"manifest.json.minisig", "manifest.json"});
    for (const auto& file : files) {
      std::string name = "update/" + channel + "/" + file;
      if (auto s = put(**client, name, dir / name); !s) return s.error();
      progress << "uploaded " << name << '\n';
      report.uploaded.push_back(name);
    }
  }
  return report;
}

}  // namespace keel::dist
