#include <doctest/doctest.h>

#include "process/shell_words.hpp"
#include "support.hpp"

using keel::process::simple_command_words;
using Words = std::vector<std::string>;

TEST_CASE("shell words: simple commands are split as the shell would") {
  CHECK(simple_command_words("ls") == Words{"ls"});
  CHECK(simple_command_words("  eslint\t--fix  a.js ") == Words{"eslint", "--fix", "a.js"});
  CHECK(simple_command_words("cat 'a b.txt' 'it'\\''s' x") == Words{"cat", "a b.txt", "it's", "x"});
  CHECK(simple_command_words("ls 'a$b' \"c d\" e\\ f") == Words{"ls", "a$b", "c d", "e f"});
  CHECK(simple_command_words("cmd '' x") == Words{"cmd", "", "x"});
  CHECK(simple_command_words("cmd a=b --opt=1 ./x~y") == Words{"cmd", "a=b", "--opt=1", "./x~y"});
  CHECK(simple_command_words("keel commit lint '.git/COMMIT_EDITMSG'") ==
        Words{"keel", "commit", "lint", ".git/COMMIT_EDITMSG"});
  CHECK(simple_command_words("sed 's/a/b/\\n' x") == Words{"sed", "s/a/b/\\n", "x"});
}

TEST_CASE("shell words: true and false are run as programs, unless asked for --help or --version") {
  CHECK(simple_command_words("true") == Words{"true"});
  CHECK(simple_command_words("false") == Words{"false"});
  CHECK(simple_command_words("true ./a.txt ./--help") == Words{"true", "./a.txt", "./--help"});
  CHECK_FALSE(simple_command_words("true --help"));
  CHECK_FALSE(simple_command_words("true --version"));
  CHECK_FALSE(simple_command_words("false \"${1}\"", {"--help"}));
}

TEST_CASE("shell words: anything the shell would interpret needs the shell") {
  for (const char* script :
       {"", "   ", "a | b", "a && b", "a; b", "a > out", "a < in", "(a)", "{ a; }", "a *.txt", "a file?",
        "a [ab]", "a $HOME", "a ${x}", "a `date`", "a \"$x\"", "a \"`x`\"", "a \"\\\\\"", "a # comment", "a ~/x",
        "X=1 a", "a x=~/y", "a --path=a:~/b", "a\nb", "a 'open", "a \"open", "a \\", "! a", "cd x", "export A=1", "echo -e x", ". ./env",
        ": nothing", "exit 3", "if true; then a; fi", "while", "a !x", "true --help", "false x --version", "printf %q x",
        "pwd", "test -f x", "kill 1", "time make", "command -v x", "type ls", "let x=1", "function", "coproc cat"})
    CHECK_MESSAGE(!simple_command_words(script), script);
}

TEST_CASE("shell words: positional references in double quotes take the values, as the shell would") {
  std::vector<std::string> args{"x$(touch PWNED).txt", "a b", "-rf", "it's \"q\""};
  CHECK(simple_command_words("cat \"${1}\" \"${2}\"", args) == Words{"cat", "x$(touch PWNED).txt", "a b"});
  CHECK(simple_command_words("cat 'pre '\"${1}\" \"${4}\"' post'", args) ==
        Words{"cat", "pre x$(touch PWNED).txt", "it's \"q\" post"});
  CHECK(simple_command_words("cat \"${9}\"", args) == Words{"cat", ""});  // unset: empty, still a word
  CHECK(simple_command_words("cat \"${12}\"", args) == Words{"cat", ""});
  for (const char* script : {"cat ${1}", "cat \"$1\"", "cat \"${0}\"", "cat \"${1\"", "cat \"${x}\"", "cat \"${1:-a}\"",
                             "cat \"$@\"", "cat \"${}\""})
    CHECK_MESSAGE(!simple_command_words(script, args), script);
}
