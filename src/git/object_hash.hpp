#pragma once
// SHA-1 for naming git objects that keel reads out of the repository's own
// packs, where it only has to tell them apart.
//
// Why not libgit2's hash: libgit2 uses SHA-1 with collision detection
// (sha1dc), which costs ~10x the plain function and was a quarter of
// `keel release next`. Detection protects the moment untrusted objects come
// in; every pack on disk was written by git's index-pack or pack-objects,
// which ran it then. keel never writes an object named by this hash: new
// objects go through libgit2.
//
// On x86-64 CPUs with the SHA extensions the block function uses them;
// elsewhere a portable one gives the same digests.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "git/oid.hpp"

namespace keel::git {

class Sha1 {
 public:
  Sha1();
  void update(const void* data, std::size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // The digest; the object is spent afterwards.
  std::array<unsigned char, 20> finish();

  // Which block function this process uses: "sha-ni" or "portable".
  static const char* implementation();

 private:
  std::uint32_t m_state[5];
  std::uint64_t m_length = 0;  // bytes so far
  unsigned char m_block[64];
  std::size_t m_fill = 0;
};

// The id git gives an object of this type ("commit", "tree", "blob", "tag")
// and content: SHA-1 over "<type> <size>\0<content>".
Oid hash_object(std::string_view type, std::string_view content);

namespace detail {
// The block functions, exposed so tests can compare them on one machine.
void sha1_blocks_portable(std::uint32_t state[5], const unsigned char* blocks, std::size_t count);
// Only when sha1_has_sha_ni(); otherwise the instructions fault.
void sha1_blocks_sha_ni(std::uint32_t state[5], const unsigned char* blocks, std::size_t count);
bool sha1_has_sha_ni();
}  // namespace detail

}  // namespace keel::git
