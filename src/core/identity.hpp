#pragma once
// What a keel executable says about itself and whom it trusts for updates,
// fixed when it is built (meson options version, update_url, update_keys,
// self_update; see meson.options). The definitions are compiled into each
// executable on its own (src/core/identity.cpp.in), so that the test build
// of a "next" keel differs from keel only there.

#include <span>
#include <string_view>

namespace keel::identity {

std::string_view version();
// The update manifest's URL built in; empty: none (update.url must say).
std::string_view update_url();
// minisign public keys (the base64 line) that may sign update manifests.
std::span<const std::string_view> update_keys();
// false in a build made with -Dself_update=false (a distribution's package).
bool self_update_enabled();

}  // namespace keel::identity
