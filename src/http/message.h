// Transport-neutral HTTP request and response, the contract between the HTTP server
// (src/http/server.*) and the application (src/server/). The application never sees Beast.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::http {

// Header names are stored lower-case.
struct Request {
  std::string method;                             // "GET", "POST", ...
  std::string target;                             // raw target: "/api/v1/assets?limit=10"
  std::string path;                               // percent-decoded path without the query
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::map<std::string, std::string> headers;  // lower-case names; repeated headers joined by ", "
  std::string body;
  std::string remote_ip;  // peer address, e.g. "127.0.0.1" or "::1"
  bool tls = false;       // arrived over TLS

  // Returns the header value or nullopt. `name` must be lower-case.
  std::optional<std::string_view> Header(std::string_view name) const;
  // Returns the cookie value from the Cookie header, or nullopt.
  std::optional<std::string> Cookie(std::string_view name) const;
  // Returns the first query parameter with this name, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
};

// A response body produced over time (server-sent events). The server sends the status and
// headers with `Transfer-Encoding: chunked` (no Content-Length), then calls Pull on the
// connection's strand every poll_interval and sends whatever it appended as one chunk (nothing
// when it appended nothing); when Pull returns false the server sends what was appended, then
// the final chunk, and ends the connection (no keep-alive after a stream). When the client goes
// away (a write fails) or the server stops, the stream is released; its destructor must not block.
// Pull must not block; it is never called concurrently for one stream.
// (Details: the first Pull comes right after the headers are sent. HTTP/1.0 clients get the raw
// bytes and the end of the body is the close. A HEAD request gets the headers only and Pull is
// never called. The server also notices a client that closes the connection while the stream is
// quiet. An exception from Pull ends the stream like `false`, reported to on_handler_exception.
// A 204 or 304 response ignores `stream`.)
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual bool Pull(std::string* out) = 0;
  std::chrono::milliseconds poll_interval{200};
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // in order; may repeat (Set-Cookie)
  std::string body;
  // When set, the body is streamed (see BodyStream) and `body` is ignored.
  std::shared_ptr<BodyStream> stream;

  void SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  // A response with `body` as is and Content-Type: application/json.
  static Response Json(int status, std::string body);
  // A response with `body` as is and the given Content-Type.
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  // The API error shape of docs/API.md:
  //   {"error":{"code":CODE,"message":MESSAGE[,"field":FIELD]}}
  // `field` is omitted when empty. Strings are JSON-escaped; they should be UTF-8.
  static Response JsonError(int status, std::string_view code, std::string_view message,
                            std::string_view field = {});
};

// The application entry point. Called on a server I/O thread, concurrently for different
// connections; must be thread-safe. A HEAD request arrives with method "HEAD"; the server sends the
// returned headers and Content-Length without the body. An exception thrown by the handler is
// caught by the server and answered with 500 {"error":{"code":"internal",...}}.
using Handler = std::function<Response(const Request&)>;

}  // namespace vigil::http
