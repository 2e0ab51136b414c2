// Streamed response bodies (BodyStream, server-sent events) end to end: a real server on
// 127.0.0.1 port 0, raw sockets and the Beast test client, plain and TLS.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "http/server.h"
#include "http/test_client.h"
#include "http/tls.h"

namespace vigil::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using std::chrono::milliseconds;
using test_client::Client;
using test_client::MakeRequest;
using test_client::TlsClient;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A stream whose Pull is `pull`; its destructor sets `*destroyed`.
class FuncStream : public BodyStream {
 public:
  FuncStream(std::function<bool(std::string*)> pull, std::shared_ptr<std::atomic<bool>> destroyed)
      : pull_(std::move(pull)), destroyed_(std::move(destroyed)) {}
  ~FuncStream() override { *destroyed_ = true; }
  bool Pull(std::string* out) override { return pull_(out); }

 private:
  std::function<bool(std::string*)> pull_;
  std::shared_ptr<std::atomic<bool>> destroyed_;
};

// Pull appends events[i] on the i-th call that is due (the first after `quiet_for`), then ends.
std::function<bool(std::string*)> Events(const std::vector<std::string>& events,
                                         milliseconds quiet_for = milliseconds(0)) {
  auto start = std::chrono::steady_clock::now();
  auto next = std::make_shared<size_t>(0);
  return [=](std::string* out) {
    if (std::chrono::steady_clock::now() - start < quiet_for) return true;
    if (*next < events.size()) *out += events[(*next)++];
    return *next < events.size();
  };
}

// Waits up to `limit` for `flag`.
bool WaitFor(const std::atomic<bool>& flag, milliseconds limit = milliseconds(2000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!flag && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  return flag;
}

// The body of a raw chunked HTTP response (header, chunks, last chunk), or "<malformed>".
std::string Dechunk(const std::string& raw) {
  size_t pos = raw.find("\r\n\r\n");
  if (pos == std::string::npos) return "<malformed>";
  pos += 4;
  std::string body;
  for (;;) {
    size_t eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) return "<malformed>";
    size_t size = std::stoul(raw.substr(pos, eol - pos), nullptr, 16);
    pos = eol + 2;
    if (size == 0) return raw.substr(pos) == "\r\n" ? body : "<malformed>";
    if (raw.compare(pos + size, 2, "\r\n") != 0) return "<malformed>";
    body += raw.substr(pos, size);
    pos += size + 2;
  }
}

const std::vector<std::string> kThreeEvents = {"data: one\n\n", "event: alert\ndata: two\n\n",
                                               "id: 3\ndata: three\n\n"};

// Serves every request with a FuncStream made by `pull_factory` (SSE headers, 20 ms polls).
class StreamTest : public ::testing::Test {
 protected:
  void StartServer(const std::function<std::function<bool(std::string*)>()>& pull_factory,
                   ServerOptions options = {}) {
    options.port = 0;
    auto server = Server::Start(options, [this, pull_factory](const Request&) {
      Response res;
      res.SetHeader("Content-Type", "text/event-stream");
      res.SetHeader("Cache-Control", "no-cache");
      res.stream = std::make_shared<FuncStream>(pull_factory(), destroyed_);
      res.stream->poll_interval = milliseconds(20);
      return res;
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  uint16_t port() const { return server_->port(); }

  std::shared_ptr<std::atomic<bool>> destroyed_ = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<Server> server_;
};

TEST_F(StreamTest, EventsArriveInOrderChunkedThenTheConnectionEnds) {
  StartServer([] { return Events(kThreeEvents); });
  Client raw(port());
  ASSERT_FALSE(
      raw.WriteRaw("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"));
  std::string got = raw.ReadUntilClose();
  EXPECT_TRUE(raw.closed());
  EXPECT_THAT(got, StartsWith("HTTP/1.1 200 OK\r\n"));
  std::string header = got.substr(0, got.find("\r\n\r\n") + 2);
  EXPECT_THAT(header, HasSubstr("Transfer-Encoding: chunked\r\n"));
  EXPECT_THAT(header, HasSubstr("Connection: close\r\n"));
  EXPECT_THAT(header, HasSubstr("Content-Type: text/event-stream\r\n"));
  EXPECT_THAT(header, Not(HasSubstr("Content-Length")));
  EXPECT_EQ(Dechunk(got), kThreeEvents[0] + kThreeEvents[1] + kThreeEvents[2]);
  EXPECT_TRUE(WaitFor(*destroyed_));

  Client client(port());  // Beast's parser agrees.
  auto res = client.Fetch(MakeRequest(bhttp::verb::get, "/events"));
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_TRUE(res.chunked());
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(res.body(), kThreeEvents[0] + kThreeEvents[1] + kThreeEvents[2]);
}

TEST_F(StreamTest, QuietStreamOutlivesIdleAndRequestTimeouts) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  options.request_timeout = std::chrono::seconds(1);
  StartServer([] { return Events({"data: late\n\n"}, milliseconds(2500)); }, options);
  Client client(port());
  auto res = client.Fetch(MakeRequest(bhttp::verb::get, "/events"));
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_EQ(res.body(), "data: late\n\n");
}

TEST_F(StreamTest, ClientGoingAwayReleasesAQuietStream) {
  StartServer([] { return [](std::string*) { return true; }; });
  {
    Client client(port());
    ASSERT_FALSE(client.WriteRaw("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::this_thread::sleep_for(milliseconds(200));  // the stream is open and quiet
    EXPECT_FALSE(*destroyed_);
  }
  EXPECT_TRUE(WaitFor(*destroyed_));
}

TEST_F(StreamTest, ClientThatStopsReadingIsDroppedAfterRequestTimeout) {
  ServerOptions options;
  options.request_timeout = std::chrono::seconds(1);
  StartServer(
      [] {
        return [](std::string* out) {
          out->append(256 << 10, 'x');
          return true;
        };
      },
      options);
  Client client(port());
  ASSERT_FALSE(client.WriteRaw("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(WaitFor(*destroyed_, milliseconds(8000)));
}

TEST_F(StreamTest, StopWithAnOpenStreamIsPrompt) {
  StartServer([] { return [](std::string* out) { return out->append(": ping\n\n"), true; }; });
  Client client(port());
  ASSERT_FALSE(client.WriteRaw("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(milliseconds(200));
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  EXPECT_TRUE(*destroyed_);
  std::string got = client.ReadUntilClose();
  EXPECT_TRUE(client.closed());
  EXPECT_THAT(got, HasSubstr(": ping\n\n"));
}

TEST_F(StreamTest, HeadSendsHeadersOnly) {
  auto pulled = std::make_shared<std::atomic<bool>>(false);
  StartServer([pulled] { return [pulled](std::string*) { return *pulled = true, false; }; });
  Client raw(port());
  ASSERT_FALSE(raw.WriteRaw("HEAD /events HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string got = raw.ReadUntilClose();
  EXPECT_TRUE(raw.closed());
  EXPECT_THAT(got, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(got, HasSubstr("Content-Type: text/event-stream\r\n"));
  EXPECT_EQ(got.substr(got.find("\r\n\r\n") + 4), "");
  EXPECT_FALSE(*pulled);
  EXPECT_TRUE(WaitFor(*destroyed_));
}

TEST_F(StreamTest, Http10GetsRawBytesAndClose) {
  StartServer([] { return Events(kThreeEvents); });
  Client raw(port());
  ASSERT_FALSE(raw.WriteRaw("GET /events HTTP/1.0\r\n\r\n"));
  std::string got = raw.ReadUntilClose();
  EXPECT_TRUE(raw.closed());
  EXPECT_THAT(got, StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_THAT(got, Not(HasSubstr("Transfer-Encoding")));
  EXPECT_EQ(got.substr(got.find("\r\n\r\n") + 4),
            kThreeEvents[0] + kThreeEvents[1] + kThreeEvents[2]);
}

TEST_F(StreamTest, ThrowingPullEndsTheStreamAndIsReported) {
  auto reported = std::make_shared<std::string>();
  ServerOptions options;
  options.on_handler_exception = [reported](std::string_view m) { *reported = m; };
  StartServer(
      [] {
        return [](std::string* out) -> bool {
          out->append("data: partial\n\n");
          throw std::runtime_error("feed broke");
        };
      },
      options);
  Client client(port());
  auto res = client.Fetch(MakeRequest(bhttp::verb::get, "/events"));
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_EQ(res.body(), "data: partial\n\n");
  EXPECT_EQ(*reported, "body stream: feed broke");
}

TEST(TlsStreamTest, EventsArriveOverTls) {
  std::string tmpl = (fs::temp_directory_path() / "vigil_stream_test.XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  fs::path dir(tmpl);
  ASSERT_TRUE(EnsureSelfSignedCertificate(dir / "cert.pem", dir / "key.pem", {"localhost"}).ok());
  ServerOptions options;
  options.port = 0;
  options.tls = true;
  options.cert_file = (dir / "cert.pem").string();
  options.key_file = (dir / "key.pem").string();
  auto destroyed = std::make_shared<std::atomic<bool>>(false);
  auto server = Server::Start(options, [destroyed](const Request&) {
    Response res;
    res.stream = std::make_shared<FuncStream>(Events(kThreeEvents), destroyed);
    res.stream->poll_interval = milliseconds(20);
    return res;
  });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file((dir / "cert.pem").string());
  ctx.set_verify_mode(asio::ssl::verify_peer);
  TlsClient client(ctx, (*server)->port(), "localhost");
  ASSERT_FALSE(client.error()) << client.error().message();
  auto res = client.Fetch(MakeRequest(bhttp::verb::get, "/events"));
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_TRUE(res.chunked());
  EXPECT_EQ(res.body(), kThreeEvents[0] + kThreeEvents[1] + kThreeEvents[2]);
  EXPECT_EQ(client.ReadUntilClose(), "");
  EXPECT_TRUE(client.closed());
  EXPECT_TRUE(WaitFor(*destroyed));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vigil::http
