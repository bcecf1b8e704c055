// Templates in hook commands: shell quoting, expansion and batching.
#include <doctest/doctest.h>

#include "hooks/template.hpp"
#include "support.hpp"

using namespace keel::hooks;

TEST_CASE("hooks template: shell quoting") {
  CHECK(shell_quote("a.txt") == "a.txt");
  CHECK(shell_quote("dir/x-y_z.c") == "dir/x-y_z.c");
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("$(rm -rf /)") == "'$(rm -rf /)'");
  CHECK(shell_quote("new\nline") == "'new\nline'");
  CHECK(shell_quote("caf\xe9") == "'caf\xe9'");
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("-n") == "-n");
}

TEST_CASE("hooks template: the file templates a command uses, in order") {
  CHECK(file_templates("eslint {staged_files}") == std::vector<FileSet>{FileSet::staged});
  CHECK(file_templates("x {files} {all_files} {files}") == std::vector<FileSet>{FileSet::files, FileSet::all});
  CHECK(file_templates("echo ${HOME} {1}").empty());
}

TEST_CASE("hooks template: values become positional parameters, never script text") {
  Expansion v;
  v.files[FileSet::staged] = {"a.txt", "b c.txt"};
  v.args = {".git/COMMIT_EDITMSG", "message"};
  CHECK(expand("lint {staged_files}", v) == ShellCall{"lint \"${1}\" \"${2}\"", {"a.txt", "b c.txt"}, "lint \"$@\""});
  CHECK(expand("keel commit lint {1}", v) ==
        ShellCall{"keel commit lint \"${1}\"", {".git/COMMIT_EDITMSG", "message"}, ""});
  CHECK(expand("x {0}", v).script == "x \"${1}\" \"${2}\"");
  CHECK(expand("x {2} {1}", v).script == "x \"${2}\" \"${1}\"");
  CHECK(expand("x {3}", v).script == "x ");  // an argument git did not pass is empty
  CHECK(expand("echo ${HOME} {unknown} {", v) == ShellCall{"echo ${HOME} {unknown} {", {}, ""});
  CHECK(expand("x {all_files}", v) == ShellCall{"x ", {}, "x \"$@\""});
  // One list, however often it is used, and the lists in order of first use.
  CHECK(expand("a {staged_files} b {1} c {staged_files}", v) ==
        ShellCall{"a \"${1}\" \"${2}\" b \"${3}\" c \"${1}\" \"${2}\"",
                  {"a.txt", "b c.txt", ".git/COMMIT_EDITMSG", "message"}, ""});
  v.files[FileSet::all] = {"-rf", "a/-b", ""};
  CHECK(expand("rm {all_files}", v) == ShellCall{"rm \"${1}\" \"${2}\"", {"./-rf", "a/-b"}, "rm \"$@\""});  // never an option
}

TEST_CASE("hooks template: the user's quotes are closed around the references") {
  Expansion v;
  v.files[FileSet::staged] = {"x$(touch PWNED).txt", "a';touch PWNED;'b.txt"};
  auto files = v.files[FileSet::staged];
  CHECK(expand("echo '{staged_files}'", v) == ShellCall{"echo ''\"${1}\" \"${2}\"''", files, "echo ''\"$@\"''"});
  CHECK(expand("echo \"{staged_files}\"", v) == ShellCall{"echo \"\"\"${1}\" \"${2}\"\"\"", files, "echo \"\"\"$@\"\"\""});
  CHECK(expand("echo 'pre {staged_files} post'", v).script == "echo 'pre '\"${1}\" \"${2}\"' post'");
  CHECK(expand("echo \"$(cat '{staged_files}')\"", v).script == "echo \"$(cat ''\"${1}\" \"${2}\"'')\"");
  CHECK(expand("echo `cat {staged_files}`", v).script == "echo `cat \"${1}\" \"${2}\"`");
  CHECK(expand("echo ${x:-{staged_files}}", v).script == "echo ${x:-\"${1}\" \"${2}\"}");
  // A quote in a comment opens nothing.
  CHECK(expand("a # don't\nb {staged_files}", v).script == "a # don't\nb \"${1}\" \"${2}\"");
  CHECK(expand("a#'\nb '{staged_files}'", v).script == "a#'\nb '\"${1}\" \"${2}\"'");
  // '#' inside a word is no comment: after an escaped space, after $(…).
  CHECK(expand("a\\ #{staged_files}", v).script == "a\\ #\"${1}\" \"${2}\"");
  CHECK(expand("a $(b)#{staged_files}", v).script == "a $(b)#\"${1}\" \"${2}\"");
  // Escaped braces and the shell's own ${…} are not templates.
  CHECK(expand("echo \\{staged_files} \"\\{staged_files}\" ${staged_files} '${staged_files}'", v) ==
        ShellCall{"echo \\{staged_files} \"\\{staged_files}\" ${staged_files} '${staged_files}'", {}, ""});
  // An escaped backslash before a template leaves the template working.
  CHECK(expand("echo \"\\\\{staged_files}\"", v).script == "echo \"\\\\\"\"${1}\" \"${2}\"\"\"");
  CHECK(file_templates("echo '{files}' \"{all_files}\"") == std::vector<FileSet>{FileSet::files, FileSet::all});
}

TEST_CASE("hooks template: batches fit the limit and keep every file once, in order") {
  Expansion v;
  for (int i = 0; i < 100; ++i) v.files[FileSet::staged].push_back("file-" + std::to_string(i) + ".txt");
  v.args = {"x"};
  const std::size_t limit = 600;
  auto batches = expand_batched("lint {staged_files} --arg {1}", v, FileSet::staged, limit);
  REQUIRE(batches);
  CHECK(batches->size() > 1);
  std::vector<std::string> all;
  for (const auto& b : *batches) {
    CHECK(argv_bytes(b) <= limit);
    CHECK(b.script.rfind("lint \"${1}\"", 0) == 0);
    REQUIRE(b.args.size() >= 2);
    CHECK(b.args.back() == "x");
    std::string tail = " --arg \"${" + std::to_string(b.args.size()) + "}\"";
    REQUIRE(b.script.size() > tail.size());
    CHECK(b.script.substr(b.script.size() - tail.size()) == tail);
    all.insert(all.end(), b.args.begin(), b.args.end() - 1);
  }
  CHECK(all == v.files[FileSet::staged]);
}

TEST_CASE("hooks template: no files still gives one run; a name longer than the limit none") {
  Expansion v;
  auto one = expand_batched("true {files}", v, FileSet::files, 100);
  REQUIRE(one);
  CHECK(*one == std::vector<ShellCall>{ShellCall{"true ", {}, "true \"$@\""}});
  v.files[FileSet::files] = {std::string(200, 'x')};
  CHECK_FALSE(expand_batched("true {files}", v, FileSet::files, 100));
}

TEST_CASE("hooks template: the command line budget") {
  CHECK(command_line_limit(0) > 4096);
  CHECK(argv_bytes(ShellCall{"ab", {"c", ""}, ""}) == 3 + 2 + 1 + 3 * sizeof(char*));
  CHECK(command_line_limit(1u << 30) == 0);
  CHECK(environment_size({"A=b", "PATH=/bin"}) == 4 + 10 + 2 * sizeof(char*));
}

TEST_CASE("hooks template: words in braces that name no template") {
  using Names = std::vector<std::string>;
  CHECK(unknown_templates("eslint {stagedfiles} {files} {stagedfiles} {Files}") == Names{"stagedfiles", "Files"});
  CHECK(unknown_templates("echo '{stage_files}' \"{x1}\"") == Names{"stage_files", "x1"});
  // Shell code: ${…}, escaped braces, brace groups, brace expansion, find's {}.
  CHECK(unknown_templates("echo ${name} \\{name} { a; } {a,b} {} {1x} '${y}'").empty());
  CHECK(template_names() == Names{"staged_files", "all_files", "push_files", "files"});
}

TEST_CASE("hooks template: \"$@\" for the shell when one list holds every argument") {
  Expansion v;
  v.files[FileSet::staged] = {"a", "b"};
  v.files[FileSet::all] = {"c"};
  v.args = {"m"};
  CHECK(expand("x {staged_files} y '{staged_files}'", v).compact == "x \"$@\" y ''\"$@\"''");
  CHECK(expand("x {0}", v).compact == "x \"$@\"");
  CHECK(expand("x {staged_files} {all_files}", v).compact.empty());
  CHECK(expand("x {staged_files} {1}", v).compact.empty());
  CHECK(expand("x {1}", v).compact.empty());
  CHECK(expand("x", v).compact.empty());
}

TEST_CASE("hooks template: in an assignment word a list is one word, never a command") {
  Expansion v;
  v.files[FileSet::staged] = {"a.txt", "mkdir"};
  CHECK(expand("FILES=\"{staged_files}\"; x \"$FILES\"", v).script == "FILES=\"${1} ${2}\"; x \"$FILES\"");
  CHECK(expand("FILES={staged_files} x", v).script == "FILES=\"${1} ${2}\" x");
  CHECK(expand("A=1 B='{staged_files}' x", v).script == "A=1 B=''\"${1} ${2}\"'' x");
  CHECK(expand("(F={staged_files})", v).script == "(F=\"${1} ${2}\")");
  // After the command's name, NAME=VALUE is an argument: one per file.
  CHECK(expand("x FILES={staged_files}", v).script == "x FILES=\"${1}\" \"${2}\"");
  CHECK(expand("export F={staged_files}", v).script == "export F=\"${1}\" \"${2}\"");
}
