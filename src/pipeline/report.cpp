#include "pipeline/report.hpp"

#include <cstdio>
#include <map>

#include "core/utf8.hpp"

namespace keel::pipeline {

namespace {

std::string seconds(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", std::chrono::duration<double>(d).count());
  return buf;
}

std::string line_for(const JobResult& r) {
  std::string word(state_word(r.state));
  if (r.allowed) word = "failed (allowed)";
  std::string line = "  " + word;
  line.append(word.size() < 10 ? 10 - word.size() : 0, ' ');
  line += " " + r.name;
  std::string detail;
  if (r.state == JobState::failed || r.state == JobState::timed_out) detail = r.why + ", ";
  if (r.state == JobState::skipped || r.state == JobState::not_run) detail = r.why;
  else if (r.state != JobState::cancelled || r.duration.count() > 0) detail += seconds(r.duration) + "s";
  if (r.attempts > 1) detail += ", " + std::to_string(r.attempts) + " attempts";
  if (!detail.empty()) line += " (" + detail + ")";
  return line + "\n";
}

// Text for an XML attribute or element: escaped, and only characters XML
// 1.0 allows.
std::string xml_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\t': case '\n': out += static_cast<char>(c); break;
        case '\r': out += "&#13;"; break;
        default:
          if (c < 0x20 || c == 0x7f) out += "\xEF\xBF\xBD";
          else out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    std::size_t n = utf8::sequence_length(s.substr(i));
    // U+FFFE and U+FFFF are not XML characters either.
    if (n == 0 || (n == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
                   static_cast<unsigned char>(s[i + 2]) >= 0xBE)) {
      out += "\xEF\xBF\xBD";
      i += n == 0 ? 1 : n;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

void testcase(std::string& xml, const JobResult& r, const std::string& suite) {
  xml += "    <testcase name=\"" + xml_text(r.name) + "\" classname=\"" + xml_text(suite) + "\" time=\"" +
         seconds(r.duration) + "\"";
  bool failed = (r.state == JobState::failed || r.state == JobState::timed_out) && !r.allowed;
  bool skipped = r.state == JobState::skipped || r.state == JobState::not_run || r.state == JobState::cancelled;
  if (!failed && !skipped) {
    xml += "/>\n";
    return;
  }
  xml += ">\n";
  if (failed)
    xml += "      <failure message=\"" + xml_text(r.why) + "\" type=\"" + std::string(state_word(r.state)) + "\"/>\n";
  else
    xml += "      <skipped message=\"" + xml_text(r.why.empty() ? std::string(state_word(r.state)) : r.why) + "\"/>\n";
  if (failed) {
    xml += "      <system-out>" + xml_text(r.out) + "</system-out>\n";
    xml += "      <system-err>" + xml_text(r.err) + "</system-err>\n";
  }
  xml += "    </testcase>\n";
}

}  // namespace

std::string_view state_word(JobState s) {
  switch (s) {
    case JobState::passed: return "passed";
    case JobState::failed: return "failed";
    case JobState::skipped: return "skipped";
    case JobState::up_to_date: return "up to date";
    case JobState::restored: return "restored";
    case JobState::timed_out: return "timed out";
    case JobState::cancelled: return "cancelled";
    case JobState::not_run: return "not run";
  }
  return "?";
}

std::string summary(const RunResult& result) {
  std::string text;
  std::map<std::string_view, std::size_t> counts;
  std::vector<std::string_view> order;
  for (const auto* list : {&result.jobs, &result.finally})
    for (const auto& r : *list) {
      text += line_for(r);
      std::string_view w = state_word(r.state);
      if (counts[w]++ == 0) order.push_back(w);
    }
  std::string total;
  for (auto w : order) total += (total.empty() ? "" : ", ") + std::to_string(counts[w]) + " " + std::string(w);
  return text + "keel run: " + (total.empty() ? "nothing to run" : total) + " in " + seconds(result.duration) + "s\n";
}

std::string junit_xml(const RunResult& result, const std::string& suite_name) {
  std::size_t tests = 0, failures = 0, skipped = 0;
  std::string cases;
  for (const auto* list : {&result.jobs, &result.finally})
    for (const auto& r : *list) {
      ++tests;
      if ((r.state == JobState::failed || r.state == JobState::timed_out) && !r.allowed) ++failures;
      else if (r.state == JobState::skipped || r.state == JobState::not_run || r.state == JobState::cancelled) ++skipped;
      testcase(cases, r, suite_name);
    }
  std::string counts = "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
                       "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\" time=\"" +
                       seconds(result.duration) + "\"";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"" + xml_text(suite_name) + "\" " + counts + ">\n";
  xml += "  <testsuite name=\"" + xml_text(suite_name) + "\" " + counts + ">\n";
  xml += cases;
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace keel::pipeline
