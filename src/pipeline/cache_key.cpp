#include "pipeline/cache_key.hpp"

#include <sys/utsname.h>

#include <charconv>

namespace keel::pipeline {

namespace {

// The bytes Sha256::field gives: the length as eight little-endian bytes,
// then the bytes.
void append_field(std::string& out, std::string_view bytes) {
  char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<char>(static_cast<std::uint64_t>(bytes.size()) >> (8 * i));
  out.append(len, sizeof len);
  out.append(bytes);
}

// Each input's path, mode and digest, as field() would give them, written
// into one buffer and hashed in large pieces: five calls per file cost
// more than the hashing (twenty thousand inputs).
void hash_inputs(crypto::Sha256& h, const std::vector<InputFile>& inputs) {
  constexpr std::size_t k_piece = 256 * 1024;
  std::string piece;
  piece.reserve(k_piece + 4096);
  for (const auto& f : inputs) {
    char mode[16];
    auto [end, ec] = std::to_chars(mode, mode + sizeof mode, f.mode);
    append_field(piece, f.path);
    append_field(piece, std::string_view(mode, static_cast<std::size_t>(end - mode)));
    piece.append(reinterpret_cast<const char*>(f.digest.data()), f.digest.size());
    if (piece.size() >= k_piece) {
      h.update(piece);
      piece.clear();
    }
  }
  h.update(piece);
}

}  // namespace

std::string cache_key(const KeyParts& p) {
  crypto::Sha256 h;
  auto count = [&](std::size_t n) { h.field(std::to_string(n)); };
  h.field("keel-cache-" + std::to_string(k_cache_format));
  h.field(p.platform);
  h.field(p.dir);
  count(p.shell.size());
  for (const auto& s : p.shell) h.field(s);
  count(p.commands.size());
  for (const auto& c : p.commands) {
    h.field(c.script);
    count(c.args.size());
    for (const auto& a : c.args) h.field(a);
  }
  count(p.env.size());
  for (const auto& [k, v] : p.env) {
    h.field(k);
    h.field(v);
  }
  count(p.key_env.size());
  for (const auto& [k, v] : p.key_env) {
    h.field(k);
    h.field(v ? "set" : "unset");
    h.field(v.value_or(""));
  }
  count(p.key_outputs.size());
  for (const auto& o : p.key_outputs) h.field(o);
  count(p.inputs.size());
  hash_inputs(h, p.inputs);
  count(p.dep_keys.size());
  for (const auto& k : p.dep_keys) h.field(k);
  return crypto::hex(h.finish());
}

std::string platform() {
  struct utsname u {};
  if (::uname(&u) != 0) return "unknown";
  std::string os = u.sysname;
  for (auto& c : os) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return os + "-" + u.machine;
}

}  // namespace keel::pipeline
