#include "release/context.hpp"

#include "core/json_document.hpp"

namespace keel::release {

namespace {

using Json = nlohmann::ordered_json;

Json to_json(const Data& d) {
  switch (d.kind()) {
    case Data::Kind::text: return d.as_text();
    case Data::Kind::flag: return d.as_flag();
    case Data::Kind::list: {
      Json a = Json::array();
      for (const auto& item : d.items()) a.push_back(to_json(item));
      return a;
    }
    case Data::Kind::object: {
      Json o = Json::object();
      for (const auto& [name, value] : d.fields()) o[name] = to_json(value);
      return o;
    }
  }
  return nullptr;
}

// Numbers become their text and null empty text: a template sees text.
Data from_json(const Json& j) {
  if (j.is_string()) return Data::text(j.get<std::string>());
  if (j.is_boolean()) return Data::flag(j.get<bool>());
  if (j.is_array()) {
    Data list = Data::list();
    for (const auto& item : j) list.push(from_json(item));
    return list;
  }
  if (j.is_object()) {
    Data object = Data::object();
    for (const auto& [name, value] : j.items()) object.set(name, from_json(value));
    return object;
  }
  if (j.is_null()) return Data::text("");
  return Data::text(j.dump());
}

Error bad(const std::string& shown, std::string problem) {
  return Error{shown + ": " + std::move(problem), "see docs/changelog-context.schema.json", Exit::usage};
}

}  // namespace

std::string context_json(const std::vector<Data>& sections) {
  Json a = Json::array();
  for (const auto& s : sections) a.push_back(to_json(s));
  // Invalid UTF-8 in a commit message becomes U+FFFD rather than an error.
  return a.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<std::vector<Data>> context_from_json(std::string_view text, const std::string& shown) {
  auto parsed = json::parse_document(text, shown, Exit::usage);
  if (!parsed) return parsed.error();
  const Json& doc = *parsed;
  if (!doc.is_array()) return bad(shown, "expected an array of sections");
  std::vector<Data> out;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const Json& s = doc[i];
    std::string where = "section " + std::to_string(i + 1);
    if (!s.is_object()) return bad(shown, where + " is not an object");
    auto version = s.find("version");
    if (version == s.end() || !version->is_string() || version->get_ref<const std::string&>().empty())
      return bad(shown, where + " has no \"version\" text");
    if (auto groups = s.find("groups"); groups != s.end() && !groups->is_array())
      return bad(shown, where + ": \"groups\" is not an array");
    out.push_back(from_json(s));
  }
  return out;
}

}  // namespace keel::release
