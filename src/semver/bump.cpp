// bump(): node-semver's inc() rules, written for keel (see semver.hpp).
#include <algorithm>
#include <array>

#include "semver/semver.hpp"

namespace keel::semver {

namespace {

constexpr std::array<std::string_view, 8> k_kind_names = {"major",    "minor",    "patch",      "premajor",
                                                          "preminor", "prepatch", "prerelease", "release"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A numeric identifier plus one, at any length: "199" -> "200".
std::string plus_one(std::string digits) {
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it != '9') {
      ++*it;
      return digits;
    }
    *it = '0';
  }
  return '1' + digits;
}

// Whether JavaScript's Number(text) is not NaN, for text made of
// [0-9A-Za-z-]. node-semver keeps a pre-release that continues pre_id only
// when the identifier after pre_id passes `!isNaN(x)`, which takes "1e5",
// "0x1F", "-2" and "Infinity" as numbers too; bump() follows it so that both
// agree on such inputs.
bool javascript_number(std::string_view text) {
  auto all_of = [](std::string_view s, auto predicate) {
    return !s.empty() && std::all_of(s.begin(), s.end(), predicate);
  };
  if (text.size() >= 2 && text[0] == '0') {
    std::string_view digits = text.substr(2);
    switch (text[1]) {
      case 'x': case 'X':
        return all_of(digits, [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); });
      case 'o': case 'O':
        return all_of(digits, [](char c) { return c >= '0' && c <= '7'; });
      case 'b': case 'B':
        return all_of(digits, [](char c) { return c == '0' || c == '1'; });
      default:
        break;
    }
  }
  if (text.starts_with('-')) text.remove_prefix(1);
  if (text == "Infinity") return true;
  // DIGITS, or DIGITS e [-] DIGITS ('.' and '+' cannot occur here).
  std::size_t e = text.find_first_of("eE");
  if (e == std::string_view::npos) return all_of(text, is_digit);
  std::string_view exponent = text.substr(e + 1);
  if (exponent.starts_with('-')) exponent.remove_prefix(1);
  return all_of(text.substr(0, e), is_digit) && all_of(exponent, is_digit);
}

const Identifier k_zero{"0", true};

// node-semver's internal "pre" step. Counts the pre-release up: its last
// numeric identifier plus one, or a new ".0" when it has none; a release
// becomes "-0". Then, given a pre_id, restarts at "<pre_id>.0" unless the
// result already continues pre_id with a number ("rc.3" for "rc").
void next_prerelease(std::vector<Identifier>& pre, const std::vector<Identifier>& pre_id) {
  auto last_numeric = std::find_if(pre.rbegin(), pre.rend(), [](const Identifier& id) { return id.numeric; });
  if (last_numeric != pre.rend())
    last_numeric->text = plus_one(last_numeric->text);
  else
    pre.push_back(k_zero);
  if (pre_id.empty()) return;
  bool continues = pre_id.size() < pre.size() && std::equal(pre_id.begin(), pre_id.end(), pre.begin()) &&
                   javascript_number(pre[pre_id.size()].text);
  if (continues) return;
  pre = pre_id;
  pre.push_back(k_zero);
}

}  // namespace

std::span<const std::string_view> bump_kind_names() { return k_kind_names; }

std::optional<BumpKind> parse_bump_kind(std::string_view name) {
  auto it = std::find(k_kind_names.begin(), k_kind_names.end(), name);
  if (it == k_kind_names.end()) return std::nullopt;
  return static_cast<BumpKind>(it - k_kind_names.begin());
}

bool takes_pre_id(BumpKind kind) {
  return kind == BumpKind::premajor || kind == BumpKind::preminor || kind == BumpKind::prepatch ||
         kind == BumpKind::prerelease;
}

Result<Version> bump(const Version& v, BumpKind kind, std::string_view pre_id) {
  std::vector<Identifier> id;
  if (takes_pre_id(kind) && !pre_id.empty()) {
    auto parsed = parse_prerelease(pre_id);
    if (!parsed) return parsed.error();
    id = std::move(parsed).value();
  }
  Version next = v;
  next.build.clear();
  const char* stuck = nullptr;  // the part already at 2^64-1
  auto up = [&stuck](std::uint64_t& n, const char* name) {
    if (n == UINT64_MAX)
      stuck = name;
    else
      ++n;
  };
  switch (kind) {
    // A pre-release of the next major, minor or patch already counts as it:
    // major of 2.0.0-rc.1 is 2.0.0, but of 2.1.0-rc.1 it is 3.0.0.
    case BumpKind::major:
      if (v.minor != 0 || v.patch != 0 || !v.is_prerelease()) up(next.major, "major");
      next.minor = next.patch = 0;
      break;
    case BumpKind::minor:
      if (v.patch != 0 || !v.is_prerelease()) up(next.minor, "minor");
      next.patch = 0;
      break;
    case BumpKind::patch:
      if (!v.is_prerelease()) up(next.patch, "patch");
      break;
    // The pre* kinds always move on first: premajor of 2.0.0-rc.1 is 3.0.0-0.
    case BumpKind::premajor:
      up(next.major, "major");
      next.minor = next.patch = 0;
      break;
    case BumpKind::preminor:
      up(next.minor, "minor");
      next.patch = 0;
      break;
    case BumpKind::prepatch:
      up(next.patch, "patch");
      break;
    // From a release, the first pre-release of the next patch; from a
    // pre-release, the next pre-release of the same version.
    case BumpKind::prerelease:
      if (!v.is_prerelease()) up(next.patch, "patch");
      break;
    case BumpKind::release:
      if (!v.is_prerelease()) return Error{"version " + quote(to_string(v)) + " is not a pre-release", {}, Exit::usage};
      break;
  }
  if (stuck)
    return Error{"cannot bump " + quote(to_string(v)) + ": " + stuck + " version would pass " +
                     std::to_string(UINT64_MAX),
                 {}, Exit::usage};
  if (kind != BumpKind::prerelease) next.prerelease.clear();
  if (takes_pre_id(kind)) next_prerelease(next.prerelease, id);
  return next;
}

}  // namespace keel::semver
