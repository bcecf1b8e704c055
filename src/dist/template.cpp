#include "dist/template.hpp"

#include "core/utf8.hpp"

namespace keel::dist {

namespace {

const std::string* field_named(std::string_view key, const TemplateFields& f) {
  if (key == "name") return &f.name;
  if (key == "version") return &f.version;
  if (key == "os") return &f.os;
  if (key == "arch") return &f.arch;
  return nullptr;
}

}  // namespace

Result<std::string> expand(std::string_view text, const TemplateFields& fields, Unknown unknown) {
  std::string out;
  out.reserve(text.size() + 32);
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t open = text.find('{', i);
    if (open == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, open - i);
    std::size_t close = text.find('}', open);
    if (close == std::string_view::npos) {
      if (unknown == Unknown::keep) {
        out += text.substr(open);
        break;
      }
      return Error{"unclosed '{' in " + quote(text), "fields are {name}, {version}, {os} and {arch}", Exit::config};
    }
    std::string_view key = text.substr(open + 1, close - open - 1);
    if (const std::string* value = field_named(key, fields)) {
      out += *value;
    } else if (unknown == Unknown::keep) {
      out += text.substr(open, close - open + 1);
    } else {
      return Error{"unknown field " + quote(text.substr(open, close - open + 1)) + " in " + quote(text),
                   "fields are {name}, {version}, {os} and {arch}", Exit::config};
    }
    i = close + 1;
  }
  return out;
}

Status check_artifact_name(std::string_view name) {
  auto bad = [&](const char* why) {
    return Error{"invalid artifact name " + quote(!utf8::find_invalid(name) ? name : "(not UTF-8)") + ": " + why, {},
                 Exit::config};
  };
  if (name.empty()) return bad("it is empty");
  if (name.size() > 255) return bad("it is longer than 255 bytes");
  if (utf8::find_invalid(name)) return bad("it is not valid UTF-8");
  for (unsigned char c : name) {
    if (c == '/') return bad("it contains '/'");
    if (c < 0x20 || c == 0x7f) return bad("it contains a control character");
  }
  if (name.front() == '.') return bad("it starts with '.'");
  if (name.front() == '-') return bad("it starts with '-'");
  return ok_status();
}

}  // namespace keel::dist
