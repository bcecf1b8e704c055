#include "update/manifest.hpp"

#include <ctime>

#include "core/json_document.hpp"
#include "crypto/sha256.hpp"
#include "semver/semver.hpp"

namespace keel::update {

namespace {

using nlohmann::ordered_json;

bool is_sha256(const std::string& s) {
  crypto::Digest d;
  return crypto::parse_hex(s, d) && crypto::hex(d) == s;
}

// Only https:// URLs, or relative ones without a scheme; no control
// characters or spaces (they would be ambiguous in messages).
bool acceptable_url(const std::string& url) {
  if (url.empty() || url.size() > 2048) return false;
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return false;
  auto colon = url.find(':');
  auto slash = url.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash))
    return url.compare(0, 8, "https://") == 0;
  return url.compare(0, 2, "//") != 0;  // scheme-relative would take the manifest's scheme
}

bool known_platform(const std::string& p) {
  auto slash = p.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == p.size() || p.size() > 64) return false;
  for (char c : p)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_')) return false;
  return p.find('/', slash + 1) == std::string::npos;
}

class Reader {
 public:
  explicit Reader(const std::string& shown) : m_shown(shown) {}

  Error bad(const std::string& why) const {
    return Error{quote(m_shown) + " is not a keel update manifest: " + why, {}, Exit::failed};
  }

  Result<std::string> string(const ordered_json& o, const char* key, const std::string& where) const {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return bad(where + "\"" + key + "\" is missing or not a string");
    return it->get<std::string>();
  }

  Result<std::uint64_t> count(const ordered_json& o, const char* key, const std::string& where) const {
    auto it = o.find(key);
    if (it == o.end() || !it->is_number_unsigned())
      return bad(where + "\"" + key + "\" is missing or not a whole number");
    return it->get<std::uint64_t>();
  }

  Status only(const ordered_json& o, std::initializer_list<std::string_view> keys, const std::string& where) const {
    for (const auto& [k, v] : o.items()) {
      bool known = false;
      for (auto want : keys) known = known || k == want;
      if (!known) return bad(where + "unknown field " + quote(k));
    }
    return ok_status();
  }

  Result<Download> download(const ordered_json& o, const std::string& where) const {
    if (!o.is_object()) return bad(where + "is not an object");
    if (auto s = only(o, {"url", "size", "sha256", "patch"}, where); !s) return s.error();
    Download d;
    auto url = string(o, "url", where);
    auto size = count(o, "size", where);
    auto sha = string(o, "sha256", where);
    if (!url) return url.error();
    if (!size) return size.error();
    if (!sha) return sha.error();
    if (!acceptable_url(*url)) return bad(where + "the url " + quote(*url) + " is neither https:// nor relative");
    if (*size == 0) return bad(where + "the size is 0");
    if (!is_sha256(*sha)) return bad(where + "the sha256 is not 64 lower-case hex digits");
    d.url = *url;
    d.size = *size;
    d.sha256 = *sha;
    if (auto it = o.find("patch"); it != o.end()) {
      std::string in = where + "patch: ";
      if (!it->is_object()) return bad(in + "is not an object");
      if (auto s = only(*it, {"from", "url", "size", "sha256"}, in); !s) return s.error();
      auto from = string(*it, "from", in);
      if (!from) return from.error();
      if (!semver::parse(*from)) return bad(in + "\"from\" " + quote(*from) + " is not a version");
      ordered_json file = *it;  // url, size and sha256 are checked as a download's (no "patch" inside: see above)
      file.erase("from");
      auto part = download(file, in);
      if (!part) return part.error();
      d.patch = Patch{*from, part->url, part->size, part->sha256};
    }
    return d;
  }

 private:
  const std::string& m_shown;
};

}  // namespace

bool valid_channel(std::string_view name) {
  return !name.empty() && name.size() <= 32 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

std::optional<std::int64_t> parse_utc_time(std::string_view text) {
  if (text.size() != 20) return std::nullopt;
  std::string s(text);
  std::tm tm{};
  const char* end = ::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end != '\0') return std::nullopt;
  std::int64_t t = ::timegm(&tm);
  // strptime takes "2026-02-30" and single digits; only the canonical form
  // of a real time reads back the same.
  if (format_utc_time(t) != s) return std::nullopt;
  return t;
}

std::string format_utc_time(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  if (!::gmtime_r(&tt, &tm)) return {};
  char buf[32];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return {};
  return buf;
}

Result<Manifest> parse_manifest(std::string_view text, const std::string& shown) {
  Reader r(shown);
  if (text.size() > k_max_manifest_size) return r.bad("it is larger than 64 KiB");
  auto doc = json::parse_document(text, shown, Exit::failed);
  if (!doc) return doc.error();
  if (!doc->is_object()) return r.bad("it is not a JSON object");
  if (auto s = r.only(*doc, {"schema", "channel", "version", "serial", "expires", "platforms"}, ""); !s)
    return s.error();
  auto schema = r.string(*doc, "schema", "");
  if (!schema) return schema.error();
  if (*schema != k_schema) return r.bad("the schema is " + quote(*schema) + ", not " + quote(std::string(k_schema)));
  Manifest m;
  auto channel = r.string(*doc, "channel", "");
  auto version = r.string(*doc, "version", "");
  auto serial = r.count(*doc, "serial", "");
  auto expires = r.string(*doc, "expires", "");
  if (!channel) return channel.error();
  if (!version) return version.error();
  if (!serial) return serial.error();
  if (!expires) return expires.error();
  if (!valid_channel(*channel))
    return r.bad("the channel " + quote(*channel) + " is not a lower-case name");
  auto v = semver::parse(*version);
  if (!v) return r.bad("\"version\": " + v.error().message);
  auto when = parse_utc_time(*expires);
  if (!when) return r.bad("\"expires\" " + quote(*expires) + " is not a UTC time such as 2026-12-20T00:00:00Z");
  m.channel = *channel;
  m.version = semver::to_string(*v);
  m.serial = *serial;
  m.expires = *when;
  auto platforms = doc->find("platforms");
  if (platforms == doc->end() || !platforms->is_object() || platforms->empty())
    return r.bad("\"platforms\" is missing or empty");
  for (const auto& [name, value] : platforms->items()) {
    if (!known_platform(name)) return r.bad("the platform " + quote(name) + " is not os/arch");
    auto d = r.download(value, "platform " + name + ": ");
    if (!d) return d.error();
    m.platforms.emplace(name, std::move(*d));
  }
  return m;
}

std::string manifest_json(const Manifest& m) {
  ordered_json doc;
  doc["schema"] = k_schema;
  doc["channel"] = m.channel;
  doc["version"] = m.version;
  doc["serial"] = m.serial;
  doc["expires"] = format_utc_time(m.expires);
  ordered_json platforms = ordered_json::object();
  for (const auto& [name, d] : m.platforms) {
    ordered_json p;
    p["url"] = d.url;
    p["size"] = d.size;
    p["sha256"] = d.sha256;
    if (d.patch) p["patch"] = {{"from", d.patch->from}, {"url", d.patch->url}, {"size", d.patch->size}, {"sha256", d.patch->sha256}};
    platforms[name] = std::move(p);
  }
  doc["platforms"] = std::move(platforms);
  return doc.dump(2) + "\n";
}

Result<Decision> decide(const Manifest& m, const Expectation& e) {
  auto refuse = [](std::string why) { return Error{std::move(why), {}, Exit::failed}; };
  if (m.channel != e.channel)
    return refuse("the update manifest is for the " + quote(m.channel) + " channel, not " + quote(e.channel));
  if (m.expires <= e.now)
    return refuse("the update manifest expired at " + format_utc_time(m.expires) +
                  ": the server is stale or replays an old manifest");
  if (m.serial < e.highest_serial)
    return refuse("the update manifest's serial " + std::to_string(m.serial) + " is lower than " +
                  std::to_string(e.highest_serial) + ", already seen: an older manifest is being replayed");
  auto it = m.platforms.find(e.platform);
  if (it == m.platforms.end())
    return refuse("the update manifest has no binary for " + e.platform);
  auto offered = semver::parse(m.version).value_or_throw();
  auto running = semver::parse(e.running_version);
  if (e.wanted_version) {
    auto wanted = semver::parse(*e.wanted_version);
    if (!wanted) return Error{wanted.error().message, {}, Exit::usage};
    if (semver::compare(*wanted, offered) != 0)
      return refuse("the " + m.channel + " channel offers " + m.version + ", not " + semver::to_string(*wanted));
  }
  Decision d;
  d.download = &it->second;
  int order = running ? semver::compare(offered, *running) : 1;
  if (order > 0) {
    d.verdict = Verdict::update;
  } else if (order == 0) {
    d.verdict = Verdict::up_to_date;
  } else if (e.allow_downgrade) {
    d.verdict = Verdict::update;
  } else {
    return refuse("the update manifest offers " + m.version + ", older than the running " + e.running_version +
                  " (--allow-downgrade installs it)");
  }
  return d;
}

}  // namespace keel::update
