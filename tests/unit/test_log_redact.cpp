// Secrets never reach a log line.
#include <doctest/doctest.h>

#include "log/log.hpp"

using keel::log::redact;

TEST_CASE("redact: credentials in URLs") {
  CHECK(redact("fetch https://user:hunter2@example.invalid/repo.git failed", {}) ==
        "fetch https://***@example.invalid/repo.git failed");
  CHECK(redact("token-only https://ghp_abc@host.invalid", {}) == "token-only https://***@host.invalid");
  CHECK(redact("two: http://a:b@x.invalid and ssh://git:pw@y.invalid/p", {}) ==
        "two: http://***@x.invalid and ssh://***@y.invalid/p");
  CHECK(redact("no credentials: https://example.invalid/a@b", {}) == "no credentials: https://example.invalid/a@b");
  CHECK(redact("mail me at someone@example.invalid", {}) == "mail me at someone@example.invalid");
  CHECK(redact("://@", {}) == "://@");
}

TEST_CASE("redact: registered secret values") {
  CHECK(redact("header Authorization: Bearer s3cr3t-value!", {"s3cr3t-value"}) ==
        "header Authorization: Bearer <redacted>!");
  CHECK(redact("s3cr3t s3cr3t", {"s3cr3t"}) == "<redacted> <redacted>");
}

TEST_CASE("redact: the global list used by the logger") {
  keel::log::add_secret("xy");  // too short to redact safely: ignored
  keel::log::add_secret("correct-horse-battery");
  CHECK(redact("xy correct-horse-battery") == "xy <redacted>");
}

TEST_CASE("log levels and formats parse") {
  keel::log::Level l{};
  CHECK(keel::log::parse_level("warning", l));
  CHECK(l == keel::log::Level::warn);
  CHECK_FALSE(keel::log::parse_level("loud", l));
  keel::log::Format f{};
  CHECK(keel::log::parse_format("json", f));
  CHECK(f == keel::log::Format::json);
  CHECK_FALSE(keel::log::parse_format("xml", f));
}
