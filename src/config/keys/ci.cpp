// Keys of `keel ci`: how the exported CI jobs start keel.
#include "config/keys/tables.hpp"

namespace keel::config::keys {

static const KeyDecl k_ci_keys[] = {
    {"ci.tasks", KeyType::string_list, "", "Tasks `keel ci export` writes jobs for, with their deps; empty: all.", 0},
    {"ci.keel", KeyType::string, R"("keel")", "The command a CI job runs keel with.", 0},
    {"ci.setup", KeyType::string_list, "", "Shell commands a CI job runs before keel (installing it, for example).",
     0},
    {"ci.github.runs_on", KeyType::string, R"("ubuntu-latest")", "The runner of the exported GitHub jobs.", 0},
};

const KeyTable ci_table{"ci", k_ci_keys};

}  // namespace keel::config::keys
