// Changelog sections: grouping, forge links, headings and prepending.
#include <doctest/doctest.h>

#include "release/changelog.hpp"
#include "support.hpp"

using namespace keel;
using namespace keel::release;

namespace {

Change change(char fill, std::string_view message) { return Change{std::string(40, fill), commit::parse(message)}; }

std::string render(const Section& s, const ChangelogSettings& cs) {
  auto t = Template::parse(default_template());
  REQUIRE(t.ok());
  return t->render(section_data(s, cs));
}

}  // namespace

TEST_CASE("release changelog: forges from remote URLs") {
  Forge f = forge_from_remote("git@github.com:owner/repo.git");
  CHECK(f.kind == Forge::Kind::github);
  CHECK(f.base == "https://github.com/owner/repo");
  CHECK(f.commit_url("abc") == "https://github.com/owner/repo/commit/abc");
  CHECK(f.issue_url("7") == "https://github.com/owner/repo/issues/7");
  CHECK(f.compare_url("v1.0.0", "v1.1.0") == "https://github.com/owner/repo/compare/v1.0.0...v1.1.0");

  f = forge_from_remote("https://user:token@gitlab.com/group/sub/project.git/");
  CHECK(f.kind == Forge::Kind::gitlab);
  CHECK(f.base == "https://gitlab.com/group/sub/project");
  CHECK(f.commit_url("abc") == "https://gitlab.com/group/sub/project/-/commit/abc");
  CHECK(f.issue_url("7") == "https://gitlab.com/group/sub/project/-/issues/7");

  f = forge_from_remote("ssh://git@bitbucket.org:22/team/repo");
  CHECK(f.kind == Forge::Kind::bitbucket);
  CHECK(f.commit_url("abc") == "https://bitbucket.org/team/repo/commits/abc");
  CHECK(f.compare_url("v1", "v2") == "https://bitbucket.org/team/repo/branches/compare/v2%0Dv1");

  CHECK(forge_from_remote("https://codeberg.org/a/b").kind == Forge::Kind::gitea);
  CHECK(forge_from_remote("https://gitea.example.com/a/b").kind == Forge::Kind::gitea);
  CHECK(forge_from_remote("https://gitlab.example.com/a/b").kind == Forge::Kind::gitlab);
  CHECK(forge_from_remote("/srv/git/repo.git").kind == Forge::Kind::none);
  CHECK(forge_from_remote("https://example.com/a/b").kind == Forge::Kind::none);
  CHECK(forge_from_remote("https://github.com/justowner").kind == Forge::Kind::none);
  CHECK(forge_from_remote("https://notgithub.com/a/b").kind == Forge::Kind::none);
}

TEST_CASE("release changelog: default layout, groups in order, other types hidden") {
  std::vector<Change> changes{change('a', "fix(parser): handle tabs"),
                              change('b', "feat: add x\n\nBREAKING CHANGE: y is gone"),
                              change('c', "chore: tidy"),
                              change('d', "perf: faster"),
                              change('e', "feat(cli): add --z"),
                              change('f', "not conventional")};
  Section s{"1.3.0", "v1.3.0", "v1.2.0", "2026-11-24", {}};
  for (const auto& c : changes) s.changes.push_back(&c);
  CHECK(render(s, {}) ==
        "## 1.3.0 (2026-11-24)\n"
        "\n### Breaking Changes\n\n"
        "* y is gone (bbbbbbb)\n"
        "\n### Features\n\n"
        "* add x (bbbbbbb)\n"
        "* **cli:** add --z (eeeeeee)\n"
        "\n### Bug Fixes\n\n"
        "* **parser:** handle tabs (aaaaaaa)\n"
        "\n### Performance\n\n"
        "* faster (ddddddd)\n"
        "\n");
}

TEST_CASE("release changelog: links with a forge") {
  std::vector<Change> changes{change('a', "fix: crash on #12 input (#13)\n\nCloses #12\nRefs: #14, #15")};
  Section s{"1.0.1", "v1.0.1", "v1.0.0", "2026-01-02", {}};
  for (const auto& c : changes) s.changes.push_back(&c);
  ChangelogSettings cs;
  cs.forge = forge_from_remote("https://github.com/o/r");
  std::string base = "https://github.com/o/r";
  CHECK(render(s, cs) == "## [1.0.1](" + base + "/compare/v1.0.0...v1.0.1) (2026-01-02)\n"
                         "\n### Bug Fixes\n\n"
                         "* crash on [#12](" + base + "/issues/12) input ([#13](" + base + "/issues/13)) ([aaaaaaa](" +
                             base + "/commit/" + std::string(40, 'a') + ")), closes [#12](" + base +
                             "/issues/12), closes [#14](" + base + "/issues/14), closes [#15](" + base +
                             "/issues/15)\n\n");
}

TEST_CASE("release changelog: unreleased, empty and configured groups") {
  std::vector<Change> changes{change('a', "docs: readme"), change('b', "refactor: x")};
  Section s{"Unreleased", "", "", "", {}};
  for (const auto& c : changes) s.changes.push_back(&c);
  CHECK(render(s, {}) == "## Unreleased\n\nNo notable changes.\n\n");
  ChangelogSettings cs;
  cs.groups = {{"docs", "Documentation"}, {"feat", ""}};
  cs.breaking_title = "";
  CHECK(render(s, cs) == "## Unreleased\n\n### Documentation\n\n* readme (aaaaaaa)\n\n");
}

TEST_CASE("release changelog: version headings") {
  std::string log = "# Changelog\n\n## [1.2.0](url) (2026-01-01)\n\n* x\n\n## v1.1.0\n\n## 1.0.0-rc.1\n";
  CHECK(has_version_heading(log, "1.2.0"));
  CHECK(has_version_heading(log, "1.1.0"));
  CHECK(has_version_heading(log, "1.0.0-rc.1"));
  CHECK_FALSE(has_version_heading(log, "1.0.0"));
  CHECK_FALSE(has_version_heading(log, "2.0.0"));
  CHECK_FALSE(has_version_heading(log, "2.0"));
  CHECK_FALSE(has_version_heading("## 11.2.0\n", "1.2.0"));
  CHECK_FALSE(has_version_heading("* 1.2.0 in a list\n", "1.2.0"));
  CHECK(has_version_heading("## Unreleased\n", "Unreleased"));
}

TEST_CASE("release changelog: prepending keeps the existing bytes") {
  std::string section = "## 2.0.0\n\n* new\n\n";
  CHECK(prepend("# Changelog\n\n## 1.0.0\n\n* old\n", section) == "# Changelog\n\n## 2.0.0\n\n* new\n\n## 1.0.0\n\n* old\n");
  CHECK(prepend("# Changelog\n\nAll notable changes.\n\n## 1.0.0\n* old", section) ==
        "# Changelog\n\nAll notable changes.\n\n## 2.0.0\n\n* new\n\n## 1.0.0\n* old");
  CHECK(prepend("# Changelog", section) == "# Changelog\n\n## 2.0.0\n\n* new\n\n");
  CHECK(prepend("## 1.0.0\r\n* old\r\n", section) == "## 2.0.0\n\n* new\n\n## 1.0.0\r\n* old\r\n");
  CHECK(prepend("", section) == section);
  CHECK(prepend("# Log\r\n\r\n## 1.0.0\r\n", section) == "# Log\r\n\r\n## 2.0.0\n\n* new\n\n## 1.0.0\r\n");
}

TEST_CASE("release changelog: prepending replaces the Unreleased section") {
  std::string section = "## 2.0.0\n\n* new\n\n";
  CHECK(prepend("# Changelog\n\n## Unreleased\n\n### Features\n\n* wip\n\n## 1.0.0\n\n* old\n", section) ==
        "# Changelog\n\n## 2.0.0\n\n* new\n\n## 1.0.0\n\n* old\n");
  CHECK(prepend("## [Unreleased](https://x/compare/v1.0.0...HEAD)\r\n* wip\r\n# Other\r\n", section) ==
        "## 2.0.0\n\n* new\n\n# Other\r\n");
  CHECK(prepend("# Log\n\n## unreleased\n* wip\n", section) == "# Log\n\n## 2.0.0\n\n* new\n\n");
  // Only a first section that is Unreleased; a word that merely starts so is not.
  CHECK(prepend("## Unreleasedish\n", section) == section + "## Unreleasedish\n");
  CHECK(prepend("## 1.0.0\n\n## Unreleased\n", section) == section + "## 1.0.0\n\n## Unreleased\n");
  CHECK(has_unreleased_section("# Changelog\n\n## [Unreleased]\n"));
  CHECK_FALSE(has_unreleased_section("# Changelog\n\nUnreleased\n"));
}

TEST_CASE("release changelog: dates") {
  CHECK(format_date(0, 0) == "1970-01-01");
  CHECK(format_date(1764000000, 0) == "2025-11-24");
  CHECK(format_date(86399, 60) == "1970-01-02");  // 23:59:59 UTC is the next day an hour east
  CHECK(today(1764000000) == "2025-11-24");
}
