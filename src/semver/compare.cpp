// SemVer 2.0.0 precedence (spec item 11) and the listing order.
#include "semver/semver.hpp"

namespace keel::semver {

namespace {

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Digit strings of any length by value. Leading zeros are skipped so that
// build identifiers ("001") and hand-made Identifiers compare right too.
int compare_digits(std::string_view a, std::string_view b) {
  a.remove_prefix(std::min(a.find_first_not_of('0'), a.size()));
  b.remove_prefix(std::min(b.find_first_not_of('0'), b.size()));
  if (a.size() != b.size()) return three_way(a.size(), b.size());
  return three_way(a, b);
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Spec 11.4.1-3: numeric by value, alphanumeric in ASCII order, numeric first.
int compare_identifiers(std::string_view a, bool a_numeric, std::string_view b, bool b_numeric) {
  if (a_numeric != b_numeric) return a_numeric ? -1 : 1;
  return a_numeric ? compare_digits(a, b) : three_way(a, b);
}

// Identifier by identifier; when one list is a prefix of the other, the
// shorter one comes first (spec 11.4.4).
template <class List, class Compare>
int compare_lists(const List& a, const List& b, Compare compare_one) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (int c = compare_one(a[i], b[i])) return c;
  return three_way(a.size(), b.size());
}

}  // namespace

int compare(const Version& a, const Version& b) {
  if (int c = three_way(a.major, b.major)) return c;
  if (int c = three_way(a.minor, b.minor)) return c;
  if (int c = three_way(a.patch, b.patch)) return c;
  // A pre-release comes before its release (spec 11.3).
  if (a.is_prerelease() != b.is_prerelease()) return a.is_prerelease() ? -1 : 1;
  return compare_lists(a.prerelease, b.prerelease, [](const Identifier& x, const Identifier& y) {
    return compare_identifiers(x.text, x.numeric, y.text, y.numeric);
  });
}

int compare_for_sort(const Version& a, const Version& b) {
  if (int c = compare(a, b)) return c;
  return compare_lists(a.build, b.build, [](const std::string& x, const std::string& y) {
    return compare_identifiers(x, all_digits(x), y, all_digits(y));
  });
}

}  // namespace keel::semver
