// gitignore-style globs for hook commands' glob and exclude keys.
#include <doctest/doctest.h>

#include "hooks/glob.hpp"

using keel::hooks::brace_alternatives;
using keel::hooks::glob_match;
using keel::hooks::lefthook_glob_match;

TEST_CASE("hooks glob: a glob without '/' matches a name at any depth") {
  CHECK(glob_match("*.txt", "a.txt"));
  CHECK(glob_match("*.txt", "dir/sub/a.txt"));
  CHECK_FALSE(glob_match("*.txt", "a.txt.bak"));
  CHECK_FALSE(glob_match("*.txt", "atxt"));
  CHECK(glob_match("Makefile", "src/Makefile"));
  // A directory name takes everything below it.
  CHECK(glob_match("vendor", "vendor/lib/x.c"));
  CHECK(glob_match("vendor", "a/vendor/x.c"));
  CHECK_FALSE(glob_match("vendor", "vendors/x.c"));
}

TEST_CASE("hooks glob: '*' and '?' stop at '/', '**' spans zero or more directories") {
  CHECK(glob_match("src/*.c", "src/a.c"));
  CHECK_FALSE(glob_match("src/*.c", "src/sub/a.c"));
  CHECK_FALSE(glob_match("src/*.c", "lib/src/a.c"));  // anchored
  CHECK(glob_match("src/**/*.c", "src/a.c"));          // zero directories
  CHECK(glob_match("src/**/*.c", "src/x/y/a.c"));
  CHECK(glob_match("**/*.c", "a.c"));
  CHECK(glob_match("**/test/*.py", "a/b/test/t.py"));
  CHECK(glob_match("docs/**", "docs/a/b.md"));
  CHECK_FALSE(glob_match("docs/**", "docs"));
  CHECK(glob_match("a?c", "abc"));
  CHECK_FALSE(glob_match("a?c", "a/c"));
  CHECK(glob_match("/README", "README"));
  CHECK_FALSE(glob_match("/README", "doc/README"));
}

TEST_CASE("hooks glob: classes, escapes and directory globs") {
  CHECK(glob_match("*.[ch]", "x.h"));
  CHECK_FALSE(glob_match("*.[ch]", "x.o"));
  CHECK(glob_match("file[0-9].txt", "file7.txt"));
  CHECK(glob_match("file[!0-9].txt", "filex.txt"));
  CHECK_FALSE(glob_match("file[!0-9].txt", "file1.txt"));
  CHECK(glob_match("\\*.txt", "*.txt"));
  CHECK_FALSE(glob_match("\\*.txt", "a.txt"));
  CHECK(glob_match("build/", "build/out.o"));
  CHECK(glob_match("build/", "sub/build/out.o"));
  CHECK_FALSE(glob_match("build/", "build"));  // a file called build is no directory
  CHECK(glob_match("*", "any/thing"));
  CHECK_FALSE(glob_match("", "a"));
}

TEST_CASE("hooks glob: odd bytes in names") {
  CHECK(glob_match("*.txt", "it's a \"file\".txt"));
  CHECK(glob_match("*.txt", "new\nline.txt"));
  CHECK(glob_match("caf*", "caf\xe9"));
  CHECK(glob_match("a b/*.md", "a b/c d.md"));
}

TEST_CASE("hooks glob: {a,b} alternatives, nested, escaped, and the cap") {
  using Globs = std::vector<std::string>;
  CHECK(*brace_alternatives("*.{js,ts}") == Globs{"*.js", "*.ts"});
  CHECK(*brace_alternatives("{src,lib}/**/*.{c,h}") ==
        Globs{"src/**/*.c", "src/**/*.h", "lib/**/*.c", "lib/**/*.h"});
  CHECK(*brace_alternatives("a{b,c{d,e}}f") == Globs{"abf", "acdf", "acef"});
  CHECK(*brace_alternatives("{x}") == Globs{"x"});
  CHECK(*brace_alternatives("\\{a,b}") == Globs{"\\{a,b}"});
  CHECK(*brace_alternatives("{a,b") == Globs{"{a,b"});
  CHECK(*brace_alternatives("[{,]x") == Globs{"[{,]x"});
  CHECK_FALSE(brace_alternatives("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}"));
  CHECK(glob_match("*.{js,ts}", "src/a.ts"));
  CHECK(glob_match("*.{js,ts}", "a.js"));
  CHECK_FALSE(glob_match("*.{js,ts}", "a.jsx"));
  CHECK(glob_match("{src,lib}/*.c", "lib/x.c"));
  CHECK_FALSE(glob_match("{src,lib}/*.c", "lib/sub/x.c"));
  CHECK(glob_match("\\{a,b}", "{a,b}"));
}

TEST_CASE("hooks glob: lefthook's matcher: no separators, the whole path") {
  CHECK(lefthook_glob_match("src/*.js", "src/a.js"));
  CHECK(lefthook_glob_match("src/*.js", "src/sub/c.js"));
  CHECK(lefthook_glob_match("*.js", "a/b.js"));
  CHECK_FALSE(lefthook_glob_match("**/*.js", "a.js"));
  CHECK(lefthook_glob_match("**/*.js", "a/b.js"));
  CHECK(lefthook_glob_match("*.{js,ts}", "deep/x.ts"));
  CHECK(lefthook_glob_match("?.md", "a.md"));
  CHECK(lefthook_glob_match("src?a.md", "src/a.md"));
  CHECK(lefthook_glob_match("[a-c]*.go", "b/x.go"));
  CHECK_FALSE(lefthook_glob_match("[!a-c]*.go", "b/x.go"));
  CHECK_FALSE(lefthook_glob_match("src/*.js", "lib/src/a.js"));
}

// "*.txt" and "src/**" take shorter ways than the general matcher ("*.tx[t]" cannot):
// the two must agree on every path, directory globs and alternatives too.
TEST_CASE("hooks glob: a plain-suffix or plain-directory glob answers as the general matcher does") {
  const std::pair<const char*, const char*> pairs[] = {
      {"*.txt", "*.tx[t]"}, {"*.d/", "*.[d]/"}, {"*t", "*[t]"},
      {"**/*.txt", "**/*.tx[t]"}, {"*.{tx,d}", "*.{t[x],[d]}"}, {"*.t{x,}", "*.t{[x],}"},
      // "DIR/**" takes a shorter way too ("DI[R]/**" cannot)
      {"a/**", "[a]/**"}, {"a.t/d/**", "a.t/[d]/**"}, {"/a/**", "/[a]/**"}, {"a/**/", "[a]/**/"},
      {"{a,d}/**", "{[a],[d]}/**"}, {"a//**", "[a]//**"}};
  const char alphabet[] = {'a', '.', 't', 'x', 'd', '/'};
  unsigned state = 20261207;
  auto next = [&] { return state = state * 1103515245u + 12345u, (state >> 16) & 0x7fff; };
  for (int i = 0; i < 20000; ++i) {
    std::string path;
    for (unsigned n = next() % 11; n > 0; --n) path += alphabet[next() % sizeof alphabet];
    for (const auto& [fast, general] : pairs) {
      INFO("glob " << fast << " path '" << path << "'");
      CHECK(glob_match(fast, path) == glob_match(general, path));
    }
  }
  CHECK(glob_match("*.txt", "a.txt/b"));  // a directory named like it
  CHECK(glob_match("a.t/**", "a.t/"));
  CHECK_FALSE(glob_match("a.t/**", "a.t"));
  CHECK_FALSE(glob_match("*.txt/", "a/b.txt"));
  CHECK(glob_match("*.txt/", "a.txt/b"));
}
