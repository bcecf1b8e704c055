// The remote cache's ActionResult messages: what keel writes reads back the
// same, and what a server may send is refused unless every digest, size and
// path is one keel can use.
#include <doctest/doctest.h>

#include "pipeline/action_result.hpp"

using namespace keel;
using namespace keel::pipeline;

namespace {

OutputRecord file(std::string path, std::string_view content, bool executable = false) {
  OutputRecord o;
  o.path = std::move(path);
  o.digest = crypto::sha256(content);
  o.size = content.size();
  o.mode = executable ? 0100755 : 0100644;
  return o;
}

OutputRecord link_record(std::string path, std::string target) {
  OutputRecord o;
  o.path = std::move(path);
  o.link = std::move(target);
  o.digest = crypto::sha256(o.link);
  o.size = o.link.size();
  o.mode = 0120000;
  return o;
}

// A protobuf field: tag, then a length and the bytes (wire type 2) or a varint (wire type 0).
std::string field(int number, std::string_view bytes) {
  std::string out(1, static_cast<char>(number << 3 | 2));
  out += static_cast<char>(bytes.size());  // every test message here is under 128 bytes
  out += bytes;
  return out;
}
std::string varint_field(int number, unsigned value) {
  return std::string(1, static_cast<char>(number << 3)) + static_cast<char>(value);
}

std::string output_file(std::string_view path, std::string_view hash, unsigned size) {
  return field(2, field(1, path) + field(2, field(1, hash) + varint_field(2, size)));
}

const std::string k_empty_hash = crypto::hex(crypto::sha256(""));

std::string error_of(std::string_view bytes) {
  auto r = decode_action_result(bytes, 1u << 30);
  REQUIRE_FALSE(r);
  return r.error().message;
}

}  // namespace

TEST_CASE("an entry written as an ActionResult reads back the same") {
  ActionEntry e;
  e.outputs = {file("out/app", "binary", true), file("out/lib/d.txt", "data\n"), link_record("out/lib/link", "d.txt")};
  e.out = crypto::sha256("building\n");
  e.out_size = 9;
  auto back = decode_action_result(encode_action_result(e), 1u << 30);
  REQUIRE(back);
  REQUIRE(back->outputs.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(back->outputs[i].path == e.outputs[i].path);
    CHECK(back->outputs[i].mode == e.outputs[i].mode);
    CHECK(back->outputs[i].digest == e.outputs[i].digest);
    CHECK(back->outputs[i].size == e.outputs[i].size);
    CHECK(back->outputs[i].link == e.outputs[i].link);
  }
  CHECK(back->out == e.out);
  CHECK(back->out_size == 9);
  CHECK_FALSE(back->err);
}

TEST_CASE("an empty message is an action with no outputs") {
  auto r = decode_action_result("", 1u << 30);
  REQUIRE(r);
  CHECK(r->outputs.empty());
}

TEST_CASE("bytes that are not an ActionResult are refused") {
  CHECK(error_of("<!DOCTYPE html><html></html>") ==
        "not a usable action result: the bytes are not an ActionResult message");
}

TEST_CASE("a digest must be 64 lowercase hex digits") {
  CHECK(error_of(output_file("a", "abc", 3)) ==
        "not a usable action result: an output file has a digest that is not 64 lowercase hex digits");
  std::string upper = k_empty_hash;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(error_of(output_file("a", upper, 0)).find("64 lowercase hex digits") != std::string::npos);
}

TEST_CASE("a size over the limit is refused") {
  auto r = decode_action_result(output_file("a", k_empty_hash, 100), 99);
  REQUIRE_FALSE(r);
  CHECK(r.error().message ==
        "not a usable action result: an output file has a size of 100 bytes, over cache.remote.max_blob_size");
}

TEST_CASE("paths must stay inside the task, once each, none below another") {
  CHECK(error_of(output_file("../x", k_empty_hash, 0)) ==
        "not a usable action result: the output path '../x' is not inside the task");
  CHECK(error_of(output_file("/etc/passwd", k_empty_hash, 0)).find("is not inside the task") != std::string::npos);
  CHECK(error_of(output_file("a/./b", k_empty_hash, 0)).find("is not inside the task") != std::string::npos);
  CHECK(error_of(output_file("a", k_empty_hash, 0) + output_file("a", k_empty_hash, 0)) ==
        "not a usable action result: the output 'a' is listed twice");
  CHECK(error_of(output_file("a", k_empty_hash, 0) + output_file("a-b", k_empty_hash, 0) +
                 output_file("a/b", k_empty_hash, 0)) ==
        "not a usable action result: the output 'a/b' lies below the file 'a'");
}

TEST_CASE("a link must point inside the task") {
  ActionEntry e;
  e.outputs = {link_record("out/l", "../../etc")};
  CHECK(error_of(encode_action_result(e)) ==
        "not a usable action result: the link 'out/l' points outside the task: '../../etc'");
  e.outputs = {link_record("out/l", "/etc/passwd")};
  CHECK(error_of(encode_action_result(e)).find("points outside the task") != std::string::npos);
  e.outputs = {link_record("out/l", "../other/x")};
  CHECK(decode_action_result(encode_action_result(e), 1u << 30));
}

TEST_CASE("a failed action, output directories and inline bytes are not used") {
  CHECK(error_of(varint_field(4, 2)) == "not a usable action result: its exit code is 2");
  CHECK(error_of(field(3, field(1, "dir"))) ==
        "not a usable action result: it has output directories, which keel does not read");
  CHECK(error_of(field(5, "hi")) == "not a usable action result: it holds its output inline");
}
