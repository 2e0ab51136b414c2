#include "server/router.h"

#include <cstdint>

#include "core/text.h"

namespace vigil::server {
namespace {

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  for (std::string_view s : Split(path, '/')) {
    if (!s.empty()) out.emplace_back(s);
  }
  return out;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, RouteDoc doc, RouteHandler handler) {
  auto route = std::make_unique<Route>();
  route->segments = Segments(pattern);
  route->method = std::move(method);
  route->pattern = std::move(pattern);
  route->doc = std::move(doc);
  route->handler = std::move(handler);
  routes_.push_back(std::move(route));
}

std::string Router::AllowedMethods(std::string_view path) const {
  std::string out;
  for (const auto& r : routes_) {
    if (Find(r->method, path).route == r.get()) out += (out.empty() ? "" : ", ") + r->method;
  }
  return out;
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  // Literal segments win over parameters: /assets/export.csv before /assets/{id}.
  Match best;
  size_t best_params = SIZE_MAX;
  std::vector<std::string> segs = Segments(path);
  for (const auto& r : routes_) {
    if (r->segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const std::string& want = r->segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        params[want.substr(1, want.size() - 2)] = segs[i];
      } else {
        ok = want == segs[i];
      }
    }
    if (!ok) continue;
    best.path_known = true;
    bool method_ok = r->method == method || (method == "HEAD" && r->method == "GET");
    if (method_ok && params.size() < best_params) {
      best.route = r.get();
      best.params = std::move(params);
      best_params = best.params.size();
    }
  }
  return best;
}

}  // namespace vigil::server
