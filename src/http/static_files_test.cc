#include "http/static_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "http/request_decoding.h"

namespace vigil::http {
namespace {

namespace fs = std::filesystem;

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<none>";
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vigil_static_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    Write("secret.txt", "TOP SECRET");
    Write("dist/index.html", "<html>index</html>");
    Write("dist/favicon.ico", "ICO");
    Write("dist/assets/index-4f2a.js", "js();");
    Write("dist/assets/index-4f2a.js.map", "{}");
    Write("dist/assets/index-77.css", "body{}");
    Write("dist/assets/logo.svg", "<svg/>");
    Write("dist/assets/font.woff2", "W2");
    Write("dist/manifest.json", "{}");
    Write("dist/.git/config", "hidden");
    Write("dist/.env.json", "hidden");
    auto files = StaticFiles::Load(dir_ / "dist");
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    files_ = std::move(files).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& rel, std::string_view content) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel, std::ios::binary) << content;
  }
  std::optional<Response> Get(std::string path, std::string method = "GET") {
    Request req;
    req.method = std::move(method);
    req.path = std::move(path);
    return files_->Serve(req);
  }

  fs::path dir_;
  std::unique_ptr<StaticFiles> files_;
};

TEST_F(StaticFilesTest, LoadsAllButHiddenFiles) {
  EXPECT_EQ(files_->size(), 8u);
  EXPECT_EQ(Get("/.env.json"), std::nullopt);
  EXPECT_EQ(Get("/.git/config")->body, "<html>index</html>");  // an SPA route, not the file
}

TEST_F(StaticFilesTest, ContentTypesAndCaching) {
  struct Case {
    const char* path;
    const char* type;
  } cases[] = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/favicon.ico", "image/x-icon"},
      {"/assets/index-4f2a.js", "text/javascript; charset=utf-8"},
      {"/assets/index-4f2a.js.map", "application/json"},
      {"/assets/index-77.css", "text/css; charset=utf-8"},
      {"/assets/logo.svg", "image/svg+xml"},
      {"/assets/font.woff2", "font/woff2"},
      {"/manifest.json", "application/json"},
  };
  for (const Case& c : cases) {
    std::optional<Response> r = Get(c.path);
    ASSERT_TRUE(r) << c.path;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(HeaderOf(*r, "Content-Type"), c.type) << c.path;
    EXPECT_EQ(HeaderOf(*r, "X-Content-Type-Options"), "nosniff");
    bool asset = std::string_view(c.path).starts_with("/assets/");
    EXPECT_EQ(HeaderOf(*r, "Cache-Control"),
              asset ? "public, max-age=31536000, immutable" : "no-cache")
        << c.path;
  }
  EXPECT_EQ(Get("/assets/index-4f2a.js")->body, "js();");
}

TEST_F(StaticFilesTest, SpaFallbackAndWhatIsNotHandled) {
  for (const char* route : {"/", "/incidents", "/incidents/12", "/settings/users/", "/assets"}) {
    std::optional<Response> r = Get(route);
    ASSERT_TRUE(r) << route;
    EXPECT_EQ(r->body, "<html>index</html>") << route;
    EXPECT_EQ(HeaderOf(*r, "Cache-Control"), "no-cache");
  }
  EXPECT_EQ(Get("/api"), std::nullopt);
  EXPECT_EQ(Get("/api/v1/assets"), std::nullopt);
  EXPECT_EQ(Get("/assets/missing.js"), std::nullopt);
  EXPECT_EQ(Get("/robots.txt"), std::nullopt);
  EXPECT_EQ(Get("/index.html", "POST"), std::nullopt);
  EXPECT_EQ(Get("/incidents", "DELETE"), std::nullopt);
  EXPECT_TRUE(Get("/index.html", "HEAD"));
  EXPECT_EQ(Get("*"), std::nullopt);
}

TEST_F(StaticFilesTest, ConditionalGet) {
  std::optional<Response> first = Get("/assets/index-4f2a.js");
  std::string etag = HeaderOf(*first, "ETag");
  ASSERT_EQ(etag.size(), 18u);
  Request req;
  req.method = "GET";
  req.path = "/assets/index-4f2a.js";
  req.headers["if-none-match"] = "\"other\", " + etag;
  std::optional<Response> again = files_->Serve(req);
  EXPECT_EQ(again->status, 304);
  EXPECT_EQ(again->body, "");
  req.headers["if-none-match"] = "\"other\"";
  EXPECT_EQ(files_->Serve(req)->status, 200);
}

TEST_F(StaticFilesTest, TraversalCannotReachOtherFiles) {
  // Raw targets go through the same decoding as the server's: dot segments never get here.
  for (const char* target : {"/../etc/passwd", "/%2e%2e/secret.txt", "/assets/%2E%2E/../x",
                             "/assets/..%2f..%2fsecret.txt"}) {
    auto req = ParseRequestBytes("GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_FALSE(req.ok()) << target;
  }
  // And a handcrafted Request with such a path still only sees the preloaded files.
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/../dist/index.html",
                           "//secret.txt", "/etc/passwd", "/proc/self/environ"}) {
    std::optional<Response> r = Get(path);
    if (r) {
      EXPECT_EQ(r->body, "<html>index</html>") << path;
    }
  }
}

TEST_F(StaticFilesTest, LoadErrors) {
  EXPECT_EQ(StaticFiles::Load(dir_ / "missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(StaticFiles::Load(dir_ / "secret.txt").status().code(), StatusCode::kNotFound);
  Write("noindex/app.js", "x");
  auto no_index = StaticFiles::Load(dir_ / "noindex");
  EXPECT_EQ(no_index.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(no_index.status().where(), (dir_ / "noindex").string());
}

}  // namespace
}  // namespace vigil::http
