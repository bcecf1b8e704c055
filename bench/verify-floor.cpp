// The least a `keel verify` of a small file can cost, built three ways so
// that bench/signing.sh can show where the time of a start goes:
//   -DFLOOR_SODIUM    libsodium alone (static), as a C program would be
//   -DFLOOR_OPENSSL   the same, with OpenSSL's libcrypto linked in: its
//                     start-up CPU probe runs even though nothing calls it
//   (neither)         the same with libcrypto, in C++ with iostreams,
//                     parsing keel verify's command line (the global
//                     options and verify's own) with CLI11, as keel must
// Each does the work minisign -V does on a small file: BLAKE2b-512 of the
// file, then two Ed25519 checks (the signature, then the global signature
// over signature and comment).
// Usage: verify-floor make DIR       (a key and two signatures into DIR)
//        verify-floor DIR FILE [keel verify's options...]
#include <sodium.h>

#include <cstdio>
#include <cstring>
#include <string>

#if !defined(FLOOR_SODIUM)
#include <openssl/crypto.h>
#endif
#if !defined(FLOOR_SODIUM) && !defined(FLOOR_OPENSSL)
#include <CLI/CLI.hpp>

#include <iostream>
#endif

namespace {

struct Blobs {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sig[crypto_sign_BYTES];
  unsigned char global_sig[crypto_sign_BYTES];
};

const char k_comment[] = "timestamp:1700000000\tfile:small\thashed";

bool hash_file(const char* path, unsigned char out[crypto_generichash_BYTES_MAX]) {
  FILE* f = std::fopen(path, "rb");
  if (!f) return false;
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES_MAX);
  unsigned char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) crypto_generichash_update(&state, buf, n);
  std::fclose(f);
  crypto_generichash_final(&state, out, crypto_generichash_BYTES_MAX);
  return true;
}

std::string global_message(const unsigned char* sig) {
  return std::string(reinterpret_cast<const char*>(sig), crypto_sign_BYTES) + k_comment;
}

int make(const std::string& dir, const char* file) {
  Blobs b;
  unsigned char sk[crypto_sign_SECRETKEYBYTES], hash[crypto_generichash_BYTES_MAX];
  crypto_sign_keypair(b.pk, sk);
  if (!hash_file(file, hash)) return 2;
  crypto_sign_detached(b.sig, nullptr, hash, sizeof hash, sk);
  std::string global = global_message(b.sig);
  crypto_sign_detached(b.global_sig, nullptr, reinterpret_cast<const unsigned char*>(global.data()), global.size(), sk);
  FILE* f = std::fopen((dir + "/floor.bin").c_str(), "wb");
  if (!f || std::fwrite(&b, sizeof b, 1, f) != 1) return 2;
  return std::fclose(f) == 0 ? 0 : 2;
}

int check(const std::string& dir, const char* file) {
  Blobs b;
  FILE* f = std::fopen((dir + "/floor.bin").c_str(), "rb");
  if (!f || std::fread(&b, sizeof b, 1, f) != 1) return 2;
  std::fclose(f);
  unsigned char hash[crypto_generichash_BYTES_MAX];
  if (!hash_file(file, hash)) return 2;
  if (crypto_sign_verify_detached(b.sig, hash, sizeof hash, b.pk) != 0) return 1;
  std::string global = global_message(b.sig);
  return crypto_sign_verify_detached(b.global_sig, reinterpret_cast<const unsigned char*>(global.data()),
                                     global.size(), b.pk) == 0
             ? 0
             : 1;
}

#if !defined(FLOOR_SODIUM) && !defined(FLOOR_OPENSSL)
// keel's global options and verify's, declared as commands/ declares them.
int parse_like_keel(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  CLI::App app("floor", "verify-floor");
  std::string directory, color, log_format, file, sig, pub, pub64, provenance;
  std::vector<std::string> overrides, configs;
  int verbose = 0;
  bool quiet = false, version = false, q = false, comment_only = false, output = false, prehashed = false, json = false;
  app.require_subcommand(0, 1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.add_option("-C", directory, "Run as if started in DIR")->type_name("DIR");
  app.add_option("-c", overrides, "Set a config value")->type_name("KEY=VALUE")->allow_extra_args(false);
  app.add_option("--config", configs, "Read this config file")->type_name("FILE")->allow_extra_args(false);
  app.add_flag("-v,--verbose", verbose, "More output");
  app.add_flag("-q,--quiet", quiet, "Only errors");
  app.add_option("--color", color, "Colour output")->type_name("WHEN")->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--log-format", log_format, "Log line format")->type_name("FORMAT")->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--version", version, "Print version");
  CLI::App* sub = app.add_subcommand("verify", "Check a file's minisign signature");
  sub->add_option("dir", directory, "Where floor.bin is")->required();
  sub->add_option("file", file, "The signed file")->required()->type_name("FILE");
  sub->add_option("-x", sig, "Signature file")->type_name("SIG");
  auto* p = sub->add_option("-p", pub, "Public key file")->type_name("PUBKEY");
  sub->add_option("-P", pub64, "Public key, base64")->type_name("PUBKEY")->excludes(p);
  sub->add_flag("-q", q, "Print nothing");
  sub->add_flag("-Q", comment_only, "Print only the trusted comment");
  sub->add_flag("-o", output, "Write the file to standard output");
  sub->add_flag("--require-prehashed", prehashed, "Refuse legacy signatures");
  sub->add_flag("--json", json, "Print JSON");
  sub->add_option("--provenance", provenance, "Check FILE against a provenance")->type_name("STATEMENT");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (sodium_init() < 0) return 2;
  int status = check(directory, file.c_str());
  if (!q) std::cout << (status == 0 ? "Signature and comment signature verified\n" : "Signature verification failed\n");
  return status;
}
#endif

}  // namespace

int main(int argc, char** argv) {
#if !defined(FLOOR_SODIUM)
  // Never true; it makes the linker take libcrypto and its start-up code.
  if (argc > 1000) return static_cast<int>(OpenSSL_version_num());
#endif
  if (argc == 4 && std::strcmp(argv[1], "make") == 0) {
    if (sodium_init() < 0) return 2;
    return make(argv[2], argv[3]);
  }
#if defined(FLOOR_SODIUM) || defined(FLOOR_OPENSSL)
  if (argc < 3) return 2;
  if (sodium_init() < 0) return 2;
  return check(argv[1], argv[2]);
#else
  return parse_like_keel(argc, argv);
#endif
}
