#include "dist/entries.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/utf8.hpp"
#include "hooks/glob.hpp"

namespace keel::dist {

namespace stdfs = std::filesystem;

namespace {

Error at(const config::Origin& o, std::string message, std::string hint = {}, Exit exit = Exit::config) {
  std::string where = o.describe();
  return Error{(where.empty() ? "" : where + ": ") + std::move(message), std::move(hint), exit};
}

bool has_glob_meta(std::string_view s) { return s.find_first_of("*?[{") != std::string_view::npos; }

// The leading segments of a glob that hold no wildcard: where its walk starts.
std::string fixed_prefix(std::string_view glob) {
  std::size_t meta = glob.find_first_of("*?[{");
  std::string_view head = glob.substr(0, meta);
  std::size_t slash = head.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(head.substr(0, slash));
}

std::size_t segments(std::string_view s) {
  return s.empty() ? 0 : 1 + static_cast<std::size_t>(std::count(s.begin(), s.end(), '/'));
}

std::string strip_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string join(const std::string& dir, const std::string& rest) {
  if (dir.empty()) return rest;
  if (rest.empty()) return dir;
  return dir + "/" + rest;
}

unsigned default_mode(const stdfs::path& p, bool is_dir) {
  struct stat st{};
  if (is_dir) return 0755;
  if (::stat(p.c_str(), &st) != 0) return 0644;
  return (st.st_mode & 0111) ? 0755 : 0644;
}

// The source relative to root, or nullopt when it lies outside.
std::optional<std::string> relative_to(const stdfs::path& p, const stdfs::path& root) {
  auto rel = p.lexically_normal().lexically_relative(root.lexically_normal());
  std::string s = rel.generic_string();
  if (rel.empty() || s == ".." || s.starts_with("../") || rel.is_absolute()) return std::nullopt;
  return s == "." ? std::string() : s;
}

struct Collector {
  const FileSpec& spec;
  const stdfs::path& root;
  std::vector<Entry>& out;
  std::set<std::string> seen_sources;

  Entry make(const stdfs::path& source, std::string path, EntryKind kind) {
    Entry e;
    e.path = std::move(path);
    e.kind = kind;
    e.source = source;
    e.config = spec.type == "config";
    e.origin = spec.origin.describe();
    if (kind == EntryKind::symlink) {
      std::error_code ec;
      e.link_target = stdfs::read_symlink(source, ec).string();
      e.mode = 0777;
    } else {
      e.mode = spec.mode.value_or(default_mode(source, kind == EntryKind::dir));
      if (kind == EntryKind::file) {
        std::error_code ec;
        e.size = stdfs::file_size(source, ec);
      }
    }
    return e;
  }

  // Every directory, file and link below dir, placed under base.
  Status add_tree(const stdfs::path& dir, const std::string& base) {
    std::error_code ec;
    out.push_back(make(dir, base, EntryKind::dir));
    for (stdfs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::string rel = it->path().lexically_relative(dir).generic_string();
      if (it->path().filename() == ".git") {
        it.disable_recursion_pending();
        continue;
      }
      std::error_code type_ec;
      auto type = it->symlink_status(type_ec).type();
      EntryKind kind = type == stdfs::file_type::directory ? EntryKind::dir
                       : type == stdfs::file_type::symlink ? EntryKind::symlink
                                                           : EntryKind::file;
      if (kind == EntryKind::file && type != stdfs::file_type::regular) continue;  // sockets, fifos
      out.push_back(make(it->path(), join(base, rel), kind));
    }
    if (ec) return at(spec.origin, "cannot read " + quote(dir.string()) + ": " + ec.message(), {}, Exit::io);
    return ok_status();
  }

  Status add_literal(const std::string& src, const std::string& dst) {
    stdfs::path p = stdfs::path(src).is_absolute() ? stdfs::path(src) : root / src;
    std::error_code ec;
    auto st = stdfs::status(p, ec);
    if (!stdfs::exists(st))
      return at(spec.origin, "dist input " + quote(src) + " does not exist", "build it first, or list a task in dist.before",
                Exit::io);
    auto rel = relative_to(p, root);
    bool dst_is_dir = dst.empty() ? false : dst.back() == '/' || dst == ".";
    std::string place;
    if (dst.empty()) {
      if (!rel) return at(spec.origin, quote(src) + " lies outside the project", "give it a dst");
      place = *rel;
    } else if (dst_is_dir) {
      place = join(strip_slash(dst == "." ? "" : dst), stdfs::is_directory(st) ? "" : p.filename().string());
    } else {
      place = dst;
    }
    if (stdfs::is_directory(st)) return add_tree(p, strip_slash(place));
    if (!stdfs::is_regular_file(st)) return at(spec.origin, quote(src) + " is not a regular file", {}, Exit::io);
    out.push_back(make(p, place, EntryKind::file));
    return ok_status();
  }

  Status add_glob(const std::string& src, const std::string& dst) {
    auto alternatives = hooks::brace_alternatives(src);
    if (!alternatives) return at(spec.origin, "the glob " + quote(src) + " has too many alternatives");
    std::size_t before = out.size();
    for (const auto& alt : *alternatives) {
      std::string prefix = fixed_prefix(alt);
      bool deep = alt.find("**") != std::string::npos;
      std::size_t depth = segments(alt) - segments(prefix);
      stdfs::path start = prefix.empty() ? root : root / prefix;
      std::error_code ec;
      stdfs::recursive_directory_iterator it(start, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        if (it->path().filename() == ".git") {
          it.disable_recursion_pending();
          continue;
        }
        if (!deep && static_cast<std::size_t>(it.depth()) + 1 >= depth) it.disable_recursion_pending();
        std::string rel = it->path().lexically_relative(root).generic_string();
        if (!hooks::glob_match("/" + alt, rel)) continue;
        std::error_code type_ec;
        auto type = it->status(type_ec).type();  // a link to a file is the file
        if (type != stdfs::file_type::regular) continue;
        if (!seen_sources.insert(rel).second) continue;
        std::string under_prefix = it->path().lexically_relative(start).generic_string();
        std::string place = dst.empty() ? rel : join(strip_slash(dst == "." ? "" : dst), under_prefix);
        out.push_back(make(it->path(), place, EntryKind::file));
      }
    }
    if (out.size() == before)
      return at(spec.origin, "the glob " + quote(src) + " matches no file", "build the inputs first, or fix the glob",
                Exit::io);
    return ok_status();
  }
};

}  // namespace

Result<std::string> normalize_destination(std::string_view dst) {
  if (utf8::find_invalid(dst)) return Error{"the destination is not valid UTF-8", {}, Exit::config};
  std::string out;
  std::size_t i = 0;
  while (i <= dst.size()) {
    std::size_t slash = dst.find('/', i);
    if (slash == std::string_view::npos) slash = dst.size();
    std::string_view seg = dst.substr(i, slash - i);
    i = slash + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..")
      return Error{"the destination " + quote(dst) + " climbs out of the archive root", "remove the '..'",
                   Exit::config};
    for (unsigned char c : seg)
      if (c < 0x20 || c == 0x7f)
        return Error{"the destination " + quote(dst) + " holds a control character", {}, Exit::config};
    if (!out.empty()) out += '/';
    out += seg;
  }
  if (!dst.empty() && dst.back() == '/' && !out.empty()) out += '/';
  return out;
}

bool path_before(std::string_view a, std::string_view b) {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    unsigned ca = a[i] == '/' ? 0u : static_cast<unsigned char>(a[i]) + 1u;
    unsigned cb = b[i] == '/' ? 0u : static_cast<unsigned char>(b[i]) + 1u;
    if (ca != cb) return ca < cb;
  }
  return a.size() < b.size();
}

Result<std::vector<Entry>> finish_tree(std::vector<Entry> entries) {
  std::map<std::string, std::size_t> by_path;
  std::vector<Entry> out;
  out.reserve(entries.size() * 2);
  for (auto& e : entries) {
    if (e.path.empty()) continue;  // the root itself
    auto [it, added] = by_path.emplace(e.path, out.size());
    if (!added) {
      const Entry& first = out[it->second];
      if (first.kind == EntryKind::dir && e.kind == EntryKind::dir) continue;
      return Error{"two files have the destination " + quote(e.path) + (first.origin.empty() ? "" : " (" + first.origin) +
                       (e.origin.empty() || e.origin == first.origin ? "" : " and " + e.origin) +
                       (first.origin.empty() ? "" : ")"),
                   "give one of them another dst", Exit::config};
    }
    out.push_back(std::move(e));
  }
  std::size_t listed = out.size();
  for (std::size_t i = 0; i < listed; ++i) {
    std::string path = out[i].path;
    for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      std::string parent = path.substr(0, slash);
      auto it = by_path.find(parent);
      if (it != by_path.end()) {
        if (out[it->second].kind != EntryKind::dir)
          return Error{quote(parent) + " is both a file and the directory of " + quote(path),
                       "give one of them another dst", Exit::config};
        continue;
      }
      Entry dir;
      dir.path = parent;
      dir.kind = EntryKind::dir;
      dir.mode = 0755;
      by_path.emplace(parent, out.size());
      out.push_back(std::move(dir));
    }
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return path_before(a.path, b.path); });
  return out;
}

Result<std::vector<Entry>> collect(const std::vector<FileSpec>& specs, const TemplateFields& fields,
                                   const stdfs::path& root) {
  std::vector<Entry> out;
  for (const auto& spec : specs) {
    auto src = expand(spec.src, fields, Unknown::keep);
    if (!src) return at(spec.origin, src.error().message, src.error().hint);
    auto dst_text = expand(spec.dst, fields, Unknown::refuse);
    if (!dst_text) return at(spec.origin, dst_text.error().message, dst_text.error().hint);
    auto dst = normalize_destination(*dst_text);
    if (!dst) return at(spec.origin, dst.error().message, dst.error().hint);
    if (!spec.dst.empty() && dst->empty()) *dst = ".";
    Collector c{spec, root, out, {}};
    if (spec.type == "dir" || spec.type == "symlink") {
      Entry e;
      e.path = strip_slash(*dst);
      e.kind = spec.type == "dir" ? EntryKind::dir : EntryKind::symlink;
      e.mode = spec.type == "dir" ? spec.mode.value_or(0755) : 0777;
      e.link_target = *src;
      e.origin = spec.origin.describe();
      out.push_back(std::move(e));
      continue;
    }
    auto added = has_glob_meta(*src) ? c.add_glob(*src, *dst) : c.add_literal(*src, *dst);
    if (!added) return added.error();
  }
  for (auto& e : out) e.path = strip_slash(e.path);
  return out;
}

}  // namespace keel::dist
