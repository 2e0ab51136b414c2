// The production HTTP client against the project's own server on 127.0.0.1 port 0: plain and TLS
// requests, certificate verification, keep-alive and reconnection, and the errors a user sees.
#include "http/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "http/server.h"
#include "http/tls.h"

namespace vigil::http {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Echoes what it received: "METHOD PATH content-type x-test body".
Response Echo(const Request& req) {
  std::string text = req.method + " " + req.target + " " +
                     std::string(req.Header("content-type").value_or("-")) + " " +
                     std::string(req.Header("x-test").value_or("-")) + " " + req.body;
  Response r = Response::Text(201, text);
  r.SetHeader("X-Answer", "42");
  return r;
}

std::unique_ptr<Server> StartServer(ServerOptions options, Handler handler = Echo) {
  options.port = 0;
  auto server = Server::Start(options, std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

std::string Url(bool tls, std::string_view host, uint16_t port, std::string_view path = "/in") {
  return std::string(tls ? "https://" : "http://") + std::string(host) + ":" +
         std::to_string(port) + std::string(path);
}

TEST(ParseUrlTest, SplitsSchemeHostPortAndTarget) {
  auto u = ParseUrl("https://vigil.example.org:9443/api/v1/ingest?x=1#frag");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "vigil.example.org");
  EXPECT_EQ(u->port, 9443);
  EXPECT_EQ(u->target, "/api/v1/ingest?x=1");
  auto plain = ParseUrl("HTTP://127.0.0.1");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->port, 80);
  EXPECT_EQ(plain->target, "/");
  auto v6 = ParseUrl("https://[::1]:8443");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);
  EXPECT_EQ(ParseUrl("https://[::1]").value().port, 443);
}

TEST(ParseUrlTest, RejectsWhatItCannotUse) {
  for (std::string_view bad :
       {"ftp://x", "x:80", "http://", "http://a:0", "http://a:70000", "http://a:8x",
        "http://u:p@a/", "http://::1/", "http://a b/", "http://[::1/"}) {
    auto u = ParseUrl(bad);
    ASSERT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(u.status().where(), bad);
  }
}

TEST(ClientTest, PostsOverPlainHttpSeveralTimesWithOneClient) {
  auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  Client client({});
  for (int i = 0; i < 3; ++i) {
    auto res = client.Post(Url(false, "127.0.0.1", server->port()), "application/x-ndjson",
                           "{\"a\":1}\n", {{"X-Test", "yes"}});
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->status, 201);
    EXPECT_EQ(res->body, "POST /in application/x-ndjson yes {\"a\":1}\n");
    EXPECT_EQ(res->Header("x-answer"), "42");
  }
}

TEST(ClientTest, ReconnectsWhenTheServerClosedAnIdleConnection) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  Client client({});
  const std::string url = Url(false, "localhost", server->port());
  ASSERT_TRUE(client.Post(url, "text/plain", "one").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  auto again = client.Post(url, "text/plain", "two");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_THAT(again->body, HasSubstr("two"));
}

TEST(ClientTest, ConnectionRefusedNamesTheUrl) {
  uint16_t port = 0;
  {
    auto server = StartServer({});
    ASSERT_NE(server, nullptr);
    port = server->port();
  }
  const std::string url = Url(false, "127.0.0.1", port);
  auto res = Post({}, url, "text/plain", "x");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(res.status().message(), HasSubstr(url));
  EXPECT_THAT(res.status().message(), HasSubstr("refused"));
}

TEST(ClientTest, TimesOut) {
  auto server = StartServer({}, [](const Request& req) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return Echo(req);
  });
  ASSERT_NE(server, nullptr);
  ClientOptions options;
  options.timeout = std::chrono::milliseconds(300);
  const auto started = std::chrono::steady_clock::now();
  auto res = Post(options, Url(false, "127.0.0.1", server->port()), "text/plain", "x");
  ASSERT_FALSE(res.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1200));
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(res.status().message(), HasSubstr("timed out after 0.3 s"));
}

class ClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vigil_client_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    cert_ = (dir_ / "cert.pem").string();
    ASSERT_TRUE(
        EnsureSelfSignedCertificate(cert_, dir_ / "key.pem", {"localhost", "127.0.0.1"}).ok());
    ServerOptions options;
    options.tls = true;
    options.cert_file = cert_;
    options.key_file = (dir_ / "key.pem").string();
    server_ = StartServer(options);
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string cert_;
  std::unique_ptr<Server> server_;
};

TEST_F(ClientTlsTest, VerifiesAgainstTheGivenCaFileByNameAndByAddress) {
  ClientOptions options;
  options.ca_file = cert_;
  Client client(options);
  for (std::string_view host : {"localhost", "127.0.0.1"}) {
    auto res = client.Post(Url(true, host, server_->port()), "text/plain", "secret");
    ASSERT_TRUE(res.ok()) << host << ": " << res.status().ToString();
    EXPECT_EQ(res->status, 201);
    EXPECT_THAT(res->body, HasSubstr("secret"));
  }
}

TEST_F(ClientTlsTest, RejectsAnUntrustedCertificateUnlessInsecure) {
  const std::string url = Url(true, "localhost", server_->port());
  auto res = Post({}, url, "text/plain", "x");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(res.status().message(), HasSubstr("certificate"));
  EXPECT_THAT(res.status().message(), HasSubstr(url));
  ClientOptions insecure;
  insecure.insecure = true;
  auto accepted = Post(insecure, url, "text/plain", "x");
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->status, 201);
}

TEST_F(ClientTlsTest, RejectsACertificateForAnotherName) {
  ClientOptions options;
  options.ca_file = cert_;
  // 127.0.0.2 reaches the same loopback server, but the certificate does not name it.
  auto server = StartServer([&] {
    ServerOptions o;
    o.host = "127.0.0.2";
    o.tls = true;
    o.cert_file = cert_;
    o.key_file = (dir_ / "key.pem").string();
    return o;
  }());
  ASSERT_NE(server, nullptr);
  auto res = Post(options, Url(true, "127.0.0.2", server->port()), "text/plain", "x");
  ASSERT_FALSE(res.ok());
  EXPECT_THAT(res.status().message(), HasSubstr("certificate"));
}

// An agent pins the certificate it saw at enrolment: that one certificate is accepted with no
// CA and under any name, and any other is refused.
TEST_F(ClientTlsTest, APinnedCertificateIsAcceptedAndNoOther) {
  ClientOptions verified;
  verified.ca_file = cert_;
  Client first(verified);
  ASSERT_TRUE(first.Post(Url(true, "localhost", server_->port()), "text/plain", "x").ok());
  const std::string pin = first.PeerCertificateSha256();
  ASSERT_EQ(pin.size(), 64u);

  ClientOptions pinned;
  pinned.pin_sha256 = pin;
  auto res = Post(pinned, Url(true, "127.0.0.1", server_->port()), "text/plain", "x");
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 201);

  pinned.pin_sha256 = std::string(64, '0');
  auto refused = Post(pinned, Url(true, "127.0.0.1", server_->port()), "text/plain", "x");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(refused.status().message(), HasSubstr("pinned"));
}

TEST_F(ClientTlsTest, AnUnreadableCaFileIsAUsageError) {
  ClientOptions options;
  options.ca_file = (dir_ / "missing.pem").string();
  auto res = Post(options, Url(true, "localhost", server_->port()), "text/plain", "x");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(res.status().where(), options.ca_file);
}

}  // namespace
}  // namespace vigil::http
