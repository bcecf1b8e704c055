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

#define KEEL_COMMAND_KEYS(prefix) \
    {prefix ".glob", KeyType::string_list, "", \
     "Only files matching one of these gitignore-style globs ('**' is zero or more directories; a glob " \
     "without '/' matches a name at any depth).", \
     0}, \
    {prefix ".exclude", KeyType::string_list, "", "Leave out files matching one of these globs.", 0}, \
    {prefix ".exclude_regex", KeyType::string_list, "", \
     "Leave out files whose path (from the repository's root) one of these regular expressions finds, as " \
     "lefthook 1's exclude string did (ECMAScript syntax).", 0}, \
    {prefix ".types", KeyType::string_list, "", \
     "Only files of one of these types: text, binary, executable, symlink.", 0}, \
    {prefix ".root", KeyType::string, "", \
     "Sub-directory of the repository: only files below it, given relative to it, with the command run there.", \
     0}, \
    {prefix ".env", KeyType::string_table, "", "Environment variables set for the command.", 0}, \
    {prefix ".stage_fixed", KeyType::boolean, "false", \
     "After the command succeeds, stage again the files among its inputs that it changed, with git add (clean " \
     "filters apply); the index keeps its mode, and a file that is now another kind (a symlink) is not staged.", 0}, \
    KEEL_CONDITIONS(prefix, "the command"), \
    {prefix ".priority", KeyType::integer, "", \
     "Order: lower first; commands without a priority run last, in the config's order.", 0}, \
    {prefix ".tags", KeyType::string_list, "", "Names for KEEL_SKIP, besides the command's own.", 0}, \
    {prefix ".interactive", KeyType::boolean, "false", \
     "The command reads the terminal: it runs alone, after the others, with keel's standard streams. " \
     "Without it, a command that reads the terminal is stopped and fails.", \
     0}, \
    {prefix ".fail_text", KeyType::string, "", "Printed when the command fails, e.g. how to fix it.", \
     0}, \
    {prefix ".files", KeyType::string, "", \
     "A shell command whose output lines are the files {files} gives this command (before glob, exclude, types " \
     "and root), in place of the hook's own, as lefthook's files; it runs in the repository's root.", \
     0}, \
    {prefix ".glob_style", KeyType::choice, "", \
     "This command's own hooks.glob_style; keel sets it on the commands of a remote (hooks.remotes) whose file " \
     "says another style than this configuration.", \
     0, "keel|lefthook"}, \
    {prefix ".use_stdin", KeyType::boolean, "false", \
     "The command reads what was written to the hook's standard input (keel reads it once and gives it to " \
     "each such command; pre-push, post-rewrite and the receive hooks give it to every command anyway).", 0}

static const KeyDecl k_hooks_keys[] = {
    {"hooks.glob_style", KeyType::choice, R"("keel")",
     "How glob, exclude and root choose files: keel (gitignore-style, '*' stays within a directory, globs "
     "without '/' match at any depth) or lefthook (lefthook's default matcher: '*' crosses '/', the glob is "
     "matched against the whole path, glob ignores case).",
     0, "keel|lefthook"},
    {"hooks.min_version", KeyType::string, "",
     "The oldest keel that may run these hooks, as lefthook's min_version: an older one refuses with an error.", 0},
    {"hooks.output", KeyType::flag_or_list, "true",
     "What a hook run prints, as lefthook's output: true (all), false (only failures and their output), or a "
     "list of summary, empty_summary, success, failure, skips, execution (execution_info, the heading before a "
     "command's output, and execution_out, the output), meta (accepted; keel prints no banner).",
     0},
    {"hooks.skip_output", KeyType::string_list, "",
     "Parts of the output to leave out (names as in hooks.output), as lefthook's skip_output.", 0},
    {"hooks.rc", KeyType::string, "",
     "A shell file sourced before the commands run, as lefthook's rc: the environment it exports (a PATH for "
     "nvm, say) is given to every command. A path relative to the repository's root, or starting with ~/; a "
     "missing file is ignored.",
     0},
    {"hooks.source_dir", KeyType::string, R"(".keel/hooks")",
     "Where the files of `script` and [hooks.HOOK.scripts] are: SOURCE_DIR/HOOK/FILE, relative to the "
     "repository's root (lefthook's source_dir is .lefthook).",
     0},
    {"hooks.remotes", KeyType::table_list, "",
     "Hook configuration shared from other repositories, as lefthook's remotes: each { git_url (a relative "
     "path is from the repository's root), ref (a full commit id; a tag or branch, or none for the default "
     "branch, only with hooks.trust_remote_refs), configs (files there, default [\"keel.toml\"]; a lefthook "
     "file is migrated as it is read), refetch (fetch on every run), refetch_frequency (\"24h\") }. The copies "
     "live in keel's cache directory; the hooks they define lie under this configuration's, which wins key by key; "
     "their [hooks] options (rc, output, source_dir...) and script commands are left out.",
     0},
    {"hooks.trust_remote_refs", KeyType::boolean, "false",
     "Let hooks.remotes name a tag or branch as ref. Their hooks then run whatever the remote serves under that "
     "name; without this a remote's ref must be a full commit id, so that the repository fixes the code its "
     "hooks run.",
     k_trusted},
    {"hooks.*.follow", KeyType::boolean, "false",
     "Print each command's output as it comes rather than whole when it ends, as lefthook's follow; with "
     "parallel commands the lines of several commands mix.",
     0},
    {"hooks.*.parallel", KeyType::boolean, "true",
     "Run the hook's commands at the same time; each command's output is still printed whole.", 0},
    {"hooks.*.fail_fast", KeyType::boolean, "false",
     "Start no further command once one has failed; those not started are reported as skipped.", 0},
    {"hooks.*.piped", KeyType::boolean, "false",
     "Run the commands one after another in priority order and stop at the first failure, as lefthook's piped "
     "(parallel = false with fail_fast = true).",
     0},
    {"hooks.*.exclude", KeyType::string_list, "",
     "Globs of files left out of every command and job of the hook, as lefthook's hook-level exclude.", 0},
    {"hooks.*.exclude_tags", KeyType::string_list, "",
     "Skip the hook's commands that have one of these tags (or names), as lefthook's exclude_tags.", 0},
    {"hooks.*.jobs", KeyType::integer_or_table_list, "",
     "A number: commands run at once in parallel mode (0 or unset: one per CPU). Or lefthook's list of jobs, "
     "after the commands and like them run at once unless the hook's parallel is false: each a table with a command's keys (run or script, glob, root, env...) "
     "and a name, or a group = { parallel, piped, jobs = [...] } whose glob, exclude, tags, root, files and env "
     "its jobs inherit.",
     0},
    KEEL_CONDITIONS("hooks.*", "the whole hook"),

    {"hooks.*.commands.*.run", KeyType::string, "",
     "Shell command. Templates: {staged_files}, {all_files}, {push_files}, {files} (the hook's own file set), "
     "{0} (all hook arguments), {1}, {2}... (one argument); each file is one argument to the shell, never script text.",
     0},
    {"hooks.*.commands.*.script", KeyType::string, "",
     "In place of run: a file under hooks.source_dir/HOOK/ to run with the hook's arguments, as lefthook's "
     "script; by `runner` when given, else as a program.",
     0},
    {"hooks.*.commands.*.runner", KeyType::string, "",
     "The command that runs `script` (bash, node, go run...): it is started as RUNNER SCRIPT ARGS.", 0},
    KEEL_COMMAND_KEYS("hooks.*.commands.*"),
    {"hooks.*.scripts.*.runner", KeyType::string, "",
     "lefthook's scripts: the table's name is a file under hooks.source_dir/HOOK/, run as RUNNER FILE ARGS "
     "(or as a program without runner); the other keys are a command's.",
     0},
    KEEL_COMMAND_KEYS("hooks.*.scripts.*"),
};

#undef KEEL_COMMAND_KEYS
#undef KEEL_CONDITIONS

const KeyTable hooks_table{"hooks", k_hooks_keys};

}  // namespace keel::config::keys
