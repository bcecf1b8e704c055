// libFuzzer target for src/semver. The input is up to three lines: a
// version, a second version and a pre-release identifier. Checks that
// whatever parses prints back to itself, that precedence is antisymmetric
// and agrees with the listing order, and that every bump gives a version
// that parses, is higher where it must be, and fails only for a reason.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "semver/semver.hpp"

using namespace keel::semver;

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

std::vector<std::string_view> lines(std::string_view input) {
  std::vector<std::string_view> out;
  while (out.size() < 2) {
    std::size_t nl = input.find('\n');
    if (nl == std::string_view::npos) break;
    out.push_back(input.substr(0, nl));
    input.remove_prefix(nl + 1);
  }
  out.push_back(input);
  out.resize(3);
  return out;
}

// parse(to_string(v)) == v, and the text is stable.
void check_round_trip(const Version& v) {
  std::string text = to_string(v);
  auto again = parse(text);
  require(again.ok() && *again == v && to_string(*again) == text);
}

void check_order(const Version& a, const Version& b) {
  int ab = compare(a, b);
  require(ab >= -1 && ab <= 1 && ab == -compare(b, a));
  require(compare(a, a) == 0 && compare_for_sort(a, a) == 0);
  int sort_ab = compare_for_sort(a, b);
  require(sort_ab == -compare_for_sort(b, a));
  if (ab != 0) require(sort_ab == ab);
  if (a == b) require(ab == 0);
}

bool has_max_number(const Version& v) {
  return v.major == UINT64_MAX || v.minor == UINT64_MAX || v.patch == UINT64_MAX;
}

void check_bumps(const Version& v, std::string_view pre_id) {
  bool id_valid = pre_id.empty() || parse_prerelease(pre_id).ok();
  for (std::string_view name : bump_kind_names()) {
    BumpKind kind = *parse_bump_kind(name);
    for (std::string_view id : {std::string_view{}, pre_id, std::string_view{"rc"}}) {
      auto next = bump(v, kind, id);
      if (!next) {
        bool expected = (kind == BumpKind::release && !v.is_prerelease()) || has_max_number(v) ||
                        (takes_pre_id(kind) && id == pre_id && !id_valid);
        require(expected);
        continue;
      }
      require(next->build.empty());
      check_round_trip(*next);
      // Only a new pre-release identifier can move a pre-release down
      // ("1.0.0-beta.1" prerelease alpha is 1.0.0-alpha.0).
      bool may_go_down = kind == BumpKind::prerelease && !id.empty() && v.is_prerelease();
      if (!may_go_down) require(compare(*next, v) > 0);
      if (takes_pre_id(kind)) require(next->is_prerelease());
      else require(!next->is_prerelease());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parts = lines(input);
  auto a = parse(parts[0]);
  auto b = parse(parts[1]);
  auto ids = parse_prerelease(parts[2]);
  if (ids) {
    std::string joined;
    for (const auto& id : *ids) joined += (joined.empty() ? "" : ".") + id.text;
    require(joined == parts[2]);
  }
  if (a) {
    check_round_trip(*a);
    check_bumps(*a, parts[2]);
  }
  if (b) check_round_trip(*b);
  if (a && b) check_order(*a, *b);
  return 0;
}
