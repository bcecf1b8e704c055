#include "git/cli.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include "process/process.hpp"

namespace keel::git::cli {

namespace {

// Fields of NUL-terminated output.
std::vector<std::string_view> nul_fields(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t nul = text.find('\0'); nul != std::string_view::npos; nul = text.find('\0', start)) {
    out.push_back(text.substr(start, nul - start));
    start = nul + 1;
  }
  return out;
}

Error unexpected(const std::string& command) {
  return Error{"cannot understand the output of 'git " + command + "'", {}, Exit::failed};
}

std::optional<std::uint32_t> octal_mode(std::string_view text) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  std::uint32_t mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return std::nullopt;
    mode = mode * 8 + static_cast<std::uint32_t>(c - '0');
  }
  return mode;
}

std::optional<ChangeKind> kind_of(char status) {
  switch (status) {
    case 'A': return ChangeKind::added;
    case 'M': return ChangeKind::modified;
    case 'D': return ChangeKind::deleted;
    case 'R': return ChangeKind::renamed;
    case 'T': return ChangeKind::type_changed;
    case 'U': return ChangeKind::conflicted;
    default: return std::nullopt;
  }
}

}  // namespace

Result<std::string> run(const Repository& repo, std::vector<std::string> args, const std::string& what,
                        std::string input) {
  args.insert(args.begin(), "git");
  process::Command c = process::Command::program(std::move(args));
  c.cwd = repo.workdir().empty() ? repo.git_dir() : repo.workdir();
  c.in = input.empty() ? process::Input::null() : process::Input::data(std::move(input));
  c.out = process::Output::capture();
  c.err = process::Output::capture();
  process::Outcome o = process::run(c);
  if (!o.ok()) return process::failure(o, what);
  return std::move(o.out);
}

Result<std::vector<Change>> staged_changes(const Repository& repo) {
  // --raw -z: ":OLDMODE NEWMODE OLDID NEWID STATUS" NUL path NUL [newpath NUL]
  auto text = run(repo, {"diff", "--cached", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff"},
                  "cannot list the staged changes");
  if (!text) return text.error();
  const std::string command = "diff --cached --raw";
  auto fields = nul_fields(*text);
  std::vector<Change> out;
  for (std::size_t i = 0; i < fields.size();) {
    std::string_view head = fields[i++];
    if (head.size() < 2 || head[0] != ':') return unexpected(command);
    std::vector<std::string_view> parts;
    std::size_t start = 1;
    for (std::size_t sp = head.find(' ', start); sp != std::string_view::npos; sp = head.find(' ', start)) {
      parts.push_back(head.substr(start, sp - start));
      start = sp + 1;
    }
    parts.push_back(head.substr(start));
    if (parts.size() != 5 || parts[4].empty()) return unexpected(command);
    auto kind = kind_of(parts[4][0]);
    auto old_mode = octal_mode(parts[0]), new_mode = octal_mode(parts[1]);
    auto old_id = Oid::from_hex(parts[2]), new_id = Oid::from_hex(parts[3]);
    if (!kind || !old_mode || !new_mode || !old_id || !new_id || i >= fields.size()) return unexpected(command);
    Change c;
    c.kind = *kind;
    c.old_mode = *old_mode;
    c.new_mode = *new_mode;
    c.old_id = *old_id;
    c.new_id = *new_id;
    c.path = std::string(fields[i++]);
    c.old_path = c.path;
    if (c.kind == ChangeKind::renamed) {
      if (i >= fields.size()) return unexpected(command);
      c.path = std::string(fields[i++]);
    }
    c.submodule = c.old_mode == k_mode_submodule || c.new_mode == k_mode_submodule;
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const Change& a, const Change& b) { return a.path < b.path; });
  return out;
}

Result<std::vector<IndexEntry>> index_entries(const Repository& repo) {
  // -s -t -z: "TAG MODE ID STAGE\tPATH" NUL; tag S marks skip-worktree.
  auto text = run(repo, {"ls-files", "-s", "-t", "-z"}, "cannot read the index");
  if (!text) return text.error();
  const std::string command = "ls-files -s -t";
  std::vector<IndexEntry> out;
  for (std::string_view line : nul_fields(*text)) {
    std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab < 2) return unexpected(command);
    std::string_view head = line.substr(0, tab);
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t sp = head.find(' '); sp != std::string_view::npos; sp = head.find(' ', start)) {
      parts.push_back(head.substr(start, sp - start));
      start = sp + 1;
    }
    parts.push_back(head.substr(start));
    if (parts.size() != 4 || parts[3].size() != 1 || parts[3][0] < '0' || parts[3][0] > '3') return unexpected(command);
    auto mode = octal_mode(parts[1]);
    auto id = Oid::from_hex(parts[2]);
    if (!mode || !id) return unexpected(command);
    IndexEntry e;
    e.path = std::string(line.substr(tab + 1));
    e.id = *id;
    e.mode = *mode;
    e.stage = parts[3][0] - '0';
    e.skip_worktree = parts[0] == "S";
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<std::string>> differing_from_index(const Repository& repo, const std::vector<std::string>& paths) {
  // The porcelain diff hashes stat-dirty files rather than listing them.
  auto text = run(repo, {"diff", "--name-only", "-z", "--no-ext-diff", "--no-renames"},
                  "cannot compare the work tree with the index");
  if (!text) return text.error();
  std::set<std::string_view> differing;
  for (auto name : nul_fields(*text)) differing.insert(name);
  std::vector<std::string> out;
  for (const auto& p : paths)
    if (differing.count(p)) out.push_back(p);
  return out;
}

}  // namespace keel::git::cli
