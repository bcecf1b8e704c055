#pragma once
// Each command group's key table. To add one: define it in
// src/config/keys/<group>.cpp, declare it here, list it in all_key_tables().

#include "config/schema.hpp"

namespace keel::config::keys {

extern const KeyTable commit_table;
extern const KeyTable core_table;
extern const KeyTable hooks_table;
extern const KeyTable release_table;
extern const KeyTable run_table;
extern const KeyTable ci_table;
extern const KeyTable dist_table;
extern const KeyTable update_table;

}  // namespace keel::config::keys
