#pragma once
// An action entry as the Remote Execution API's ActionResult in binary
// protobuf (protobuf-c), the form an HTTP cache (Bazel's protocol: nginx
// WebDAV, bazel-remote) keeps under ac/. What a server sends is untrusted:
// decoding checks every digest, size and path before keel uses any.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "pipeline/store.hpp"

namespace keel::pipeline {

// Output files with their digests and executable bit, symbolic links as
// output_symlinks, exit code, and stdout/stderr as blob digests. The job
// name is not part of it.
std::string encode_action_result(const ActionEntry& entry);

// The entry an ActionResult describes, or why keel cannot use it: not
// protobuf, a digest that is not 64 lowercase hex digits, a size over
// `max_blob_size`, a path that is absolute, climbs out or appears twice, a
// link that points outside the task's directory, output directories (trees,
// which keel does not write), or a non-zero exit code.
Result<ActionEntry> decode_action_result(std::string_view bytes, std::uint64_t max_blob_size);

}  // namespace keel::pipeline
