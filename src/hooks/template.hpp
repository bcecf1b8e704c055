#pragma once
// A command's `run` text with its templates filled in, split into batches
// that each fit on one command line.
//
//   {staged_files} {all_files} {push_files} {files}  file names, one argument each;
//                                                    "./" before a name starting with '-'
//   {0}                                              every hook argument
//   {1} {2} ...                                      one hook argument
// Anything else in braces is left as written (shell code such as ${x} or
// `{ a; b; }`), and so is a brace right after '$' or '\'.
//
// File names and arguments are data, never code. The values do not go into
// the script's text at all: they become the script's positional parameters
// (`sh -c SCRIPT sh VALUE…`), and each template is replaced by references to
// them, "${1}" "${2}" …, written for the quoting it stands in. Inside '…'
// the quote is closed around the references ('a{1}b' -> 'a'"${1}"'b'),
// inside "…" likewise, so whatever quoting the user wrote, the shell sees a
// parameter expansion, whose result it never parses again. A list under one
// template behaves as "$@" does: `cat '{staged_files}'` gets one argument
// per file, with text next to the template joined to the first and last.
//
// In an assignment word of a command (FILES="{files}"; …) a list is one
// word, the values joined by spaces, as "$@" gives there: a second field
// would be taken for the command to run.
//
// Since the values are never script text, a place where the scanner reads
// the quoting wrongly (a heredoc body, bash's $'…') gives wrong arguments,
// never run code. What this cannot protect: a script that hands its text
// to another shell (`sh -c '… {files}'`, eval) or to bash's arithmetic
// (`$(( {1} ))`, `[[ {1} -eq 1 ]]`, which evaluate a[$(cmd)]) makes it parse
// the names; pass them as arguments instead (`sh -c 'x "$@"' sh {files}`).
// A list in an argument that another program reads as an assignment
// (`env X={files} cmd`) is one argument per file. Inside a function the
// script defines, "${1}" is the function's own argument.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::hooks {

// 'text' for the shell: safe for any bytes, newlines and non-UTF-8 included.
// Plain words ([A-Za-z0-9_./:@%+=,-]) are left bare. For keel's own shims,
// whose text keel writes; hook commands get their values as arguments.
std::string shell_quote(std::string_view text);

enum class FileSet { staged, all, push, files };
std::string_view template_name(FileSet set);  // "staged_files", ...

// The file templates `run` uses, in order of first use, each once.
std::vector<FileSet> file_templates(std::string_view run);

// Words in braces that look like templates but name none ("stagedfiles" for
// {stagedfiles}): a name of letters, digits and '_' starting with a letter or
// '_', where a template would be taken. In order, each once.
std::vector<std::string> unknown_templates(std::string_view run);

// The template names, for suggestions: staged_files, all_files, ...
std::vector<std::string> template_names();

struct Expansion {
  std::map<FileSet, std::vector<std::string>> files;  // the list each file template receives
  std::vector<std::string> args;                      // the hook's arguments
  // Other templates by name, each a list like a file template's: `keel
  // run`'s {args}, {vars.NAME}, {matrix.KEY}. Their values are data as well.
  std::map<std::string, std::vector<std::string>> named;
  // false: {files}, {0}, {1}… are plain text (keel run has no such values).
  bool hook_templates = true;
};

// The same for a script with these values: words in braces that name
// neither a template of `values` nor (with hook_templates) a hook template.
// Dotted names (vars.NAME) count when hook_templates is false.
std::vector<std::string> unknown_templates(std::string_view run, const Expansion& values);

// A script and the values of its positional parameters: started as
// shell + {script, "sh", args...}, so that args[0] is "${1}".
struct ShellCall {
  std::string script;
  std::vector<std::string> args;
  // The same script with "$@" for the references, when every argument
  // belongs to one list ({files} however often, or {0}): what a shell runs,
  // since dash expands "$@" faster than a thousand "${N}". Empty otherwise.
  // The references stay in `script` for the splitter of shell_words.hpp.
  std::string compact;
  bool operator==(const ShellCall&) const = default;
};

ShellCall expand(std::string_view run, const Expansion& values);

// Splits the list of `batched` into runs whose command line (script and
// arguments, as argv_bytes counts them) is at most `limit` bytes, with the
// script within the per-argument limit; the other lists go whole into every
// run. Returns one call per batch, or nullopt when even one file cannot fit.
std::optional<std::vector<ShellCall>> expand_batched(std::string_view run, const Expansion& values,
                                                     FileSet batched, std::size_t limit);

// Bytes the call takes of the exec'ed argv: each string, its NUL and its pointer.
std::size_t argv_bytes(const ShellCall& call);

// Bytes the script and its arguments may take on this system: ARG_MAX less
// the environment (`env_bytes`, as counted by environment_size) and the
// shell's own words, with a margin.
std::size_t command_line_limit(std::size_t env_bytes);
// Bytes the exec'ed environment takes: each "NAME=value", its NUL and its
// pointer.
std::size_t environment_size(const std::vector<std::string>& entries);

// Linux caps each argument at 32 pages (MAX_ARG_STRLEN).
inline constexpr std::size_t k_max_argument_bytes = 32 * 4096 - 1;

}  // namespace keel::hooks
