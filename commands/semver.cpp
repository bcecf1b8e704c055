// keel semver: validate, compare, sort and bump SemVer 2.0.0 versions.
#include <algorithm>
#include <istream>
#include <memory>

#include "commands/groups.hpp"
#include "core/spell.hpp"
#include "semver/semver.hpp"

namespace keel::cmd {

namespace {

// A version the user gave, kept as written so that sort prints it back
// unchanged ("v1.2.3" stays "v1.2.3").
struct Given {
  std::string text;
  semver::Version version;
};

// Invalid input to compare, sort and bump is a usage error (exit 2); only
// validate reports it as the checked thing failing (exit 1).
semver::Version parse_or_throw(const std::string& text, Exit exit = Exit::usage, const std::string& where = {}) {
  auto v = semver::parse(text);
  if (!v) throw Failure(where + v.error().message, exit);
  return std::move(v).value();
}

struct ValidateOptions {
  std::vector<std::string> versions;
};

int run_validate(const ValidateOptions& o) {
  for (const auto& text : o.versions) parse_or_throw(text, Exit::failed);
  return status(Exit::ok);
}

struct CompareOptions {
  std::string first;
  std::string second;
};

int run_compare(const CompareOptions& o, Context& ctx) {
  semver::Version a = parse_or_throw(o.first);
  semver::Version b = parse_or_throw(o.second);
  ctx.out << semver::compare(a, b) << '\n';
  return status(Exit::ok);
}

struct SortOptions {
  std::vector<std::string> versions;
  bool reverse = false;
};

std::string trim(const std::string& line) {
  const char* space = " \t\r\n\v\f";
  std::size_t first = line.find_first_not_of(space);
  if (first == std::string::npos) return {};
  return line.substr(first, line.find_last_not_of(space) - first + 1);
}

// One version a line; blank lines are skipped and surrounding whitespace
// (a CR from a Windows file, say) dropped.
std::vector<Given> read_lines(std::istream& in) {
  std::vector<Given> out;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    std::string text = trim(line);
    if (text.empty()) continue;
    semver::Version v = parse_or_throw(text, Exit::usage, "<stdin>:" + std::to_string(number) + ": ");
    out.push_back({std::move(text), std::move(v)});
  }
  return out;
}

int run_sort(const SortOptions& o, Context& ctx) {
  std::vector<Given> all;
  if (o.versions.empty()) {
    all = read_lines(ctx.in);
  } else {
    for (const auto& text : o.versions) all.push_back({text, parse_or_throw(text)});
  }
  // Stable, so versions equal to the last byte ("1.0.0" and "v1.0.0") keep
  // their input order either way.
  std::stable_sort(all.begin(), all.end(), [&o](const Given& a, const Given& b) {
    int c = semver::compare_for_sort(a.version, b.version);
    return o.reverse ? c > 0 : c < 0;
  });
  for (const auto& g : all) ctx.out << g.text << '\n';
  return status(Exit::ok);
}

struct BumpOptions {
  std::string version;
  std::string kind;
  std::string pre;
  bool pre_given = false;
};

std::string kind_list() {
  std::string out;
  auto names = semver::bump_kind_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    out += std::string(i == 0 ? "" : (i + 1 == names.size() ? " or " : ", ")) + std::string(names[i]);
  return out;
}

semver::BumpKind kind_or_throw(const std::string& name) {
  if (auto kind = semver::parse_bump_kind(name)) return *kind;
  std::vector<std::string> names(semver::bump_kind_names().begin(), semver::bump_kind_names().end());
  std::string guess = closest_match(name, names);
  throw usage_error("unknown bump kind " + quote(name),
                    guess.empty() ? "expected " + kind_list() : "did you mean " + quote(guess) + "?");
}

int run_bump(const BumpOptions& o, Context& ctx) {
  semver::Version v = parse_or_throw(o.version);
  semver::BumpKind kind = kind_or_throw(o.kind);
  if (o.pre_given) {
    if (!semver::takes_pre_id(kind))
      throw usage_error("--pre does not apply to " + quote(o.kind),
                        "use it with premajor, preminor, prepatch or prerelease");
    // The library reads an empty identifier as none; on the command line
    // it is more likely a mistake, such as an unset variable.
    if (o.pre.empty()) throw usage_error("empty pre-release identifier given to --pre");
  }
  ctx.out << semver::to_string(semver::bump(v, kind, o.pre).value_or_throw()) << '\n';
  return status(Exit::ok);
}

}  // namespace

void setup_semver(CLI::App& app, Runner& chosen) {
  app.require_subcommand(1);
  set_long_description(&app,
                       "Versions follow Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH, an optional pre-release "
                       "after '-' (1.0.0-rc.1) and optional build metadata after '+' (1.0.0+build.7). "
                       "Identifiers use only ASCII letters, digits and '-'; numeric ones have no leading "
                       "zeros. One leading 'v', as in git tags, is accepted and dropped.\n\n"
                       "Precedence compares MAJOR, MINOR and PATCH as numbers; a pre-release comes before its "
                       "release and compares identifier by identifier, numbers by value and below words, words "
                       "in ASCII order, a shorter list first when one is a prefix of the other. Build metadata "
                       "does not count: compare prints 0 for 1.0.0+a and 1.0.0+b, and sort orders such ties "
                       "by their build metadata.\n\n"
                       "bump gives the same results as the npm semver package's inc(): major, minor and patch "
                       "turn a pre-release of that version into its release (1.2.0-rc.1 minor is 1.2.0); "
                       "premajor, preminor and prepatch move on and start a pre-release at 0 (1.2.3 "
                       "preminor --pre rc is 1.3.0-rc.0); prerelease counts the last number of a pre-release "
                       "up, or starts one on the next patch; release drops the pre-release. Build metadata is "
                       "dropped.\n\n"
                       "Invalid versions make validate exit 1 and the other commands exit 2, naming the "
                       "version and the problem.");

  auto validate = std::make_shared<ValidateOptions>();
  auto* v = app.add_subcommand("validate", "Check versions; exit 1 at the first invalid one");
  v->add_option("version", validate->versions, "Versions to check")->required();
  v->parse_complete_callback([&chosen, validate] { chosen = [validate](Context&) { return run_validate(*validate); }; });

  auto compare = std::make_shared<CompareOptions>();
  auto* c = app.add_subcommand("compare", "Print -1, 0 or 1 as the first version is lower than, equal to or higher "
                                          "than the second");
  c->add_option("first", compare->first, "Version on the left")->required();
  c->add_option("second", compare->second, "Version on the right")->required();
  c->parse_complete_callback([&chosen, compare] { chosen = [compare](Context& x) { return run_compare(*compare, x); }; });

  auto sort = std::make_shared<SortOptions>();
  auto* s = app.add_subcommand("sort", "Print versions lowest first; reads lines from stdin without arguments");
  s->add_option("version", sort->versions, "Versions to sort");
  s->add_flag("-r,--reverse", sort->reverse, "Highest first");
  s->parse_complete_callback([&chosen, sort] { chosen = [sort](Context& x) { return run_sort(*sort, x); }; });

  auto bump = std::make_shared<BumpOptions>();
  auto* b = app.add_subcommand("bump", "Print the next version of the given kind");
  b->add_option("version", bump->version, "Version to start from")->required();
  b->add_option("kind", bump->kind, "major, minor, patch, premajor, preminor, prepatch, prerelease or release")
      ->required();
  CLI::Option* pre = b->add_option("--pre", bump->pre, "Pre-release to start, e.g. rc for 1.3.0-rc.0")
                         ->type_name("ID");
  b->parse_complete_callback([&chosen, bump, pre] {
    bump->pre_given = pre->count() > 0;
    chosen = [bump](Context& x) { return run_bump(*bump, x); };
  });
}

}  // namespace keel::cmd
