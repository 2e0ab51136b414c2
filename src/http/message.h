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
  std::string method;                           // "GET", "POST", ...
  std::string target;                           // raw target: "/api/v1/assets?limit=10"
  std::string path;                             // percent-decoded path without the query
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::map<std::string, std::string> headers;   // lower-case names; repeated headers joined by ", "
  std::string body;
  std::string remote_ip;                        // peer address, e.g. "127.0.0.1" or "::1"
  bool tls = false;                             // arrived over TLS

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
  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

// The application entry point. Called on a server thread; must be thread-safe.
using Handler = std::function<Response(const Request&)>;

}  // namespace vigil::http
