#include "pipeline/describe.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "core/json.hpp"

namespace keel::pipeline {

namespace {

std::string group_of(const std::string& name) {
  std::size_t colon = name.find(':');
  return colon == std::string::npos ? std::string() : name.substr(0, colon);
}

std::string dot_id(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// nlohmann throws on invalid UTF-8; names come from UTF-8 checked configs,
// but a value on the command line may not be.
std::string valid(const std::string& s) {
  std::string q = json::quote(s);
  return nlohmann::json::parse(q).get<std::string>();
}

}  // namespace

std::string list_text(const std::vector<TaskSpec>& specs) {
  std::vector<std::string> groups;
  std::map<std::string, std::vector<const TaskSpec*>> members;
  std::size_t width = 0;
  for (const auto& s : specs) {
    std::string g = group_of(s.name);
    if (!members.count(g)) groups.push_back(g);
    members[g].push_back(&s);
    width = std::max(width, s.name.size());
  }
  std::string out;
  for (const auto& g : groups) {
    if (!out.empty()) out += '\n';
    if (!g.empty()) out += g + ":\n";
    for (const TaskSpec* s : members[g]) {
      std::string line = "  " + s->name;
      if (!s->desc.empty()) line += std::string(width - s->name.size() + 2, ' ') + s->desc;
      out += line + '\n';
    }
  }
  return out;
}

std::string list_json(const std::vector<TaskSpec>& specs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : specs) {
    nlohmann::json t;
    t["name"] = valid(s.name);
    t["desc"] = valid(s.desc);
    t["deps"] = nlohmann::json::array();
    for (const auto& d : s.deps) t["deps"].push_back(valid(d));
    t["jobs"] = nlohmann::json::array();
    auto combos = expand(s.matrix, s.name);
    if (combos)
      for (const auto& c : *combos) t["jobs"].push_back(valid(job_name(s.name, c)));
    out.push_back(std::move(t));
  }
  return out.dump(2) + "\n";
}

std::string graph_dot(const std::vector<Job>& jobs) {
  std::string out = "digraph keel {\n  rankdir=LR;\n";
  for (const auto& j : jobs) out += "  " + dot_id(j.name) + ";\n";
  for (const auto& j : jobs)
    for (std::size_t d : j.deps) out += "  " + dot_id(jobs[d].name) + " -> " + dot_id(j.name) + ";\n";
  return out + "}\n";
}

std::string graph_json(const std::vector<Job>& jobs) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& j : jobs) {
    nlohmann::json n;
    n["name"] = valid(j.name);
    n["deps"] = nlohmann::json::array();
    for (std::size_t d : j.deps) n["deps"].push_back(valid(jobs[d].name));
    list.push_back(std::move(n));
  }
  nlohmann::json out;
  out["jobs"] = std::move(list);
  return out.dump(2) + "\n";
}

}  // namespace keel::pipeline
