// Test-only: a small synchronous HTTP(S) client on Beast for the server tests. Each call drives
// its own io_context with a deadline, so a server that misbehaves fails a test instead of
// hanging it. Not part of the vigil_http library (header-only, included by *_test.cc only).
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace vigil::http::test_client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using StringRequest = bhttp::request<bhttp::string_body>;
using StringResponse = bhttp::response<bhttp::string_body>;

inline constexpr std::chrono::seconds kClientTimeout{4};

// One connection. Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>.
template <class Stream>
class BasicClient {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  // Plain: connects at once. `error()` tells whether it worked.
  explicit BasicClient(uint16_t port, std::string_view host = "127.0.0.1") requires(!kTls)
      : stream_(ioc_) {
    Connect(host, port);
  }
  // TLS: connects and handshakes, sending `sni` and verifying the server's certificate for it.
  BasicClient(asio::ssl::context& ctx, uint16_t port, const std::string& sni) requires kTls
      : stream_(ioc_, ctx) {
    Connect("127.0.0.1", port);
    if (error_) return;
    SSL_set_tlsext_host_name(stream_.native_handle(), sni.c_str());
    stream_.set_verify_callback(asio::ssl::host_name_verification(sni));
    error_ = Run([&](auto done) { stream_.async_handshake(asio::ssl::stream_base::client, done); });
  }

  beast::error_code error() const { return error_; }

  // Sends `req` (Content-Length filled in) and reads one response.
  StringResponse Fetch(StringRequest req) {
    req.prepare_payload();
    error_ = Run([&](auto done) { bhttp::async_write(stream_, req, done); });
    return Receive(req.method() == bhttp::verb::head);
  }

  StringResponse Receive(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    parser.skip(head);
    if (!error_)
      error_ = Run([&](auto done) { bhttp::async_read(stream_, buffer_, parser, done); });
    return parser.release();
  }

  beast::error_code WriteRaw(std::string_view bytes) {
    return error_ = Run([&](auto done) { asio::async_write(stream_, asio::buffer(bytes), done); });
  }

  // Reads until the server closes the connection (or the deadline); returns what arrived.
  std::string ReadUntilClose() {
    std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.consume(buffer_.size());
    for (;;) {
      char chunk[4096];
      size_t n = 0;
      beast::error_code ec = Run([&](auto done) {
        stream_.async_read_some(asio::buffer(chunk), [&n, done](beast::error_code e, size_t k) {
          n = k;
          done(e, k);
        });
      });
      out.append(chunk, n);
      if (ec) {
        closed_ = ec != beast::error::timeout;
        return out;
      }
    }
  }
  // After ReadUntilClose(): true if the server closed, false if the client deadline hit first.
  bool closed() const { return closed_; }

 private:
  void Connect(std::string_view host, uint16_t port) {
    tcp::endpoint endpoint(asio::ip::make_address(std::string(host)), port);
    error_ =
        Run([&](auto done) { beast::get_lowest_layer(stream_).async_connect(endpoint, done); });
  }

  template <class Start>
  beast::error_code Run(Start start) {
    beast::error_code result = asio::error::timed_out;
    beast::get_lowest_layer(stream_).expires_after(kClientTimeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  asio::io_context ioc_;
  Stream stream_;
  beast::flat_buffer buffer_;
  beast::error_code error_;
  bool closed_ = false;
};

using Client = BasicClient<beast::tcp_stream>;
using TlsClient = BasicClient<beast::ssl_stream<beast::tcp_stream>>;

inline StringRequest MakeRequest(bhttp::verb method, std::string_view target,
                                 std::string body = {}) {
  StringRequest req(method, target, 11);
  req.set(bhttp::field::host, "localhost");
  req.body() = std::move(body);
  return req;
}

}  // namespace vigil::http::test_client
