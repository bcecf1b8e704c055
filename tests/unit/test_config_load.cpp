// The layered loader: precedence, origins, merging, extends, environment,
// -c overrides, trusted keys and every diagnostic's exact text.
#include <doctest/doctest.h>

#include "config/config.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::config;
using keel::test::TempDir;

namespace {

// A sandbox with system, user and project directories.
struct Layers {
  TempDir dir;
  LoadOptions options;

  Layers() {
    std::filesystem::create_directories(dir / "etc");
    std::filesystem::create_directories(dir / "xdg/keel");
    std::filesystem::create_directories(dir / "repo");
    options.cwd = dir / "repo";
    options.project_root = dir / "repo";
    options.env = {{"KEEL_SYSTEM_CONFIG_DIR", (dir / "etc").string()},
                   {"XDG_CONFIG_HOME", (dir / "xdg").string()}};
  }
  void system(const std::string& text, const std::string& name = "config.toml") { dir.write("etc/" + name, text); }
  void user(const std::string& text, const std::string& name = "config.toml") { dir.write("xdg/keel/" + name, text); }
  void project(const std::string& text, const std::string& name = "keel.toml") { dir.write("repo/" + name, text); }
  Config load() const { return config::load(options); }
};

std::vector<std::string> messages(const Config& c) {
  std::vector<std::string> out;
  for (const auto& d : c.diagnostics())
    out.push_back(std::string(d.severity == Diagnostic::Severity::error ? "error: " : "warning: ") + d.message);
  return out;
}

std::string origin_of(const Config& c, std::string_view key) {
  const Value* v = c.find(key);
  REQUIRE(v);
  return v->origin().describe();
}

}  // namespace

TEST_CASE("built-in defaults apply when nothing is configured") {
  Layers l;
  Config c = l.load();
  CHECK(messages(c).empty());
  CHECK(c.get_string("log.level") == "warn");
  CHECK(c.get_string("ui.color") == "auto");
  CHECK(c.get_int("process.grace_period") == 5);
  CHECK(c.get_list("process.shell") == std::vector<std::string>{"/bin/sh", "-c"});
  CHECK(origin_of(c, "log.level") == "default");
}

TEST_CASE("each layer overrides the ones below it") {
  Layers l;
  l.system("[log]\nlevel = \"error\"\nformat = \"json\"\n[ui]\ncolor = \"never\"\n");
  l.user("[log]\nlevel = \"info\"\n");
  l.project("[log]\nlevel = \"debug\"\n");

  SUBCASE("system < user < project") {
    Config c = l.load();
    CHECK(messages(c).empty());
    CHECK(c.get_string("log.level") == "debug");
    CHECK(origin_of(c, "log.level") == "keel.toml:2:1");
    CHECK(c.get_string("log.format") == "json");
    CHECK(origin_of(c, "log.format") == (l.dir / "etc/config.toml").string() + ":3:1");
    CHECK(c.get_string("ui.color") == "never");
  }
  SUBCASE("local overrides project") {
    l.dir.write("repo/keel.local.toml", "[log]\nlevel = \"trace\"\n");
    Config c = l.load();
    CHECK(c.get_string("log.level") == "trace");
    CHECK(origin_of(c, "log.level") == "keel.local.toml:2:1");
  }
  SUBCASE("environment overrides files") {
    l.options.env["KEEL_LOG__LEVEL"] = "off";
    Config c = l.load();
    CHECK(c.get_string("log.level") == "off");
    CHECK(origin_of(c, "log.level") == "env KEEL_LOG__LEVEL");
  }
  SUBCASE("--config overrides the environment, -c overrides --config") {
    l.options.env["KEEL_LOG__LEVEL"] = "off";
    l.dir.write("extra.toml", "[log]\nlevel = \"warn\"\nformat = \"text\"\n");
    l.options.config_files = {(l.dir / "extra.toml").string()};
    Config c1 = l.load();
    CHECK(c1.get_string("log.level") == "warn");
    l.options.overrides = {"log.level=error"};
    Config c2 = l.load();
    CHECK(c2.get_string("log.level") == "error");
    CHECK(origin_of(c2, "log.level") == "-c log.level=error");
    CHECK(c2.get_string("log.format") == "text");
  }
  SUBCASE("a command flag overrides everything") {
    Config c = l.load();
    c.override_value("log.level", Value::make_string("info", Origin{Origin::Kind::flag, "--verbose", 0, 0}));
    CHECK(c.get_string("log.level") == "info");
    CHECK(origin_of(c, "log.level") == "--verbose");
  }
}

TEST_CASE("YAML and TOML layers merge into one tree") {
  Layers l;
  l.user("log:\n  format: json\n", "config.yaml");
  l.project("[log]\nlevel = \"debug\"\n");
  Config c = l.load();
  CHECK(messages(c).empty());
  CHECK(c.get_string("log.format") == "json");
  CHECK(origin_of(c, "log.format") == (l.dir / "xdg/keel/config.yaml").string() + ":2:3");
  CHECK(c.get_string("log.level") == "debug");
}

TEST_CASE("tables merge deeply and arrays replace") {
  Layers l;
  l.user("[process]\nshell = [\"/bin/bash\", \"-euc\"]\ngrace_period = 9\n");
  l.options.overrides = {"process.shell=[\"/bin/zsh\", \"-c\"]"};
  Config c = l.load();
  CHECK(messages(c).empty());
  CHECK(c.get_list("process.shell") == std::vector<std::string>{"/bin/zsh", "-c"});
  CHECK(c.get_int("process.grace_period") == 9);
}

TEST_CASE("dot-prefixed and .yml project files are found") {
  Layers l;
  l.project("log:\n  level: info\n", ".keel.yml");
  Config c = l.load();
  CHECK(messages(c).empty());
  CHECK(c.get_string("log.level") == "info");
  REQUIRE(c.project_file());
  CHECK(c.project_file()->filename() == ".keel.yml");
}

TEST_CASE("two project files at once are an error") {
  Layers l;
  l.project("[log]\nlevel = \"info\"\n", "keel.toml");
  l.project("log:\n  level: debug\n", "keel.yaml");
  Config c = l.load();
  CHECK(messages(c) ==
        std::vector<std::string>{"error: more than one project config file: 'keel.toml' and 'keel.yaml'; keep one"});
  CHECK(c.get_string("log.level") == "warn");
}

TEST_CASE("extends includes files relative to the including file") {
  Layers l;
  l.dir.write("repo/ci/base.toml", "[log]\nlevel = \"info\"\nformat = \"json\"\n");
  l.project("extends = [\"ci/base.toml\"]\n[log]\nlevel = \"debug\"\n");
  Config c = l.load();
  CHECK(messages(c).empty());
  CHECK(c.get_string("log.level") == "debug");
  CHECK(c.get_string("log.format") == "json");
  CHECK(origin_of(c, "log.format") == "ci/base.toml:3:1");
  CHECK(c.find("extends") == nullptr);
}

TEST_CASE("extends: nested, missing and cyclic includes") {
  Layers l;
  SUBCASE("nested") {
    l.dir.write("repo/a.toml", "extends = \"b.yaml\"\n[ui]\ncolor = \"always\"\n");
    l.dir.write("repo/b.yaml", "log:\n  format: json\nui:\n  color: never\n");
    l.project("extends = [\"a.toml\"]\n");
    Config c = l.load();
    CHECK(messages(c).empty());
    CHECK(c.get_string("ui.color") == "always");
    CHECK(c.get_string("log.format") == "json");
  }
  SUBCASE("missing") {
    l.project("extends = [\"nope.toml\"]\n");
    CHECK(messages(l.load()) ==
          std::vector<std::string>{"error: keel.toml:1:12: extended file 'nope.toml' does not exist"});
  }
  SUBCASE("cycle") {
    l.dir.write("repo/a.toml", "extends = [\"keel.toml\"]\n");
    l.project("extends = [\"a.toml\"]\n");
    CHECK(messages(l.load()) ==
          std::vector<std::string>{"error: a.toml:1:12: 'extends' cycle: keel.toml -> a.toml -> keel.toml"});
  }
  SUBCASE("wrong type") {
    l.project("extends = 3\n");
    CHECK(messages(l.load()) == std::vector<std::string>{
                                    "error: keel.toml:1:1: wrong type for 'extends': expected an array of file "
                                    "names, found an integer"});
  }
}

TEST_CASE("an unknown key is an error with a suggestion; an unknown top-level name only a warning") {
  Layers l;
  l.project("[log]\nlevle = \"info\"\n[frobnicate]\nx = 1\n[hooks.pre-commit.comands.x]\nrun = \"true\"\n");
  Config c = l.load();
  CHECK(c.has_errors());
  CHECK(messages(c) == std::vector<std::string>{
                           "error: keel.toml:2:1: unknown key 'log.levle'; did you mean 'log.level'?",
                           "warning: keel.toml:3:2: unknown key 'frobnicate'",
                           "error: keel.toml:5:19: unknown key 'hooks.pre-commit.comands'; did you mean "
                           "'hooks.pre-commit.commands'?",
                       });
}

TEST_CASE("wrong types are errors naming position, key, expected and found") {
  Layers l;
  SUBCASE("TOML") {
    l.project("[process]\ngrace_period = \"soon\"\n");
    CHECK(messages(l.load()) == std::vector<std::string>{
                                    "error: keel.toml:2:1: wrong type for 'process.grace_period': expected an "
                                    "integer, found 'soon'"});
  }
  SUBCASE("YAML") {
    l.project("ui:\n  color: 3\n", "keel.yaml");
    CHECK(messages(l.load()) == std::vector<std::string>{
                                    "error: keel.yaml:2:3: wrong type for 'ui.color': expected one of auto, always, "
                                    "never, found an integer (3)"});
  }
  SUBCASE("a section given a scalar") {
    l.project("log = 3\n");
    CHECK(messages(l.load()) == std::vector<std::string>{
                                    "error: keel.toml:1:1: wrong type for 'log': expected a table, found an integer"});
  }
  SUBCASE("list items") {
    l.user("[process]\nshell = [\"sh\", 1]\n");
    CHECK(messages(l.load()) == std::vector<std::string>{
                                    "error: " + (l.dir / "xdg/keel/config.toml").string() +
                                    ":2:1: wrong type for 'process.shell': expected a string or an array of "
                                    "strings, found an integer (1)"});
  }
  SUBCASE("the bad value does not reach the merged tree") {
    l.project("[ui]\ncolor = \"sometimes\"\n");
    Config c = l.load();
    CHECK(c.has_errors());
    CHECK(c.get_string("ui.color") == "auto");
  }
}

TEST_CASE("environment variables") {
  Layers l;
  SUBCASE("double underscore nests; '-' and '_' are the same key") {
    l.options.env["KEEL_PROCESS__GRACE_PERIOD"] = "12";
    l.options.env["KEEL_UI__COLOR"] = "never";
    Config c = l.load();
    CHECK(messages(c).empty());
    CHECK(c.get_int("process.grace_period") == 12);
    CHECK(c.get_string("ui.color") == "never");
  }
  SUBCASE("variables without a double underscore are not config") {
    l.options.env["KEEL_LOG"] = "debug";
    l.options.env["KEEL_HOOKS"] = "0";
    CHECK(messages(l.load()).empty());
  }
  SUBCASE("a malformed value") {
    l.options.env["KEEL_PROCESS__GRACE_PERIOD"] = "12s";
    CHECK(messages(l.load()) == std::vector<std::string>{
                                    "error: env KEEL_PROCESS__GRACE_PERIOD: wrong type for 'process.grace_period': "
                                    "expected an integer, found '12s'"});
  }
  SUBCASE("a malformed name") {
    l.options.env["KEEL_LOG____LEVEL"] = "info";
    CHECK(messages(l.load()) == std::vector<std::string>{
                                    "error: malformed environment variable 'KEEL_LOG____LEVEL': expected "
                                    "KEEL_<SECTION>__<KEY> with letters, digits and single underscores"});
  }
  SUBCASE("a list from the environment") {
    l.options.env["KEEL_PROCESS__SHELL"] = "[\"/bin/bash\", \"-c\"]";
    Config c = l.load();
    CHECK(messages(c).empty());
    CHECK(c.get_list("process.shell") == std::vector<std::string>{"/bin/bash", "-c"});
  }
}

TEST_CASE("-c overrides") {
  Layers l;
  SUBCASE("booleans and integers are converted to the declared type") {
    l.options.overrides = {"process.grace_period=3"};
    Config c = l.load();
    CHECK(c.get_int("process.grace_period") == 3);
  }
  SUBCASE("missing '='") {
    l.options.overrides = {"log.level"};
    CHECK(messages(l.load()) == std::vector<std::string>{"error: invalid -c value 'log.level': expected key=value"});
  }
  SUBCASE("empty key segment") {
    l.options.overrides = {"log..level=x"};
    CHECK(messages(l.load()) == std::vector<std::string>{"error: invalid -c value 'log..level=x': expected key=value"});
  }
  SUBCASE("a bad value names the flag") {
    l.options.overrides = {"ui.color=sometimes"};
    CHECK(messages(l.load()) == std::vector<std::string>{
                                    "error: -c ui.color=sometimes: wrong type for 'ui.color': expected one of auto, "
                                    "always, never, found 'sometimes'"});
  }
}

TEST_CASE("trusted keys cannot come from the repository") {
  Layers l;
  SUBCASE("project file refused") {
    l.project("[process]\nshell = [\"/tmp/evil\", \"-c\"]\n");
    Config c = l.load();
    CHECK(messages(c) == std::vector<std::string>{
                             "error: keel.toml:2:1: 'process.shell' cannot be set in a project file; set it in the "
                             "user or system config, the environment or with -c"});
    CHECK(c.get_list("process.shell") == std::vector<std::string>{"/bin/sh", "-c"});
  }
  SUBCASE("local file refused") {
    l.dir.write("repo/keel.local.toml", "[process]\nshell = \"/tmp/evil\"\n");
    CHECK(l.load().has_errors());
  }
  SUBCASE("included by a project file: still refused") {
    l.dir.write("repo/base.toml", "[process]\nshell = \"/tmp/evil\"\n");
    l.project("extends = [\"base.toml\"]\n");
    CHECK(l.load().has_errors());
  }
  SUBCASE("user file, environment and -c allowed") {
    l.user("[process]\nshell = [\"/bin/bash\", \"-c\"]\n");
    CHECK_FALSE(l.load().has_errors());
    l.options.env["KEEL_PROCESS__SHELL"] = "/bin/dash";
    Config c = l.load();
    CHECK_FALSE(c.has_errors());
    CHECK(c.get_list("process.shell") == std::vector<std::string>{"/bin/dash"});
  }
}

TEST_CASE("files considered are listed in order") {
  Layers l;
  l.project("");
  l.options.config_files = {"missing.toml"};
  Config c = l.load();
  std::vector<std::string> seen;
  for (const auto& f : c.files()) seen.push_back(f.layer + " " + f.path.filename().string() + (f.exists ? " +" : " -"));
  CHECK(seen == std::vector<std::string>{
                    "system config.toml -", "system config.yaml -", "system config.yml -",
                    "user config.toml -", "user config.yaml -", "user config.yml -",
                    "project keel.toml +", "project keel.yaml -", "project keel.yml -",
                    "project .keel.toml -", "project .keel.yaml -", "project .keel.yml -",
                    "local keel.local.toml -", "local keel.local.yaml -", "local keel.local.yml -",
                    "local .keel.local.toml -", "local .keel.local.yaml -", "local .keel.local.yml -",
                    "flag missing.toml -"});
  CHECK(messages(c) == std::vector<std::string>{"error: config file 'missing.toml' does not exist"});
}

TEST_CASE("unreadable and oversized files") {
  Layers l;
  SUBCASE("over 10 MiB") {
    l.project(std::string(10 * 1024 * 1024 + 1, '#'));
    CHECK(messages(l.load()) ==
          std::vector<std::string>{"error: file too large: '" + (l.dir / "repo/keel.toml").string() + "' is over 10 MiB"});
  }
  SUBCASE("a directory where a file should be") {
    std::filesystem::create_directories(l.dir / "xdg/keel/config.toml");
    CHECK(l.load().diagnostics().empty());  // not a regular file: not considered present
  }
  SUBCASE("malformed project file") {
    l.project("[log\n");
    CHECK(messages(l.load()) == std::vector<std::string>{
                                    "error: keel.toml:1:5: malformed TOML: error while parsing table header: "
                                    "expected ']', saw '\\n'"});
  }
}

TEST_CASE("no project layers outside a repository") {
  Layers l;
  l.project("[log]\nlevel = \"debug\"\n");
  l.options.project_root.reset();
  CHECK(l.load().get_string("log.level") == "warn");
}
