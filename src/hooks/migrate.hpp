#pragma once
// `keel hooks migrate`: a lefthook configuration (read by the shared loader
// into a Value tree) as keel.toml's [hooks] tables. Pure: no I/O.
//
// What keel has an equal for is carried over: hooks with parallel, piped,
// follow, exclude_tags, skip/only; commands, scripts and jobs (groups
// included, in lefthook's form) with run, script/runner, glob, exclude,
// root, tags, env, file_types, stage_fixed, interactive, use_stdin, files,
// fail_text, skip/only; rc, source_dir, output/skip_output and templates
// (written into run). Commands keep lefthook's order (priority, then
// numbered names, then by name) as explicit priorities, and the hook keeps
// lefthook's default of running them one after another. Everything else is
// left out with a note.

#include <string>
#include <vector>

#include "config/value.hpp"

namespace keel::hooks {

struct Migration {
  std::string toml;                 // [hooks] and its tables, ready to append to keel.toml
  std::vector<std::string> notes;   // "lefthook.yml:3:5: 'colors' is not carried over: ..."
  int hooks = 0, commands = 0;
};

Migration migrate_lefthook(const config::Value& lefthook);

}  // namespace keel::hooks
