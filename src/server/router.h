// Routes: method + path pattern ("/api/v1/assets/{id}") → handler, with the metadata the
// OpenAPI document is generated from, so the document lists exactly the routes that exist.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/resource.h"
#include "http/message.h"
#include "server/access.h"
#include "store/store.h"

namespace vigil::server {

using Json = nlohmann::json;

// Everything a handler may use for one request. The transaction commits when the handler
// succeeds with a status below 400, or when it sets commit_anyway (failed-login counters).
struct Call {
  const http::Request& req;
  store::Transaction& tx;
  std::map<std::string, std::string> params;  // path parameters
  const Principal* who = nullptr;             // null on public routes
  const Access* access = nullptr;             // null on public routes
  bool commit_anyway = false;
};

using RouteHandler = std::function<Result<http::Response>(Call&)>;

enum class RouteKind { kList, kGet, kCreate, kUpdate, kDelete, kOther };

struct RouteDoc {
  std::string summary;
  std::string tag;
  RouteKind kind = RouteKind::kOther;
  const domain::ResourceSpec* resource = nullptr;  // for generated request/response schemas
  std::string request_type;                        // content type of the request body, "" for none
  std::string response_type = "application/json";
  bool public_route = false;  // no user authentication
  bool source_token = false;  // public_route authenticated by the handler with a log source token
  // Runs in a read transaction although its method is not GET/HEAD: the request computes an
  // answer from an upload and stores nothing, so it must not hold the database's write lock.
  bool read_only = false;
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  RouteHandler handler;
  RouteDoc doc;
};

class Router {
 public:
  void Add(std::string method, std::string pattern, RouteDoc doc, RouteHandler handler);

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    bool path_known = false;  // some route has this path (for 405 vs 404)
  };
  Match Find(std::string_view method, std::string_view path) const;
  // "GET, PATCH, DELETE": the methods some route accepts for this path (for 405 answers).
  std::string AllowedMethods(std::string_view path) const;
  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace vigil::server
