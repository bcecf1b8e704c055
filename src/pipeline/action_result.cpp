#include "pipeline/action_result.hpp"

#include <algorithm>
#include <deque>
#include <memory>

#include "remote_execution.pb-c.h"

namespace keel::pipeline {

namespace {

using PbDigest = Build__Bazel__Remote__Execution__V2__Digest;
using PbFile = Build__Bazel__Remote__Execution__V2__OutputFile;
using PbLink = Build__Bazel__Remote__Execution__V2__OutputSymlink;
using PbResult = Build__Bazel__Remote__Execution__V2__ActionResult;

// protobuf-c's structs hold plain pointers: what they point to lives here
// until the message is packed (a deque never moves its elements).
struct Building {
  std::deque<std::string> hex;
  std::vector<std::unique_ptr<PbDigest>> digests;
  std::vector<std::unique_ptr<PbFile>> files;
  std::vector<std::unique_ptr<PbLink>> links;

  PbDigest* digest(const crypto::Digest& d, std::uint64_t size) {
    auto pb = std::make_unique<PbDigest>();
    build__bazel__remote__execution__v2__digest__init(pb.get());
    pb->hash = const_cast<char*>(hex.emplace_back(crypto::hex(d)).c_str());
    pb->size_bytes = static_cast<std::int64_t>(size);
    digests.push_back(std::move(pb));
    return digests.back().get();
  }
};

Error invalid(const std::string& why) { return Error{"not a usable action result: " + why, {}, Exit::failed}; }

Result<crypto::Digest> read_digest(const PbDigest* pb, std::uint64_t max_size, std::uint64_t& size, const char* what) {
  crypto::Digest d{};
  if (!pb) return invalid(std::string(what) + " has no digest");
  if (!crypto::parse_hex(pb->hash ? pb->hash : "", d))
    return invalid(std::string(what) + " has a digest that is not 64 lowercase hex digits");
  if (pb->size_bytes < 0 || static_cast<std::uint64_t>(pb->size_bytes) > max_size)
    return invalid(std::string(what) + " has a size of " + std::to_string(pb->size_bytes) +
                   " bytes, over cache.remote.max_blob_size");
  size = static_cast<std::uint64_t>(pb->size_bytes);
  return d;
}

// A link's target, taken from the directory the link is in, stays inside
// the task's directory.
bool link_stays_inside(const std::string& path, const std::string& target) {
  if (target.empty() || target.front() == '/' || target.find('\0') != std::string::npos) return false;
  long depth = static_cast<long>(std::count(path.begin(), path.end(), '/'));
  std::size_t start = 0;
  while (start <= target.size()) {
    std::size_t end = target.find('/', start);
    if (end == std::string::npos) end = target.size();
    std::string_view seg(target.data() + start, end - start);
    if (seg == "..") {
      if (--depth < 0) return false;
    } else if (!seg.empty() && seg != ".") {
      ++depth;
    }
    start = end + 1;
  }
  return true;
}

// No path twice, and none below another (a file cannot be a directory too).
Status check_paths(std::vector<OutputRecord>& outputs) {
  std::sort(outputs.begin(), outputs.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  std::vector<std::string_view> names;
  names.reserve(outputs.size());
  for (const auto& o : outputs) {
    if (!names.empty() && names.back() == o.path) return invalid("the output " + quote(o.path) + " is listed twice");
    names.emplace_back(o.path);
  }
  for (const auto& o : outputs)
    for (std::size_t slash = o.path.find('/'); slash != std::string::npos; slash = o.path.find('/', slash + 1))
      if (std::binary_search(names.begin(), names.end(), std::string_view(o.path).substr(0, slash)))
        return invalid("the output " + quote(o.path) + " lies below the file " + quote(o.path.substr(0, slash)));
  return ok_status();
}

}  // namespace

std::string encode_action_result(const ActionEntry& entry) {
  Building b;
  std::vector<PbFile*> files;
  std::vector<PbLink*> links;
  for (const auto& o : entry.outputs) {
    if (o.mode == 0120000) {
      auto pb = std::make_unique<PbLink>();
      build__bazel__remote__execution__v2__output_symlink__init(pb.get());
      pb->path = const_cast<char*>(o.path.c_str());
      pb->target = const_cast<char*>(o.link.c_str());
      links.push_back(pb.get());
      b.links.push_back(std::move(pb));
      continue;
    }
    auto pb = std::make_unique<PbFile>();
    build__bazel__remote__execution__v2__output_file__init(pb.get());
    pb->path = const_cast<char*>(o.path.c_str());
    pb->digest = b.digest(o.digest, o.size);
    pb->is_executable = o.mode == 0100755;
    files.push_back(pb.get());
    b.files.push_back(std::move(pb));
  }
  PbResult r;
  build__bazel__remote__execution__v2__action_result__init(&r);
  r.n_output_files = files.size();
  r.output_files = files.data();
  r.n_output_symlinks = links.size();
  r.output_symlinks = links.data();
  r.exit_code = entry.exit_code;
  if (entry.out) r.stdout_digest = b.digest(*entry.out, entry.out_size);
  if (entry.err) r.stderr_digest = b.digest(*entry.err, entry.err_size);
  std::string bytes(build__bazel__remote__execution__v2__action_result__get_packed_size(&r), '\0');
  build__bazel__remote__execution__v2__action_result__pack(&r, reinterpret_cast<std::uint8_t*>(bytes.data()));
  return bytes;
}

Result<ActionEntry> decode_action_result(std::string_view bytes, std::uint64_t max_blob_size) {
  auto* raw = build__bazel__remote__execution__v2__action_result__unpack(
      nullptr, bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
  if (!raw) return invalid("the bytes are not an ActionResult message");
  std::unique_ptr<PbResult, void (*)(PbResult*)> r(
      raw, [](PbResult* p) { build__bazel__remote__execution__v2__action_result__free_unpacked(p, nullptr); });
  if (r->exit_code != 0) return invalid("its exit code is " + std::to_string(r->exit_code));
  if (r->n_output_directories != 0) return invalid("it has output directories, which keel does not read");
  if (r->stdout_raw.len != 0 || r->stderr_raw.len != 0) return invalid("it holds its output inline");
  ActionEntry e;
  for (std::size_t i = 0; i < r->n_output_files; ++i) {
    const PbFile* f = r->output_files[i];
    OutputRecord o;
    o.path = f->path ? f->path : "";
    if (!safe_relative(o.path)) return invalid("the output path " + quote(o.path) + " is not inside the task");
    if (f->contents.len != 0) return invalid("the output " + quote(o.path) + " is inline");
    auto d = read_digest(f->digest, max_blob_size, o.size, "an output file");
    if (!d) return d.error();
    o.digest = *d;
    o.mode = f->is_executable ? 0100755 : 0100644;
    e.outputs.push_back(std::move(o));
  }
  for (auto [list, n] : {std::pair{r->output_symlinks, r->n_output_symlinks},
                         std::pair{r->output_file_symlinks, r->n_output_file_symlinks},
                         std::pair{r->output_directory_symlinks, r->n_output_directory_symlinks}}) {
    for (std::size_t i = 0; i < n; ++i) {
      OutputRecord o;
      o.path = list[i]->path ? list[i]->path : "";
      o.link = list[i]->target ? list[i]->target : "";
      if (!safe_relative(o.path)) return invalid("the output path " + quote(o.path) + " is not inside the task");
      if (!link_stays_inside(o.path, o.link))
        return invalid("the link " + quote(o.path) + " points outside the task: " + quote(o.link));
      o.mode = 0120000;
      o.digest = crypto::sha256(o.link);
      o.size = o.link.size();
      e.outputs.push_back(std::move(o));
    }
  }
  if (auto s = check_paths(e.outputs); !s) return s.error();
  auto stream = [&](const PbDigest* pb, std::optional<crypto::Digest>& into, std::uint64_t& size,
                    const char* what) -> Status {
    if (!pb) return ok_status();
    auto d = read_digest(pb, max_blob_size, size, what);
    if (!d) return d.error();
    into = *d;
    return ok_status();
  };
  if (auto s = stream(r->stdout_digest, e.out, e.out_size, "stdout"); !s) return s.error();
  if (auto s = stream(r->stderr_digest, e.err, e.err_size, "stderr"); !s) return s.error();
  return e;
}

}  // namespace keel::pipeline
