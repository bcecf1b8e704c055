#include "release/version.hpp"

#include <algorithm>

#include "commit/text.hpp"

namespace keel::release {

namespace {

constexpr std::string_view k_version = "{version}";
constexpr std::string_view k_package = "{package}";

}  // namespace

std::string_view to_string(Bump b) {
  switch (b) {
    case Bump::none: return "none";
    case Bump::patch: return "patch";
    case Bump::minor: return "minor";
    case Bump::major: return "major";
  }
  return "none";
}

std::optional<Bump> parse_bump(std::string_view name) {
  for (Bump b : {Bump::none, Bump::patch, Bump::minor, Bump::major})
    if (name == to_string(b)) return b;
  return std::nullopt;
}

Result<TagTemplate> TagTemplate::parse(std::string_view text) {
  std::size_t v = text.find(k_version);
  if (v == std::string_view::npos)
    return Error{"invalid tag template " + quote(text) + ": no {version} placeholder", {}, Exit::config};
  if (text.find(k_version, v + 1) != std::string_view::npos)
    return Error{"invalid tag template " + quote(text) + ": {version} appears twice", {}, Exit::config};
  std::size_t p = text.find(k_package);
  if (p != std::string_view::npos && text.find(k_package, p + 1) != std::string_view::npos)
    return Error{"invalid tag template " + quote(text) + ": {package} appears twice", {}, Exit::config};
  TagTemplate t;
  t.m_text = std::string(text);
  return t;
}

std::string TagTemplate::format(const semver::Version& v, std::string_view package) const {
  std::string out = m_text;
  out.replace(out.find(k_version), k_version.size(), semver::to_string(v));
  if (std::size_t p = out.find(k_package); p != std::string::npos) out.replace(p, k_package.size(), package);
  return out;
}

std::optional<semver::Version> TagTemplate::match(std::string_view tag, std::string_view package) const {
  // The template with {package} filled in, split around {version}.
  std::string filled = m_text;
  if (std::size_t p = filled.find(k_package); p != std::string::npos) filled.replace(p, k_package.size(), package);
  std::size_t v = filled.find(k_version);
  std::string_view prefix(filled.data(), v);
  std::string_view suffix(filled.data() + v + k_version.size(), filled.size() - v - k_version.size());
  if (tag.size() <= prefix.size() + suffix.size()) return std::nullopt;
  if (tag.substr(0, prefix.size()) != prefix || tag.substr(tag.size() - suffix.size()) != suffix) return std::nullopt;
  std::string_view middle = tag.substr(prefix.size(), tag.size() - prefix.size() - suffix.size());
  if (middle.empty() || middle.front() == 'v') return std::nullopt;  // "vv1.0.0" is not "v{version}"
  auto parsed = semver::parse(middle);
  if (!parsed) return std::nullopt;
  return std::move(parsed).value();
}

const VersionTag* last_stable(const std::vector<VersionTag>& tags) {
  const VersionTag* best = nullptr;
  for (const auto& t : tags) {
    if (t.version.is_prerelease()) continue;
    if (!best || semver::compare(t.version, best->version) > 0) best = &t;
  }
  return best;
}

namespace {

bool all_upper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; }) &&
         std::none_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

std::string release_type(const commit::Message& m) {
  if (m.conventional) return m.type;
  // The angular preset's header pattern, `^(\w*)(?:\((.*)\))?: (.*)$`, is
  // looser than Conventional Commits: `feat(): x` and `fix(a)(b): y` have
  // a type there.
  std::string_view h = m.header;
  std::size_t i = 0;
  while (i < h.size() && commit::is_word(h[i])) ++i;
  std::string_view type = h.substr(0, i);
  std::string_view rest = h.substr(i);
  if (rest.starts_with('(')) {
    std::size_t close = rest.rfind("): ");
    if (close == std::string_view::npos) return {};
    return std::string(type);
  }
  return rest.starts_with(": ") ? std::string(type) : std::string();
}

Bump bump_of(const commit::Message& m, const Rules& rules) {
  if (m.breaking) return Bump::major;
  Bump b = Bump::none;
  std::string type = release_type(m);
  // Types match in their case, as semantic-release's rules do; an
  // all-upper-case type (FEAT, FIX) matches too, as its JSHint rules do.
  auto it = rules.types.find(type);
  if (it == rules.types.end() && all_upper(type)) it = rules.types.find(commit::lower_ascii(type));
  if (it != rules.types.end() && type != "revert") b = it->second;
  // The revert rule applies to what says which commit it reverts.
  if (!m.revert_hash.empty()) {
    auto r = rules.types.find("revert");
    if (r != rules.types.end()) b = std::max(b, r->second);
  }
  return b;
}

std::vector<std::pair<std::size_t, std::size_t>> cancelled_reverts(const std::vector<Change>& changes) {
  // conventional-commits-filter's walk: newest first, each revert waits for
  // the commit whose header and full id are exactly those it names, and a
  // commit that some waiting revert names drops out with it (so a revert of
  // a revert cancels that pair, and the first revert's target stays).
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  std::vector<std::size_t> waiting;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& c = changes[i];
    auto named = std::find_if(waiting.begin(), waiting.end(), [&](std::size_t r) {
      const auto& rm = changes[r].message;
      return rm.revert_hash == c.id && commit::trim(rm.revert_header) == commit::trim(c.message.header);
    });
    if (named != waiting.end()) {
      pairs.emplace_back(*named, i);
      waiting.erase(named);
      continue;
    }
    if (!c.message.revert_hash.empty()) waiting.push_back(i);
  }
  return pairs;
}

Decision decide(const std::vector<Change>& changes, const Rules& rules, const semver::Version* current) {
  Decision d;
  d.cancelled = cancelled_reverts(changes);
  std::vector<bool> cancelled(changes.size(), false);
  for (auto [revert, reverted] : d.cancelled) cancelled[revert] = cancelled[reverted] = true;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& m = changes[i].message;
    if (cancelled[i]) continue;
    Bump b = bump_of(m, rules);
    if (b == Bump::none && !m.conventional) {
      if (!m.is_merge) d.ignored.push_back(i);
      continue;
    }
    d.considered++;
    if (m.breaking) d.breaking = true;
    d.bump = std::max(d.bump, b);
    d.deciding.push_back(i);
    for (const auto& f : m.footers) {
      if (commit::lower_ascii(f.token) != "release-as") continue;
      auto v = semver::parse(f.value);
      if (!v) continue;  // reported by the caller with -v? an invalid footer is ignored
      if (!d.release_as || semver::compare(*v, *d.release_as) > 0) d.release_as = std::move(v).value();
    }
  }
  bool zero = current ? current->major == 0 : false;
  if (d.bump == Bump::major && zero && !rules.zero_major_breaking_major) d.bump = Bump::minor;
  return d;
}

semver::Version apply(const semver::Version& v, Bump b) {
  semver::Version out{v.major, v.minor, v.patch, {}, {}};
  switch (b) {
    case Bump::major: out.major++, out.minor = 0, out.patch = 0; break;
    case Bump::minor: out.minor++, out.patch = 0; break;
    case Bump::patch: out.patch++; break;
    case Bump::none: break;
  }
  return out;
}

std::uint64_t next_pre_number(const semver::Version& base, std::string_view id, const std::vector<VersionTag>& tags) {
  std::uint64_t highest = 0;
  for (const auto& t : tags) {
    const auto& v = t.version;
    if (v.major != base.major || v.minor != base.minor || v.patch != base.patch) continue;
    if (v.prerelease.size() != 2 || v.prerelease[0].text != id || !v.prerelease[1].numeric) continue;
    const std::string& digits = v.prerelease[1].text;
    if (digits.size() > 19) continue;
    highest = std::max<std::uint64_t>(highest, std::stoull(digits));
  }
  return highest + 1;
}

Result<Next> next_version(const std::optional<semver::Version>& current, const Decision& decision,
                          const std::vector<VersionTag>& all_tags, const NextOptions& o) {
  Next n;
  n.current = current;
  n.bump = decision.bump;
  semver::Version base;
  if (o.forced) {
    base = *o.forced;
    base.prerelease.clear();
    base.build.clear();
    if (current && semver::compare(base, *current) <= 0)
      return Error{"version " + quote(semver::to_string(base)) + " is not above the last release " +
                       quote(semver::to_string(*current)),
                   {}, Exit::usage};
  } else if (!current) {
    base = o.initial;
  } else if (o.forced_bump) {
    n.bump = *o.forced_bump;
    base = apply(*current, n.bump);
  } else if (decision.release_as) {
    base = *decision.release_as;
    base.prerelease.clear();
    base.build.clear();
    if (semver::compare(base, *current) <= 0)
      return Error{"Release-As version " + quote(semver::to_string(base)) + " is not above the last release " +
                       quote(semver::to_string(*current)),
                   "drop the footer or give a higher version", Exit::usage};
  } else if (decision.bump == Bump::none) {
    n.reason = decision.considered == 0
                   ? "no releasable commits since " + semver::to_string(*current)
                   : "no commit since " + semver::to_string(*current) + " bumps the version (only types such as chore or docs)";
    return n;
  } else {
    base = apply(*current, decision.bump);
  }
  if (current) {
    // The bump actually taken, for --json: compare the numbers.
    if (base.major != current->major) n.bump = Bump::major;
    else if (base.minor != current->minor) n.bump = Bump::minor;
    else if (base.patch != current->patch) n.bump = Bump::patch;
  }
  if (!o.pre.empty()) {
    auto ids = semver::parse_prerelease(o.pre);
    if (!ids) return ids.error();
    if (ids->size() != 1 || ids->front().numeric)
      return Error{"invalid pre-release identifier " + quote(o.pre) + ": expected one word such as rc, beta or alpha",
                   {}, Exit::usage};
    std::uint64_t number = next_pre_number(base, o.pre, all_tags);
    base.prerelease = {semver::Identifier{o.pre, false}, semver::Identifier{std::to_string(number), true}};
  }
  if (!o.build.empty()) {
    auto v = semver::parse("0.0.0+" + o.build);
    if (!v) return Error{"invalid build metadata " + quote(o.build), {}, Exit::usage};
    base.build = v->build;
  }
  n.version = std::move(base);
  return n;
}

}  // namespace keel::release
