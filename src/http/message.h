// Transport-neutral HTTP request and response, the contract between the HTTP server
// (src/http/server.*) and the application (src/server/). The application never sees Beast.
#pragma once

#include <functional>
#include <map>
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

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // in order; may repeat (Set-Cookie)
  std::string body;

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
