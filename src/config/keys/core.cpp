// Keys of keel itself: output, logging and how commands are run.
#include "config/keys/tables.hpp"

namespace keel::config::keys {

static const KeyDecl k_core_keys[] = {
    {"ui.color", KeyType::choice, R"("auto")",
     "When to colour output: auto (a terminal, unless NO_COLOR is set or TERM is dumb), always or never.", 0, "auto|always|never"},
    {"log.level", KeyType::choice, R"("warn")",
     "Least severe message logged to stderr.", 0, "trace|debug|info|warn|error|off"},
    {"log.format", KeyType::choice, R"("text")",
     "Log line format: text for people, json for CI log collectors.", 0, "text|json"},
    {"process.shell", KeyType::string_list, R"(["/bin/sh", "-c"])",
     "Interpreter and flag that run shell command strings; a script's arguments follow it, as `sh -c SCRIPT sh ARGS` takes them.", k_trusted},
    {"process.grace_period", KeyType::integer, "5",
     "Seconds a child gets after SIGTERM before it is killed.", 0},
};

const KeyTable core_table{"core", k_core_keys};

}  // namespace keel::config::keys
