#include "dist/settings.hpp"

#include <sys/utsname.h>

#include "dist/deb.hpp"

namespace keel::dist {

namespace {

using config::Value;

Error bad(const Value& v, std::string_view key, const std::string& problem, std::string hint = {}) {
  return Error{v.origin().describe() + ": invalid " + quote(key) + ": " + problem, std::move(hint), Exit::config};
}

Result<std::string> string_field(const Value& v, std::string_view key) {
  if (!v.is_string()) return bad(v, key, "expected a string, found " + std::string(v.type_name()));
  return v.as_string();
}

Result<std::vector<std::string>> list_field(const Value& v, std::string_view key) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.as_string());
    return out;
  }
  if (!v.is_array()) return bad(v, key, "expected a string or an array of strings");
  for (const Value& item : v.items()) {
    if (!item.is_string()) return bad(item, key, "expected a string, found " + std::string(item.type_name()));
    out.push_back(item.as_string());
  }
  return out;
}

// 0o755 in TOML, or "0755" / "755" as text.
Result<unsigned> mode_field(const Value& v, std::string_view key) {
  std::int64_t mode = -1;
  if (v.type() == Value::Type::integer) {
    mode = v.as_int();
  } else if (v.is_string() && !v.as_string().empty() && v.as_string().size() <= 5) {
    mode = 0;
    for (char c : v.as_string()) {
      if (c < '0' || c > '7') {
        mode = -1;
        break;
      }
      mode = mode * 8 + (c - '0');
    }
  }
  if (mode < 0 || mode > 07777) return bad(v, key, "expected a file mode such as 0o755 or \"0644\"");
  return static_cast<unsigned>(mode);
}

Result<FileSpec> file_spec(const Value& item, const std::string& key, bool package) {
  FileSpec f;
  f.origin = item.origin();
  if (item.is_string()) {
    f.src = item.as_string();
    if (f.src.empty()) return bad(item, key, "an empty path");
    return f;
  }
  if (!item.is_table()) return bad(item, key, "expected a path or a table {src, dst, mode}");
  for (std::size_t i = 0; i < item.size(); ++i) {
    const std::string& field = item.key_at(i);
    const Value& v = item.value_at(i);
    std::string name = key + "." + field;
    if (field == "src" || field == "dst" || (package && field == "type")) {
      auto s = string_field(v, name);
      if (!s) return s.error();
      (field == "src" ? f.src : field == "dst" ? f.dst : f.type) = *s;
    } else if (field == "mode") {
      auto m = mode_field(v, name);
      if (!m) return m.error();
      f.mode = *m;
    } else {
      return bad(v, name, "unknown field", package ? "fields are src, dst, mode and type" : "fields are src, dst and mode");
    }
  }
  if (package) {
    if (f.type != "" && f.type != "file" && f.type != "config" && f.type != "symlink" && f.type != "dir")
      return bad(item, key + ".type", "unknown type " + quote(f.type), "types are file, config, symlink and dir");
    if (f.type == "file") f.type.clear();
    if (f.dst.empty()) return bad(item, key, "an entry has no dst");
    if (f.type != "dir" && f.src.empty()) return bad(item, key, "an entry has no src");
  } else if (f.src.empty()) {
    return bad(item, key, "an entry has no src");
  }
  return f;
}

Result<std::vector<FileSpec>> file_specs(const Value& v, const std::string& key, bool package) {
  std::vector<FileSpec> out;
  if (!v.is_array()) return bad(v, key, "expected an array of paths or tables");
  for (const Value& item : v.items()) {
    auto f = file_spec(item, key, package);
    if (!f) return f.error();
    out.push_back(std::move(f).value());
  }
  return out;
}

Result<ArchiveSpec> archive_spec(const Value& item, std::size_t index) {
  ArchiveSpec a;
  a.origin = item.origin();
  std::string key = "dist.archives[" + std::to_string(index) + "]";
  if (!item.is_table()) return bad(item, key, "expected a table");
  for (std::size_t i = 0; i < item.size(); ++i) {
    const std::string& field = item.key_at(i);
    const Value& v = item.value_at(i);
    std::string name = key + "." + field;
    if (field == "format") {
      auto s = string_field(v, name);
      if (!s) return s.error();
      auto f = parse_format(*s);
      if (!f) return bad(v, name, "unknown format " + quote(*s), "formats are tar.gz, tar.zst, tar.xz, zip and binary");
      a.format = *f;
    } else if (field == "name_template") {
      auto s = string_field(v, name);
      if (!s) return s.error();
      a.name_template = *s;
    } else if (field == "wrap_in_directory") {
      if (v.type() == Value::Type::boolean) {
        a.wrap = v.as_bool() ? "\x01" : "";  // the archive's own name, filled in below
      } else {
        auto s = string_field(v, name);
        if (!s) return bad(v, name, "expected true, false or a directory name template");
        a.wrap = *s;
      }
    } else if (field == "files") {
      auto f = file_specs(v, name, false);
      if (!f) return f.error();
      a.files = std::move(f).value();
    } else {
      return bad(v, name, "unknown field", "fields are format, name_template, wrap_in_directory and files");
    }
  }
  if (a.wrap == "\x01") a.wrap = a.name_template;
  if (a.files.empty()) return bad(item, key, "an archive has no files", "list them in files = [...]");
  return a;
}

Result<PackageSpec> package_spec(const Value& item, std::size_t index) {
  PackageSpec p;
  p.origin = item.origin();
  std::string key = "dist.packages[" + std::to_string(index) + "]";
  if (!item.is_table()) return bad(item, key, "expected a table");
  for (std::size_t i = 0; i < item.size(); ++i) {
    const std::string& field = item.key_at(i);
    const Value& v = item.value_at(i);
    std::string name = key + "." + field;
    std::string* text = field == "package"       ? &p.package
                        : field == "maintainer"  ? &p.maintainer
                        : field == "description" ? &p.description
                        : field == "section"     ? &p.section
                        : field == "priority"    ? &p.priority
                        : field == "homepage"    ? &p.homepage
                        : field == "preinst"     ? &p.preinst
                        : field == "postinst"    ? &p.postinst
                        : field == "prerm"       ? &p.prerm
                        : field == "postrm"      ? &p.postrm
                        : field == "copyright"   ? &p.copyright
                        : field == "changelog"   ? &p.changelog
                        : field == "compression" ? &p.compression
                        : field == "license"     ? &p.license
                        : field == "revision"    ? &p.revision
                                                 : nullptr;
    std::vector<std::string>* list = field == "depends"      ? &p.depends
                                     : field == "recommends" ? &p.recommends
                                     : field == "conflicts"  ? &p.conflicts
                                     : field == "provides"   ? &p.provides
                                     : field == "replaces"   ? &p.replaces
                                                             : nullptr;
    if (text) {
      auto s = string_field(v, name);
      if (!s) return s.error();
      *text = *s;
    } else if (list) {
      auto l = list_field(v, name);
      if (!l) return l.error();
      *list = std::move(l).value();
    } else if (field == "contents") {
      auto f = file_specs(v, name, true);
      if (!f) return f.error();
      p.contents = std::move(f).value();
    } else if (field == "lintian_overrides") {
      if (!v.is_array()) return bad(v, name, "expected an array of tables {tag, why}");
      for (const Value& o : v.items()) {
        const Value* tag = o.is_table() ? o.find("tag") : nullptr;
        const Value* why = o.is_table() ? o.find("why") : nullptr;
        if (!tag || !why || !tag->is_string() || !why->is_string() || o.size() != 2 || why->as_string().empty())
          return bad(o, name, "expected {tag = \"lintian-tag\", why = \"the reason it cannot apply\"}");
        const std::string& t = tag->as_string();
        if (t.empty() || t.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-+./ []*") != std::string::npos)
          return bad(*tag, name, "invalid lintian tag " + quote(t));
        if (why->as_string().find('\n') != std::string::npos) return bad(*why, name, "the reason is one line");
        p.lintian_overrides.emplace_back(t, why->as_string());
      }
    } else {
      return bad(v, name, "unknown field",
                 "fields are package, maintainer, description, section, priority, homepage, depends, recommends, "
                 "conflicts, provides, replaces, contents, preinst, postinst, prerm, postrm, copyright, license, "
                 "changelog, compression, revision and lintian_overrides");
    }
  }
  for (auto [field, value] : {std::pair{"package", &p.package}, {"maintainer", &p.maintainer},
                              {"description", &p.description}})
    if (value->empty()) return bad(item, key, std::string("a package needs a ") + field);
  if (p.compression != "xz" && p.compression != "gz" && p.compression != "zst")
    return bad(item, key + ".compression", "unknown compression " + quote(p.compression), "use xz, gz or zst");
  if (p.contents.empty()) return bad(item, key, "a package has no contents", "list them in contents = [...]");
  if (p.revision.empty() || p.revision.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+.~") != std::string::npos)
    return bad(*item.find("revision"), key + ".revision", "expected letters, digits, '+', '.' or '~', such as \"1\"");
  if (auto name = deb::check_package_name(p.package); !name) {
    const Value* v = item.find("package");
    return Error{(v ? v : &item)->origin().describe() + ": " + name.error().message, {}, Exit::config};
  }
  return p;
}

}  // namespace

Result<Target> parse_target(std::string_view text) {
  std::size_t slash = text.find('/');
  auto word = [](std::string_view w) {
    if (w.empty() || w.size() > 32) return false;
    for (char c : w)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
  };
  if (slash == std::string_view::npos || !word(text.substr(0, slash)) || !word(text.substr(slash + 1)))
    return Error{"invalid target " + quote(text) + ": expected os/arch such as linux/amd64", {}, Exit::usage};
  return Target{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
}

Target host_target() {
  struct utsname u{};
  std::string machine = ::uname(&u) == 0 ? u.machine : "unknown";
  std::string arch = machine == "x86_64"                       ? "amd64"
                     : machine == "aarch64"                    ? "arm64"
                     : machine == "i686" || machine == "i386"  ? "386"
                     : machine.starts_with("armv7")            ? "arm"
                     : machine == "riscv64"                    ? "riscv64"
                     : machine == "ppc64le"                    ? "ppc64le"
                     : machine == "s390x"                      ? "s390x"
                                                               : machine;
  return Target{"linux", arch};
}

Result<Settings> settings_from_config(const config::Config& c) {
  Settings s;
  s.name = c.get_string("dist.name");
  s.version = c.get_string("dist.version");
  if (const Value* v = c.find("dist.source_date_epoch"); v && v->type() == Value::Type::integer) {
    if (v->as_int() < 0) return bad(*v, "dist.source_date_epoch", "expected a time in seconds since 1970");
    s.source_date_epoch = v->as_int();
  }
  s.before = c.get_list("dist.before");
  s.output_dir = c.get_string("dist.output_dir", "dist");
  if (s.output_dir.empty()) s.output_dir = "dist";
  if (const Value* list = c.find("dist.targets")) {
    auto texts = list_field(*list, "dist.targets");
    if (!texts) return texts.error();
    for (const auto& t : *texts) {
      auto target = parse_target(t);
      if (!target) return bad(*list, "dist.targets", target.error().message.substr(target.error().message.find(':') + 2));
      s.targets.push_back(*target);
    }
  }
  if (const Value* list = c.find("dist.archives"); list && list->is_array()) {
    for (std::size_t i = 0; i < list->items().size(); ++i) {
      auto a = archive_spec(list->items()[i], i);
      if (!a) return a.error();
      s.archives.push_back(std::move(a).value());
    }
  }
  if (const Value* list = c.find("dist.packages"); list && list->is_array()) {
    for (std::size_t i = 0; i < list->items().size(); ++i) {
      auto p = package_spec(list->items()[i], i);
      if (!p) return p.error();
      s.packages.push_back(std::move(p).value());
    }
  }
  s.checksum_algorithm = c.get_string("dist.checksums.algorithm", "sha256");
  s.checksum_template = c.get_string("dist.checksums.name_template", "{name}_{version}_checksums.txt");
  std::string sign = c.get_string("dist.sign.artifacts", "none");
  s.sign = sign == "all" ? SignWhat::all : sign == "checksum" ? SignWhat::checksum : SignWhat::none;
  s.sign_key = c.get_string("dist.sign.key");
  return s;
}

}  // namespace keel::dist
