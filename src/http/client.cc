#include "http/client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <optional>

#include "core/text.h"

namespace vigil::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Deadline = std::chrono::steady_clock::time_point;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsAsciiFoldCase(s.substr(0, prefix.size()), prefix);
}

bool IsIpLiteral(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

Status Unavailable(std::string message) { return {StatusCode::kUnavailable, std::move(message)}; }

// Starts an asynchronous operation with `start(done)` and runs the io_context until it completes
// or `deadline` passes; then `cancel()` aborts it and the result is timed_out.
template <class Start, class Cancel>
beast::error_code RunUntil(asio::io_context& ioc, Deadline deadline, Start start, Cancel cancel) {
  std::optional<beast::error_code> result;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run_until(deadline);
  if (result) return *result;
  cancel();
  ioc.restart();
  ioc.run();  // lets the aborted operation's handler run
  return asio::error::timed_out;
}

std::string HostHeader(const ParsedUrl& u) {
  std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  if (u.port != (u.tls ? 443 : 80)) host += ":" + std::to_string(u.port);
  return host;
}

// "the certificate has expired" from the verification result, or the transport's message.
std::string HandshakeError(SSL* ssl, const beast::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return std::string("the server's certificate was not accepted: ") +
           X509_verify_cert_error_string(verify);
  }
  return "TLS handshake failed: " + ec.message();
}

std::string Seconds(std::chrono::milliseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return text;
}

}  // namespace

std::optional<std::string> ClientResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsAsciiFoldCase(key, name)) return value;
  }
  return std::nullopt;
}

Result<ParsedUrl> ParseUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("bad URL: " + std::string(why), std::string(url));
  };
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return bad("spaces or control bytes");
  }
  ParsedUrl out;
  std::string_view rest;
  if (StartsWithNoCase(url, "https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else if (StartsWithNoCase(url, "http://")) {
    rest = url.substr(7);
  } else {
    return bad("expected http://HOST[:PORT] or https://HOST[:PORT]");
  }
  const size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view target = end == std::string_view::npos ? "" : rest.substr(end);
  target = target.substr(0, target.find('#'));
  out.target = target.starts_with('/') ? std::string(target) : "/" + std::string(target);
  if (authority.find('@') != std::string_view::npos) return bad("user names are not supported");
  std::string_view port;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed [ in the host");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return bad("junk after ]");
    if (!after.empty()) port = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos &&
        authority.find(':', colon + 1) != std::string_view::npos) {
      return bad("IPv6 addresses must be written in brackets");
    }
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad("no host");
  out.port = out.tls ? 443 : 80;
  if (!port.empty()) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      return bad("bad port");
    }
    out.port = static_cast<uint16_t>(value);
  }
  return out;
}

struct Client::Impl {
  explicit Impl(ClientOptions o) : options(std::move(o)) {}

  ClientOptions options;
  asio::io_context ioc;
  std::unique_ptr<asio::ssl::context> tls_context;  // made on the first https:// request
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> tls;
  std::string origin;  // "https://host:port" of the open connection; empty when closed
  beast::flat_buffer buffer;

  void Close() {
    beast::error_code ignored;
    if (plain) plain->socket().close(ignored);
    if (tls) beast::get_lowest_layer(*tls).socket().close(ignored);
    plain.reset();
    tls.reset();
    origin.clear();
    buffer.clear();
  }

  Status EnsureTlsContext() {
    if (tls_context) return Status::Ok();
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    beast::error_code ec;
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1,
                     ec);
    if (options.insecure || !options.pin_sha256.empty()) {  // a pin is checked after the handshake
      ctx->set_verify_mode(asio::ssl::verify_none, ec);
    } else {
      ctx->set_verify_mode(asio::ssl::verify_peer, ec);
      if (!options.ca_file.empty()) {
        ctx->load_verify_file(options.ca_file, ec);
        if (ec) {
          return InvalidArgument("cannot load the CA certificates: " + ec.message(),
                                 options.ca_file);
        }
      } else {
        ctx->set_default_verify_paths(ec);
        if (ec) return Internal("cannot load the system's CA certificates: " + ec.message());
      }
    }
    tls_context = std::move(ctx);
    return Status::Ok();
  }

  Result<tcp::resolver::results_type> Resolve(const ParsedUrl& u, std::string_view url,
                                              Deadline deadline) {
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type results;
    // "localhost" is loopback (RFC 6761), also where no resolver or hosts file says so; the
    // server treats it the same way. The name is still what TLS verifies.
    const std::string host = EqualsAsciiFoldCase(u.host, "localhost") ? "127.0.0.1" : u.host;
    beast::error_code ec = RunUntil(
        ioc, deadline,
        [&](auto done) {
          resolver.async_resolve(host, std::to_string(u.port),
                                 [&results, done](beast::error_code e, auto r) {
                                   results = std::move(r);
                                   done(e);
                                 });
        },
        [&] { resolver.cancel(); });
    if (ec)
      return Unavailable("cannot resolve " + u.host + " for " + std::string(url) + ": " +
                         ec.message());
    return results;
  }

  // Opens a connection (and the TLS session) to the URL's origin.
  Status Connect(const ParsedUrl& u, std::string_view url, Deadline deadline) {
    Close();
    if (u.tls) VIGIL_RETURN_IF_ERROR(EnsureTlsContext());
    VIGIL_ASSIGN_OR_RETURN(tcp::resolver::results_type endpoints, Resolve(u, url, deadline));
    auto stream = std::make_unique<beast::tcp_stream>(ioc);
    beast::error_code ec = RunUntil(
        ioc, deadline,
        [&](auto done) {
          stream->async_connect(endpoints, [done](beast::error_code e, const auto&) { done(e); });
        },
        [&] { stream->close(); });
    if (ec) return Unavailable("cannot connect to " + std::string(url) + ": " + ec.message());
    stream->socket().set_option(tcp::no_delay(true), ec);
    if (!u.tls) {
      plain = std::move(stream);
    } else {
      tls = std::make_unique<TlsStream>(std::move(*stream), *tls_context);
      VIGIL_RETURN_IF_ERROR(Handshake(u, url, deadline));
    }
    origin = std::string(u.tls ? "https://" : "http://") + HostHeader(u);
    return Status::Ok();
  }

  Status Handshake(const ParsedUrl& u, std::string_view url, Deadline deadline) {
    SSL* ssl = tls->native_handle();
    const bool ip = IsIpLiteral(u.host);
    if (!ip) SSL_set_tlsext_host_name(ssl, u.host.c_str());
    if (!options.insecure && options.pin_sha256.empty()) {
      const int set = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), u.host.c_str())
                         : SSL_set1_host(ssl, u.host.c_str());
      if (set != 1) return Internal("cannot set the expected host name " + u.host);
    }
    beast::error_code ec = RunUntil(
        ioc, deadline,
        [&](auto done) { tls->async_handshake(asio::ssl::stream_base::client, done); },
        [&] { beast::get_lowest_layer(*tls).close(); });
    if (ec == asio::error::timed_out) {
      Close();
      return Unavailable("TLS handshake with " + std::string(url) + " timed out");
    }
    if (ec) {
      std::string why = HandshakeError(ssl, ec);
      Close();
      return Unavailable(why + " (" + std::string(url) + ")");
    }
    if (!options.pin_sha256.empty() && PeerSha256() != options.pin_sha256) {
      Close();
      return Unavailable("the server's certificate is not the one pinned at enrolment (" +
                         std::string(url) + ")");
    }
    return Status::Ok();
  }

  std::string PeerSha256() const {
    if (!tls) return {};
    X509* cert = SSL_get0_peer_certificate(tls->native_handle());
    if (cert == nullptr) return {};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) return {};
    return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
  }

  template <class Start>
  beast::error_code Io(Deadline deadline, Start start) {
    return RunUntil(ioc, deadline, start, [this] {
      beast::error_code ignored;
      if (plain) plain->socket().close(ignored);
      if (tls) beast::get_lowest_layer(*tls).socket().close(ignored);
    });
  }

  // Writes `req` and reads the answer on the open connection. `got_some` tells whether any byte
  // of an answer arrived (if not, a reused connection may simply have been closed by the server).
  beast::error_code Exchange(bhttp::request<bhttp::string_body>& req, Deadline deadline,
                             bhttp::response_parser<bhttp::string_body>& parser, bool* got_some) {
    beast::error_code ec = Io(deadline, [&](auto done) {
      if (plain) {
        bhttp::async_write(*plain, req, done);
      } else {
        bhttp::async_write(*tls, req, done);
      }
    });
    *got_some = false;
    if (ec) return ec;
    ec = Io(deadline, [&](auto done) {
      if (plain) {
        bhttp::async_read(*plain, buffer, parser, done);
      } else {
        bhttp::async_read(*tls, buffer, parser, done);
      }
    });
    *got_some = parser.got_some();
    return ec;
  }

  Result<ClientResponse> Send(std::string_view method, std::string_view url,
                              std::string_view content_type, std::string_view body,
                              const ClientHeaders& headers) {
    VIGIL_ASSIGN_OR_RETURN(ParsedUrl u, ParseUrl(url));
    const bhttp::verb verb = bhttp::string_to_verb(method);
    if (verb == bhttp::verb::unknown)
      return InvalidArgument("unknown HTTP method", std::string(method));
    bhttp::request<bhttp::string_body> req(verb, u.target, 11);
    req.set(bhttp::field::host, HostHeader(u));
    req.set(bhttp::field::user_agent, options.user_agent);
    if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
    for (const auto& [name, value] : headers) req.insert(name, value);
    req.body() = std::string(body);
    req.prepare_payload();
    req.keep_alive(true);

    const Deadline deadline = std::chrono::steady_clock::now() + options.timeout;
    const std::string wanted = std::string(u.tls ? "https://" : "http://") + HostHeader(u);
    for (int attempt = 0;; ++attempt) {
      const bool reused = origin == wanted;
      if (!reused) VIGIL_RETURN_IF_ERROR(Connect(u, url, deadline));
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(options.max_response_bytes);
      parser.skip(verb == bhttp::verb::head);
      bool got_some = false;
      beast::error_code ec = Exchange(req, deadline, parser, &got_some);
      if (ec && reused && !got_some && attempt == 0 && ec != asio::error::timed_out) {
        Close();  // the server closed the idle connection: once more on a new one
        continue;
      }
      if (ec) {
        Close();
        if (ec == asio::error::timed_out) {
          return Unavailable(std::string(method) + " " + std::string(url) + " timed out after " +
                             Seconds(options.timeout));
        }
        return Unavailable(std::string(method) + " " + std::string(url) +
                           " failed: " + ec.message());
      }
      auto res = parser.release();
      ClientResponse out;
      out.status = static_cast<int>(res.result_int());
      for (const auto& field : res) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      out.body = std::move(res.body());
      if (!res.keep_alive()) Close();
      return out;
    }
  }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() { impl_->Close(); }

Result<ClientResponse> Client::Request(std::string_view method, std::string_view url,
                                       std::string_view content_type, std::string_view body,
                                       const ClientHeaders& headers) {
  return impl_->Send(method, url, content_type, body, headers);
}

void Client::Close() { impl_->Close(); }

std::string Client::PeerCertificateSha256() const { return impl_->PeerSha256(); }

Result<ClientResponse> Post(const ClientOptions& options, std::string_view url,
                            std::string_view content_type, std::string_view body,
                            const ClientHeaders& headers) {
  Client client(options);
  return client.Post(url, content_type, body, headers);
}

}  // namespace vigil::http
