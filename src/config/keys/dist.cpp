// Keys of `keel dist`: the release's archives, Debian packages, checksums
// and signatures.
#include "config/keys/tables.hpp"

namespace keel::config::keys {

static const KeyDecl k_dist_keys[] = {
    {"dist.name", KeyType::string, "", "The project's name in artifact names; default: the project's directory name.",
     0},
    {"dist.version", KeyType::string, "",
     "The version of the artifacts; default: the release tag on HEAD (keel release's current version).", 0},
    {"dist.source_date_epoch", KeyType::integer, "",
     "Every time in the artifacts, in seconds since 1970; default: HEAD's commit time. SOURCE_DATE_EPOCH in the "
     "environment wins.",
     0},
    {"dist.before", KeyType::string_list, "", "Tasks of [tasks.NAME] that keel run runs first, to build the inputs.",
     0},
    {"dist.output_dir", KeyType::string, R"("dist")", "Where the artifacts and manifest.json are written.", 0},
    {"dist.targets", KeyType::string_list, "",
     "os/arch pairs (linux/amd64, linux/arm64, ...) to build artifacts for; default: this machine's.", 0},
    {"dist.archives", KeyType::table_list, "",
     "Archives ([[dist.archives]]): format (tar.gz, tar.zst, tar.xz, zip, binary), name_template (default "
     "\"{name}_{version}_{os}_{arch}\"), wrap_in_directory (true, or a template), files (paths or globs, or "
     "tables {src, dst, mode}).",
     0},
    {"dist.packages", KeyType::table_list, "",
     "Debian packages ([[dist.packages]]): package, maintainer, description, section, priority, homepage, "
     "depends, recommends, conflicts, provides, replaces, contents ({src, dst, mode, type}), preinst, postinst, "
     "prerm, postrm, copyright (default LICENSE), license, changelog, compression (xz, gz, zst), revision (default \"1\"). See keel-dist(1).",
     0},
    {"dist.checksums.algorithm", KeyType::choice, R"("sha256")", "The checksum file's hash.", 0, "sha256|sha512"},
    {"dist.checksums.name_template", KeyType::string, R"("{name}_{version}_checksums.txt")",
     "The checksum file's name.", 0},
    {"dist.sign.artifacts", KeyType::choice, R"("none")",
     "What keel dist signs with a minisign key: none, checksum (the checksum file) or all (every artifact).", 0,
     "none|checksum|all"},
    {"dist.sign.key", KeyType::string, "",
     "The minisign secret key file; default: KEEL_SIGNING_KEY, else keel sign's default key.", 0},
};

const KeyTable dist_table{"dist", k_dist_keys};

}  // namespace keel::config::keys
