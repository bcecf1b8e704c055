// Keys of `keel hooks`: one table per git hook, one sub-table per command.
// "*" is the hook name, then the command name; src/hooks/settings.cpp reads
// them and checks what the types cannot (hook names, a command's run).
#include "config/keys/tables.hpp"

namespace keel::config::keys {

#define KEEL_CONDITIONS(prefix, what)                                                                        \
  {prefix ".skip", KeyType::flag_or_list, "",                                                                \
   "Skip " what ": true always; or conditions, any of which skips: merge (a merge is in progress), rebase "  \
   "(a rebase is in progress), branch:GLOB or ref:GLOB (the current branch matches GLOB), run:COMMAND "     \
   "(the shell command exits 0; run in the repository's root).",                                          \
   0},                                                                                                       \
  {prefix ".only", KeyType::flag_or_list, "",                                                                \
      "Run " what " only when one of these conditions holds (see skip).", 0}

static const KeyDecl k_hooks_keys[] = {
    {"hooks.glob_style", KeyType::choice, R"("keel")",
     "How glob, exclude and root choose files: keel (gitignore-style, '*' stays within a directory, globs "
     "without '/' match at any depth) or lefthook (lefthook's default matcher: '*' crosses '/', the glob is "
     "matched against the whole path, glob ignores case).",
     0, "keel|lefthook"},
    {"hooks.min_version", KeyType::string, "",
     "The oldest keel that may run these hooks, as lefthook's min_version: an older one refuses with an error.", 0},
    {"hooks.*.parallel", KeyType::boolean, "true",
     "Run the hook's commands at the same time; each command's output is still printed whole.", 0},
    {"hooks.*.fail_fast", KeyType::boolean, "false",
     "Start no further command once one has failed; those not started are reported as skipped.", 0},
    {"hooks.*.piped", KeyType::boolean, "false",
     "Run the commands one after another in priority order and stop at the first failure, as lefthook's piped "
     "(parallel = false with fail_fast = true).",
     0},
    {"hooks.*.exclude_tags", KeyType::string_list, "",
     "Skip the hook's commands that have one of these tags (or names), as lefthook's exclude_tags.", 0},
    {"hooks.*.jobs", KeyType::integer, "",
     "Commands run at once in parallel mode; 0 or unset: one per CPU.", 0},
    KEEL_CONDITIONS("hooks.*", "the whole hook"),

    {"hooks.*.commands.*.run", KeyType::string, "",
     "Shell command. Templates: {staged_files}, {all_files}, {push_files}, {files} (the hook's own file set), "
     "{0} (all hook arguments), {1}, {2}... (one argument); each file is one argument to the shell, never script text.",
     0},
    {"hooks.*.commands.*.glob", KeyType::string_list, "",
     "Only files matching one of these gitignore-style globs ('**' is zero or more directories; a glob "
     "without '/' matches a name at any depth).",
     0},
    {"hooks.*.commands.*.exclude", KeyType::string_list, "", "Leave out files matching one of these globs.", 0},
    {"hooks.*.commands.*.types", KeyType::string_list, "",
     "Only files of one of these types: text, binary, executable, symlink.", 0},
    {"hooks.*.commands.*.root", KeyType::string, "",
     "Sub-directory of the repository: only files below it, given relative to it, with the command run there.",
     0},
    {"hooks.*.commands.*.env", KeyType::string_table, "", "Environment variables set for the command.", 0},
    {"hooks.*.commands.*.stage_fixed", KeyType::boolean, "false",
     "After the command succeeds, stage again the files among its inputs that it changed, with git add (clean "
     "filters apply); the index keeps its mode, and a file that is now another kind (a symlink) is not staged.", 0},
    KEEL_CONDITIONS("hooks.*.commands.*", "the command"),
    {"hooks.*.commands.*.priority", KeyType::integer, "",
     "Order: lower first; commands without a priority run last, in the config's order.", 0},
    {"hooks.*.commands.*.tags", KeyType::string_list, "", "Names for KEEL_SKIP, besides the command's own.", 0},
    {"hooks.*.commands.*.interactive", KeyType::boolean, "false",
     "The command reads the terminal: it runs alone, after the others, with keel's standard streams. "
     "Without it, a command that reads the terminal is stopped and fails.",
     0},
    {"hooks.*.commands.*.fail_text", KeyType::string, "", "Printed when the command fails, e.g. how to fix it.",
     0},
    {"hooks.*.commands.*.files", KeyType::string, "",
     "A shell command whose output lines are the files {files} gives this command (before glob, exclude, types "
     "and root), in place of the hook's own, as lefthook's files; it runs in the repository's root.",
     0},
};

#undef KEEL_CONDITIONS

const KeyTable hooks_table{"hooks", k_hooks_keys};

}  // namespace keel::config::keys
