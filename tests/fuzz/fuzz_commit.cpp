// libFuzzer target for commit messages: cleanup, the Conventional Commits
// parser, the lint rules (defaults, and every case rule switched on) and the
// letter cases. The first byte picks the comment prefix; the rest is the
// message. Besides crashes and sanitizer reports, it checks invariants the
// rest of keel relies on and aborts when one breaks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "commit/cleanup.hpp"
#include "commit/lint.hpp"
#include "commit/text_case.hpp"

using namespace keel::commit;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

Rules every_rule() {
  Rules r = conventional_rules();
  r["scope-enum"].words = {"api", "ui"};
  r["scope-case"].words = {"lower-case", "kebab-case"};
  r["type-case"].when = When::never;
  r["type-case"].words = case_names();
  r["subject-case"].when = When::always;
  r["subject-case"].words = case_names();
  r["header-max-length"].limit = 0;
  return r;
}

void check_message(const Message& m) {
  if (m.conventional) {
    require(m.problem.empty());
    require(!m.type.empty() && !m.description.empty());
    require(m.header.find(m.type) != std::string::npos);
  } else {
    require(!m.problem.empty());
    require(m.type.empty() && m.description.empty() && m.scope.empty());
  }
  require(m.breaking || m.breaking_description.empty());
  for (const auto& f : m.footers) require(!f.token.empty() && f.line >= m.header_line);
  require(m.footers.empty() == m.footer_text.empty());
  for (const auto& finding : lint(m, conventional_rules())) require(!finding.message.empty());
  (void)lint(m, every_rule());
  (void)ignored_as(m, Ignore{});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const char* const prefixes[] = {"#", ";", "//", ""};
  std::string prefix = prefixes[data[0] % 4];
  std::string raw(reinterpret_cast<const char*>(data + 1), size - 1);

  std::string cleaned = cleanup(raw, prefix);
  require(cleanup(cleaned, prefix) == cleaned);  // git's cleanup is idempotent; so is keel's
  require(cleaned.empty() || cleaned.back() == '\n');

  check_message(parse(cleaned));
  check_message(parse(raw));  // commits of a range are parsed as stored

  for (const auto& name : case_names()) {
    Case c = *parse_case(name);
    (void)is_case(raw, c);
    std::string converted = to_case(raw, c);
    (void)converted;
  }
  return 0;
}
