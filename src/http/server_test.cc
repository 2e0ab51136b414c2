// The HTTP server end to end: a real server on 127.0.0.1 port 0 and a Beast client.
#include "http/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "http/test_client.h"

namespace vigil::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using test_client::Client;
using test_client::MakeRequest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;

// Starts a server whose handler records the last request and answers with `respond`.
class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {},
                   std::function<Response(const Request&)> respond = nullptr) {
    options.port = 0;
    if (!respond) respond = [](const Request&) { return Response::Text(200, "ok"); };
    auto server = Server::Start(options, [this, respond](const Request& req) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_ = req;
        ++calls_;
      }
      return respond(req);
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  Request Last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }
  int calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  uint16_t port() const { return server_->port(); }

  std::unique_ptr<Server> server_;
  std::mutex mu_;
  Request last_;
  int calls_ = 0;
};

TEST_F(ServerTest, GetDecodesPathQueryAndHeaders) {
  StartServer();
  Client client(port());
  ASSERT_FALSE(client.error());
  auto req = MakeRequest(bhttp::verb::get, "/a%20b/c+d?x=1&x=2&y=a+b%26c&flag&e=%C3%A9");
  req.set("X-Custom-Thing", "Value");
  auto res = client.Fetch(req);
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "ok");
  EXPECT_EQ(res[bhttp::field::content_length], "2");
  EXPECT_EQ(res[bhttp::field::content_type], "text/plain; charset=utf-8");
  EXPECT_FALSE(res[bhttp::field::date].empty());
  Request got = Last();
  EXPECT_EQ(got.method, "GET");
  EXPECT_EQ(got.target, "/a%20b/c+d?x=1&x=2&y=a+b%26c&flag&e=%C3%A9");
  EXPECT_EQ(got.path, "/a b/c+d");
  EXPECT_THAT(got.query, ElementsAre(Pair("e", "\xC3\xA9"), Pair("flag", ""), Pair("x", "1"),
                                     Pair("x", "2"), Pair("y", "a b&c")));
  EXPECT_EQ(got.Header("x-custom-thing"), "Value");
  EXPECT_EQ(got.Header("host"), "localhost");
  EXPECT_EQ(got.remote_ip, "127.0.0.1");
  EXPECT_FALSE(got.tls);
}

TEST_F(ServerTest, PostBodyReachesHandler) {
  StartServer({}, [](const Request& req) {
    return Response::Json(201, "{\"len\":" + std::to_string(req.body.size()) + "}");
  });
  Client client(port());
  auto req = MakeRequest(bhttp::verb::post, "/api/v1/things", std::string("hello\0world", 11));
  req.set(bhttp::field::content_type, "application/json");
  auto res = client.Fetch(req);
  ASSERT_FALSE(client.error());
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_EQ(res.body(), "{\"len\":11}");
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(Last().body, std::string("hello\0world", 11));
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer({}, [](const Request& req) { return Response::Text(200, req.path); });
  Client client(port());
  auto first = client.Fetch(MakeRequest(bhttp::verb::get, "/one"));
  auto second = client.Fetch(MakeRequest(bhttp::verb::get, "/two"));
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_EQ(first.body(), "/one");
  EXPECT_TRUE(first.keep_alive());
  EXPECT_EQ(second.body(), "/two");
  EXPECT_EQ(calls(), 2);
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  Client client(port());
  auto req = MakeRequest(bhttp::verb::get, "/");
  req.set(bhttp::field::connection, "close");
  auto res = client.Fetch(req);
  ASSERT_FALSE(client.error());
  EXPECT_EQ(res[bhttp::field::connection], "close");
  EXPECT_EQ(client.ReadUntilClose(), "");
  EXPECT_TRUE(client.closed());
}

TEST_F(ServerTest, Http10WithoutKeepAliveCloses) {
  StartServer();
  Client client(port());
  ASSERT_FALSE(client.WriteRaw("GET /x HTTP/1.0\r\n\r\n"));
  std::string raw = client.ReadUntilClose();
  EXPECT_THAT(raw, StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_TRUE(client.closed());
}

TEST_F(ServerTest, HeadSendsLengthWithoutBody) {
  StartServer({}, [](const Request&) { return Response::Text(200, "twelve bytes"); });
  Client client(port());
  auto head = client.Fetch(MakeRequest(bhttp::verb::head, "/"));
  EXPECT_EQ(head[bhttp::field::content_length], "12");
  EXPECT_EQ(head.body(), "");
  EXPECT_EQ(Last().method, "HEAD");
  // No stray body bytes: the next response on the connection parses.
  auto get = client.Fetch(MakeRequest(bhttp::verb::get, "/"));
  ASSERT_FALSE(client.error());
  EXPECT_EQ(get.body(), "twelve bytes");
}

TEST_F(ServerTest, NoContentHasNoLength) {
  StartServer({}, [](const Request&) { return Response::Text(204, "ignored"); });
  Client client(port());
  ASSERT_FALSE(client.WriteRaw("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string raw = client.ReadUntilClose();
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 204 No Content\r\n"));
  EXPECT_THAT(raw, ::testing::Not(HasSubstr("Content-Length")));
  EXPECT_THAT(raw, ::testing::Not(HasSubstr("ignored")));
}

TEST_F(ServerTest, LargeBodyIs413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  Client client(port());
  auto res = client.Fetch(MakeRequest(bhttp::verb::post, "/upload", std::string(4096, 'x')));
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_THAT(res.body(), StartsWith("{\"error\":{\"code\":\"payload_too_large\",\"message\":"));
  EXPECT_EQ(calls(), 0);
  // A body of exactly the limit is fine.
  Client ok_client(port());
  EXPECT_EQ(
      ok_client.Fetch(MakeRequest(bhttp::verb::post, "/", std::string(1024, 'x'))).result_int(),
      200);
}

TEST_F(ServerTest, UploadPathsTakeLargerBodies) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  options.upload_path_prefixes = {"/upload/"};
  options.max_upload_bytes = 8192;
  StartServer(options);
  Client big(port());
  EXPECT_EQ(big.Fetch(MakeRequest(bhttp::verb::post, "/upload/list?name=x", std::string(8192, 'x')))
                .result_int(),
            200);
  Client too_big(port());
  auto res = too_big.Fetch(MakeRequest(bhttp::verb::post, "/upload/list", std::string(8193, 'x')));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_THAT(res.body(), HasSubstr("exceeds 8192 bytes"));
  // Elsewhere the ordinary limit holds, even though the parser was prepared for uploads.
  Client other(port());
  res = other.Fetch(MakeRequest(bhttp::verb::post, "/uploads", std::string(2048, 'x')));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_THAT(res.body(), HasSubstr("exceeds 1024 bytes"));
  EXPECT_EQ(calls(), 1);
}

TEST_F(ServerTest, LargeChunkedBodyIs413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  Client client(port());
  std::string chunk(800, 'y');
  ASSERT_FALSE(
      client.WriteRaw("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "320\r\n" +
                      chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
  EXPECT_THAT(client.ReadUntilClose(), StartsWith("HTTP/1.1 413 Payload Too Large\r\n"));
  EXPECT_EQ(calls(), 0);
}

TEST_F(ServerTest, LargeHeaderIs431) {
  ServerOptions options;
  options.max_header_bytes = 2048;
  StartServer(options);
  Client client(port());
  auto req = MakeRequest(bhttp::verb::get, "/");
  req.set("X-Big", std::string(4096, 'h'));
  auto res = client.Fetch(req);
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_THAT(res.body(), HasSubstr("\"code\":\"request_header_fields_too_large\""));
  EXPECT_EQ(calls(), 0);
}

TEST_F(ServerTest, GarbageIs400AndCloses) {
  StartServer();
  Client client(port());
  static constexpr char kGarbage[] = "\x16\x03\x01 garbage\0\r\n\r\n";
  ASSERT_FALSE(client.WriteRaw(std::string_view(kGarbage, sizeof kGarbage - 1)));
  std::string raw = client.ReadUntilClose();
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_THAT(raw, HasSubstr("\"code\":\"invalid_argument\""));
  EXPECT_THAT(raw, HasSubstr("Connection: close"));
  EXPECT_TRUE(client.closed());
  EXPECT_EQ(calls(), 0);
}

TEST_F(ServerTest, BadPercentEscapeIs400) {
  StartServer();
  Client client(port());
  auto res = client.Fetch(MakeRequest(bhttp::verb::get, "/x?q=%zz"));
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_THAT(res.body(), HasSubstr("percent-escape"));
  auto traversal = client.Fetch(MakeRequest(bhttp::verb::get, "/static/%2e%2e/%2E%2E/etc/passwd"));
  EXPECT_EQ(traversal.result_int(), 400);
  EXPECT_EQ(calls(), 0);
}

TEST_F(ServerTest, HandlerExceptionIs500Json) {
  std::mutex reported_mu;
  std::vector<std::string> reported;
  ServerOptions options;
  options.on_handler_exception = [&](std::string_view message) {
    std::lock_guard<std::mutex> lock(reported_mu);
    reported.emplace_back(message);
  };
  StartServer(options, [](const Request& req) -> Response {
    if (req.path == "/boom") throw std::runtime_error("kaboom");
    if (req.path == "/int") throw 42;
    return Response::Text(200, "fine");
  });
  Client client(port());
  auto res = client.Fetch(MakeRequest(bhttp::verb::get, "/boom"));
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(res.body(), R"({"error":{"code":"internal","message":"internal error"}})");
  EXPECT_EQ(client.Fetch(MakeRequest(bhttp::verb::get, "/fine")).body(), "fine");
  EXPECT_EQ(client.Fetch(MakeRequest(bhttp::verb::get, "/int")).result_int(), 500);
  ASSERT_FALSE(client.error());
  std::lock_guard<std::mutex> lock(reported_mu);
  EXPECT_THAT(reported, ElementsAre("GET /boom: kaboom", "GET /int: unknown exception"));
}

TEST_F(ServerTest, HeaderInjectionFromHandlerIs500) {
  StartServer({}, [](const Request&) {
    Response r = Response::Text(200, "x");
    r.SetHeader("X-Evil", "a\r\nSet-Cookie: owned=1");
    return r;
  });
  Client client(port());
  auto res = client.Fetch(MakeRequest(bhttp::verb::get, "/"));
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(res.count(bhttp::field::set_cookie), 0u);
}

TEST_F(ServerTest, ExpectContinue) {
  StartServer({}, [](const Request& req) { return Response::Text(200, req.body); });
  Client client(port());
  ASSERT_FALSE(client.WriteRaw(
      "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto interim = client.Receive();
  EXPECT_EQ(interim.result_int(), 100);
  ASSERT_FALSE(client.WriteRaw("body"));
  auto res = client.Receive();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "body");
}

TEST_F(ServerTest, IdleConnectionsAreClosed) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);  // request_timeout stays 30 s
  StartServer(options);
  auto start = std::chrono::steady_clock::now();
  Client silent(port());
  Client after_request(port());
  EXPECT_EQ(after_request.Fetch(MakeRequest(bhttp::verb::get, "/")).result_int(), 200);
  silent.ReadUntilClose();
  after_request.ReadUntilClose();
  EXPECT_TRUE(silent.closed());
  EXPECT_TRUE(after_request.closed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
}

TEST_F(ServerTest, TricklingClientIsCutAtRequestTimeout) {
  ServerOptions options;
  options.request_timeout = std::chrono::seconds(1);  // idle_timeout stays 30 s
  StartServer(options);
  Client slow(port());
  // A byte every 100 ms keeps every single read short; only the whole-request deadline stops it.
  std::string header = "GET / HTTP/1.1\r\nX-Slow: " + std::string(100, 'a');
  auto start = std::chrono::steady_clock::now();
  bool cut = false;
  for (char c : header) {
    if (slow.WriteRaw(std::string_view(&c, 1))) {
      cut = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(cut);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
  EXPECT_EQ(calls(), 0);
}

TEST(ServerStartTest, AddressInUseNamesTheAddress) {
  auto handler = [](const Request&) { return Response::Text(200, "ok"); };
  ServerOptions options;
  options.port = 0;
  auto first = Server::Start(options, handler);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  options.port = (*first)->port();
  auto second = Server::Start(options, handler);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  std::string address = "127.0.0.1:" + std::to_string(options.port);
  EXPECT_THAT(second.status().message(), HasSubstr(address));
  EXPECT_EQ(second.status().where(), address);
}

TEST(ServerStartTest, BadHostAndOptionsAreRejected) {
  auto handler = [](const Request&) { return Response::Text(200, "ok"); };
  ServerOptions options;
  options.port = 0;
  options.host = "bad host!";
  auto bad = Server::Start(options, handler);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().where(), "bad host!");
  options.host = "127.0.0.1";
  options.threads = 0;
  EXPECT_FALSE(Server::Start(options, handler).ok());
  options.threads = 1;
  options.tls = true;
  options.cert_file = "/nonexistent/cert.pem";
  options.key_file = "/nonexistent/key.pem";
  auto tls = Server::Start(options, handler);
  ASSERT_FALSE(tls.ok());
  EXPECT_EQ(tls.status().where(), "/nonexistent/cert.pem");
}

TEST(ServerStartTest, Ipv6Loopback) {
  for (const char* host : {"::1", "[::1]"}) {
    ServerOptions options;
    options.host = host;
    options.port = 0;
    auto server = Server::Start(
        options, [](const Request& req) { return Response::Text(200, req.remote_ip); });
    if (!server.ok() && server.status().code() == StatusCode::kUnavailable) {
      GTEST_SKIP() << "no IPv6 loopback here: " << server.status().ToString();
    }
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    Client client((*server)->port(), "::1");
    auto res = client.Fetch(MakeRequest(bhttp::verb::get, "/"));
    ASSERT_FALSE(client.error()) << client.error().message();
    EXPECT_EQ(res.body(), "::1");
  }
}

TEST(ServerStartTest, DualStackShowsMappedAddressesAsIpv4) {
  ServerOptions options;
  options.host = "::";
  options.port = 0;
  auto server =
      Server::Start(options, [](const Request& req) { return Response::Text(200, req.remote_ip); });
  if (!server.ok()) GTEST_SKIP() << "no IPv6 here: " << server.status().ToString();
  Client client((*server)->port(), "127.0.0.1");
  EXPECT_EQ(client.Fetch(MakeRequest(bhttp::verb::get, "/")).body(), "127.0.0.1");
}

TEST(ServerStartTest, StopIsIdempotentAndClosesConnections) {
  ServerOptions options;
  options.port = 0;
  auto server = Server::Start(options, [](const Request&) { return Response::Text(200, "ok"); });
  ASSERT_TRUE(server.ok());
  uint16_t port = (*server)->port();
  Client open(port);
  EXPECT_EQ(open.Fetch(MakeRequest(bhttp::verb::get, "/")).result_int(), 200);
  (*server)->Stop();
  (*server)->Stop();
  EXPECT_EQ((*server)->port(), port);
  open.ReadUntilClose();
  EXPECT_TRUE(open.closed());
  Client late(port);
  EXPECT_TRUE(late.error());
}

}  // namespace
}  // namespace vigil::http
