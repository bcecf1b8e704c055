#include "pipeline/cache_key.hpp"

#include <sys/utsname.h>

namespace keel::pipeline {

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
  for (const auto& f : p.inputs) {
    h.field(f.path);
    h.field(std::to_string(f.mode));
    h.update(std::string_view(reinterpret_cast<const char*>(f.digest.data()), f.digest.size()));
  }
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
