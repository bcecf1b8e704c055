// keel run's pure parts: jobs from specs (templates, vars, finally),
// dotenv files, durations back to text, the summary and the JUnit report,
// the cache key and sizes.
#include <doctest/doctest.h>

#include "support.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "config/parse.hpp"
#include "pipeline/cache_key.hpp"
#include "pipeline/dotenv.hpp"
#include "pipeline/duration.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/jobs.hpp"
#include "pipeline/report.hpp"
#include "pipeline/store.hpp"

using namespace keel;
using namespace keel::pipeline;
using namespace std::chrono_literals;

TEST_CASE("pipeline jobs: templates become positional parameters") {
  auto s = test::task_specs("[tasks.t]\nrun = \"echo '{vars.who}' {args}\"\nvars = { who = \"w\" }\n");
  REQUIRE(check_tasks(s).ok());
  Invocation call{{"t"}, {{"who", "$(id)"}}, {"a b", "c"}, false};
  auto plan = plan_jobs(s, call);
  REQUIRE(plan.ok());
  REQUIRE(plan->jobs.size() == 1);
  const auto& c = plan->jobs[0].commands.at(0);
  CHECK(c.script == "echo ''\"${1}\"'' \"${2}\" \"${3}\"");
  CHECK(c.args == std::vector<std::string>{"$(id)", "a b", "c"});
  CHECK(plan->jobs[0].shown.at(0) == "echo ''$(id)'' 'a b' c");
}

TEST_CASE("pipeline jobs: matrix values in run, env and dir; deps wait for every job") {
  auto s = test::task_specs(
      "[tasks.b]\nrun = \"make {matrix.os}\"\ndir = \"out/{matrix.os}\"\nenv = { OS = \"{matrix.os}\" }\n"
      "matrix = { os = [\"linux\", \"mac\"] }\n[tasks.ship]\ndeps = [\"b\"]\nrun = \"true\"\n");
  auto plan = plan_jobs(s, {{"ship"}, {}, {}, false});
  REQUIRE(plan.ok());
  REQUIRE(plan->jobs.size() == 3);
  CHECK(plan->jobs[0].name == "b[os=linux]");
  CHECK(plan->jobs[1].dir == "out/mac");
  CHECK(plan->jobs[1].env == Pairs{{"OS", "mac"}});
  CHECK(plan->jobs[0].commands[0].args == std::vector<std::string>{"linux"});
  CHECK(plan->jobs[2].deps == std::vector<std::size_t>{0, 1});
}

TEST_CASE("pipeline jobs: errors") {
  auto s = test::task_specs("[tasks.t]\nrun = \"echo {vars.whom} {a,b} {1..3}\"\nvars = { who = \"w\" }\nfinally = [\"rep\"]\n"
                 "[tasks.report]\nrun = \"true\"\n");
  auto st = check_tasks(s);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "keel.toml:1:8: unknown template '{vars.whom}' in 'run' of task 't'");
  CHECK(st.error().hint == "did you mean '{vars.who}'?");

  auto f = test::task_specs("[tasks.t]\nrun = \"echo {a,b} {1..3} ${HOME}\"\nfinally = [\"rep\"]\n[tasks.report]\nrun = \"true\"\n");
  st = check_tasks(f);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "keel.toml:1:8: task 't' names 'rep' in 'finally', which does not exist");

  auto ok = test::task_specs("[tasks.t]\nrun = \"echo {vars.who}\"\nvars = { who = \"w\" }\n");
  auto p = plan_jobs(ok, {{"t"}, {{"whom", "x"}}, {}, false});
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().exit == Exit::usage);
  CHECK(p.error().message == "no task that runs declares the variable 'whom'");
}

TEST_CASE("pipeline jobs: finally tasks run once, after the graph, without repeating its tasks") {
  auto s = test::task_specs("[tasks.a]\nrun = \"true\"\nfinally = [\"report\", \"a\"]\n[tasks.report]\nrun = \"true\"\n");
  auto p = plan_jobs(s, {{"a"}, {}, {}, false});
  REQUIRE(p.ok());
  REQUIRE(p->finally.size() == 1);
  CHECK(p->finally[0].name == "report");
}

TEST_CASE("dotenv: values, quotes, comments and errors with their place") {
  auto r = parse_dotenv("# c\n\nexport A=1\nB = two words  # note\nC='a # b $X'\nD=\"x\\ny\\\"z\\\\\"\nE=url#frag\nF=\n",
                        "e.env");
  REQUIRE(r.ok());
  std::vector<std::pair<std::string, std::string>> want{
      {"A", "1"}, {"B", "two words"}, {"C", "a # b $X"}, {"D", "x\ny\"z\\"}, {"E", "url#frag"}, {"F", ""}};
  CHECK(*r == want);
  CHECK(parse_dotenv("A=1\n1B=2\n", "e.env").error().message == "e.env:2:1: expected NAME=value");
  CHECK(parse_dotenv("A 1\n", "e.env").error().message == "e.env:1:3: expected '=' after 'A'");
  CHECK(parse_dotenv("A='x\n", "e.env").error().message == "e.env:1:3: unterminated single-quoted value");
  CHECK(parse_dotenv("A=\"x\" y\n", "e.env").error().message == "e.env:1:7: unexpected text after the closing quote");
}

TEST_CASE("durations back to text") {
  CHECK(format_duration(0ms) == "0s");
  CHECK(format_duration(250ms) == "250ms");
  CHECK(format_duration(5400s) == "1h30m");
  CHECK(format_duration(90061001ms) == "1d1h1m1s1ms");
}

TEST_CASE("report: summary lines and a JUnit document that escapes what XML cannot hold") {
  RunResult r;
  auto job = [](std::string name, JobState state, std::string why, std::chrono::milliseconds took, unsigned attempts) {
    JobResult j;
    j.name = std::move(name);
    j.state = state;
    j.why = std::move(why);
    j.duration = took;
    j.attempts = attempts;
    return j;
  };
  JobResult ok = job("build", JobState::passed, "", 1500ms, 1);
  JobResult bad = job("t<1>", JobState::failed, "exit 3", 20ms, 2);
  bad.out = "a&b\x01\xff\n";
  bad.err = "\r";
  JobResult off = job("deploy", JobState::skipped, "if: env:DEPLOY", 0ms, 0);
  r.jobs = {ok, bad, off};
  r.duration = 1600ms;
  CHECK(summary(r) ==
        "  passed     build (1.50s)\n"
        "  failed     t<1> (exit 3, 0.02s, 2 attempts)\n"
        "  skipped    deploy (if: env:DEPLOY)\n"
        "keel run: 1 passed, 1 failed, 1 skipped in 1.60s\n");
  std::string xml = junit_xml(r, "keel run");
  CHECK(xml.find("<testsuites name=\"keel run\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.60\">") !=
        std::string::npos);
  CHECK(xml.find("<testcase name=\"t&lt;1&gt;\"") != std::string::npos);
  CHECK(xml.find("<system-out>a&amp;b\xEF\xBF\xBD\xEF\xBF\xBD\n</system-out>") != std::string::npos);
  CHECK(xml.find("<system-err>&#13;</system-err>") != std::string::npos);
}


TEST_CASE("cache key: every part counts, and parts cannot run into each other") {
  KeyParts base;
  base.dir = "web";
  base.shell = {"/bin/sh", "-c"};
  base.commands = {hooks::ShellCall{"make \"${1}\"", {"all"}, {}}};
  base.env = {{"LEVEL", "1"}};
  base.key_env = {{"CC", std::string("gcc")}};
  base.key_outputs = {"gcc 12\n"};
  base.inputs = {InputFile{"a.c", 0100644, crypto::sha256("a")}};
  base.dep_keys = {"k1"};
  base.platform = "linux-x86_64";
  std::string key = cache_key(base);
  // Pinned: a change to how the parts are hashed must come with a new
  // k_cache_format, or old entries would answer for new keys' meaning.
  CHECK(key == "86b3b31a9de27a6520a9e83be893816f5b5f4dca4f153e7bdb6afffd1fbc718f");
  CHECK(cache_key(base) == key);
  std::vector<KeyParts> changed(12, base);
  changed[0].dir = "web2";
  changed[1].shell = {"/bin/bash", "-c"};
  changed[2].commands[0].args = {"al", "l"};
  changed[3].env = {{"LEVEL", "2"}};
  changed[4].key_env = {{"CC", std::nullopt}};
  changed[5].key_env = {{"CC", std::string("")}};
  changed[6].key_outputs = {"gcc 13\n"};
  changed[7].inputs[0].path = "b.c";
  changed[8].inputs[0].mode = 0100755;
  changed[9].inputs[0].digest = crypto::sha256("b");
  changed[10].dep_keys = {"k2"};
  changed[11].platform = "linux-aarch64";
  std::set<std::string> keys{key};
  for (const auto& c : changed) keys.insert(cache_key(c));
  CHECK(keys.size() == changed.size() + 1);
  // Many inputs are hashed in pieces: a change in any piece counts.
  KeyParts many = base;
  many.inputs.clear();
  for (int i = 0; i < 2500; ++i) many.inputs.push_back(InputFile{"f" + std::to_string(i), 0100644, crypto::sha256("x")});
  std::set<std::string> many_keys{cache_key(many)};
  for (std::size_t i : {std::size_t{0}, std::size_t{1023}, std::size_t{1024}, std::size_t{2499}}) {
    KeyParts one = many;
    one.inputs[i].digest = crypto::sha256("y");
    many_keys.insert(cache_key(one));
  }
  many.inputs.pop_back();
  many_keys.insert(cache_key(many));
  CHECK(many_keys.size() == 6);
}

TEST_CASE("sizes") {
  CHECK(parse_size("5G").value() == 5ull << 30);
  CHECK(parse_size("500m").value() == 500ull << 20);
  CHECK(parse_size("64KiB").value() == 64ull << 10);
  CHECK(parse_size("1024").value() == 1024);
  CHECK(parse_size("G").error().message == "invalid size 'G': expected a number such as 5G or 500M");
  CHECK(parse_size("99999999999T").error().message == "invalid size '99999999999T': too large");
  CHECK(format_size(1536) == "1.5 KiB");
  CHECK(format_size(12) == "12 B");
}

namespace {

struct stat stat_of(std::int64_t mtime_sec, ino_t ino) {
  struct stat st {};
  st.st_size = 5;
  st.st_ino = ino;
  st.st_mtim = {mtime_sec, 1};
  st.st_ctim = {mtime_sec, 2};
  return st;
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

TEST_CASE("stat cache: what save() wrote, load() reads back") {
  auto dir = std::filesystem::temp_directory_path() / "keel-unit-stat-cache-saved";
  std::filesystem::create_directories(dir);
  auto file = dir / "stat";
  struct stat st = stat_of(100, 7);
  crypto::Digest a = crypto::sha256("a"), b = crypto::sha256("b");
  {
    StatCache fresh;
    fresh.put("src/b.c", st, b);
    fresh.put("a.c", st, a);
    REQUIRE(fresh.save(file).ok());
  }
  StatCache cache;
  cache.load(file);
  crypto::Digest d{};
  CHECK(cache.find("a.c", st, d));
  CHECK(d == a);
  CHECK(cache.find("src/b.c", st, d));
  CHECK(d == b);
  CHECK_FALSE(cache.find("src/b", st, d));
  CHECK_FALSE(cache.find("b.c", st, d));
  CHECK_FALSE(cache.find("a.c", stat_of(100, 8), d));  // another inode
  CHECK_FALSE(cache.find("a.c", stat_of(101, 7), d));  // another mtime
  // Asked in path order, each search going on from the last.
  std::size_t cursor = 0;
  CHECK(cache.find("a.c", st, d, &cursor));
  CHECK(d == a);
  CHECK_FALSE(cache.find("b.c", st, d, &cursor));
  CHECK(cache.find("src/b.c", st, d, &cursor));
  CHECK(d == b);
  CHECK_FALSE(cache.find("zzz", st, d, &cursor));
  CHECK(cursor == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("stat cache: a damaged file is ignored, whatever its header claims") {
  auto dir = std::filesystem::temp_directory_path() / "keel-unit-stat-cache";
  std::filesystem::create_directories(dir);
  auto file = dir / "stat";
  struct stat st = stat_of(100, 7);
  {
    StatCache fresh;
    fresh.put("a.c", st, crypto::sha256("a"));
    REQUIRE(fresh.save(file).ok());
  }
  const std::string good = read_bytes(file);
  const std::size_t header = std::string("keel stat cache 4\n").size();
  REQUIRE(good.compare(0, header, "keel stat cache 4\n") == 0);
  auto with_64 = [&](std::size_t at, std::uint64_t v) {
    std::string bytes = good;
    for (int i = 0; i < 8; ++i) bytes[at + static_cast<std::size_t>(i)] = static_cast<char>(v >> (8 * i));
    return bytes;
  };
  std::string no_nul = good;
  no_nul[header + 24 + 3] = 'x';  // "a.c\0" loses its NUL
  std::string other_magic = good;
  other_magic[0] = 'K';
  for (const std::string& bytes :
       {good.substr(0, good.size() - 1), good + "x", with_64(header + 8, 1ull << 63), with_64(header + 8, 2),
        with_64(header + 16, ~0ull), with_64(header + 16, 5), no_nul, other_magic, std::string(), good.substr(0, 20)}) {
    write_bytes(file, bytes);
    StatCache cache;
    CHECK_NOTHROW(cache.load(file));
    crypto::Digest d{};
    CHECK_FALSE(cache.find("a.c", st, d));
  }
  write_bytes(file, good);
  StatCache cache;
  cache.load(file);
  crypto::Digest d{};
  CHECK(cache.find("a.c", st, d));  // the same bytes, undamaged, are read
  std::filesystem::remove_all(dir);
}
