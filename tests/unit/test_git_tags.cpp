// Tags: lightweight and annotated, several on one commit, tags on trees,
// blobs and other tags, compared with git for-each-ref.

#include <algorithm>
#include <map>

#include "git/tags.hpp"
#include "git_support.hpp"

using namespace keel;
using namespace keel::test;

namespace {

// name -> "target-id object-type" as git for-each-ref prints them.
std::map<std::string, std::string> git_tag_targets(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& line :
       split(sh(dir, "git for-each-ref --format='%(refname:strip=2) %(objectname) %(objecttype)' refs/tags"), '\n')) {
    auto space = line.find(' ');
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

}  // namespace

TEST_CASE("git: tags listed in one pass and peeled") {
  TempDir dir;
  git_init(dir.path());
  std::string c1 = git_commit_file(dir.path(), "f", "1\n", "one");
  std::string c2 = git_commit_file(dir.path(), "f", "2\n", "two");
  sh(dir.path(),
     "git tag light HEAD~1 && git tag -a -m 'first release' v1.0 HEAD~1 && "  // two on one commit
     "git tag -a -m 'second' v2.0 && git tag release/v2.0 && "                // nested name
     "git tag -a -m 'tag of a tag' v2.0-signed v2.0 && "
     "git tag tree-tag 'HEAD^{tree}' && git tag -a -m 'a blob' blob-tag HEAD:f");
  auto repo = open_repo(dir.path());
  auto tags = must(git::list_tags(repo));

  std::map<std::string, git::Tag> by_name;
  for (const auto& t : tags) by_name[t.name] = t;
  auto expected = git_tag_targets(dir.path());
  REQUIRE(by_name.size() == expected.size());
  for (const auto& [name, tag] : by_name) {
    INFO("tag " << name);
    CHECK(expected[name] == tag.target.hex() + (tag.annotated ? " tag" : " " + std::string(to_string(tag.peeled_kind))));
  }
  CHECK(std::is_sorted(tags.begin(), tags.end(), [](auto& a, auto& b) { return a.name < b.name; }));

  CHECK_FALSE(by_name["light"].annotated);
  CHECK(by_name["light"].commit == oid(c1));
  CHECK(by_name["v1.0"].annotated);
  CHECK(by_name["v1.0"].commit == oid(c1));
  CHECK(by_name["v2.0-signed"].commit == oid(c2));
  CHECK(by_name["v2.0-signed"].commit == oid(sh(dir.path(), "git rev-parse 'v2.0-signed^{}'")));
  CHECK(by_name["tree-tag"].peeled_kind == git::ObjectKind::tree);
  CHECK_FALSE(by_name["tree-tag"].commit.has_value());
  CHECK(by_name["blob-tag"].annotated);
  CHECK(by_name["blob-tag"].peeled_kind == git::ObjectKind::blob);
  CHECK_FALSE(by_name["blob-tag"].commit.has_value());

  auto index = git::tags_by_commit(tags);
  CHECK(index.size() == 2);  // the tree and the blob are skipped
  CHECK(index[oid(c1)] == std::vector<std::string>{"light", "v1.0"});
  CHECK(index[oid(c2)] == std::vector<std::string>{"release/v2.0", "v2.0", "v2.0-signed"});
}

TEST_CASE("git: packed tags and a repository without tags") {
  TempDir dir;
  git_init(dir.path());
  CHECK(must(git::list_tags(open_repo(dir.path()))).empty());
  std::string c1 = git_commit_file(dir.path(), "f", "1\n", "one");
  sh(dir.path(), "git tag -a -m m v1 && git tag v1-light && git pack-refs --all");
  auto tags = must(git::list_tags(open_repo(dir.path())));
  REQUIRE(tags.size() == 2);
  CHECK(tags[0].annotated);
  CHECK(tags[0].commit == oid(c1));
  CHECK(tags[1].commit == oid(c1));
}

TEST_CASE("git: a tag whose object is missing is listed, not fatal") {
  TempDir dir;
  git_init(dir.path());
  git_commit_file(dir.path(), "f", "1\n", "one");
  const std::string absent = "1111111111111111111111111111111111111111";
  sh(dir.path(), "printf '%s\\n' " + absent + " > .git/refs/tags/ghost");
  auto tags = must(git::list_tags(open_repo(dir.path())));
  REQUIRE(tags.size() == 1);
  CHECK(tags[0].peeled_kind == git::ObjectKind::missing);
  CHECK_FALSE(tags[0].commit.has_value());
  CHECK(tags[0].target == oid(absent));
}

TEST_CASE("git: packed tags listed without reading their objects, checked when used") {
  TempDir dir;
  git_init(dir.path());
  std::string c1 = git_commit_file(dir.path(), "f", "1\n", "one");
  sh(dir.path(),
     "git tag -a -m m v1 && git tag -a -m t on-tree 'HEAD^{tree}' && git tag -a -m b on-blob HEAD:f && "
     "git tag -a -m tt v1-again v1 && git pack-refs --all && git tag -a -m loose v1-loose");
  auto repo = open_repo(dir.path());
  auto tags = must(git::list_tags(repo, git::KindCheck::when_used));
  std::map<std::string, git::Tag> by_name;
  for (const auto& t : tags) by_name[t.name] = t;
  REQUIRE(by_name.size() == 5);

  // Packed with a peeled id: taken on trust, whatever the object is.
  CHECK_FALSE(by_name["v1"].kind_checked);
  CHECK(by_name["v1"].commit == oid(c1));
  CHECK(by_name["v1-again"].commit == oid(c1));  // a tag of a tag peels to the commit
  std::string tree = sh(dir.path(), "git rev-parse 'HEAD^{tree}'");
  CHECK_FALSE(by_name["on-tree"].kind_checked);
  CHECK(by_name["on-tree"].commit == oid(tree));
  CHECK_FALSE(by_name["on-blob"].kind_checked);

  // Loose: no peeled id to trust, so read as before.
  CHECK(by_name["v1-loose"].kind_checked);
  CHECK(by_name["v1-loose"].commit == oid(c1));

  CHECK(must(git::names_commit(repo, *by_name["v1"].commit)));
  CHECK_FALSE(must(git::names_commit(repo, *by_name["on-tree"].commit)));
  CHECK_FALSE(must(git::names_commit(repo, *by_name["on-blob"].commit)));
  CHECK_FALSE(must(git::names_commit(repo, oid("1111111111111111111111111111111111111111"))));

  // Checked now, the same listing agrees with git on every kind.
  auto checked = must(git::list_tags(repo));
  for (const auto& t : checked) {
    INFO("tag " << t.name);
    CHECK(t.kind_checked);
    CHECK(std::string(to_string(t.peeled_kind)) + "\n" == sh(dir.path(), "git cat-file -t '" + t.name + "^{}'"));
  }
}
