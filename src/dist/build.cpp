#include "dist/build.hpp"


#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/json_document.hpp"
#include "crypto/sha256.hpp"
#include "dist/deb.hpp"
#include "dist/provenance.hpp"
#include "dist/publish.hpp"
#include "fs/fs.hpp"
#include "semver/semver.hpp"

namespace keel::dist {

namespace stdfs = std::filesystem;

namespace {

// Targets whose programs xz's x86 filter helps (Go's names, as in targets).
bool is_x86(const Target& t) { return t.arch == "amd64" || t.arch == "386"; }

Error at(const config::Origin& o, const Error& e) {
  std::string where = o.describe();
  return Error{(where.empty() ? "" : where + ": ") + e.message, e.hint, e.exit};
}

Result<std::string> artifact_name(const std::string& tmpl, const TemplateFields& fields, std::string_view ext,
                                  const config::Origin& origin) {
  auto name = expand(tmpl, fields);
  if (!name) return at(origin, name.error());
  std::string full = *name + std::string(ext);
  if (auto ok = check_artifact_name(full); !ok) return at(origin, ok.error());
  return full;
}

Result<Planned> plan_archive(const ArchiveSpec& spec, std::size_t index, const TemplateFields& fields,
                             const Target& target, const stdfs::path& root) {
  Planned p;
  p.kind = spec.format == Format::binary ? Kind::binary : Kind::archive;
  p.format = spec.format;
  p.target = target;
  p.spec = index;
  auto name = artifact_name(spec.name_template, fields, extension(spec.format), spec.origin);
  if (!name) return name.error();
  p.name = *name;
  auto entries = collect(spec.files, fields, root);
  if (!entries) return entries.error();
  if (spec.format == Format::binary) {
    std::erase_if(*entries, [](const Entry& e) { return e.kind != EntryKind::file; });
    if (entries->size() != 1)
      return at(spec.origin, Error{"a binary artifact needs exactly one file, found " +
                                       std::to_string(entries->size()),
                                   "list one file in files", Exit::config});
    p.entries = std::move(entries).value();
    return p;
  }
  if (!spec.wrap.empty()) {
    auto dir = artifact_name(spec.wrap, fields, "", spec.origin);
    if (!dir) return dir.error();
    for (auto& e : *entries) e.path = e.path.empty() ? *dir : *dir + "/" + e.path;
  }
  auto tree = finish_tree(std::move(entries).value());
  if (!tree) return at(spec.origin, tree.error());
  p.entries = std::move(tree).value();
  return p;
}

Entry generated_file(std::string path, std::string data) {
  Entry e;
  e.path = std::move(path);
  e.generated = true;
  e.size = data.size();
  e.data = std::move(data);
  return e;
}

// Man pages go in gzipped, as Debian policy 12.1 wants them.
Status gzip_man_pages(std::vector<Entry>& entries) {
  for (auto& e : entries) {
    if (e.kind != EntryKind::file || !e.path.starts_with("usr/share/man/") || e.path.ends_with(".gz")) continue;
    std::string text;
    if (e.generated) {
      text = e.data;
    } else {
      auto read = fs::read_file(e.source, 64u << 20);
      if (!read) return read.error();
      text = std::move(read).value();
    }
    auto gz = gzip_bytes(text);
    if (!gz) return gz.error();
    bool config = e.config;
    unsigned mode = e.mode;
    e = generated_file(e.path + ".gz", std::move(gz).value());
    e.config = config;
    e.mode = mode;
  }
  return ok_status();
}

Result<Planned> plan_package(const PackageSpec& spec, std::size_t index, const TemplateFields& fields,
                             const Target& target, const Release& r, const stdfs::path& root) {
  Planned p;
  p.kind = Kind::package;
  p.target = target;
  p.spec = index;
  auto version = deb::version_from_semver(r.version);
  if (!version) return at(spec.origin, version.error());
  p.deb_version = *version + "-" + spec.revision;
  p.name = spec.package + "_" + p.deb_version + "_" + deb::architecture(target.arch) + ".deb";
  if (auto ok = check_artifact_name(p.name); !ok) return at(spec.origin, ok.error());
  auto entries = collect(spec.contents, fields, root);
  if (!entries) return entries.error();
  if (auto gz = gzip_man_pages(*entries); !gz) return gz.error();

  std::string doc = "usr/share/doc/" + spec.package + "/";
  std::string copyright_path = spec.copyright.empty() ? "LICENSE" : spec.copyright;
  auto given = fs::read_file(root / copyright_path, 1u << 20);
  if (!given)
    return at(spec.origin, Error{"the package's copyright file " + quote(copyright_path) + " cannot be read",
                                 "set copyright to the licence file's path", Exit::io});
  std::string holder = spec.maintainer.substr(0, spec.maintainer.find(" <"));
  entries->push_back(generated_file(doc + "copyright", deb::copyright(*given, spec.package, holder, spec.license)));

  std::string changelog;
  if (!spec.changelog.empty()) {
    auto text = fs::read_file(root / spec.changelog, 16u << 20);
    if (!text) return at(spec.origin, text.error());
    changelog = std::move(text).value();
  } else {
    changelog = deb::changelog(spec.package, p.deb_version, spec.maintainer, r.changes, r.source_date);
  }
  auto gz = gzip_bytes(changelog);
  if (!gz) return gz.error();
  entries->push_back(generated_file(doc + "changelog.Debian.gz", std::move(gz).value()));
  std::string overrides = deb::lintian_overrides(spec.package, spec.lintian_overrides, spec.changelog.empty());
  if (!overrides.empty())
    entries->push_back(generated_file("usr/share/lintian/overrides/" + spec.package, std::move(overrides)));

  auto tree = finish_tree(std::move(entries).value());
  if (!tree) return at(spec.origin, tree.error());
  p.entries = std::move(tree).value();
  return p;
}

Result<Entry> script_entry(const std::string& name, const std::string& path, const stdfs::path& root,
                           const config::Origin& origin) {
  auto text = fs::read_file(root / path, 1u << 20);
  if (!text) return at(origin, text.error());
  if (!text->starts_with("#!"))
    return at(origin, Error{"the " + name + " script " + quote(path) + " does not start with #!", {}, Exit::config});
  Entry e = generated_file(name, std::move(text).value());
  e.mode = 0755;
  return e;
}

Result<Written> build_package(const Planned& p, const PackageSpec& spec, const Release& r, const stdfs::path& staging,
                              const stdfs::path& root, unsigned threads) {
  // Everything that can be wrong with the config is checked before the
  // data is compressed.
  std::string conffiles;
  std::uint64_t bytes = 0, others = 0;
  for (const auto& e : p.entries) {
    if (e.kind != EntryKind::file) {
      ++others;
      continue;
    }
    bytes += e.size;
    if (e.config) conffiles += "/" + e.path + "\n";
  }
  deb::Control c;
  c.package = spec.package;
  c.version = p.deb_version;
  c.architecture = deb::architecture(p.target.arch);
  c.maintainer = spec.maintainer;
  c.section = spec.section;
  c.priority = spec.priority;
  c.homepage = spec.homepage;
  c.description = spec.description;
  c.depends = spec.depends;
  c.recommends = spec.recommends;
  c.conflicts = spec.conflicts;
  c.provides = spec.provides;
  c.replaces = spec.replaces;
  c.installed_size_kib = (bytes + 1023) / 1024 + others;
  auto control = deb::control_file(c);
  if (!control) return at(spec.origin, control.error());
  std::vector<Entry> meta{generated_file("control", std::move(control).value())};
  if (!conffiles.empty()) meta.push_back(generated_file("conffiles", std::move(conffiles)));
  for (auto [name, path] : {std::pair{"preinst", &spec.preinst}, {"postinst", &spec.postinst},
                            {"prerm", &spec.prerm}, {"postrm", &spec.postrm}}) {
    if (path->empty()) continue;
    auto e = script_entry(name, *path, root, spec.origin);
    if (!e) return e.error();
    meta.push_back(std::move(e).value());
  }

  std::string control_name = "control.tar.xz", data_name = "data.tar." + spec.compression;
  stdfs::path control_tar = staging / ("." + p.name + "." + control_name);
  stdfs::path data_tar = staging / ("." + p.name + "." + data_name);
  struct Remove {
    std::vector<stdfs::path> paths;
    ~Remove() {
      std::error_code ec;
      for (const auto& q : paths) stdfs::remove(q, ec);
    }
  } remove{{control_tar, data_tar}};

  // The files' MD5s are taken as they go into the data, not read twice.
  std::map<std::string, crypto::Hash> md5s;
  ArchiveOptions options{r.source_date, threads, {}, is_x86(p.target)};
  options.observe = [&md5s](const Entry& e, std::string_view chunk) {
    if (!e.config) md5s.try_emplace(e.path, "md5").first->second.update(chunk);
  };
  if (auto w = write_deb_tar(p.entries, spec.compression, options, data_tar); !w) return w.error();
  options.observe = nullptr;
  std::string md5sums;
  for (const auto& e : p.entries) {
    if (e.kind != EntryKind::file || e.config) continue;
    auto it = md5s.find(e.path);
    md5sums += deb::md5sums_line(it != md5s.end() ? it->second.finish_hex() : crypto::digest_hex("", "md5"), e.path);
  }
  meta.push_back(generated_file("md5sums", std::move(md5sums)));
  auto sorted = finish_tree(std::move(meta));
  if (!sorted) return sorted.error();
  if (auto w = write_deb_tar(*sorted, "xz", options, control_tar); !w) return w.error();
  return write_deb({control_name, control_tar}, {data_name, data_tar}, r.source_date, staging / p.name);
}

Result<std::string> digest_for_checksums(const stdfs::path& file, const Artifact& a, const std::string& algorithm) {
  if (algorithm == "sha256") return a.sha256;
  return crypto::file_digest_hex(file, algorithm);
}

Result<Artifact> record_file(const stdfs::path& file, Kind kind) {
  auto digest = crypto::sha256_file(file);
  if (!digest) return digest.error();
  std::error_code ec;
  Artifact a;
  a.name = file.filename().string();
  a.kind = kind;
  a.size = stdfs::file_size(file, ec);
  a.sha256 = crypto::hex(*digest);
  return a;
}

Status sign_into(const Signer& signer, const stdfs::path& file, std::vector<Artifact>& out) {
  auto text = signer(file);
  if (!text) return text.error();
  stdfs::path sig = file.string() + ".minisig";
  if (auto w = fs::write_file(sig, *text, {.mode = 0644}); !w) return w.error();
  auto a = record_file(sig, Kind::signature);
  if (!a) return a.error();
  out.push_back(std::move(a).value());
  return ok_status();
}

}  // namespace

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::archive: return "archive";
    case Kind::binary: return "binary";
    case Kind::package: return "package";
    case Kind::checksum: return "checksum";
    case Kind::provenance: return "provenance";
    case Kind::signature: return "signature";
  }
  return "";
}

Result<std::vector<Planned>> plan(const Settings& s, const Release& r, const stdfs::path& root) {
  std::vector<Target> targets = s.targets.empty() ? std::vector<Target>{host_target()} : s.targets;
  std::vector<Planned> out;
  for (const auto& target : targets) {
    TemplateFields fields{r.name, r.version, target.os, target.arch};
    for (std::size_t i = 0; i < s.archives.size(); ++i) {
      auto p = plan_archive(s.archives[i], i, fields, target, root);
      if (!p) return p.error();
      out.push_back(std::move(p).value());
    }
    if (target.os != "linux") continue;  // Debian packages are Linux's
    for (std::size_t i = 0; i < s.packages.size(); ++i) {
      auto p = plan_package(s.packages[i], i, fields, target, r, root);
      if (!p) return p.error();
      out.push_back(std::move(p).value());
    }
  }
  std::map<std::string, const Planned*> names;
  for (const auto& p : out) {
    if (!names.emplace(p.name, &p).second)
      return Error{"two artifacts are named " + quote(p.name),
                   "put {os} and {arch} in name_template, or give the archives different templates", Exit::config};
  }
  return out;
}

Result<std::vector<Artifact>> build(const std::vector<Planned>& planned, const Settings& s, const Release& r,
                                    const stdfs::path& staging, const BuildOptions& options) {
  std::vector<Artifact> out;
  for (const auto& p : planned) {
    ArchiveOptions archive_options{r.source_date, options.threads, {}, is_x86(p.target)};
    auto written = p.kind == Kind::package
                       ? build_package(p, s.packages[p.spec], r, staging, options.root, options.threads)
                       : write_archive(p.format, p.entries, archive_options, staging / p.name);
    if (!written) return written.error();
    Artifact a;
    a.name = p.name;
    a.kind = p.kind;
    a.format = p.kind == Kind::package ? "deb" : std::string(format_name(p.format));
    a.os = p.target.os;
    a.arch = p.target.arch;
    a.size = written->size;
    a.sha256 = crypto::hex(written->sha256);
    out.push_back(std::move(a));
  }

  std::size_t built = out.size();
  if (built > 0) {
    auto name = expand(s.checksum_template, TemplateFields{r.name, r.version, "", ""});
    if (!name) return Error{"invalid 'dist.checksums.name_template': " + name.error().message, name.error().hint,
                            Exit::config};
    if (auto ok = check_artifact_name(*name); !ok) return ok.error();
    std::vector<std::pair<std::string, std::string>> lines;
    for (const auto& a : out) {
      auto hex = digest_for_checksums(staging / a.name, a, s.checksum_algorithm);
      if (!hex) return hex.error();
      lines.emplace_back(a.name, *hex);
    }
    stdfs::path sums = staging / *name;
    if (std::any_of(out.begin(), out.end(), [&](const Artifact& a) { return a.name == *name; }))
      return Error{"the checksum file's name " + quote(*name) + " is an artifact's name", {}, Exit::config};
    if (auto w = fs::write_file(sums, checksum_lines(lines), {.mode = 0644}); !w) return w.error();
    auto a = record_file(sums, Kind::checksum);
    if (!a) return a.error();
    out.push_back(std::move(a).value());

    ProvenanceInputs in;
    for (const auto& a : out) in.subjects.push_back({a.name, a.sha256});
    in.source_uri = r.source_uri;
    in.commit = r.commit;
    in.version = r.version;
    for (const auto& p : planned)
      if (std::find(in.targets.begin(), in.targets.end(), p.target.text()) == in.targets.end())
        in.targets.push_back(p.target.text());
    in.snapshot = r.snapshot;
    in.config_json = r.config_json;
    in.keel_version = r.tool.substr(r.tool.find(' ') + 1);
    in.source_date = r.source_date;
    stdfs::path provenance = staging / (r.name + "_" + r.version + "_provenance.intoto.json");
    if (auto ok = check_artifact_name(provenance.filename().string()); !ok) return ok.error();
    if (auto w = fs::write_file(provenance, provenance_statement(in), {.mode = 0644}); !w) return w.error();
    auto p = record_file(provenance, Kind::provenance);
    if (!p) return p.error();
    out.push_back(std::move(p).value());

    if (s.sign != SignWhat::none) {
      if (!options.signer) return Error{"no signing key", {}, Exit::usage};
      if (s.sign == SignWhat::all)
        for (std::size_t i = 0; i < built; ++i)
          if (auto st = sign_into(options.signer, staging / out[i].name, out); !st) return st.error();
      if (auto st = sign_into(options.signer, sums, out); !st) return st.error();
      if (auto st = sign_into(options.signer, provenance, out); !st) return st.error();
    }
  }
  std::sort(out.begin(), out.end(), [](const Artifact& a, const Artifact& b) { return a.name < b.name; });
  return out;
}

std::string checksum_lines(const std::vector<std::pair<std::string, std::string>>& name_and_hex) {
  auto sorted = name_and_hex;
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (const auto& [name, hex] : sorted) out += hex + "  " + name + "\n";
  return out;
}

std::string manifest_json(const Release& r, const std::vector<Artifact>& artifacts) {
  nlohmann::ordered_json m;
  m["name"] = r.name;
  m["version"] = r.version;
  m["commit"] = r.commit.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.commit);
  m["source_date_epoch"] = r.source_date;
  m["tool"] = r.tool;
  auto& list = m["artifacts"] = nlohmann::ordered_json::array();
  for (const auto& a : artifacts) {
    nlohmann::ordered_json item;
    item["name"] = a.name;
    item["kind"] = kind_name(a.kind);
    if (!a.format.empty()) item["format"] = a.format;
    if (!a.os.empty()) item["os"] = a.os;
    if (!a.arch.empty()) item["arch"] = a.arch;
    item["size"] = a.size;
    item["sha256"] = a.sha256;
    list.push_back(std::move(item));
  }
  return m.dump(2) + "\n";
}

Result<update::Manifest> update_manifest(const Release& r, const std::vector<Artifact>& artifacts,
                                         const std::string& channel, std::uint64_t serial, std::int64_t expires) {
  update::Manifest m;
  m.channel = channel;
  m.version = r.version;
  m.serial = serial;
  m.expires = expires;
  for (const auto& a : artifacts) {
    if (a.kind != Kind::binary) continue;
    std::string platform = a.os + "/" + a.arch;
    if (!m.platforms.emplace(platform, update::Download{"../../" + a.name, a.size, a.sha256, std::nullopt}).second)
      return Error{"two binary artifacts for " + platform + ": an update manifest lists one per platform",
                   "keep one [[dist.archives]] with format = \"binary\"", Exit::config};
  }
  if (m.platforms.empty())
    return Error{"--channel needs a binary artifact to update to", "add [[dist.archives]] with format = \"binary\"",
                 Exit::config};
  return m;
}

Result<PreviousRelease> read_previous_release(std::string_view text, const std::string& shown) {
  auto listed = read_manifest(text, shown);  // names and digests checked
  if (!listed) return listed.error();
  auto doc = json::parse_document(text, shown, Exit::io).value_or_throw();
  auto bad = [&](const std::string& why) {
    return Error{quote(shown) + " is not a keel dist manifest: " + why, {}, Exit::io};
  };
  if (!doc.contains("version") || !doc["version"].is_string()) return bad("it has no \"version\"");
  PreviousRelease out;
  out.version = doc["version"].get<std::string>();
  if (!semver::parse(out.version)) return bad("its version " + quote(out.version) + " is not a semantic version");
  for (const auto& a : doc["artifacts"]) {
    if (!a.contains("kind") || a["kind"] != "binary") continue;
    if (!a.contains("os") || !a["os"].is_string() || !a.contains("arch") || !a["arch"].is_string())
      return bad("a binary lacks its os or arch");
    out.binaries.push_back({a["os"].get<std::string>() + "/" + a["arch"].get<std::string>(),
                            a["name"].get<std::string>(), a["sha256"].get<std::string>()});
  }
  return out;
}

}  // namespace keel::dist
