#pragma once
// keel's changelog template language: a small logic-less language in the
// spirit of Mustache, written for keel. Pure logic, no I/O.
//
//   {{name}}            the value of name: text is inserted as is (no
//                       escaping: the output is Markdown); a flag gives
//                       "true"/"false"; a list gives nothing
//   {{#name}}…{{/name}} a section: once per item of a list (inside, the
//                       item's fields are visible, then the enclosing ones);
//                       once when name is non-empty text or true; never
//                       when it is empty text, false, an empty list or unset
//   {{^name}}…{{/name}} an inverted section: once exactly when {{#name}}
//                       would not render
//   {{! text }}         a comment, rendering nothing
//
// Names are letters, digits, '_' and '-', optionally dotted ("release.date")
// to look into an object; an unknown name is empty. A line holding only
// section, closing or comment tags (and blanks) disappears entirely, so
// sections can sit on lines of their own. Sections nest up to 64 deep.
// Errors read "template:LINE:COL: problem".

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace keel::release {

// The data a template renders: text, a flag, a list of objects or an object.
class Data {
 public:
  enum class Kind { text, flag, list, object };

  Data() : m_kind(Kind::object) {}
  static Data text(std::string s) {
    Data d(Kind::text);
    d.m_text = std::move(s);
    return d;
  }
  static Data flag(bool b) {
    Data d(Kind::flag);
    d.m_flag = b;
    return d;
  }
  static Data list() { return Data(Kind::list); }
  static Data object() { return Data(Kind::object); }

  Kind kind() const { return m_kind; }
  const std::string& as_text() const { return m_text; }
  bool as_flag() const { return m_flag; }
  const std::vector<Data>& items() const { return m_items; }
  const std::vector<std::pair<std::string, Data>>& fields() const { return m_fields; }

  Data& push(Data item) {
    m_items.push_back(std::move(item));
    return m_items.back();
  }
  // Objects: sets a field (appended; fields are few, looked up linearly).
  Data& set(std::string name, Data value);
  const Data* field(std::string_view name) const;

  bool truthy() const;

 private:
  explicit Data(Kind k) : m_kind(k) {}
  Kind m_kind;
  bool m_flag = false;
  std::string m_text;
  std::vector<Data> m_items;  // list items
  std::vector<std::pair<std::string, Data>> m_fields;
};

class Template {
 public:
  static Result<Template> parse(std::string_view text);
  // Appends the rendering to out.
  void render(const Data& data, std::string& out) const;
  std::string render(const Data& data) const {
    std::string out;
    render(data, out);
    return out;
  }

  struct Node;  // template.cpp

  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;
  ~Template();

 private:
  Template();
  std::unique_ptr<Node> m_root;
};

}  // namespace keel::release
