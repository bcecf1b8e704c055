#pragma once
// Conventional Commits 1.0.0 messages, parsed into header, body and footers.
// Pure logic without I/O: `keel commit lint` checks the result against rules
// (lint.hpp) and the release capability reads type and breaking changes from
// it to compute version bumps.
//
// Decisions where the specification leaves room (also in keel-commit(1)):
// - type is one or more ASCII word characters [A-Za-z0-9_]; '-' is not
//   allowed, as in commitlint's header pattern, so `feat-x: y` is refused.
// - a scope needs at least one character and may not contain '(' or ')':
//   `feat(): x` and `feat(a)(b): x` are refused.
// - ':' must be followed by a space and a non-empty description; extra spaces
//   before the description are dropped.
// - whitespace around the header is ignored for parsing (the header-trim
//   rule reports it); a body right under the header, without the blank line,
//   is accepted (body-leading-blank reports it).
// - footers are git trailers: `Token: value` or `Token #value`, the token
//   made of letters, digits and '-', or exactly `BREAKING CHANGE`. The footer
//   block is the trailing run of paragraphs that each start with a token
//   line; a value continues over the following lines until the next token
//   line or the end of its paragraph.
// - what makes a commit breaking follows conventional-commits-parser, not
//   the specification's text, where the two differ: a breaking-change note
//   may stand anywhere after the header (in the body too), its keyword is
//   matched in any case, it runs on over blank lines and later paragraphs,
//   and it counts on a header that is not conventional. Both keywords,
//   `BREAKING CHANGE` and `BREAKING-CHANGE`, are notes (semantic-release's
//   default angular preset knows only the first).

#include <string>
#include <string_view>
#include <vector>

namespace keel::commit {

struct Footer {
  std::string token;      // "Reviewed-by", "BREAKING CHANGE"
  std::string separator;  // ": " or " #"
  std::string value;      // continuation lines joined with '\n'
  int line = 0;           // 1-based line of the token in the message
};

struct Message {
  // The header is `type(scope)!: description`. When it is not, `problem`
  // says why ("scope is empty") and type, scope and description are empty.
  bool conventional = false;
  std::string problem;

  std::string header;  // the first non-blank line as written
  std::string type;
  std::string scope;  // empty without parentheses
  std::string description;
  bool bang = false;  // `!` before the ':'
  bool breaking = false;  // `!` or a breaking-change note
  // The first note's text; without one, the description when the header
  // has `!` (the specification says it then describes the break).
  std::string breaking_description;
  // Breaking-change notes, read as conventional-commits-parser reads them
  // (and so semantic-release and commitlint): any line after the header
  // that starts with `BREAKING CHANGE:` or `BREAKING-CHANGE:`, in any case
  // and optionally after "* ", opens a note; the note runs on over the
  // following lines and paragraphs until a footer token line (`Token: x`,
  // `Token #x`) or the next note. The header need not be conventional.
  std::vector<std::string> notes;
  // A revert as semantic-release's parser sees it: the message starts with
  // `Revert ` or `revert: ` and says "This reverts commit <7-40 word
  // characters>". revert_header is the reverted header it quotes.
  std::string revert_header;
  std::string revert_hash;  // empty: not such a revert

  std::string body;  // paragraphs between header and footers, '\n'-joined
  std::vector<Footer> footers;
  std::string footer_text;  // the footer block as written, for line checks

  // Layout, for the *-leading-blank and *-max-line-length rules.
  int header_line = 0;  // 1-based; 0 for an empty message
  int body_line = 0;    // first body line; 0 without a body
  int footer_line = 0;  // first footer line; 0 without footers
  bool body_leading_blank = true;    // a blank line separates header and body
  bool footer_leading_blank = true;  // a blank line precedes the footers

  // Messages that tools generate and linters skip by default.
  bool is_merge = false;   // "Merge branch 'x'", "Merge pull request #1 from …"
  bool is_revert = false;  // `Revert "…"` / `Reapply "…"` (git revert), or type revert
  std::string reverted;    // the id in "This reverts commit <id>." or a revert's `Refs:`
  bool is_fixup = false;   // "fixup! …"
  bool is_squash = false;  // "squash! …"
  bool is_amend = false;   // "amend! …"
  bool is_version = false;  // "1.2.3", "v1.2.3", "chore: 1.2.3 [skip ci]": a version bump tool's commit
};

// Parses a message as stored or after cleanup(). CRLF line ends are
// accepted; leading and trailing blank lines are ignored. Never throws: a
// message that is not a Conventional Commit comes back with conventional
// false and a problem.
Message parse(std::string_view text);

// Whether a header is one that git or a forge writes for a merge.
bool is_merge_header(std::string_view header);

// Whether a header only names a version, as `npm version` and release tools
// write it: a SemVer (one leading v allowed), optionally after `chore:` or
// `chore(scope):`, optionally followed by more words ("[skip ci]").
bool is_version_header(std::string_view header);

}  // namespace keel::commit
