#include "http/message.h"

#include <gtest/gtest.h>

namespace vigil::http {
namespace {

TEST(RequestTest, HeaderLookupIsByLowerCaseName) {
  Request req;
  req.headers["content-type"] = "application/json";
  EXPECT_EQ(req.Header("content-type"), "application/json");
  EXPECT_EQ(req.Header("accept"), std::nullopt);
}

TEST(RequestTest, CookieParsing) {
  Request req;
  EXPECT_EQ(req.Cookie("a"), std::nullopt);
  req.headers["cookie"] = "ab=1;a= 2 ; vigil_session=\"tok=en\"; empty=; flag";
  EXPECT_EQ(req.Cookie("a"), "2");
  EXPECT_EQ(req.Cookie("ab"), "1");
  EXPECT_EQ(req.Cookie("vigil_session"), "tok=en");
  EXPECT_EQ(req.Cookie("empty"), "");
  EXPECT_EQ(req.Cookie("flag"), std::nullopt);
  EXPECT_EQ(req.Cookie("b"), std::nullopt);
}

TEST(RequestTest, QueryReturnsTheFirstValue) {
  Request req;
  req.query.emplace("limit", "10");
  req.query.emplace("limit", "20");
  req.query.emplace("a", "x");
  req.query.emplace("z", "y");
  EXPECT_EQ(req.Query("limit"), "10");
  EXPECT_EQ(req.Query("a"), "x");
  EXPECT_EQ(req.Query("lim"), std::nullopt);
  EXPECT_EQ(req.Query("m"), std::nullopt);
}

TEST(ResponseTest, Factories) {
  Response json = Response::Json(201, "{}");
  EXPECT_EQ(json.status, 201);
  ASSERT_EQ(json.headers.size(), 1u);
  EXPECT_EQ(json.headers[0].first, "Content-Type");
  EXPECT_EQ(json.headers[0].second, "application/json");
  Response text = Response::Text(200, "hi", "text/csv; charset=utf-8");
  EXPECT_EQ(text.headers[0].second, "text/csv; charset=utf-8");
  EXPECT_EQ(text.body, "hi");
}

TEST(ResponseTest, JsonErrorEscapes) {
  Response r = Response::JsonError(400, "invalid_argument", "bad \"x\"\\\n\x01", "ips[1]");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":{"code":"invalid_argument","message":"bad \"x\"\\\n\u0001",)"
                    R"("field":"ips[1]"}})");
  EXPECT_EQ(Response::JsonError(500, "internal", "oops").body,
            R"({"error":{"code":"internal","message":"oops"}})");
}

}  // namespace
}  // namespace vigil::http
