#include "pipeline/cache_key.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <charconv>

#include "core/parallel.hpp"

namespace keel::pipeline {

namespace {

// Each input's path, mode and digest, as field() would give them, hashed
// in pieces of 1,024 files on every core; the key takes the pieces'
// digests in order. One SHA-256 over twenty thousand inputs, on one
// thread, was the longest step left after the walk.
void hash_inputs(crypto::Sha256& h, const std::vector<InputFile>& inputs) {
  constexpr std::size_t k_piece = 1024;
  std::vector<crypto::Digest> pieces((inputs.size() + k_piece - 1) / k_piece);
  for_each_index(pieces.size(), [&](std::size_t p) {
    std::string bytes;
    bytes.reserve(k_piece * 96);
    for (std::size_t i = p * k_piece; i < std::min(inputs.size(), (p + 1) * k_piece); ++i) {
      const InputFile& f = inputs[i];
      char mode[16];
      auto [end, ec] = std::to_chars(mode, mode + sizeof mode, f.mode);
      crypto::append_field(bytes, f.path);
      crypto::append_field(bytes, std::string_view(mode, static_cast<std::size_t>(end - mode)));
      bytes.append(reinterpret_cast<const char*>(f.digest.data()), f.digest.size());
    }
    pieces[p] = crypto::sha256(bytes);
  }, 2);
  for (const auto& d : pieces) h.update(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
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
