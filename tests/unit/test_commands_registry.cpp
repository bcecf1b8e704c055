// The command table and the parse step, in-process: callbacks only record
// what was chosen; nothing runs while parsing.
#include <doctest/doctest.h>

#include <algorithm>

#include "commands/cli_tree.hpp"
#include "commands/registry.hpp"

using namespace keel::cmd;

namespace {

struct Parsed {
  GlobalOptions globals;
  Runner chosen;
  const CommandSpec* spec = nullptr;
};

void parse(Parsed& p, std::vector<std::string> args) {
  auto app = build_app(p.globals, p.chosen, &p.spec);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector reversed
  app->parse(args);
}

}  // namespace

TEST_CASE("the command table is sorted by name and has no duplicates") {
  auto table = command_table();
  REQUIRE(!table.empty());
  for (std::size_t i = 1; i < table.size(); ++i) CHECK(std::string(table[i - 1].name) < table[i].name);
  CHECK(find_command("config") != nullptr);
  CHECK(find_command("nope") == nullptr);
}

TEST_CASE("every registered command appears in the described tree") {
  CommandInfo root = describe_keel();
  REQUIRE(root.children.size() == command_table().size());
  for (std::size_t i = 0; i < root.children.size(); ++i) {
    CHECK(root.children[i].name == command_table()[i].name);
    CHECK(!root.children[i].summary.empty());
    CHECK(!root.children[i].long_description.empty());
  }
}

TEST_CASE("global options are recorded, before or after the command") {
  Parsed p;
  parse(p, {"-C", "/tmp", "-c", "a.b=1", "-vv", "config", "get", "log.level", "-c", "x.y=2", "--color", "never"});
  CHECK(p.globals.directory == "/tmp");
  CHECK(p.globals.overrides == std::vector<std::string>{"a.b=1", "x.y=2"});
  CHECK(p.globals.verbose == 2);
  CHECK(p.globals.color == "never");
  REQUIRE(p.spec != nullptr);
  CHECK(std::string(p.spec->name) == "config");
  CHECK(static_cast<bool>(p.chosen));
}

TEST_CASE("--version alone chooses no command") {
  Parsed p;
  parse(p, {"--version"});
  CHECK(p.globals.version);
  CHECK(p.spec == nullptr);
  CHECK_FALSE(static_cast<bool>(p.chosen));
}

TEST_CASE("a group without its subcommand is a parse error") {
  Parsed p;
  CHECK_THROWS_AS(parse(p, {"config"}), CLI::ParseError);
}

TEST_CASE("the word after `man` is its argument, not a second command") {
  Parsed p;
  parse(p, {"man", "config"});
  REQUIRE(p.spec != nullptr);
  CHECK(std::string(p.spec->name) == "man");
}

TEST_CASE("config set allows at most one target flag") {
  Parsed p;
  CHECK_THROWS_AS(parse(p, {"config", "set", "--user", "--local", "a.b", "c"}), CLI::ParseError);
}

TEST_CASE("a tree built for one command has that command alone") {
  GlobalOptions globals;
  Runner chosen;
  const CommandSpec* spec = nullptr;
  auto app = build_app(globals, chosen, &spec, "semver");
  REQUIRE(app->get_subcommands({}).size() == 1);
  CHECK(app->get_subcommands({}).front()->get_name() == "semver");
  CHECK(!app->get_subcommand("semver")->get_subcommands({}).empty());
  std::vector<std::string> args{"semver", "compare", "1.0.0", "2.0.0"};
  std::reverse(args.begin(), args.end());
  app->parse(args);
  REQUIRE(spec != nullptr);
  CHECK(std::string(spec->name) == "semver");
  CHECK(static_cast<bool>(chosen));
}
