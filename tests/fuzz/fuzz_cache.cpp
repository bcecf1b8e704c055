// libFuzzer target for what keel run reads back from its cache directory,
// which other processes (or a damaged disk) may have written: action
// entries (src/pipeline/store.hpp, JSON with a digest of its own) and the
// stat cache (src/pipeline/inputs.hpp, a header and two arrays). The first
// byte chooses which; the rest is the file. Besides crashes and sanitizer
// reports, it aborts when an entry that was accepted names a path outside
// its task's dir.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fs/fs.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/store.hpp"

using namespace keel;
using namespace keel::pipeline;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    char tmpl[] = "/tmp/keel-fuzz-cache-XXXXXX";
    require(::mkdtemp(tmpl) != nullptr);
    return std::filesystem::path(tmpl);
  }();
  return dir;
}

bool inside(const std::string& p) {
  if (p.empty() || p.front() == '/') return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string seg = p.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  Store store(scratch() / "store");
  require(store.prepare().ok());
  if (data[0] % 2 == 0) {
    const std::string key(64, 'a');
    require(fs::write_file(store.entry_path(key), bytes, {.mode = 0600, .links = fs::Links::replace}).ok());
    auto entry = store.lookup(key);
    if (entry && *entry)
      for (const auto& o : (*entry)->outputs) require(inside(o.path));
    return 0;
  }
  std::filesystem::path file = scratch() / "stat";
  require(fs::write_file(file, bytes, {.mode = 0600, .links = fs::Links::replace}).ok());
  StatCache stats;
  stats.load(file);
  struct stat st {};
  crypto::Digest d{};
  for (const char* path : {"", "a", "src/a.c", "zzz"}) (void)stats.find(path, st, d);
  return 0;
}
