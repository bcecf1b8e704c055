#pragma once
// Running one hook: choosing each command's files, hiding unstaged changes
// in pre-commit, running the commands (in parallel when asked), printing
// each command's output whole and a summary line per command.

#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "git/git.hpp"
#include "hooks/backup.hpp"
#include "hooks/settings.hpp"

namespace keel::hooks {

struct RunRequest {
  std::vector<std::string> args;  // the hook's own arguments, for {0}, {1}...
  // Which files replace the hook's own ({files}, {staged_files}):
  bool all_files = false;           // --all-files: every file in the index
  std::vector<std::string> files;   // --files: these, relative to the work tree root
  std::string from_ref, to_ref;     // --from-ref/--to-ref: changed between them
  std::string only_command;         // --command: just this one
  unsigned jobs = 0;                // -j; 0: the hook's setting, else one per CPU
  bool no_stash = false;            // --no-stash: leave unstaged changes in place
  std::string stdin_text;           // what git wrote to the hook's stdin (pre-push); each command reads it too
  std::vector<std::string> skip;    // KEEL_SKIP: command names or tags
};

struct RunIo {
  std::ostream& out;
  std::ostream& err;
  bool color = false;
  std::vector<std::string> shell;                   // process.shell
  std::chrono::milliseconds grace_period{5000};     // process.grace_period
  std::vector<std::string> environment;            // keel's, "NAME=value", for the command line budget
  std::map<std::string, std::string> command_env;  // set for every command, below its own env
};

// Returns the exit status: 0 when every command passed or was skipped, 1
// when one failed (or unstaged changes could not be put back cleanly).
Result<int> run_hook(git::Repository& repo, const HookSettings& hook, const RunRequest& request, RunIo& io);

// Restores unstaged changes a killed run left behind, telling the user.
// Returns false when there was nothing to restore.
// A command of that run that is still running is stopped first when
// options.stop_leftovers is set; otherwise nothing is restored (an error).
Result<bool> restore_backup(const git::Repository& repo, std::ostream& err, const RecoverOptions& options = {});

// What skip/only (and keel run's if) conditions look at: merge, rebase, branch.
RepoState repo_state(const git::Repository& repo);

}  // namespace keel::hooks
