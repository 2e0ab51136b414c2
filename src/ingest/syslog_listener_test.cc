#include "ingest/syslog_listener.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/tls.h"

namespace vigil::ingest {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Stores every event; refuses the next `refuse` Submits with kResourceExhausted.
class TestSink : public EventSink {
 public:
  Status Submit(std::vector<RawEvent>& batch,
                std::function<void(const Status&)> on_durable) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (refuse > 0) {
      --refuse;
      return {StatusCode::kResourceExhausted, "queue full"};
    }
    for (RawEvent& e : batch) events_.push_back(std::move(e));
    batch.clear();
    cv_.notify_all();
    if (on_durable) on_durable(Status::Ok());
    return Status::Ok();
  }

  // Waits until at least n events arrived (or 5 s passed) and returns all of them.
  std::vector<RawEvent> WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5), [&] { return events_.size() >= n; });
    return events_;
  }
  std::vector<std::string> Data(size_t n) {
    std::vector<std::string> out;
    for (const RawEvent& e : WaitFor(n)) out.push_back(e.data);
    return out;
  }

  std::atomic<int> refuse{0};

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<RawEvent> events_;
};

// Polls `done` for up to 5 s; the counters are updated just after Submit returns.
template <class Pred>
bool Eventually(Pred done) {
  for (int i = 0; i < 500 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

class SyslogListenerTest : public ::testing::Test {
 protected:
  std::unique_ptr<SyslogListeners> StartOrDie(const SyslogListeners::Options& options) {
    auto started = SyslogListeners::Start(options, sink_);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    return started.ok() ? std::move(started).value() : nullptr;
  }
  std::unique_ptr<SyslogListeners> StartTcp() {
    SyslogListeners::Options options;
    options.tcp = "127.0.0.1:0";
    return StartOrDie(options);
  }
  tcp::socket Connect(uint16_t port) {
    tcp::socket socket(ioc_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    socket.set_option(tcp::no_delay(true));
    return socket;
  }
  // Sends `bytes` on a new connection and closes it.
  void SendTcp(uint16_t port, const std::string& bytes) {
    tcp::socket socket = Connect(port);
    asio::write(socket, asio::buffer(bytes));
    socket.close();
  }

  asio::io_context ioc_;
  TestSink sink_;
};

TEST_F(SyslogListenerTest, UdpDatagramsArriveWithPeerAndSource) {
  SyslogListeners::Options options;
  options.udp = "127.0.0.1:0";
  auto listeners = StartOrDie(options);
  ASSERT_TRUE(listeners);
  ASSERT_NE(listeners->udp_port(), 0);
  udp::socket socket(ioc_, udp::v4());
  udp::endpoint to(asio::ip::make_address("127.0.0.1"), listeners->udp_port());
  socket.send_to(asio::buffer(std::string("<13>1 - host app - - - one")), to);
  socket.send_to(asio::buffer(std::string("<13>two\n")), to);
  std::vector<RawEvent> events = sink_.WaitFor(2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "<13>1 - host app - - - one");
  EXPECT_EQ(events[1].data, "<13>two\n");  // not parsed: the parser trims the LF
  EXPECT_EQ(events[0].kind, RawKind::kSyslog);
  EXPECT_EQ(events[0].peer, "127.0.0.1");
  EXPECT_EQ(events[0].source, "syslog/udp:" + std::to_string(listeners->udp_port()));
  EXPECT_GT(events[0].received_ns, 0);
  EXPECT_TRUE(Eventually([&] { return listeners->stats().messages == 2; }));
}

TEST_F(SyslogListenerTest, UdpRefusedBatchIsDroppedAndCounted) {
  SyslogListeners::Options options;
  options.udp = "127.0.0.1:0";
  auto listeners = StartOrDie(options);
  ASSERT_TRUE(listeners);
  sink_.refuse = 1;
  udp::socket socket(ioc_, udp::v4());
  udp::endpoint to(asio::ip::make_address("127.0.0.1"), listeners->udp_port());
  socket.send_to(asio::buffer(std::string("lost")), to);
  ASSERT_TRUE(Eventually([&] { return listeners->stats().dropped == 1; }));
  socket.send_to(asio::buffer(std::string("kept")), to);
  EXPECT_THAT(sink_.Data(1), ElementsAre("kept"));
  EXPECT_EQ(listeners->stats().dropped, 1u);
}

TEST_F(SyslogListenerTest, TcpFramings) {
  auto listeners = StartTcp();
  ASSERT_TRUE(listeners);
  uint16_t port = listeners->tcp_port();
  SendTcp(port, "lf one\nlf two\n");
  EXPECT_THAT(sink_.Data(2), ElementsAre("lf one", "lf two"));
  SendTcp(port, "5 hello3 abc");
  SendTcp(port, "3 abc\nline\r\n4 x yz\n\nlast without terminator");
  std::vector<std::string> all = sink_.Data(8);
  EXPECT_THAT(std::vector<std::string>(all.begin() + 2, all.end()),
              ::testing::UnorderedElementsAre("hello", "abc", "abc", "line", "x yz",
                                              "last without terminator"));
  std::vector<RawEvent> events = sink_.WaitFor(8);
  EXPECT_EQ(events[0].peer, "127.0.0.1");
  EXPECT_EQ(events[0].source, "syslog/tcp:" + std::to_string(port));
  EXPECT_EQ(listeners->stats().connections_total, 3u);
}

TEST_F(SyslogListenerTest, TcpFrameSplitAcrossTinyWrites) {
  auto listeners = StartTcp();
  ASSERT_TRUE(listeners);
  tcp::socket socket = Connect(listeners->tcp_port());
  std::string bytes = "11 split frame<13>tail line\n";
  for (char c : bytes) {
    asio::write(socket, asio::buffer(&c, 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_THAT(sink_.Data(2), ElementsAre("split frame", "<13>tail line"));
}

TEST_F(SyslogListenerTest, BadOctetCountClosesConnectionKeepsEarlierFrames) {
  auto listeners = StartTcp();
  ASSERT_TRUE(listeners);
  tcp::socket socket = Connect(listeners->tcp_port());
  asio::write(socket, asio::buffer(std::string("5 hello3 abc07 bad\nafter\n")));
  char c;
  boost::system::error_code ec;
  socket.read_some(asio::buffer(&c, 1), ec);  // the server closes: EOF or reset
  EXPECT_TRUE(ec);
  EXPECT_THAT(sink_.Data(2), ElementsAre("hello", "abc"));
  EXPECT_EQ(listeners->stats().frame_errors, 1u);
}

TEST_F(SyslogListenerTest, BackPressureLosesNothingAndKeepsOrder) {
  SyslogListeners::Options options;
  options.tcp = "127.0.0.1:0";
  options.batch_events = 7;
  auto listeners = StartOrDie(options);
  ASSERT_TRUE(listeners);
  sink_.refuse = 5;
  std::string bytes;
  std::vector<std::string> expected;
  for (int i = 0; i < 100; ++i) {
    expected.push_back("message " + std::to_string(i));
    bytes += expected.back() + "\n";
  }
  SendTcp(listeners->tcp_port(), bytes);
  EXPECT_EQ(sink_.Data(100), expected);
  EXPECT_GE(listeners->stats().refused_retries, 5u);
  EXPECT_TRUE(Eventually([&] { return listeners->stats().messages == 100; }));
}

TEST_F(SyslogListenerTest, ManyConnectionsOnTwoThreadsKeepPerConnectionOrder) {
  SyslogListeners::Options options;
  options.tcp = "127.0.0.1:0";
  options.threads = 2;
  options.batch_events = 3;
  auto listeners = StartOrDie(options);
  ASSERT_TRUE(listeners);
  sink_.refuse = 3;
  std::vector<std::thread> clients;
  clients.reserve(8);
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      asio::io_context ioc;
      tcp::socket socket(ioc);
      socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listeners->tcp_port()));
      for (int i = 0; i < 50; ++i) {
        std::string m = std::to_string(c) + " " + std::to_string(i);
        asio::write(socket, asio::buffer(std::to_string(m.size()) + " " + m));
      }
    });
  }
  for (std::thread& t : clients) t.join();
  std::vector<RawEvent> events = sink_.WaitFor(400);
  ASSERT_EQ(events.size(), 400u);
  std::vector<int> next(8, 0);
  for (const RawEvent& e : events) {
    int c = e.data[0] - '0';
    EXPECT_EQ(e.data, std::to_string(c) + " " + std::to_string(next[c]++));
  }
  EXPECT_TRUE(Eventually([&] { return listeners->stats().connections_open == 0; }));
  EXPECT_EQ(listeners->stats().connections_total, 8u);
}

TEST_F(SyslogListenerTest, Tls) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("vigil_syslog_tls_" + std::to_string(::getpid()));
  std::filesystem::path cert = dir / "cert.pem", key = dir / "key.pem";
  ASSERT_TRUE(http::EnsureSelfSignedCertificate(cert, key, {"127.0.0.1"}).ok());
  SyslogListeners::Options options;
  options.tls = "127.0.0.1:0";
  options.cert_file = cert;
  options.key_file = key;
  auto listeners = StartOrDie(options);
  ASSERT_TRUE(listeners);
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  asio::ssl::stream<tcp::socket> stream(Connect(listeners->tls_port()), ctx);
  stream.handshake(asio::ssl::stream_base::client);
  asio::write(stream, asio::buffer(std::string("9 tls frame<14>tls line\n")));
  std::vector<RawEvent> events = sink_.WaitFor(2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "tls frame");
  EXPECT_EQ(events[1].data, "<14>tls line");
  EXPECT_EQ(events[0].source, "syslog/tls:" + std::to_string(listeners->tls_port()));
  boost::system::error_code ec;
  stream.shutdown(ec);
  std::filesystem::remove_all(dir);
}

TEST_F(SyslogListenerTest, StopWithOpenConnectionsIsPrompt) {
  auto listeners = StartTcp();
  ASSERT_TRUE(listeners);
  std::vector<tcp::socket> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(Connect(listeners->tcp_port()));
    asio::write(open.back(), asio::buffer(std::string("partial")));
  }
  EXPECT_TRUE(Eventually([&] { return listeners->stats().connections_open == 3; }));
  auto start = std::chrono::steady_clock::now();
  listeners->Stop();
  listeners->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(listeners->stats().connections_open, 0u);
}

TEST_F(SyslogListenerTest, IdleConnectionIsClosed) {
  SyslogListeners::Options options;
  options.tcp = "127.0.0.1:0";
  options.idle_timeout = std::chrono::milliseconds(100);
  auto listeners = StartOrDie(options);
  ASSERT_TRUE(listeners);
  tcp::socket socket = Connect(listeners->tcp_port());
  asio::write(socket, asio::buffer(std::string("unterminated")));
  char c;
  boost::system::error_code ec;
  socket.read_some(asio::buffer(&c, 1), ec);
  EXPECT_TRUE(ec);
  EXPECT_THAT(sink_.Data(1), ElementsAre("unterminated"));
}

TEST_F(SyslogListenerTest, Errors) {
  auto first = StartTcp();
  ASSERT_TRUE(first);
  SyslogListeners::Options options;
  options.tcp = "127.0.0.1:" + std::to_string(first->tcp_port());
  auto busy = SyslogListeners::Start(options, sink_);
  ASSERT_FALSE(busy.ok());
  EXPECT_THAT(busy.status().message(), HasSubstr("syslog/tcp 127.0.0.1:"));
  EXPECT_THAT(busy.status().message(), HasSubstr("in use"));

  options = {};
  options.tls = "127.0.0.1:0";
  EXPECT_EQ(SyslogListeners::Start(options, sink_).status().where(), "cert_file");
  options.cert_file = "/nonexistent/cert.pem";
  options.key_file = "/nonexistent/key.pem";
  EXPECT_THAT(SyslogListeners::Start(options, sink_).status().ToString(),
              HasSubstr("/nonexistent/cert.pem"));
  options = {};
  options.udp = "nonsense";
  EXPECT_FALSE(SyslogListeners::Start(options, sink_).ok());
  EXPECT_FALSE(SyslogListeners::Start({}, sink_).ok());
}

TEST_F(SyslogListenerTest, RealLoggerClient) {
  if (!std::filesystem::exists("/usr/bin/logger")) GTEST_SKIP() << "/usr/bin/logger not installed";
  SyslogListeners::Options options;
  options.tcp = "127.0.0.1:0";
  options.udp = "127.0.0.1:0";
  auto listeners = StartOrDie(options);
  ASSERT_TRUE(listeners);
  std::string tcp_cmd = "/usr/bin/logger --tcp --octet-count -n 127.0.0.1 -P " +
                        std::to_string(listeners->tcp_port()) + " --rfc5424 'hello tcp'";
  ASSERT_EQ(std::system(tcp_cmd.c_str()), 0) << tcp_cmd;
  EXPECT_THAT(sink_.Data(1), ElementsAre(HasSubstr("hello tcp")));
  std::string udp_cmd = "/usr/bin/logger --udp -n 127.0.0.1 -P " +
                        std::to_string(listeners->udp_port()) + " --rfc5424 'hello udp'";
  ASSERT_EQ(std::system(udp_cmd.c_str()), 0) << udp_cmd;
  std::vector<RawEvent> events = sink_.WaitFor(2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_THAT(events[0].data, ::testing::StartsWith("<13>1 "));
  EXPECT_THAT(events[1].data, HasSubstr("hello udp"));
  EXPECT_EQ(events[1].source, "syslog/udp:" + std::to_string(listeners->udp_port()));
}

}  // namespace
}  // namespace vigil::ingest
