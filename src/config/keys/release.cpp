// Keys of `keel release`: tags, bump rules, version files, the changelog,
// the release commit and tag, hooks and monorepo packages.
#include "config/keys/tables.hpp"

namespace keel::config::keys {

static const KeyDecl k_release_keys[] = {
    {"release.tag_template", KeyType::string, R"("v{version}")",
     "Release tag names: {version} is the version, {package} the package name (monorepos).", 0},
    {"release.initial_version", KeyType::string, R"("0.1.0")", "The first release's version, when no tag exists yet.",
     0},
    {"release.zero_major_breaking", KeyType::choice, R"("minor")",
     "What a breaking change bumps while the major version is 0: minor (0.3.1 -> 0.4.0) or major (-> 1.0.0).", 0,
     "minor|major"},
    {"release.types", KeyType::string_table, R"({feat = "minor", fix = "patch", perf = "patch", revert = "patch"})",
     "Bump per commit type: major, minor, patch or none. Types not listed bump nothing; a breaking change is "
     "always major.",
     0},
    {"release.branches", KeyType::string_list, R"(["main", "master"])", "Branches keel release may run on.", 0},
    {"release.before", KeyType::string_list, "",
     "Shell commands run before anything is written, with KEEL_VERSION, KEEL_PREVIOUS_VERSION and KEEL_TAG set; a "
     "failure stops the release.",
     0},
    {"release.after", KeyType::string_list, "",
     "Shell commands run after the commit and tag (before --push); a failure undoes the release.", 0},
    {"release.commit_message", KeyType::string, R"("chore(release): {version}")",
     "The release commit's message; {version}, {tag} and {previous_version} are replaced.", 0},
    {"release.remote", KeyType::string, R"("origin")", "The remote --push pushes to and links are made for.", 0},
    {"release.files", KeyType::table_list, "",
     "Version files ([[release.files]]): path, and preset (package.json, Cargo.toml, pyproject.toml, meson.build, "
     "VERSION; default: from the file name) or regex with a group (?<version>...), and count (default 1).",
     0},
    {"release.changelog.path", KeyType::string, R"("CHANGELOG.md")",
     "The changelog keel release prepends to; empty for none.", 0},
    {"release.changelog.template", KeyType::string, "",
     "A file with the template of one release's section (see keel-release(1)); empty for the built-in one.", 0},
    {"release.changelog.sections", KeyType::string_table,
     R"({feat = "Features", fix = "Bug Fixes", perf = "Performance", revert = "Reverts"})",
     "Changelog heading per commit type, in order; an empty heading hides the type. Other types are hidden.", 0},
    {"release.changelog.breaking_title", KeyType::string, R"("Breaking Changes")",
     "The heading of breaking changes, listed first; empty to leave them out.", 0},
    {"release.packages.*.path", KeyType::string, "",
     "A monorepo package's directory: its versions come from the commits that touch it.", 0},
    {"release.packages.*.tag_template", KeyType::string, "",
     "The package's tag names; default \"{package}@{version}\".", 0},
    {"release.packages.*.changelog", KeyType::string, "",
     "The package's changelog; default CHANGELOG.md in its directory.", 0},
    {"release.packages.*.files", KeyType::table_list, "",
     "The package's version files, as release.files, paths relative to the repository root.", 0},
    {"release.packages.*.initial_version", KeyType::string, "", "The package's first version; default release.initial_version.", 0},
};

const KeyTable release_table{"release", k_release_keys};

}  // namespace keel::config::keys
