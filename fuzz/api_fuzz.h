// Shared by the API fuzz targets: a real App over a real SQLite store seeded with the demo
// province, inputs of the form "METHOD TARGET\nBODY", and the rule that any 5xx answer is a bug.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "http/request_decoding.h"
#include "server/app.h"
#include "server/provisioning.h"
#include "store/store.h"

namespace vigil::fuzz {

struct DemoServer {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<server::App> app;
  std::string admin_token;  // a logged-in administrator's session
};

inline http::Response Call(server::App& app, std::string method, std::string path, std::string body,
                           const std::string& bearer) {
  http::Request req;
  req.method = std::move(method);
  req.path = req.target = std::move(path);
  req.headers["content-type"] = "application/json";
  if (!bearer.empty()) req.headers["authorization"] = "Bearer " + bearer;
  req.body = std::move(body);
  req.remote_ip = "127.0.0.1";
  return app.Handle(req);
}

// A fresh store in a per-process directory named after `name`; aborts on any setup failure.
inline std::unique_ptr<DemoServer> StartDemoServer(const std::string& name) {
  auto server = std::make_unique<DemoServer>();
  if (!auth::InitCrypto().ok()) std::abort();
  const auto dir = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  server->store = std::move(store::OpenSqliteStore(dir / "vigil.db", 1)).value();
  if (!server::InitAdmin(*server->store, "admin", "Fuzz-Passw0rd!").ok()) std::abort();
  if (!server::SeedDemo(*server->store).ok()) std::abort();
  server->app = std::move(server::App::Create(*server->store, {})).value();
  const http::Response login = Call(*server->app, "POST", "/api/v1/auth/login",
                                    R"({"username":"admin","password":"Fuzz-Passw0rd!"})", "");
  const auto session = nlohmann::json::parse(login.body, nullptr, false);
  if (login.status != 200 || !session.contains("token")) std::abort();
  server->admin_token = session["token"];
  return server;
}

// "METHOD TARGET\nBODY" as a request from loopback with `bearer`; a TARGET outside `prefix` is
// put under it. nullopt when the input has no such first line.
inline std::optional<http::Request> RequestFromInput(const uint8_t* data, size_t size,
                                                     std::string_view prefix,
                                                     const std::string& bearer) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view line = input.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  http::Request req;
  req.method = std::string(line.substr(0, sp));
  req.target = std::string(line.substr(sp + 1));
  if (!http::ParseTarget(req.target, &req.path, &req.query).ok()) return std::nullopt;
  if (!req.path.starts_with(prefix)) req.path = std::string(prefix) + req.path;
  req.headers["authorization"] = "Bearer " + bearer;
  req.headers["content-type"] = "application/json";
  req.body = std::string(body);
  req.remote_ip = "127.0.0.1";
  return req;
}

// Handles `req`; aborts, naming the request, on a 5xx answer.
inline void HandleExpectingNo5xx(server::App& app, const http::Request& req) {
  const http::Response r = app.Handle(req);
  if (r.status < 500) return;
  std::fprintf(stderr, "5xx for %s %s: %s\n", req.method.c_str(), req.target.c_str(),
               r.body.c_str());
  std::abort();
}

}  // namespace vigil::fuzz
