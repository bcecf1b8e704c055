#include <doctest/doctest.h>

#include <algorithm>

#include "config/edit.hpp"
#include "config/parse.hpp"

using namespace keel;
using namespace keel::config;

namespace {

Value str(std::string s) { return Value::make_string(std::move(s)); }
Value num(std::int64_t i) { return Value::make_int(i); }
Value list(std::initializer_list<const char*> items) {
  Value a = Value::make_array();
  for (const char* s : items) a.push_back(Value::make_string(s));
  return a;
}

std::string display(Format f) { return f == Format::yaml ? "keel.yaml" : "keel.toml"; }

// Sets `path` and checks that the result parses and reads the new value back.
std::string set(Format f, std::string_view text, const std::vector<std::string>& path, const Value& v) {
  auto r = set_in_document(text, f, path, v, display(f));
  if (!r) FAIL_CHECK(r.error().message);
  REQUIRE(r.ok());
  auto parsed = f == Format::yaml ? parse_yaml(r.value(), display(f), Origin::Kind::project)
                                  : parse_toml(r.value(), display(f), Origin::Kind::project);
  if (!parsed) FAIL_CHECK(std::string(parsed.error().message + "\n--- in ---\n" + r.value()));
  REQUIRE(parsed.ok());
  const Value* got = parsed.value().find_path(path);
  REQUIRE(got != nullptr);
  CHECK(got->render() == v.render());
  return r.value();
}

std::string toml(std::string_view text, const std::string& key, const Value& v) {
  return set(Format::toml, text, split_key(key), v);
}
std::string yaml(std::string_view text, const std::string& key, const Value& v) {
  return set(Format::yaml, text, split_key(key), v);
}

// The refusal's message (and hint after a newline, when there is one).
std::string refusal(Format f, std::string_view text, const std::vector<std::string>& path, const Value& v) {
  auto r = set_in_document(text, f, path, v, display(f));
  if (r) FAIL_CHECK(std::string("unexpectedly accepted:\n" + r.value()));
  REQUIRE(!r.ok());
  return r.error().message + (r.error().hint.empty() ? "" : "\n" + r.error().hint);
}

std::string toml_refusal(std::string_view text, const std::string& key, const Value& v = Value::make_int(1)) {
  return refusal(Format::toml, text, split_key(key), v);
}
std::string yaml_refusal(std::string_view text, const std::string& key, const Value& v = Value::make_int(1)) {
  return refusal(Format::yaml, text, split_key(key), v);
}

}  // namespace

// ---------------------------------------------------------------- TOML

TEST_CASE("config edit toml: replace in place keeps comments, blank lines and other values") {
  CHECK(toml(R"(# keel project config

[log]
# how chatty
level = "info"   # was warn
format = 'text'

[ui]
color = "auto"
)",
             "log.level", str("debug")) == R"(# keel project config

[log]
# how chatty
level = "debug"   # was warn
format = 'text'

[ui]
color = "auto"
)");
}

TEST_CASE("config edit toml: replace keeps a literal string literal when it can") {
  CHECK(toml("format = 'text'\n", "format", str("json")) == "format = 'json'\n");
  CHECK(toml("format = 'text'\n", "format", str("it's")) == "format = \"it's\"\n");
  CHECK(toml("format = \"text\"\n", "format", str("a \"b\" \\ c\n")) == "format = \"a \\\"b\\\" \\\\ c\\n\"\n");
}

TEST_CASE("config edit toml: replace values of other types") {
  CHECK(toml("[process]\ngrace_period = 5 # s\n", "process.grace_period", num(30)) ==
        "[process]\ngrace_period = 30 # s\n");
  CHECK(toml("[ui]\npager = true\n", "ui.pager", Value::make_bool(false)) == "[ui]\npager = false\n");
  CHECK(toml("ratio = 1\n", "ratio", Value::make_float(2)) == "ratio = 2.0\n");
  CHECK(toml("ratio = 1\n", "ratio", Value::make_float(0.25)) == "ratio = 0.25\n");
  CHECK(toml("when = 1979-05-27 07:32:00Z # then\nafter = 1\n", "when", str("now")) ==
        "when = \"now\" # then\nafter = 1\n");
  CHECK(toml("when = 1979-05-27 # then\n", "when", str("now")) == "when = \"now\" # then\n");
}

TEST_CASE("config edit toml: key spelled with '-' or '_' is the same key") {
  CHECK(toml("[process]\ngrace-period = 5\n", "process.grace_period", num(9)) == "[process]\ngrace-period = 9\n");
}

TEST_CASE("config edit toml: multi-line array replaced whole, trailing comment kept") {
  CHECK(toml(R"([process]
shell = [
  "/bin/sh", # the shell
  "-c",      # and its flag
] # end of shell
grace_period = 5
)",
             "process.shell", list({"/bin/bash", "-c"})) == R"([process]
shell = ["/bin/bash", "-c"] # end of shell
grace_period = 5
)");
}

TEST_CASE("config edit toml: multi-line strings are skipped whole") {
  CHECK(toml(R"(a = """
[not.a.header]
b = "still a string" \"""
"""
c = '''
x = 1'''''
d = 1
)",
             "d", num(2)) == R"(a = """
[not.a.header]
b = "still a string" \"""
"""
c = '''
x = 1'''''
d = 2
)");
  CHECK(toml("a = \"\"\"\nold\ntext\"\"\" # c\nb = 1\n", "a", str("new")) == "a = \"new\" # c\nb = 1\n");
}

TEST_CASE("config edit toml: insert after the last key of an existing table") {
  CHECK(toml(R"([log]
level = "info" # why

# colours
[ui]
color = "auto"
)",
             "log.format", str("json")) == R"([log]
level = "info" # why
format = "json"

# colours
[ui]
color = "auto"
)");
}

TEST_CASE("config edit toml: insert after a multi-line value, keeping the table's indentation") {
  CHECK(toml(R"([process]
  shell = [
    "/bin/sh",
  ]

[ui]
)",
             "process.grace_period", num(3)) == R"([process]
  shell = [
    "/bin/sh",
  ]
  grace_period = 3

[ui]
)");
}

TEST_CASE("config edit toml: insert into an empty table") {
  CHECK(toml("[log] # nothing yet\n\n[ui]\n", "log.level", str("debug")) ==
        "[log] # nothing yet\nlevel = \"debug\"\n\n[ui]\n");
}

TEST_CASE("config edit toml: insert into a table that is followed by an array of tables") {
  CHECK(toml("[log]\nlevel = 1\n[[hooks]]\nname = \"a\"\n", "log.format", str("json")) ==
        "[log]\nlevel = 1\nformat = \"json\"\n[[hooks]]\nname = \"a\"\n");
}

TEST_CASE("config edit toml: a missing table is appended at the end") {
  CHECK(toml("# config\n[log]\nlevel = \"info\"\n", "ui.color", str("never")) ==
        "# config\n[log]\nlevel = \"info\"\n\n[ui]\ncolor = \"never\"\n");
  // No second blank line when there is one already.
  CHECK(toml("[log]\nlevel = 1\n\n", "ui.color", str("never")) == "[log]\nlevel = 1\n\n[ui]\ncolor = \"never\"\n");
  CHECK(toml("# only a comment\n", "ui.color", str("never")) == "# only a comment\n\n[ui]\ncolor = \"never\"\n");
  CHECK(toml("[log]\nlevel = 1\n", "log.sub.x", num(2)) == "[log]\nlevel = 1\n\n[log.sub]\nx = 2\n");
  CHECK(toml("[a.b]\nx = 1\n", "a.y", num(2)) == "[a.b]\nx = 1\n\n[a]\ny = 2\n");
  CHECK(toml("", "hooks.pre-commit.commands.lint.run", str("make lint")) ==
        "[hooks.pre-commit.commands.lint]\nrun = \"make lint\"\n");
}

TEST_CASE("config edit toml: an empty document") {
  CHECK(toml("", "log.level", str("debug")) == "[log]\nlevel = \"debug\"\n");
  CHECK(toml("", "name", str("x")) == "name = \"x\"\n");
  CHECK(toml("\n", "log.level", str("debug")) == "\n[log]\nlevel = \"debug\"\n");
}

TEST_CASE("config edit toml: a root key goes after the root keys, or above the first header") {
  CHECK(toml("a = 1 # one\n\n[log]\nlevel = 1\n", "name", str("x")) ==
        "a = 1 # one\nname = \"x\"\n\n[log]\nlevel = 1\n");
  CHECK(toml("# keel\n\n[log]\nlevel = 1\n", "name", str("x")) == "# keel\n\nname = \"x\"\n\n[log]\nlevel = 1\n");
  // Comments right above a header belong to it.
  CHECK(toml("# logging\n[log]\nlevel = 1\n", "name", str("x")) == "name = \"x\"\n\n# logging\n[log]\nlevel = 1\n");
  CHECK(toml("# just this\n", "name", str("x")) == "# just this\nname = \"x\"\n");
}

TEST_CASE("config edit toml: dotted keys") {
  CHECK(toml("log.level = \"info\" # c\nui.color = \"auto\"\n", "log.level", str("debug")) ==
        "log.level = \"debug\" # c\nui.color = \"auto\"\n");
  CHECK(toml("log.level = \"info\" # c\nui.color = \"auto\"\n", "log.format", str("json")) ==
        "log.level = \"info\" # c\nlog.format = \"json\"\nui.color = \"auto\"\n");
  CHECK(toml("[tool]\nlog.level = 1\n\n[other]\n", "tool.log.format", str("json")) ==
        "[tool]\nlog.level = 1\nlog.format = \"json\"\n\n[other]\n");
  CHECK(toml("log . level = 1\n", "log.x.y", num(2)) == "log . level = 1\nlog.x.y = 2\n");
  CHECK(toml("[hooks]\npre-commit.commands.lint.run = \"x\"\n", "hooks.pre-commit.commands.lint.run",
             str("make lint")) == "[hooks]\npre-commit.commands.lint.run = \"make lint\"\n");
}

TEST_CASE("config edit toml: quoted keys") {
  CHECK(set(Format::toml, "[tool]\n\"my key\" = 1\n", {"tool", "my key"}, num(2)) == "[tool]\n\"my key\" = 2\n");
  CHECK(set(Format::toml, "[tool]\n'my key' = 1\n", {"tool", "my key"}, num(2)) == "[tool]\n'my key' = 2\n");
  CHECK(set(Format::toml, "[tool]\nx = 1\n", {"tool", "my key"}, num(2)) == "[tool]\nx = 1\n\"my key\" = 2\n");
  CHECK(set(Format::toml, "[tool.\"a.b\"]\nx = 1\n", {"tool", "a.b", "y"}, num(2)) ==
        "[tool.\"a.b\"]\nx = 1\ny = 2\n");
  CHECK(set(Format::toml, "", {"hooks", "pre commit"}, str("x")) == "[hooks]\n\"pre commit\" = \"x\"\n");
  CHECK(set(Format::toml, "", {"hooks", "pré", "run"}, str("x")) == "[hooks.\"pré\"]\nrun = \"x\"\n");
  CHECK(set(Format::toml, "[a]\n\"\\u00e9\" = 1\n", {"a", "é"}, num(2)) == "[a]\n\"\\u00e9\" = 2\n");
}

TEST_CASE("config edit toml: inline tables") {
  CHECK(toml("log = { level = \"info\", format = \"text\" } # c\n", "log.level", str("debug")) ==
        "log = { level = \"debug\", format = \"text\" } # c\n");
  CHECK(toml("log = { level = \"info\" }\n", "log.format", str("json")) ==
        "log = { level = \"info\", format = \"json\" }\n");
  CHECK(toml("log = {}\n", "log.format", str("json")) == "log = { format = \"json\" }\n");
  CHECK(toml("tool = { a = 1, b = { c = 2 } }\n", "tool.b.d", num(3)) == "tool = { a = 1, b = { c = 2, d = 3 } }\n");
  CHECK(toml("tool = { a = 1 }\n", "tool.x.y", num(3)) == "tool = { a = 1, x.y = 3 }\n");
  CHECK(toml("[hooks]\npre = { run = \"a\" }\n", "hooks.pre.run", str("b")) == "[hooks]\npre = { run = \"b\" }\n");
}

TEST_CASE("config edit toml: CRLF line endings are kept and used for new lines") {
  CHECK(toml("# c\r\n[log]\r\nlevel = \"info\" # why\r\n", "log.level", str("debug")) ==
        "# c\r\n[log]\r\nlevel = \"debug\" # why\r\n");
  CHECK(toml("# c\r\n[log]\r\nlevel = \"info\"\r\n\r\n[ui]\r\n", "log.format", str("json")) ==
        "# c\r\n[log]\r\nlevel = \"info\"\r\nformat = \"json\"\r\n\r\n[ui]\r\n");
  CHECK(toml("[log]\r\nlevel = 1\r\n", "ui.color", str("never")) ==
        "[log]\r\nlevel = 1\r\n\r\n[ui]\r\ncolor = \"never\"\r\n");
  CHECK(toml("a = [\r\n  1, # one\r\n  2,\r\n]\r\nb = 1\r\n", "a", num(3)) == "a = 3\r\nb = 1\r\n");
}

TEST_CASE("config edit toml: a missing final newline stays missing") {
  CHECK(toml("[log]\nlevel = \"info\"", "log.level", str("debug")) == "[log]\nlevel = \"debug\"");
  CHECK(toml("[log]\nlevel = \"info\"", "log.format", str("json")) == "[log]\nlevel = \"info\"\nformat = \"json\"");
  CHECK(toml("[log]\nlevel = 1 # c", "ui.color", str("never")) == "[log]\nlevel = 1 # c\n\n[ui]\ncolor = \"never\"");
  CHECK(toml("[log]", "log.level", str("debug")) == "[log]\nlevel = \"debug\"");
  CHECK(toml("a = 1", "b", num(2)) == "a = 1\nb = 2");
}

TEST_CASE("config edit toml: a byte order mark stays first") {
  CHECK(toml("\xEF\xBB\xBF[log]\nlevel = 1\n", "name", str("x")) == "\xEF\xBB\xBFname = \"x\"\n\n[log]\nlevel = 1\n");
  CHECK(toml("\xEF\xBB\xBFlevel = 1\n", "level", num(2)) == "\xEF\xBB\xBFlevel = 2\n");
}

TEST_CASE("config edit toml: refusals") {
  CHECK(toml_refusal("log = 3\n", "log.level") == "keel.toml:1:1: cannot set 'log.level': 'log' is an integer, not a table");
  CHECK(toml_refusal("[a]\nb = \"x\"\n", "a.b.c") == "keel.toml:2:1: cannot set 'a.b.c': 'a.b' is a string, not a table");
  CHECK(toml_refusal("log.level = [1]\n", "log.level.x") ==
        "keel.toml:1:5: cannot set 'log.level.x': 'log.level' is an array, not a table");
  CHECK(toml_refusal("[[hooks]]\nname = \"a\"\n", "hooks.name") ==
        "keel.toml:1:3: cannot set 'hooks.name': 'hooks' is an array of tables, not a table");
  CHECK(toml_refusal("[[hooks]]\nname = \"a\"\n", "hooks") ==
        "keel.toml:1:3: cannot set 'hooks': it is an array of tables\nedit the file by hand");
  CHECK(toml_refusal("[log]\nlevel = 1\n", "log") == "keel.toml:1:2: cannot set 'log': it is a table\nset one of its keys instead");
  CHECK(toml_refusal("[log\nlevel = 1\n", "log.level") ==
        "keel.toml:1:5: malformed TOML: error while parsing table header: expected ']', saw '\\n'");
  CHECK(toml_refusal("a = 1\na = 2\n", "a") ==
        "keel.toml:2:5: malformed TOML: error while parsing key-value pair: cannot redefine existing integer 'a'");
  CHECK(toml_refusal("a = \"\xff\"\n", "a") == "keel.toml:1:6: invalid UTF-8");
  Value table = Value::make_table();
  CHECK(toml_refusal("", "log", table) == "cannot set 'log' to a table: only scalars and arrays of scalars can be written");
  CHECK(refusal(Format::toml, "", {}, num(1)) == "cannot set an empty key");
}

// ---------------------------------------------------------------- YAML

TEST_CASE("config edit yaml: replace a scalar in place, keeping its comment and its quoting") {
  CHECK(yaml(R"(# keel
log:
  # how chatty
  level: info   # was warn
  format: text

ui:
  color: auto
)",
             "log.level", str("debug")) == R"(# keel
log:
  # how chatty
  level: debug   # was warn
  format: text

ui:
  color: auto
)");
  CHECK(yaml("log:\n  level: \"info\" # c\n", "log.level", str("debug")) == "log:\n  level: \"debug\" # c\n");
  CHECK(yaml("log:\n  level: 'info' # c\n", "log.level", str("debug")) == "log:\n  level: 'debug' # c\n");
  CHECK(yaml("log:\n  level: 'info'\n", "log.level", str("it's")) == "log:\n  level: 'it''s'\n");
}

TEST_CASE("config edit yaml: a plain scalar is quoted when the new text would not read back the same") {
  CHECK(yaml("name: info\n", "name", str("two words")) == "name: \"two words\"\n");
  CHECK(yaml("name: info\n", "name", str("yes")) == "name: \"yes\"\n");
  CHECK(yaml("name: info\n", "name", str("123")) == "name: \"123\"\n");
  CHECK(yaml("name: info\n", "name", str("a: b")) == "name: \"a: b\"\n");
  CHECK(yaml("name: info\n", "name", str("")) == "name: \"\"\n");
  CHECK(yaml("name: info\n", "name", str("line\nbreak\x7f")) == "name: \"line\\nbreak\\u007F\"\n");
}

TEST_CASE("config edit yaml: replace values of other types") {
  CHECK(yaml("process:\n  grace_period: 5 # s\n", "process.grace_period", num(30)) ==
        "process:\n  grace_period: 30 # s\n");
  CHECK(yaml("ui:\n  pager: true\n", "ui.pager", Value::make_bool(false)) == "ui:\n  pager: false\n");
  CHECK(yaml("ratio: 1\n", "ratio", Value::make_float(2)) == "ratio: 2.0\n");
  CHECK(yaml("level:\n", "level", str("debug")) == "level: \"debug\"\n");
  CHECK(yaml("level:   # unset\nx: 1\n", "level", str("debug")) == "level: \"debug\"   # unset\nx: 1\n");
  CHECK(yaml("level: ~ # unset\n", "level", str("debug")) == "level: \"debug\" # unset\n");
}

TEST_CASE("config edit yaml: key spelled with '-' or '_' is the same key") {
  CHECK(yaml("process:\n  grace-period: 5\n", "process.grace_period", num(9)) == "process:\n  grace-period: 9\n");
}

TEST_CASE("config edit yaml: a block sequence is replaced by a flow sequence") {
  CHECK(yaml(R"(process:
  shell:  # the shell
    - /bin/sh   # POSIX
    - -c
  # comment about the next key
  grace_period: 5
)",
             "process.shell", list({"/bin/bash", "-c"})) == R"(process:
  shell: ["/bin/bash", "-c"]  # the shell
  # comment about the next key
  grace_period: 5
)");
  // Items at the key's own indentation.
  CHECK(yaml("shell:\n- /bin/sh\n- -c\nnext: 1\n", "shell", list({"bash"})) == "shell: [\"bash\"]\nnext: 1\n");
  // The last key of the document.
  CHECK(yaml("log:\n  level: info\nshell:\n  - a\n\n  - b\n\n# end\n", "shell", list({})) ==
        "log:\n  level: info\nshell: []\n\n# end\n");
}

TEST_CASE("config edit yaml: flow sequences, also over several lines") {
  CHECK(yaml("shell: [sh, -c] # c\n", "shell", list({"bash", "-c"})) == "shell: [\"bash\", \"-c\"] # c\n");
  CHECK(yaml("shell: [sh,   # one\n  \"-c\"]   # c\nx: 1\n", "shell", list({"bash"})) == "shell: [\"bash\"]   # c\nx: 1\n");
  CHECK(yaml("shell: [sh, -c]\n", "shell", str("bash")) == "shell: \"bash\"\n");
}

TEST_CASE("config edit yaml: multi-line scalars are replaced whole") {
  CHECK(yaml("desc: this is\n  folded text # c\nnext: 1\n", "desc", str("short")) == "desc: short # c\nnext: 1\n");
  CHECK(yaml("script: |\n  echo hi\n  # not a comment\n\nnext: 1\n", "script", str("make")) ==
        "script: \"make\"\n\nnext: 1\n");
  CHECK(yaml("script: >-\n    a\n    b\n# real comment\n", "script", str("make")) == "script: \"make\"\n# real comment\n");
  CHECK(yaml("msg: \"a\n  # b\"\nnext: 1\n", "msg", str("c")) == "msg: \"c\"\nnext: 1\n");
  CHECK(yaml("msg:\n  long text\n  more\nnext: 1\n", "msg", str("c")) == "msg: \"c\"\nnext: 1\n");
}

TEST_CASE("config edit yaml: insert under an existing mapping, after its last child") {
  CHECK(yaml(R"(log:
  level: info
  sub:
    x: 1

# about ui
ui:
  color: auto
)",
             "log.format", str("json")) == R"(log:
  level: info
  sub:
    x: 1
  format: "json"

# about ui
ui:
  color: auto
)");
  CHECK(yaml("log:\n    level: info\n", "log.format", str("json")) == "log:\n    level: info\n    format: \"json\"\n");
}

TEST_CASE("config edit yaml: nested insert creates the missing parents") {
  CHECK(yaml(R"(hooks:
  pre-commit:
    parallel: true
log:
  level: info
)",
             "hooks.pre-commit.commands.lint.run", str("make lint")) == R"(hooks:
  pre-commit:
    parallel: true
    commands:
      lint:
        run: "make lint"
log:
  level: info
)");
  CHECK(yaml("log:\n    level: info\n", "ui.color", str("never")) ==
        "log:\n    level: info\nui:\n    color: \"never\"\n");
  CHECK(yaml("a: 1\n", "hooks.pre-commit.commands.lint.run", str("make lint")) ==
        "a: 1\nhooks:\n  pre-commit:\n    commands:\n      lint:\n        run: \"make lint\"\n");
}

TEST_CASE("config edit yaml: a root key is appended at the end") {
  CHECK(yaml("log:\n  level: info\n# the end\n", "name", str("x")) == "log:\n  level: info\n# the end\nname: \"x\"\n");
  CHECK(yaml("---\nlog:\n  level: info\n", "ui.color", str("never")) ==
        "---\nlog:\n  level: info\nui:\n  color: \"never\"\n");
}

TEST_CASE("config edit yaml: an empty parent gets its first child") {
  CHECK(yaml("log:\n#  level: info\nui:\n  color: auto\n", "log.level", str("debug")) ==
        "log:\n  level: \"debug\"\n#  level: info\nui:\n  color: auto\n");
  CHECK(yaml("log:  # later\n", "log.level", str("debug")) == "log:  # later\n  level: \"debug\"\n");
  // An empty flow mapping has nothing to lose: it becomes a block one.
  CHECK(yaml("log: {}  # later\nui: 1\n", "log.level", str("debug")) == "log:  # later\n  level: \"debug\"\nui: 1\n");
  CHECK(yaml("log: {\n  }\n", "log.level", str("debug")) == "log:\n  level: \"debug\"\n");
}

TEST_CASE("config edit yaml: an empty document") {
  CHECK(yaml("", "log.level", str("debug")) == "log:\n  level: \"debug\"\n");
  CHECK(yaml("# nothing yet\n", "log.level", str("debug")) == "# nothing yet\nlog:\n  level: \"debug\"\n");
  CHECK(yaml("---\n", "name", str("x")) == "---\nname: \"x\"\n");
}

TEST_CASE("config edit yaml: quoted keys") {
  CHECK(set(Format::yaml, "\"my key\": 1 # c\n", {"my key"}, num(2)) == "\"my key\": 2 # c\n");
  CHECK(set(Format::yaml, "'my: key': 1\n", {"my: key"}, num(2)) == "'my: key': 2\n");
  CHECK(set(Format::yaml, "tool:\n  x: 1\n", {"tool", "my key"}, num(2)) == "tool:\n  x: 1\n  \"my key\": 2\n");
  CHECK(set(Format::yaml, "", {"on"}, num(2)) == "\"on\": 2\n");
}

TEST_CASE("config edit yaml: CRLF line endings are kept and used for new lines") {
  CHECK(yaml("log:\r\n  level: info # c\r\n", "log.level", str("debug")) == "log:\r\n  level: debug # c\r\n");
  CHECK(yaml("log:\r\n  level: info\r\nui:\r\n  color: auto\r\n", "log.format", str("json")) ==
        "log:\r\n  level: info\r\n  format: \"json\"\r\nui:\r\n  color: auto\r\n");
  CHECK(yaml("shell:\r\n  - a\r\n  - b\r\nx: 1\r\n", "shell", list({"c"})) == "shell: [\"c\"]\r\nx: 1\r\n");
  CHECK(yaml("a: 1\r\n", "log.level", str("debug")) == "a: 1\r\nlog:\r\n  level: \"debug\"\r\n");
}

TEST_CASE("config edit yaml: a missing final newline stays missing") {
  CHECK(yaml("log:\n  level: info", "log.level", str("debug")) == "log:\n  level: debug");
  CHECK(yaml("log:\n  level: info", "log.format", str("json")) == "log:\n  level: info\n  format: \"json\"");
  CHECK(yaml("a: 1 # c", "ui.color", str("never")) == "a: 1 # c\nui:\n  color: \"never\"");
}

TEST_CASE("config edit yaml: a byte order mark stays first") {
  CHECK(yaml("\xEF\xBB\xBFlevel: info\n", "level", str("debug")) == "\xEF\xBB\xBFlevel: debug\n");
  CHECK(yaml("\xEF\xBB\xBFlog:\n  level: info\n", "log.format", str("json")) ==
        "\xEF\xBB\xBFlog:\n  level: info\n  format: \"json\"\n");
}

TEST_CASE("config edit yaml: refusals") {
  CHECK(yaml_refusal("log: {level: info}\n", "log.level") ==
        "keel.yaml:1:1: cannot set 'log.level': 'log' is a flow mapping\n"
        "rewrite 'log' as a block mapping, one key per line");
  CHECK(yaml_refusal("a: 1\nlog: {level: info}\n", "log.format") ==
        "keel.yaml:2:1: cannot set 'log.format': 'log' is a flow mapping\n"
        "rewrite 'log' as a block mapping, one key per line");
  CHECK(yaml_refusal("{log: {level: info}}\n", "log.level") ==
        "keel.yaml:1:1: cannot set 'log.level': the top level is a flow mapping\n"
        "rewrite it as a block mapping, one key per line");
  CHECK(yaml_refusal("log: 3\n", "log.level") == "keel.yaml:1:1: cannot set 'log.level': 'log' is an integer, not a table");
  CHECK(yaml_refusal("log:\n  level: [a]\n", "log.level.x") ==
        "keel.yaml:2:3: cannot set 'log.level.x': 'log.level' is an array, not a table");
  CHECK(yaml_refusal("hooks:\n  - name: a\n", "hooks.name") ==
        "keel.yaml:1:1: cannot set 'hooks.name': 'hooks' is an array of tables, not a table");
  CHECK(yaml_refusal("log: ~\n", "log.level") == "keel.yaml:1:1: cannot set 'log.level': 'log' is null, not a table");
  CHECK(yaml_refusal("log:\n  level: info\n", "log") ==
        "keel.yaml:1:1: cannot set 'log': it is a table\nset one of its keys instead");
  CHECK(yaml_refusal("a: &x 1\nb: *x\n", "a") ==
        "keel.yaml:1:4: cannot set 'a': its value has a YAML anchor or tag\nedit the file by hand");
  CHECK(yaml_refusal("? log\n: info\n", "log", str("x")) ==
        "keel.yaml:1:3: cannot set 'log': this YAML is beyond what keel can edit\nedit the file by hand");
  CHECK(yaml_refusal("log: [a\n", "log.level") == "keel.yaml:2:1: malformed YAML: end of sequence flow not found");
  CHECK(yaml_refusal("a: 1\na: 2\n", "a") == "keel.yaml:2:1: duplicate key 'a'");
  CHECK(yaml_refusal("- a\n", "a") == "keel.yaml:1:1: the top level must be a mapping of keys");
}

// ---------------------------------------------------------------- both

namespace {

using Leaves = std::vector<std::pair<std::string, std::string>>;

// Every value outside arrays of tables, by dotted key, with its rendering;
// tables are listed too (as "{table}") so that new ones show.
void collect(const Value& node, const std::string& prefix, Leaves& out) {
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string key = prefix.empty() ? node.key_at(i) : prefix + "." + node.key_at(i);
    const Value& child = node.value_at(i);
    if (child.is_table()) {
      out.emplace_back(key, "{table}");
      collect(child, key, out);
    } else if (child.is_array() && !child.items().empty() && child.items().front().is_table()) {
      out.emplace_back(key, "{array of tables}");  // refused: see the TOML refusals
    } else {
      out.emplace_back(key, child.render());
    }
  }
}

Leaves leaves_of(Format f, std::string_view text) {
  auto parsed = f == Format::yaml ? parse_yaml(text, "doc", Origin::Kind::project)
                                  : parse_toml(text, "doc", Origin::Kind::project);
  REQUIRE(parsed.ok());
  Leaves out;
  collect(parsed.value(), "", out);
  std::sort(out.begin(), out.end());
  return out;
}

// Sets `path` and checks that the only difference in the document's values
// is that key (and the tables it needed).
void check_only_changes(Format f, const std::string& text, const std::vector<std::string>& path) {
  CAPTURE(text);
  CAPTURE(join_key(path));
  Leaves before = leaves_of(f, text);
  std::string after_text = set(f, text, path, str("new value"));
  Leaves after = leaves_of(f, after_text);
  Leaves expected;
  std::string target = join_key(path);
  for (const auto& [k, v] : before)
    if (k != target) expected.emplace_back(k, v);
  for (std::size_t i = 1; i < path.size(); ++i) {
    std::string parent = join_key({path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i)});
    if (std::find(expected.begin(), expected.end(), std::pair<std::string, std::string>{parent, "{table}"}) ==
        expected.end())
      expected.emplace_back(parent, "{table}");
  }
  expected.emplace_back(target, "\"new value\"");
  std::sort(expected.begin(), expected.end());
  CHECK(after == expected);
}

void check_every_key(Format f, const std::string& text) {
  for (const auto& [key, rendered] : leaves_of(f, text)) {
    auto path = split_key(key);
    if (path.empty()) continue;  // keys with dots in them: covered elsewhere
    if (rendered == "{array of tables}") continue;
    if (rendered != "{table}") check_only_changes(f, text, path);
    path.push_back("added");
    if (rendered == "{table}") check_only_changes(f, text, path);
  }
  check_only_changes(f, text, {"added"});
  check_only_changes(f, text, {"fresh", "table", "added"});
}

}  // namespace

TEST_CASE("config edit: every key of a tricky TOML document can be set, nothing else changes") {
  check_every_key(Format::toml, R"(# header comment
top = "x" # c
dotted.a = 1
dotted . "b c" = 'lit'
arr = [
  1, # one
  [2, 3],
  { x = "}" },
]
when = 1979-05-27 07:32:00Z
ml = """
[fake]
x = 1
"""
lit = '''
y = 2'''

# about a
[a]
inline = { p = 1, q = { r = "]" } }
empty_inline = {}
"quoted key" = true
sub.deeper.x = -1.5

[a.b.c] # deeper, a.b is implicit
z = "#not a comment"

[[list]]
name = "first"

[[list]]
name = "second"
[list.sub]
k = 1

[after]
x = 0x10
)");
}

TEST_CASE("config edit: every key of a tricky YAML document can be set, nothing else changes") {
  check_every_key(Format::yaml, R"(# header comment
top: x # c
quoted: "a # b"
single: 'it''s'
flow: [a, "b, c", {k: v}]
multi: [one,
  two]
block:
  - a
  - b: 1
    c: 2
same_indent_list:
- x
- y
folded: >
  some text
  # still text
literal: |-
  line
plain: a long
  plain scalar
empty:
nulled: ~
nested:
  deeper:
    leaf: 1
    other: "two"   # comment

  # comment at the end of nested
last:
    four: spaces
)");
}

TEST_CASE("config edit: the same TOML document with CRLF line endings") {
  std::string text = "a = 1\n[t]\nx = [\n  1,\n]\ny = \"\"\"\nz\n\"\"\"\n[u.v]\nw = 1\n";
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  check_every_key(Format::toml, crlf);
}

TEST_CASE("config edit: the same YAML document with CRLF line endings") {
  std::string text = "a: 1\nt:\n  x:\n    - 1\n  y: |\n    z\n  w: [1,\n    2]\nu:\n  v: 1\n";
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  check_every_key(Format::yaml, crlf);
}
