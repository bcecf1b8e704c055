#include "hooks/names.hpp"

#include <algorithm>

namespace keel::hooks {

namespace {

constexpr std::string_view k_git_hooks[] = {
    "applypatch-msg",   "commit-msg",         "fsmonitor-watchman", "p4-changelist",    "p4-post-changelist",
    "p4-pre-submit",    "p4-prepare-changelist", "post-applypatch", "post-checkout",    "post-commit",
    "post-index-change", "post-merge",        "post-receive",       "post-rewrite",     "post-update",
    "pre-applypatch",   "pre-auto-gc",        "pre-commit",         "pre-merge-commit", "pre-push",
    "pre-rebase",       "pre-receive",        "prepare-commit-msg", "proc-receive",     "push-to-checkout",
    "reference-transaction", "sendemail-validate", "update",
};

}  // namespace

std::span<const std::string_view> git_hook_names() { return k_git_hooks; }

bool is_git_hook(std::string_view name) {
  return std::binary_search(std::begin(k_git_hooks), std::end(k_git_hooks), name);
}

bool reads_stdin(std::string_view hook) {
  return hook == "pre-push" || hook == "pre-receive" || hook == "post-receive" || hook == "post-rewrite" ||
         hook == "reference-transaction";
}

bool is_valid_hook_name(std::string_view name) {
  if (name.empty() || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

}  // namespace keel::hooks
