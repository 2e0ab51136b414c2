#include "http/request_decoding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::http {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using Query = std::multimap<std::string, std::string>;

struct Parsed {
  Status status;
  std::string path;
  Query query;
};

Parsed Parse(std::string_view target) {
  Parsed p;
  p.status = ParseTarget(target, &p.path, &p.query);
  return p;
}

TEST(ParseTargetTest, PathDecoding) {
  EXPECT_EQ(Parse("/").path, "/");
  EXPECT_EQ(Parse("/a%2Fb").path, "/a/b");
  EXPECT_EQ(Parse("/a+b%20c").path, "/a+b c");  // '+' is literal in a path
  EXPECT_EQ(Parse("/%C3%A9t%c3%a9").path, "/\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(Parse("/a/.../b").path, "/a/.../b");
  EXPECT_EQ(Parse("/a/..b/c.").path, "/a/..b/c.");
  EXPECT_EQ(Parse("/x#frag?y=1").path, "/x");
  EXPECT_TRUE(Parse("/x#frag?y=1").query.empty());
  EXPECT_EQ(Parse("*").path, "*");
}

TEST(ParseTargetTest, AbsoluteForm) {
  Parsed p = Parse("http://example.org:8443/p/q?x=1");
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_EQ(p.path, "/p/q");
  EXPECT_THAT(p.query, ElementsAre(Pair("x", "1")));
  EXPECT_EQ(Parse("HTTPS://example.org").path, "/");
  EXPECT_FALSE(Parse("http://example.org?x=1").status.ok());
}

TEST(ParseTargetTest, QueryDecoding) {
  Parsed p = Parse("/s?a=1&&a=2&b=&c&+k+=v+w&%3D=%26&e=%00");
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_THAT(p.query,
              ElementsAre(Pair(" k ", "v w"), Pair("=", "&"), Pair("a", "1"), Pair("a", "2"),
                          Pair("b", ""), Pair("c", ""), Pair("e", std::string(1, '\0'))));
  EXPECT_THAT(Parse("/s?").query, ElementsAre());
  EXPECT_THAT(Parse("/s?=x").query, ElementsAre(Pair("", "x")));
  EXPECT_THAT(Parse("/s?a=b=c").query, ElementsAre(Pair("a", "b=c")));
}

TEST(ParseTargetTest, OutputsAreReset) {
  std::string path = "old";
  Query query{{"old", "1"}};
  ASSERT_TRUE(ParseTarget("/new?n=2", &path, &query).ok());
  EXPECT_EQ(path, "/new");
  EXPECT_THAT(query, ElementsAre(Pair("n", "2")));
}

TEST(ParseTargetTest, Rejections) {
  for (const char* target :
       {"",           "a/b",         "?x=1",           "%2F",         "/%",
        "/%4",        "/%zz",        "/%4g",           "/ok?x=%",     "/ok?x=%a",
        "/ok?%zz=1",  "/..",         "/../etc/passwd", "/a/../b",     "/a/./b",
        "/.",         "/a/%2e%2e/b", "/a/%2E%2e",      "/a%2f..%2fb", "/%00",
        "/a%00.html", "ftp://x/y"}) {
    Parsed p = Parse(target);
    EXPECT_FALSE(p.status.ok()) << "'" << target << "' gave path " << p.path;
    EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument) << target;
  }
}

TEST(ParseRequestBytesTest, FullRequest) {
  auto req = ParseRequestBytes(
      "POST /api/v1/assets?limit=10 HTTP/1.1\r\n"
      "Host: vigil\r\nX-Thing: a\r\nx-thing: b\r\nCookie: a=1\r\nCOOKIE: b=2\r\n"
      "Content-Length: 5\r\n\r\nhello"
      "GET /ignored HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(req.ok()) << req.status().ToString();
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->target, "/api/v1/assets?limit=10");
  EXPECT_EQ(req->path, "/api/v1/assets");
  EXPECT_EQ(req->Query("limit"), "10");
  EXPECT_EQ(req->body, "hello");
  EXPECT_EQ(req->Header("host"), "vigil");
  EXPECT_EQ(req->Header("x-thing"), "a, b");
  EXPECT_EQ(req->Cookie("b"), "2");
  EXPECT_EQ(req->Header("cookie"), "a=1; b=2");
  EXPECT_EQ(req->remote_ip, "");
  EXPECT_FALSE(req->tls);
}

TEST(ParseRequestBytesTest, ChunkedBody) {
  auto req = ParseRequestBytes(
      "PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  ASSERT_TRUE(req.ok()) << req.status().ToString();
  EXPECT_EQ(req->body, "abcde");
}

TEST(ParseRequestBytesTest, Errors) {
  for (const char* raw :
       {"", "GET", "GET / HTTP/1.1\r\nHost: x\r\n", "garbage\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort",
        "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "GET /%zz HTTP/1.1\r\n\r\n",
        "GET /../a HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
        "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
        "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"}) {
    auto req = ParseRequestBytes(raw);
    EXPECT_FALSE(req.ok()) << raw;
    EXPECT_EQ(req.status().code(), StatusCode::kInvalidArgument) << raw;
  }
}

TEST(ParseRequestBytesTest, Limits) {
  std::string big_header = "GET / HTTP/1.1\r\nX: " + std::string(17 << 10, 'a') + "\r\n\r\n";
  EXPECT_EQ(ParseRequestBytes(big_header).status().code(), StatusCode::kResourceExhausted);
  std::string big_body = "POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n";
  EXPECT_EQ(ParseRequestBytes(big_body).status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace vigil::http
