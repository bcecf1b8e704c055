#pragma once
// What `keel run` says at the end: one line per job and a total, and the
// JUnit XML report that CI systems display (--report).

#include <string>

#include "pipeline/runner.hpp"

namespace keel::pipeline {

// "  passed     build (0.52s)\n" … then "keel run: 3 passed, 1 failed in 1.20s\n".
std::string summary(const RunResult& result);

// One <testsuite> with one <testcase> per job (finally jobs included);
// failures carry the job's output as system-out and system-err. Bytes that
// XML cannot hold (control characters, invalid UTF-8) become U+FFFD.
std::string junit_xml(const RunResult& result, const std::string& suite_name);

std::string_view state_word(JobState s);  // "passed", "timed out", ...

}  // namespace keel::pipeline
