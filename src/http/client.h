// A small synchronous HTTP/1.1 client for production use (the `vigil ingest` uploader): one
// request at a time over one kept-alive connection, plain or TLS.
//
// URLs are http://HOST[:PORT][/PATH] or https://...; HOST may be a name, an IPv4 literal or a
// bracketed IPv6 literal. Over TLS the server's certificate is verified (against the system
// store, or only against `ca_file` when set) together with its host name or IP address, and the
// name is sent as SNI; `insecure` turns verification off and must be asked for explicitly. Each
// request, from connecting to the last byte of the answer, is bounded by `timeout`. Errors are
// values that name the URL: InvalidArgument for bad URLs and unusable CA files, Unavailable for
// network failures (refused, unreachable, reset, TLS handshake or verification failures, a
// certificate other than the pinned one), and
// ResourceExhausted for a timeout. HTTP error statuses (4xx, 5xx) are responses, not errors.
// Not thread-safe: one Client per thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace vigil::http {

struct ClientOptions {
  std::string ca_file;    // PEM file of trusted certificates; empty: the system's store
  bool insecure = false;  // accept any certificate (no verification at all)
  // Lower-case hex SHA-256 of the server's certificate (DER). When set, the server must present
  // exactly that certificate; its chain and names are then not checked (an agent pins the
  // server it enrolled with, whose certificate is often self-signed).
  std::string pin_sha256;
  std::chrono::milliseconds timeout{60'000};  // per request, connecting included
  std::string user_agent = "vigil";
  size_t max_response_bytes = 16 << 20;
};

using ClientHeaders = std::vector<std::pair<std::string, std::string>>;

struct ClientResponse {
  int status = 0;
  ClientHeaders headers;  // as received, in order
  std::string body;

  // The first header of that name (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

// The parts of a URL the client needs. `host` has no brackets; `target` starts with "/".
struct ParsedUrl {
  bool tls = false;
  std::string host;
  uint16_t port = 0;
  std::string target;
};

// Splits an http:// or https:// URL. InvalidArgument (naming the URL) for anything else: other
// schemes, a missing host, a bad port, user info, or spaces and control characters.
Result<ParsedUrl> ParseUrl(std::string_view url);

// Keeps one connection open across requests to the same scheme, host and port, and reconnects
// when the server has closed it (a request that fails on a reused connection before any answer
// arrives is sent once more on a fresh one) or when the URL points elsewhere.
class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request (Host, User-Agent and Content-Length are set; `headers` are added as given)
  // and reads the whole answer. `content_type` may be empty when there is no body.
  Result<ClientResponse> Request(std::string_view method, std::string_view url,
                                 std::string_view content_type, std::string_view body,
                                 const ClientHeaders& headers = {});
  Result<ClientResponse> Post(std::string_view url, std::string_view content_type,
                              std::string_view body, const ClientHeaders& headers = {}) {
    return Request("POST", url, content_type, body, headers);
  }

  // Closes the connection, if any (the next request opens a new one).
  void Close();

  // The SHA-256 (lower-case hex) of the certificate the server presented on the current TLS
  // connection; empty when there is none.
  std::string PeerCertificateSha256() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One POST on a connection of its own (closed afterwards).
Result<ClientResponse> Post(const ClientOptions& options, std::string_view url,
                            std::string_view content_type, std::string_view body,
                            const ClientHeaders& headers = {});

}  // namespace vigil::http
