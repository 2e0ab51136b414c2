#include "server/app.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include "server/authn.h"
#include "server/json_io.h"

namespace vigil::server {
namespace {

constexpr std::string_view kCsp =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// Adds the header unless the response already has it (static files set some of their own).
void SetDefault(http::Response& r, std::string_view name, std::string_view value) {
  for (const auto& [n, v] : r.headers) {
    if (strcasecmp(n.c_str(), std::string(name).c_str()) == 0) return;
  }
  r.SetHeader(std::string(name), std::string(value));
}

void AddSecurityHeaders(http::Response& r, bool tls, bool api) {
  SetDefault(r, "Content-Security-Policy", kCsp);
  SetDefault(r, "X-Content-Type-Options", "nosniff");
  SetDefault(r, "X-Frame-Options", "DENY");
  SetDefault(r, "Referrer-Policy", "no-referrer");
  SetDefault(r, "Cross-Origin-Opener-Policy", "same-origin");
  if (tls) SetDefault(r, "Strict-Transport-Security", "max-age=31536000");
  if (api) SetDefault(r, "Cache-Control", "no-store");
}

bool IsRead(std::string_view method) { return method == "GET" || method == "HEAD"; }

}  // namespace

App::App(store::Store& store, AppOptions options)
    : store_(store),
      options_(std::move(options)),
      login_limiter_(options_.login_failures_per_address, options_.login_window) {
  options_.api.login_limiter = &login_limiter_;
}

Result<std::unique_ptr<App>> App::Create(store::Store& store, AppOptions options) {
  auto app = std::unique_ptr<App>(new App(store, std::move(options)));
  if (!app->options_.web_root.empty()) {
    VIGIL_ASSIGN_OR_RETURN(app->static_files_, http::StaticFiles::Load(app->options_.web_root));
  }
  AddAuthRoutes(app->router_, app->options_.api);
  AddResourceRoutes(app->router_, app->options_.api);
  AddCsvRoutes(app->router_, app->options_.api);
  AddDashboardRoutes(app->router_, app->options_.api);
  AddOrgRoutes(app->router_);
  AddIntelRoutes(app->router_, app->options_.api);
  AddMonitoringRoutes(app->router_, app->options_.api);
  AddAgentRoutes(app->router_, app->options_.api);
  AddOpenApiRoute(app->router_);
  return app;
}

http::Response App::Handle(const http::Request& req) const {
  http::Response r;
  bool api = req.path.starts_with("/api/") || req.path == "/healthz";
  if (req.path == "/healthz") {
    r = JsonResponse(200, {{"status", "ok"}, {"schema_version", store_.SchemaVersion()}});
  } else if (api) {
    r = HandleApi(req);
  } else if (auto file = static_files_ ? static_files_->Serve(req) : std::nullopt) {
    r = std::move(*file);
  } else if (!static_files_ && IsRead(req.method) && req.path == "/") {
    r = http::Response::Text(200,
                             "Vigil is running, but the console was not built. Run "
                             "scripts/build.sh, or use the API at /api/v1.\n");
  } else {
    r = ErrorResponse(NotFound("no such page: " + req.path));
  }
  AddSecurityHeaders(r, req.tls, api);
  return r;
}

http::Response App::HandleApi(const http::Request& req) const {
  Router::Match match = router_.Find(req.method, req.path);
  if (!match.route) {
    if (match.path_known) {
      http::Response r = JsonResponse(
          405, {{"error",
                 {{"code", "method_not_allowed"},
                  {"message", "method " + req.method + " is not allowed on " + req.path}}}});
      r.SetHeader("Allow", router_.AllowedMethods(req.path));
      return r;
    }
    return ErrorResponse(NotFound("no such endpoint: " + req.path));
  }
  const bool read = IsRead(req.method) || match.route->doc.read_only;
  auto tx = store_.Begin(read ? store::TxMode::kRead : store::TxMode::kWrite);
  if (!tx.ok()) return ErrorResponse(tx.status());
  Call call{req, **tx, std::move(match.params)};

  std::optional<Principal> who;
  std::optional<OrgTree> tree;
  std::optional<Access> access;
  if (!match.route->doc.public_route) {
    auto principal = Authenticate(req, **tx);
    if (!principal.ok()) {
      http::Response r = ErrorResponse(principal.status());
      if (principal.status().code() == StatusCode::kUnauthenticated) {
        r.SetHeader("WWW-Authenticate", "Bearer");
      }
      return r;
    }
    who = std::move(principal).value();
    auto nodes = (*tx)->OrgNodes();
    if (!nodes.ok()) return ErrorResponse(nodes.status());
    tree.emplace(std::move(nodes).value());
    access.emplace(*who, *tree);
    call.who = &*who;
    call.access = &*access;
  }

  Result<http::Response> result = match.route->handler(call);
  http::Response r = result.ok() ? std::move(result).value() : ErrorResponse(result.status());
  if (r.status < 400 || call.commit_anyway) {
    Status committed = (*tx)->Commit();
    if (!committed.ok()) return ErrorResponse(committed);
  }
  if (r.status >= 500) spdlog::warn("{} {} -> {}", req.method, req.path, r.status);
  return r;
}

}  // namespace vigil::server
