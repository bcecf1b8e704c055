// Git configuration and the hooks directory, in plain, bare and linked
// worktree repositories, compared with git rev-parse --git-path hooks.

#include <cstdlib>

#include "git/config.hpp"
#include "git_support.hpp"

using namespace keel;
using namespace keel::test;

namespace {

// Where git itself would run hooks from, made absolute. git prints the path
// relative to the directory it runs in when core.hooksPath is relative.
std::filesystem::path git_hooks_dir(const std::filesystem::path& dir) {
  std::filesystem::path p = trimmed(sh(dir, "git rev-parse --git-path hooks"));
  return (p.is_absolute() ? p : dir / p).lexically_normal();
}

std::filesystem::path hooks(const git::Repository& repo) { return must(git::hooks_dir(repo)).lexically_normal(); }

}  // namespace

TEST_CASE("git: reading config values") {
  TempDir dir;
  git_init(dir.path());
  sh(dir.path(), "git config core.commentChar ';' && git config keel.flag yes && git config keel.size 10k && "
                 "git config keel.bad maybe && git config 'keel.sub section.key' 'with spaces'");
  auto repo = open_repo(dir.path());
  auto config = must(git::Config::snapshot(repo));
  CHECK(must(config.get_string("core.commentChar")) == ";");
  CHECK(must(config.get_string("core.commentchar")) == ";");  // keys are case-insensitive
  CHECK(must(config.get_bool("keel.flag")) == true);
  CHECK(must(config.get_bool("core.bare")) == false);
  CHECK(must(config.get_int("keel.size")) == 10240);
  CHECK(must(config.get_string("keel.sub section.key")) == "with spaces");
  CHECK_FALSE(must(config.get_string("keel.absent")).has_value());
  auto bad = config.get_bool("keel.bad");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.rfind("invalid git config value 'keel.bad'", 0) == 0);
  CHECK(bad.error().exit == Exit::usage);

  sh(dir.path(), "git config core.commentChar '%'");  // the snapshot does not move
  CHECK(must(config.get_string("core.commentChar")) == ";");
  CHECK(must(must(git::Config::snapshot(repo)).get_string("core.commentChar")) == "%");
}

TEST_CASE("git: hooks directory with and without core.hooksPath") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "sub/f", "1\n", "base");
  auto repo = open_repo(dir / "sub");
  CHECK(hooks(repo) == dir / ".git/hooks");
  CHECK(hooks(repo) == git_hooks_dir(dir.path()));

  sh(dir.path(), "git config core.hooksPath .githooks");  // relative: to the work tree root
  CHECK(hooks(repo) == dir / ".githooks");
  CHECK(hooks(repo) == git_hooks_dir(dir.path()));

  sh(dir.path(), "git config core.hooksPath " + (dir / "elsewhere").string());
  CHECK(hooks(repo) == dir / "elsewhere");
  CHECK(hooks(repo) == git_hooks_dir(dir.path()));

  sh(dir.path(), "git config core.hooksPath '~/keel-hooks'");
  CHECK(hooks(repo) == git_hooks_dir(dir.path()));
  CHECK(hooks(repo) == std::filesystem::path(std::getenv("HOME")) / "keel-hooks");
}

TEST_CASE("git: hooks directory of a bare repository") {
  TempDir dir;
  sh(dir.path(), "git init -q --bare b.git");
  auto repo = open_repo(dir / "b.git");
  CHECK(hooks(repo) == dir / "b.git/hooks");
  sh(dir / "b.git", "git config core.hooksPath my-hooks");
  CHECK(hooks(repo) == dir / "b.git/my-hooks");
  CHECK(hooks(repo) == git_hooks_dir(dir / "b.git"));
}

TEST_CASE("git: hooks directory and config from a linked worktree") {
  TempDir dir;
  git_init_dir(dir / "main");
  git_commit_file(dir / "main", "f", "1\n", "base");
  sh(dir / "main", "git worktree add -q ../linked && git config core.commentChar ';'");
  auto linked = open_repo(dir / "linked");
  REQUIRE(linked.is_worktree());
  CHECK(hooks(linked) == dir / "main/.git/hooks");  // shared, in the common dir
  CHECK(hooks(linked) == git_hooks_dir(dir / "linked"));
  CHECK(must(must(git::Config::snapshot(linked)).get_string("core.commentChar")) == ";");

  sh(dir / "main", "git config core.hooksPath .githooks");  // relative to each worktree's root
  CHECK(hooks(linked) == dir / "linked/.githooks");
  CHECK(hooks(linked) == git_hooks_dir(dir / "linked"));
}

TEST_CASE("git: per-worktree config (extensions.worktreeConfig)") {
  TempDir dir;
  git_init_dir(dir / "main");
  git_commit_file(dir / "main", "f", "1\n", "base");
  sh(dir / "main", "git worktree add -q ../linked && git config core.commentChar ';' && "
                   "git config extensions.worktreeConfig true");
  sh(dir / "linked", "git config --worktree core.hooksPath /linked-hooks && git config --worktree core.commentChar '%'");
  // git honours the extension even in a version 0 repository; libgit2 1.5
  // ignores config.worktree there.
  CHECK(hooks(open_repo(dir / "linked")) == "/linked-hooks");

  // In version 1 libgit2 1.5 alone refuses to open the repository at all.
  sh(dir / "main", "git config core.repositoryformatversion 1");
  auto linked = open_repo(dir / "linked");
  auto config = must(git::Config::snapshot(linked));
  CHECK(must(config.get_string("core.commentChar")) == "%");
  CHECK(hooks(linked) == "/linked-hooks");
  CHECK(hooks(linked) == git_hooks_dir(dir / "linked"));

  auto main = open_repo(dir / "main");
  CHECK(must(must(git::Config::snapshot(main)).get_string("core.commentChar")) == ";");
  CHECK(hooks(main) == dir / "main/.git/hooks");
  CHECK(hooks(main) == git_hooks_dir(dir / "main"));
}
