#pragma once
// keel release itself, which puts src/release/'s pieces to work on files,
// git and the terminal: preconditions, release.before, version files, the
// changelog, the commit, the annotated tag, release.after and the push.
//
// All or nothing: before anything is written keel keeps the original bytes
// of every file it will change and of the index, and the branch's commit.
// When a step fails, every file is restored byte for byte (or removed when
// keel created it), the index file is restored, a created tag is deleted and
// the branch is set back to its commit. Only a failed push leaves the local
// commit and tag, and says how to push them.
//
// The commit and the tag are made with the user's own `git` (so that
// signing keys, hooks' absence and credentials are theirs): `git commit
// --no-verify` (the release commit is keel's, not the user's, so commit
// hooks do not run on it), `git tag -a` (or -s with --sign) with the
// changelog section as the message, `git push --atomic REMOTE BRANCH TAG`.

#include <ostream>
#include <string>
#include <vector>

#include "git/git.hpp"
#include "release/history.hpp"
#include "release/settings.hpp"

namespace keel::release {

struct PerformOptions {
  bool dry_run = false;
  bool no_commit = false;  // write files only; no commit, so no tag either
  bool no_tag = false;
  bool push = false;
  bool sign = false;
  NextOptions next;
  std::vector<std::string> packages;  // --package; empty: every unit with changes
  std::vector<std::string> shell = {"/bin/sh", "-c"};
  std::int64_t now = 0;  // seconds since the epoch, for the changelog date
};

// Releases and returns the exit status (0, or 3 with nothing to release).
// Errors come back as Failure exceptions (usage 2, failed 1).
int perform(const git::Repository& repo, const Settings& settings, const PerformOptions& options, std::ostream& out,
            std::ostream& err);

// What a plan found that the user should hear of: commits ignored and
// reverts cancelled (with --verbose), and tags that the template does not
// match when none does (always, as a warning with the template to set).
void report_plan(const Plan& plan, const Unit& unit);

// The template the settings name, or the built-in one.
Template load_template(const Settings& settings, const std::filesystem::path& root);

}  // namespace keel::release
