// minisign's formats (src/crypto/minisign) against fixed vectors that
// minisign 0.11 wrote: an unencrypted key pair (minisign -G -W), a
// prehashed and a legacy signature of the same message. Ed25519 is
// deterministic, so keel's signatures must equal minisign's byte for byte.

#include <doctest/doctest.h>

#include <sstream>

#include "crypto/minisign.hpp"

using namespace keel;
using namespace keel::crypto;

namespace {

const std::string k_pub =
    "untrusted comment: minisign public key E31F49ECAC79FA0B\n"
    "RWQL+nms7Ekf41WsmLCuvz2EPVl0zbPo+feozw6/BffIi4JJ+I25rdqS\n";
const std::string k_key =
    "untrusted comment: minisign encrypted secret key\n"
    "RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAC/p5rOxJH+Oc/MNJhyhO1k6zx+Ale2KTs4mvYl"
    "MoYeexP/AshVt26FWsmLCuvz2EPVl0zbPo+feozw6/BffIi4JJ+I25rdqSAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
const std::string k_message = "keel test vector\n";
const std::string k_prehashed =
    "untrusted comment: vector sig\n"
    "RUQL+nms7Ekf4/ZjOlha3Z/OObbHgjQrHjuthHYYPJ/WB03QluRPP1wuPpSDJh+mAeBKYGzi/4eZv9AeCXbhwzi805tt97jRZgQ=\n"
    "trusted comment: vector\tone\n"
    "aL3aEAidbp6VdnW0Gdvk4ISeP5gC70Z8oE7JtLTD0a2Q3oswOkckBYsr4OxQMa3ZgVXojt9BlbHrZYqnVoTiDg==\n";
const std::string k_legacy =
    "untrusted comment: signature from minisign secret key\n"
    "RWQL+nms7Ekf45huGNXz+m4kKU8JyEfhyfCOwiXERO7zEb/J1kOzV1hFYuGSmpEIZ0+Q0IWS3KlYFwfzDyNHiPlQTLM5ZuhGWwA=\n"
    "trusted comment: vector\tlegacy\n"
    "e4gmWW8EYlY1QVwADY6XZuM6O1+dX2t2yBP2PfLxTKE34Pn7N+knViksyQLQjTdU4+txiDieW5vKEDV01v9rCw==\n";

SecretKey vector_key() {
  auto sealed = parse_secret_key_file(k_key, "v.key");
  REQUIRE(sealed.ok());
  CHECK_FALSE(sealed->encrypted);
  auto key = unseal(*sealed, std::nullopt, "v.key");
  REQUIRE(key.ok());
  return std::move(key).value();
}

}  // namespace

TEST_CASE("minisign: the public key, its id and its file") {
  auto pub = parse_public_key_file(k_pub, "v.pub");
  REQUIRE(pub.ok());
  CHECK(key_id_hex(pub->key_id) == "E31F49ECAC79FA0B");
  CHECK(public_key_file(*pub) == k_pub);
  CHECK(vector_key().public_key().key == pub->key);
}

TEST_CASE("minisign: signatures equal minisign's byte for byte") {
  SecretKey key = vector_key();
  std::istringstream a(k_message);
  auto prehashed = sign(key, a, SigAlg::prehashed, "vector\tone", "vector sig");
  REQUIRE(prehashed.ok());
  CHECK(signature_file(*prehashed) == k_prehashed);
  std::istringstream b(k_message);
  auto legacy = sign(key, b, SigAlg::legacy, "vector\tlegacy", "signature from minisign secret key");
  REQUIRE(legacy.ok());
  CHECK(signature_file(*legacy) == k_legacy);
}

TEST_CASE("minisign: minisign's signatures verify, and parse back to the same file") {
  auto pub = parse_public_key_file(k_pub, "v.pub");
  REQUIRE(pub.ok());
  for (const std::string* text : {&k_prehashed, &k_legacy}) {
    auto sig = parse_signature_file(*text, "msg.minisig");
    REQUIRE(sig.ok());
    CHECK(signature_file(*sig) == *text);
    std::istringstream data(k_message);
    auto v = verify(*pub, *sig, data, "msg.minisig", false);
    REQUIRE(v.ok());
    CHECK(v->verdict == Verdict::valid);
    std::istringstream changed("keel test vectoR\n");
    auto bad = verify(*pub, *sig, changed, "msg.minisig", false);
    REQUIRE(bad.ok());
    CHECK(bad->verdict == Verdict::bad_signature);
    CHECK(bad->message == "Signature verification failed");
  }
  auto legacy = parse_signature_file(k_legacy, "msg.minisig");
  std::istringstream data(k_message);
  CHECK(verify(*pub, *legacy, data, "msg.minisig", true)->verdict == Verdict::legacy_refused);
}

TEST_CASE("minisign: sealing with a password and opening it again") {
  SecretKey key = vector_key();
  // Small scrypt limits: the format is the same, the test is fast.
  auto sealed = seal(key, std::string_view("pw"), "c", 1u << 19, 1u << 24);
  REQUIRE(sealed.ok());
  CHECK(sealed->encrypted);
  auto text = secret_key_file(*sealed);
  auto parsed = parse_secret_key_file(text, "k.key");
  REQUIRE(parsed.ok());
  auto opened = unseal(*parsed, std::string_view("pw"), "k.key");
  REQUIRE(opened.ok());
  CHECK(opened->key == key.key);
  CHECK(opened->key_id == key.key_id);
  auto wrong = unseal(*parsed, std::string_view("pW"), "k.key");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().message == "Wrong password for that key: 'k.key'");
  // Unencrypted keys carry their real checksum; minisign 0.11's all-zero
  // one is accepted, any other mismatch is not.
  auto plain = seal(key, std::nullopt, "c");
  REQUIRE(plain.ok());
  plain->keynum[80] ^= 1;
  CHECK(unseal(*plain, std::nullopt, "k.key").error().message ==
        "secret key 'k.key' is damaged: its checksum does not match");
}

TEST_CASE("minisign: malformed files get minisign's messages") {
  auto sig_error = [](const std::string& text) {
    auto s = parse_signature_file(text, "f.minisig");
    REQUIRE_FALSE(s.ok());
    return s.error().message;
  };
  CHECK(sig_error("") == "Error while reading the signature file: 'f.minisig'");
  CHECK(sig_error("untrusted comment: x") == "Untrusted signature comment too long: 'f.minisig'");
  CHECK(sig_error("comment\n") ==
        "Untrusted signature comment should start with \"untrusted comment: \": 'f.minisig'");
  CHECK(sig_error("untrusted comment: x\nRUQ=\n") == "Trusted comment not present: 'f.minisig'");
  CHECK(sig_error("untrusted comment: x\nRUQ=\ncomment\n") ==
        "Trusted signature comment should start with \"trusted comment: \": 'f.minisig'");
  CHECK(sig_error("untrusted comment: x\nRUQ=\ntrusted comment: a\x01z\nAA==\n") ==
        "Signature file contains unprintable characters: 'f.minisig'");
  CHECK(sig_error("untrusted comment: x\nRUQ=\ntrusted comment: \xff\nAA==\n") ==
        "Signature file contains unprintable characters: 'f.minisig'");
  CHECK(sig_error("untrusted comment: x\nRUQ=\ntrusted comment: a\n") ==
        "Error while reading the signature file: 'f.minisig'");
  CHECK(sig_error("untrusted comment: x\nRUQ=\ntrusted comment: a\nAA==\n") ==
        "base64 conversion failed - was an actual signature given?: 'f.minisig'");
  CHECK(sig_error("untrusted comment: x\n" + std::string(102, 'A') + "\ntrusted comment: a\nAA==\n") ==
        "Signature too long: 'f.minisig'");
  auto pub_error = [](const std::string& text) {
    auto p = parse_public_key_file(text, "k.pub");
    REQUIRE_FALSE(p.ok());
    return p.error().message;
  };
  CHECK(pub_error("untrusted comment: x\n") == "Error while loading the public key file: 'k.pub'");
  CHECK(pub_error("untrusted comment: x\nRWQ=\n") ==
        "base64 conversion failed - was an actual public key given?: 'k.pub'");
  auto key_error = [](const std::string& text) {
    auto k = parse_secret_key_file(text, "k.key");
    REQUIRE_FALSE(k.ok());
    return k.error().message;
  };
  std::string line = k_key.substr(k_key.find('\n') + 1);
  CHECK(key_error("untrusted comment: x\n") == "Error while loading the secret key file: 'k.key'");
  CHECK(key_error("untrusted comment: x\n" + line.substr(0, 100) + "\n") ==
        "base64 conversion failed - was an actual secret key given?: 'k.key'");
  CHECK(key_error("c\nRWRYAEIy" + line.substr(8)) == "Unsupported key derivation function: 'k.key'");
}

TEST_CASE("minisign: the default trusted comment is minisign's") {
  CHECK(default_trusted_comment(1700000000, "a.tar.gz", SigAlg::prehashed) ==
        "timestamp:1700000000\tfile:a.tar.gz\thashed");
  CHECK(default_trusted_comment(1, "x", SigAlg::legacy) == "timestamp:1\tfile:x");
}
