// libFuzzer target for minisign's file formats (src/crypto/minisign): the
// public key, secret key and signature parsers. The first byte picks the
// parser; the rest is the file. Whatever parses must write back to a file
// that parses to the same fields; a parsed signature is also verified
// against a fixed key (it must fail or pass without crashing), and a parsed
// secret key opened without a password when it is not encrypted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "crypto/minisign.hpp"

using namespace keel::crypto;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto key = parse_public_key_file(text, "f");
      if (!key) return 0;
      auto again = parse_public_key_file(public_key_file(*key), "f");
      require(again.ok() && again->key == key->key && again->key_id == key->key_id);
      break;
    }
    case 1: {
      auto sealed = parse_secret_key_file(text, "f");
      if (!sealed) return 0;
      auto again = parse_secret_key_file(secret_key_file(*sealed), "f");
      require(again.ok() && again->keynum == sealed->keynum && again->salt == sealed->salt &&
              again->opslimit == sealed->opslimit && again->memlimit == sealed->memlimit &&
              again->encrypted == sealed->encrypted);
      // Opening an encrypted key would run scrypt with the file's limits.
      if (!sealed->encrypted) (void)unseal(*sealed, std::nullopt, "f");
      break;
    }
    default: {
      auto sig = parse_signature_file(text, "f");
      if (!sig) return 0;
      auto again = parse_signature_file(signature_file(*sig), "f");
      require(again.ok() && again->sig == sig->sig && again->global_sig == sig->global_sig &&
              again->trusted_comment == sig->trusted_comment && again->key_id == sig->key_id);
      PublicKey key;
      key.key_id = sig->key_id;
      std::istringstream empty;
      auto v = verify(key, *sig, empty, "f", false);
      require(v.ok());
      break;
    }
  }
  return 0;
}
