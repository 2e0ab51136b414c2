// Fuzzes the whole API: each input is "METHOD TARGET\nBODY", sent as an authenticated
// administrator to the real App over a real SQLite store seeded with the demo province.
// Any 5xx answer is a bug: bad input must get a 4xx and write nothing.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "auth/credentials.h"
#include "http/request_decoding.h"
#include "server/app.h"
#include "server/provisioning.h"
#include "store/store.h"

namespace {

struct Fixture {
  std::unique_ptr<vigil::store::Store> store;
  std::unique_ptr<vigil::server::App> app;
  std::string token;
};

Fixture& Get() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    if (!vigil::auth::InitCrypto().ok()) std::abort();
    auto dir = std::filesystem::temp_directory_path() / ("vigil-fuzz-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    fx->store = std::move(vigil::store::OpenSqliteStore(dir / "vigil.db", 1)).value();
    if (!vigil::server::InitAdmin(*fx->store, "admin", "Fuzz-Passw0rd!").ok()) std::abort();
    if (!vigil::server::SeedDemo(*fx->store).ok()) std::abort();
    fx->app = std::move(vigil::server::App::Create(*fx->store, {})).value();
    vigil::http::Request login;
    login.method = "POST";
    login.path = login.target = "/api/v1/auth/login";
    login.headers["content-type"] = "application/json";
    login.body = R"({"username":"admin","password":"Fuzz-Passw0rd!"})";
    login.remote_ip = "127.0.0.1";
    auto r = fx->app->Handle(login);
    auto json = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status != 200 || !json.contains("token")) std::abort();
    fx->token = json["token"];
    return fx;
  }();
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fixture& fx = Get();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view line = input.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return 0;

  vigil::http::Request req;
  req.method = std::string(line.substr(0, sp));
  req.target = std::string(line.substr(sp + 1));
  if (!vigil::http::ParseTarget(req.target, &req.path, &req.query).ok()) return 0;
  if (!req.path.starts_with("/api/v1/")) req.path = "/api/v1/" + req.path;
  req.headers["authorization"] = "Bearer " + fx.token;
  req.headers["content-type"] = req.path.ends_with("/import") ? "text/csv" : "application/json";
  req.body = std::string(body);
  req.remote_ip = "127.0.0.1";
  // Keep the administrator's session alive: no logout, no change to the administrator.
  if (req.path.find("logout") != std::string::npos) return 0;
  if (req.path.starts_with("/api/v1/users/1") && req.method != "GET") return 0;
  vigil::http::Response r = fx.app->Handle(req);
  if (r.status >= 500) {
    std::fprintf(stderr, "5xx for %s %s: %s\n", req.method.c_str(), req.target.c_str(),
                 r.body.c_str());
    std::abort();
  }
  return 0;
}
