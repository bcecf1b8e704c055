// libFuzzer target for keel run's task tables (src/pipeline/tasks.hpp):
// any bytes as a keel.toml; what parses is read as [tasks], each task's
// matrix is expanded and the whole graph is planned. Besides crashes and
// sanitizer reports, it checks invariants and aborts when one breaks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/parse.hpp"
#include "pipeline/tasks.hpp"

using namespace keel;
using namespace keel::pipeline;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto doc = config::parse_document(text, "keel.toml", config::Origin::Kind::project);
  if (!doc) return 0;
  const config::Value* table = doc->find("tasks");
  if (!table) return 0;
  auto tasks = tasks_from(*table);
  if (!tasks) {
    // Every refusal says where.
    require(tasks.error().message.rfind("keel.toml:", 0) == 0);
    return 0;
  }
  std::vector<TaskNode> nodes;
  std::vector<std::string> names;
  for (const auto& t : *tasks) {
    require(!t.run.empty());
    auto jobs = expand(t.matrix, t.name);
    require(jobs.ok());  // tasks_from checked the matrix
    require(!jobs->empty() || !t.matrix.exclude.empty());
    nodes.push_back({t.name, t.deps});
    names.push_back(t.name);
  }
  auto p = plan(nodes, names);
  if (p) {
    // Each task once, after its deps.
    require(p->tasks.size() <= nodes.size());
    for (std::size_t i = 0; i < p->deps.size(); ++i)
      for (std::size_t d : p->deps[i]) require(d < i);
  }
  return 0;
}
