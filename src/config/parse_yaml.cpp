#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <set>
#include <sstream>

#include "config/parse.hpp"
#include "config/parse_common.hpp"

namespace keel::config {

namespace {

struct YamlError {
  Error error;
};

Origin origin_of(const YAML::Node& node, const std::string& path, Origin::Kind kind) {
  const YAML::Mark m = node.Mark();
  return Origin{kind, path, m.line + 1, m.column + 1};
}

bool is_one_of(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (s == w) return true;
  return false;
}

// YAML 1.2 core schema for plain (unquoted) scalars.
Value plain_scalar(const std::string& s, Origin o) {
  if (s.empty() || is_one_of(s, {"~", "null", "Null", "NULL"})) return Value();
  if (is_one_of(s, {"true", "True", "TRUE"})) return Value::make_bool(true, std::move(o));
  if (is_one_of(s, {"false", "False", "FALSE"})) return Value::make_bool(false, std::move(o));
  {
    errno = 0;
    char* end = nullptr;
    long long i = std::strtoll(s.c_str(), &end, 10);
    bool digits = s.find_first_not_of("+-0123456789") == std::string::npos;
    if (digits && errno == 0 && end && *end == '\0') return Value::make_int(i, std::move(o));
  }
  {
    bool floaty = s.find_first_not_of("+-0123456789.eE") == std::string::npos &&
                  s.find_first_of("0123456789") != std::string::npos;
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (floaty && end && *end == '\0') return Value::make_float(d, std::move(o));
  }
  return Value::make_string(s, std::move(o));
}

// Aliases can expand a small document exponentially ("billion laughs");
// a config never needs this many nodes or this much nesting.
constexpr std::size_t k_max_nodes = 100000;
constexpr int k_max_depth = 64;

struct Budget {
  std::size_t nodes = 0;
  int depth = 0;
};

Value convert(const YAML::Node& node, const std::string& path, Origin::Kind kind, Budget& budget);

Value convert_checked(const YAML::Node& node, const std::string& path, Origin::Kind kind, Budget& budget) {
  if (++budget.nodes > k_max_nodes || budget.depth >= k_max_depth) {
    const YAML::Mark m = node.Mark();
    throw YamlError{detail::position_error(path, m.line + 1, m.column + 1,
                                           budget.depth >= k_max_depth
                                               ? "nested too deeply"
                                               : "too many values (aliases expand to over 100000)")};
  }
  ++budget.depth;
  Value v = convert(node, path, kind, budget);
  --budget.depth;
  return v;
}

Value convert(const YAML::Node& node, const std::string& path, Origin::Kind kind, Budget& budget) {
  Origin o = origin_of(node, path, kind);
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Value v = Value::make_table(o);
      std::set<std::string> seen;
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) {
          throw YamlError{detail::position_error(path, o.line, o.column, "mapping keys must be strings")};
        }
        std::string key = it->first.Scalar();
        Origin ko = origin_of(it->first, path, kind);
        if (!seen.insert(normalize_key(key)).second) {
          throw YamlError{detail::position_error(path, ko.line, ko.column, "duplicate key " + quote(key))};
        }
        Value child = convert_checked(it->second, path, kind, budget);
        Origin co = child.origin();
        co.line = ko.line;
        co.column = ko.column;
        child.set_origin(co);
        v.set(key, std::move(child));
      }
      return v;
    }
    case YAML::NodeType::Sequence: {
      Value v = Value::make_array(o);
      for (const auto& item : node) v.push_back(convert_checked(item, path, kind, budget));
      return v;
    }
    case YAML::NodeType::Scalar:
      if (node.Tag() == "?") return plain_scalar(node.Scalar(), std::move(o));
      return Value::make_string(node.Scalar(), std::move(o));
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Value();
  }
  return Value();
}

// Counts documents without building them.
class DocumentCounter final : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> second_start;
  int documents = 0;
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents == 2) second_start = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Where a second document starts, if there is one. At most two documents are
// read: yaml-cpp 0.7's LoadAll never ends on some malformed input (it keeps
// producing empty documents), so it is not used.
std::optional<YAML::Mark> second_document(std::string_view text) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentCounter counter;
  while (counter.documents < 2 && parser.HandleNextDocument(counter)) {
  }
  return counter.second_start;
}

}  // namespace

Result<Value> parse_yaml(std::string_view text, const std::string& display_path, Origin::Kind kind) {
  if (auto err = detail::check_utf8(text, display_path)) return *err;
  try {
    if (auto second = second_document(text))
      return detail::position_error(display_path, second->line + 1, second->column + 1,
                                    "expected one YAML document, found more");
    std::vector<YAML::Node> docs{YAML::Load(std::string(text))};
    Value root = Value::make_table(Origin{kind, display_path, 0, 0});
    if (docs[0].IsNull()) return root;
    if (!docs[0].IsMap()) {
      const auto m = docs[0].Mark();
      return detail::position_error(display_path, m.line + 1, m.column + 1,
                                    "the top level must be a mapping of keys");
    }
    Budget budget;
    Value v = convert_checked(docs[0], display_path, kind, budget);
    v.set_origin(root.origin());
    return v;
  } catch (const YamlError& e) {
    return e.error;
  } catch (const YAML::Exception& e) {
    return detail::position_error(display_path, e.mark.line + 1, e.mark.column + 1, "malformed YAML: " + e.msg);
  }
}

}  // namespace keel::config
