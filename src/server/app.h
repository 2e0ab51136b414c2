// The application: composes the store, the API routes and the console's static files into the
// one http::Handler the transport calls. Each API request runs in one transaction that commits
// only when the request succeeds.
#pragma once

#include <filesystem>
#include <memory>

#include "auth/rate_limiter.h"
#include "http/message.h"
#include "http/static_files.h"
#include "server/api.h"
#include "server/router.h"
#include "store/store.h"

namespace vigil::server {

struct AppOptions {
  ApiSettings api;
  std::filesystem::path web_root;  // built console (web/dist); empty: no console
  int login_failures_per_address = 10;
  std::chrono::minutes login_window{5};
};

class App {
 public:
  // `store` is borrowed and must outlive the App.
  static Result<std::unique_ptr<App>> Create(store::Store& store, AppOptions options);

  // Answers one request. Thread-safe.
  http::Response Handle(const http::Request& req) const;
  const Router& router() const { return router_; }
  bool has_console() const { return static_files_ != nullptr; }

 private:
  App(store::Store& store, AppOptions options);
  http::Response HandleApi(const http::Request& req) const;

  store::Store& store_;
  AppOptions options_;
  auth::RateLimiter login_limiter_;
  Router router_;
  std::unique_ptr<http::StaticFiles> static_files_;
};

}  // namespace vigil::server
