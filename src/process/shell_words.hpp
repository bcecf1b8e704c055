#pragma once
// Recognising a shell command that needs no shell.
//
// A hook command such as `eslint --fix 'src/a b.js'` is, to /bin/sh, only
// "look up eslint in PATH and execute it with these words". Starting the
// shell for it costs more than everything else keel does in a small hook,
// so keel splits such commands itself, as GNU make does for recipe lines.
//
// The split is refused (nullopt), and the shell must run the script, unless
// every character means the same to any POSIX shell as to this splitter:
//   - words separated by spaces and tabs; no newline;
//   - literal text, '…' quotes, "…" quotes without ` \ inside and with $
//     only as "${N}", a positional parameter, and \x outside quotes (x
//     taken literally);
//   - nothing the shell would expand or interpret: no $ ` | & ; < > ( ) { }
//     * ? [ ] ! or # outside quotes, no ~ starting a word or after = or :,
//     no '=' in the first word (an assignment);
//   - a first word that names a program, not a reserved word or a builtin
//     of dash or bash (cd, export, echo, printf, ...): the shell would run
//     its builtin, which can behave differently from the program. `true`
//     and `false` are run as programs, as make runs them, unless a word is
//     --help or --version, the only words their programs read.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::process {

// `positional` holds the values of $1, $2, ... (a script started as
// `sh -c SCRIPT sh ARGS…`): "${N}" is replaced by the Nth, as the shell
// would, and is empty past the end.
std::optional<std::vector<std::string>> simple_command_words(std::string_view script,
                                                             const std::vector<std::string>& positional = {});

}  // namespace keel::process
