// Keys of `keel self`: where the update manifest comes from and whom keel
// trusts to sign it. The URL, mirrors, keys and CA decide what code keel
// installs, so a project's files may not set them.
#include "config/keys/tables.hpp"

namespace keel::config::keys {

static const KeyDecl k_update_keys[] = {
    {"update.url", KeyType::string, "",
     "The update manifest's https:// URL (its signature is at URL.minisig); default: the one built in.", k_trusted},
    {"update.urls", KeyType::string_list, "",
     "Mirrors of the manifest, tried in order after update.url when it fails; untrusted transport, since every "
     "byte is checked against the signature.",
     k_trusted},
    {"update.keys", KeyType::string_list, "",
     "minisign public keys (the base64 line) trusted besides those built in, for a self-hosted channel.", k_trusted},
    {"update.channel", KeyType::string, R"("stable")", "The channel keel self check and update follow (stable, beta).",
     k_trusted},
    {"update.ca_file", KeyType::string, "",
     "CA certificates (PEM) the update server's certificate is checked against; default $SSL_CERT_FILE, else the "
     "system's.",
     k_trusted},
    {"update.timeout", KeyType::string, R"("30s")",
     "Longest wait to connect, and longest a download may stay below 1 KiB/s, before it is given up.", 0},
    {"update.check", KeyType::boolean, "true",
     "Whether keel may say, at most once a day on a terminal, that a newer keel exists (checked in the "
     "background, at most once a day).",
     0},
};

const KeyTable update_table{"update", k_update_keys};

}  // namespace keel::config::keys
