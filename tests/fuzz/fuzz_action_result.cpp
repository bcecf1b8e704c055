// libFuzzer target for the action results a remote cache server sends
// (src/pipeline/action_result.hpp, binary protobuf through protobuf-c).
// Besides crashes and sanitizer reports, it aborts when an accepted result
// names a path outside its task, a path twice, a link that leaves the task,
// or does not read back the same after it is written again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "pipeline/action_result.hpp"

using namespace keel;
using namespace keel::pipeline;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto entry = decode_action_result(bytes, 1u << 30);
  if (!entry) return 0;
  std::set<std::string> seen;
  for (const auto& o : entry->outputs) {
    require(safe_relative(o.path));
    require(seen.insert(o.path).second);
    require(o.size <= (1u << 30));
    if (o.mode == 0120000) require(!o.link.empty() && o.link.front() != '/');
  }
  auto again = decode_action_result(encode_action_result(*entry), 1u << 30);
  require(bool(again) && again->outputs.size() == entry->outputs.size());
  for (std::size_t i = 0; i < entry->outputs.size(); ++i) {
    require(again->outputs[i].path == entry->outputs[i].path);
    require(again->outputs[i].digest == entry->outputs[i].digest);
    require(again->outputs[i].mode == entry->outputs[i].mode);
  }
  require(again->out == entry->out && again->err == entry->err);
  return 0;
}
