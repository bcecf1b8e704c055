// libFuzzer target for what keel reads from pack files itself: the commit
// text parser, pack entry headers, and a pack index and a pack scan over
// pack data, both written to files, as the reader maps them. The first two
// bytes say where the index ends and the pack starts, the next 20 name the
// commit to look up, and the rest is the index, then the pack. Besides
// sanitizer reports it checks that a parsed commit is consistent and that
// a scan stays within its budget.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "git/commit_text.hpp"
#include "git/pack_reader.hpp"

using namespace keel::git;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

const std::filesystem::path& objects_dir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("keel-fuzz-pack-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d / "pack");
    return d;
  }();
  return dir;
}

void write(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  CommitBrief brief;
  if (parse_commit_text(input, brief)) {
    require(brief.parent_count == brief.parents.size());
    require(brief.message.empty() || brief.message.front() != '\n');
    require(brief.message.size() <= input.size());
  }

  PackEntry entry;
  for (std::uint64_t offset : {0u, 1u, 12u})
    if (parse_pack_entry(input, offset, entry)) require(entry.data > offset && entry.data < input.size());

  if (size < 2 + Oid::raw_size) return 0;
  std::size_t split = std::size_t(data[0]) << 8 | data[1];
  git_oid raw{};
  for (std::size_t i = 0; i < Oid::raw_size; ++i) raw.id[i] = data[2 + i];
  Oid id(raw);
  std::string_view rest = input.substr(2 + Oid::raw_size);
  split = std::min(split, rest.size());
  write(objects_dir() / "pack" / "pack-fuzz.idx", rest.substr(0, split));
  write(objects_dir() / "pack" / "pack-fuzz.pack", rest.substr(split));
  PackReader reader(objects_dir());
  std::string out;
  if (reader.read_commit(id, out)) require(out.size() <= (std::uint64_t(64) << 20));
  PackScan scan(reader.largest());
  if (scan.take(id, out)) require(out.size() <= (std::uint64_t(64) << 20));
  require(scan.scanned() <= 2 + 256);
  return 0;
}
