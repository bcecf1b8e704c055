#pragma once
// A command's `run` text with its templates filled in, split into batches
// that each fit on one command line.
//
//   {staged_files} {all_files} {push_files} {files}  file names, each
//                                                    shell-quoted, space-separated;
//                                                    "./" before a name starting with '-'
//   {0}                                              every hook argument, quoted
//   {1} {2} ...                                      one hook argument, quoted
// Anything else in braces is left as written (shell code such as ${x}).

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::hooks {

// 'text' for the shell: safe for any bytes, newlines and non-UTF-8 included.
// Plain words ([A-Za-z0-9_./:@%+=,-]) are left bare.
std::string shell_quote(std::string_view text);

enum class FileSet { staged, all, push, files };
std::string_view template_name(FileSet set);  // "staged_files", ...

// The file templates `run` uses, in order of first use, each once.
std::vector<FileSet> file_templates(std::string_view run);

struct Expansion {
  std::map<FileSet, std::vector<std::string>> files;  // the list each file template receives
  std::vector<std::string> args;                      // the hook's arguments
};

std::string expand(std::string_view run, const Expansion& values);

// Splits the list of `batched` into runs whose expanded text is at most
// `limit` bytes; the other lists go whole into every run. Returns one
// command text per batch, or nullopt when even one file cannot fit.
std::optional<std::vector<std::string>> expand_batched(std::string_view run, const Expansion& values,
                                                       FileSet batched, std::size_t limit);

// Bytes a shell script may have on this system: the smaller of the
// per-argument limit and ARG_MAX less the environment (`env_bytes`, as
// counted by environment_size) and the shell's own arguments, with a margin.
std::size_t command_line_limit(std::size_t env_bytes);
// Bytes the exec'ed environment takes: each "NAME=value", its NUL and its
// pointer.
std::size_t environment_size(const std::vector<std::string>& entries);

}  // namespace keel::hooks
