// An asynchronous HTTP/1.1 (optionally HTTPS) server that hands every request to one Handler.
//
// One io_context is run by `threads` threads; each connection lives on its own strand, so a
// connection's reads, writes and handler call never overlap, while different connections proceed
// in parallel. All socket I/O is asynchronous: a slow or idle client costs memory, not a thread.
// Limits and timeouts bound what a client can hold: `idle_timeout` between requests on a
// keep-alive connection, `request_timeout` from a request's first byte until it is fully read
// (and again for writing the response, and for the TLS handshake), `max_header_bytes` (431) and
// `max_body_bytes` (413; `max_upload_bytes` under `upload_path_prefixes`). The handler runs on the
// I/O thread that read the request: a handler that blocks for long occupies one of the `threads`.
// A streamed response (Response::stream, see BodyStream) holds no thread either: between polls
// only a timer waits, and only its writes are timed (request_timeout each).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "http/message.h"
#include "http/request_decoding.h"  // ParseTarget, ParseRequestBytes

namespace vigil::http {

struct ServerOptions {
  // A literal address ("127.0.0.1", "::1", "[::1]", "0.0.0.0", "::" for dual-stack any),
  // "localhost" (127.0.0.1), or a host name resolved once at start.
  std::string host = "127.0.0.1";
  uint16_t port = 8443;  // 0: the system picks a free port; see Server::port()
  bool tls = false;
  std::string cert_file, key_file;  // PEM paths, required when tls
  size_t max_body_bytes = 16 << 20;
  // Uploads: a request whose path starts with one of these prefixes ("/api/v1/intel/") may carry
  // up to max_upload_bytes instead (indicator lists, firewall logs).
  std::vector<std::string> upload_path_prefixes;
  size_t max_upload_bytes = 64 << 20;
  size_t max_header_bytes = 16 << 10;
  int threads = 2;
  std::chrono::seconds idle_timeout{30};
  std::chrono::seconds request_timeout{30};
  // Called (on a server thread, possibly concurrently) with "METHOD /path: what()" when the
  // handler throws; the client only sees a generic 500. Optional.
  std::function<void(std::string_view message)> on_handler_exception;
};

class Server {
 public:
  // Loads the TLS material (when options.tls), binds and listens on host:port, and starts
  // options.threads threads serving connections with `handler` (copied; called concurrently).
  // Returns InvalidArgument for bad options, an unresolvable host or unusable TLS files, and
  // Unavailable when the address cannot be bound (in use, not local); messages name the address
  // or file. The caller owns the server; destroying it stops it.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Handler handler);

  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the one the system picked when options.port was 0). Thread-safe.
  uint16_t port() const;

  // Stops accepting, closes every connection (requests in flight are abandoned), waits for running
  // handlers to return and joins the threads. Idempotent and thread-safe, but must not be called
  // from inside the handler (it would wait for itself).
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::http
