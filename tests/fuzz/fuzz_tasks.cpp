// libFuzzer target for keel run's task tables (src/pipeline/tasks.hpp),
// their templates (jobs.hpp) and env files (dotenv.hpp): any bytes as a
// keel.toml; what parses is read as [tasks], each task's matrix is
// expanded, the whole graph is planned and its jobs made with a marker value
// as {args} and VAR=value, which must never become script text; the bytes
// are read as a dotenv file too. Besides crashes and
// sanitizer reports, it checks invariants and aborts when one breaks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/parse.hpp"
#include "pipeline/dotenv.hpp"
#include "pipeline/jobs.hpp"
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
  if (auto env = parse_dotenv(text, "ci.env"); !env) require(env.error().message.rfind("ci.env:", 0) == 0);
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
    require(!t.run.empty() || !t.deps.empty());
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
  if (!check_tasks(*tasks) || !p) return 0;
  // A value no config holds: it must reach commands only as arguments.
  const std::string marker = "\x01keel-value'\"$(x)";
  if (text.find("keel-value") != std::string::npos) return 0;
  Invocation call;
  call.tasks = names;
  call.args = {marker, "", "-x"};
  for (const auto& t : *tasks)
    for (const auto& [k, v] : t.vars) call.vars.emplace_back(k, marker);
  auto jobs = plan_jobs(*tasks, call);
  if (!jobs) return 0;
  for (const auto& j : jobs->jobs) {
    for (std::size_t d : j.deps) require(&jobs->jobs[d] < &j);  // deps come first
    for (const auto& c : j.commands) {
      require(c.script.find("keel-value") == std::string::npos);
      require(c.compact.find("keel-value") == std::string::npos);
    }
  }
  return 0;
}
