// The server over TLS with a freshly generated self-signed certificate, and the console's static
// files served through the server (including traversal attempts as raw bytes).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "http/server.h"
#include "http/static_files.h"
#include "http/test_client.h"
#include "http/tls.h"

namespace vigil::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using test_client::Client;
using test_client::MakeRequest;
using test_client::TlsClient;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

fs::path MakeTempDir() {
  std::string tmpl = (fs::temp_directory_path() / "vigil_http_test.XXXXXX").string();
  char* dir = mkdtemp(tmpl.data());
  EXPECT_NE(dir, nullptr);
  return fs::path(tmpl);
}

void WriteFile(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_TRUE(
        EnsureSelfSignedCertificate(dir_ / "cert.pem", dir_ / "key.pem", {"localhost", "127.0.0.1"})
            .ok());
    ServerOptions options;
    options.port = 0;
    options.tls = true;
    options.cert_file = (dir_ / "cert.pem").string();
    options.key_file = (dir_ / "key.pem").string();
    auto server = Server::Start(options, [](const Request& req) {
      return Response::Text(200, std::string(req.tls ? "tls " : "plain ") + req.path);
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A client context trusting only `ca_file`.
  static asio::ssl::context ClientContext(const fs::path& ca_file) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(ca_file.string());
    ctx.set_verify_mode(asio::ssl::verify_peer);
    return ctx;
  }

  fs::path dir_;
  std::unique_ptr<Server> server_;
};

TEST_F(TlsServerTest, RoundTripVerifiesTheCertificate) {
  asio::ssl::context ctx = ClientContext(dir_ / "cert.pem");
  for (const char* name : {"localhost", "127.0.0.1"}) {
    TlsClient client(ctx, server_->port(), name);
    ASSERT_FALSE(client.error()) << name << ": " << client.error().message();
    auto first = client.Fetch(MakeRequest(bhttp::verb::get, "/secure"));
    auto second = client.Fetch(MakeRequest(bhttp::verb::get, "/again"));  // keep-alive over TLS
    ASSERT_FALSE(client.error()) << client.error().message();
    EXPECT_EQ(first.body(), "tls /secure");
    EXPECT_EQ(second.body(), "tls /again");
  }
}

TEST_F(TlsServerTest, ClientRejectsAWrongCertificateOrName) {
  fs::path other = dir_ / "other";
  ASSERT_TRUE(
      EnsureSelfSignedCertificate(other / "cert.pem", other / "key.pem", {"localhost"}).ok());
  asio::ssl::context wrong = ClientContext(other / "cert.pem");
  TlsClient untrusted(wrong, server_->port(), "localhost");
  EXPECT_TRUE(untrusted.error());

  asio::ssl::context right = ClientContext(dir_ / "cert.pem");
  TlsClient wrong_name(right, server_->port(), "example.org");
  EXPECT_TRUE(wrong_name.error());
}

TEST_F(TlsServerTest, PlainHttpOnTlsPortIsDroppedAndServerLivesOn) {
  Client plain(server_->port());
  ASSERT_FALSE(plain.WriteRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_THAT(plain.ReadUntilClose(), Not(HasSubstr("HTTP/1.1 200")));
  EXPECT_TRUE(plain.closed());
  asio::ssl::context ctx = ClientContext(dir_ / "cert.pem");
  TlsClient client(ctx, server_->port(), "localhost");
  EXPECT_EQ(client.Fetch(MakeRequest(bhttp::verb::get, "/ok")).body(), "tls /ok");
}

TEST_F(TlsServerTest, OldProtocolVersionsAreRefused) {
  asio::ssl::context ctx = ClientContext(dir_ / "cert.pem");
  SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_1_VERSION);
  SSL_CTX_set_security_level(ctx.native_handle(), 0);  // let the client offer TLS 1.1
  TlsClient client(ctx, server_->port(), "localhost");
  EXPECT_TRUE(client.error());
}

class StaticServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    WriteFile(dir_ / "secret.txt", "TOP SECRET");
    WriteFile(dir_ / "web/index.html", "<!doctype html><title>Vigil</title>");
    WriteFile(dir_ / "web/assets/app-1a2b.js", "console.log(1)");
    auto files = StaticFiles::Load(dir_ / "web");
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    files_ = std::move(files).value();
    ServerOptions options;
    options.port = 0;
    auto server = Server::Start(options, [this](const Request& req) {
      if (std::optional<Response> r = files_->Serve(req)) return *std::move(r);
      return Response::JsonError(404, "not_found", "no such path");
    });
    ASSERT_TRUE(server.ok());
    server_ = std::move(server).value();
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  std::string RawGet(const std::string& target) {
    Client client(server_->port());
    EXPECT_FALSE(
        client.WriteRaw("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    return client.ReadUntilClose();
  }

  fs::path dir_;
  std::unique_ptr<StaticFiles> files_;
  std::unique_ptr<Server> server_;
};

TEST_F(StaticServerTest, ServesFilesAndSpaRoutes) {
  Client client(server_->port());
  auto index = client.Fetch(MakeRequest(bhttp::verb::get, "/"));
  EXPECT_EQ(index.body(), "<!doctype html><title>Vigil</title>");
  EXPECT_EQ(index[bhttp::field::cache_control], "no-cache");
  auto js = client.Fetch(MakeRequest(bhttp::verb::get, "/assets/app-1a2b.js"));
  EXPECT_EQ(js.body(), "console.log(1)");
  EXPECT_EQ(js[bhttp::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(js[bhttp::field::cache_control], "public, max-age=31536000, immutable");
  auto route = client.Fetch(MakeRequest(bhttp::verb::get, "/incidents/12"));
  EXPECT_EQ(route.body(), index.body());
  auto head = client.Fetch(MakeRequest(bhttp::verb::head, "/assets/app-1a2b.js"));
  EXPECT_EQ(head[bhttp::field::content_length], "14");
  EXPECT_EQ(head.body(), "");
  EXPECT_EQ(client.Fetch(MakeRequest(bhttp::verb::get, "/api/v1/nothing")).result_int(), 404);
  EXPECT_EQ(client.Fetch(MakeRequest(bhttp::verb::get, "/assets/missing.js")).result_int(), 404);
  ASSERT_FALSE(client.error());
}

TEST_F(StaticServerTest, TraversalNeverLeavesTheRoot) {
  for (const char* target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt",
        "/%2E%2E%2Fsecret.txt", "/..\\secret.txt", "/assets/%252e%252e/secret.txt", "//secret.txt",
        "/web/../../secret.txt", "/./index.html"}) {
    std::string raw = RawGet(target);
    EXPECT_THAT(raw, StartsWith("HTTP/1.1 ")) << target;
    EXPECT_THAT(raw, Not(HasSubstr("TOP SECRET"))) << target;
    EXPECT_THAT(raw, Not(StartsWith("HTTP/1.1 5"))) << target;
  }
  EXPECT_THAT(RawGet("/../secret.txt"), StartsWith("HTTP/1.1 400 "));
  EXPECT_THAT(RawGet("/%2e%2e/secret.txt"), StartsWith("HTTP/1.1 400 "));
}

}  // namespace
}  // namespace vigil::http
