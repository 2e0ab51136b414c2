// Fuzzes every endpoint vigil-agent talks to (/api/v1/agent/...): each input is
// "METHOD PATH\nBODY", sent with the credential of an agent enrolled in the demo province, to the
// real App over a real SQLite store. Any 5xx answer is a bug: bad input must get a 4xx.
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

using Json = nlohmann::json;

struct Fixture {
  std::unique_ptr<vigil::store::Store> store;
  std::unique_ptr<vigil::server::App> app;
  std::string secret;
};

vigil::http::Response Call(vigil::server::App& app, std::string method, std::string path,
                           std::string body, const std::string& bearer) {
  vigil::http::Request req;
  req.method = std::move(method);
  req.path = req.target = std::move(path);
  req.headers["content-type"] = "application/json";
  if (!bearer.empty()) req.headers["authorization"] = "Bearer " + bearer;
  req.body = std::move(body);
  req.remote_ip = "127.0.0.1";
  return app.Handle(req);
}

Fixture& Get() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    if (!vigil::auth::InitCrypto().ok()) std::abort();
    auto dir =
        std::filesystem::temp_directory_path() / ("vigil-agent-fuzz-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    fx->store = std::move(vigil::store::OpenSqliteStore(dir / "vigil.db", 1)).value();
    if (!vigil::server::InitAdmin(*fx->store, "admin", "Fuzz-Passw0rd!").ok()) std::abort();
    if (!vigil::server::SeedDemo(*fx->store).ok()) std::abort();
    fx->app = std::move(vigil::server::App::Create(*fx->store, {})).value();
    auto login = Call(*fx->app, "POST", "/api/v1/auth/login",
                      R"({"username":"admin","password":"Fuzz-Passw0rd!"})", "");
    Json session = Json::parse(login.body, nullptr, false);
    if (login.status != 200 || !session.contains("token")) std::abort();
    auto token = Call(*fx->app, "POST", "/api/v1/agents/enrollment-tokens", "{}",
                      session["token"].get<std::string>());
    Json issued = Json::parse(token.body, nullptr, false);
    if (token.status != 201 || !issued.contains("token")) std::abort();
    Json enroll = {
        {"token", issued["token"]}, {"hostname", "fuzz-host"}, {"addresses", {"10.0.0.9"}}};
    auto enrolled = Call(*fx->app, "POST", "/api/v1/agent/enroll", enroll.dump(), "");
    Json agent = Json::parse(enrolled.body, nullptr, false);
    if (enrolled.status != 201 || !agent.contains("secret")) std::abort();
    fx->secret = agent["secret"];
    return fx;
  }();
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fixture& fx = Get();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  std::string_view line = input.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return 0;
  vigil::http::Request req;
  req.method = std::string(line.substr(0, sp));
  req.target = std::string(line.substr(sp + 1));
  if (!vigil::http::ParseTarget(req.target, &req.path, &req.query).ok()) return 0;
  if (!req.path.starts_with("/api/v1/agent/")) req.path = "/api/v1/agent/" + req.path;
  req.headers["authorization"] = "Bearer " + fx.secret;
  req.headers["content-type"] = "application/json";
  req.body = std::string(body);
  req.remote_ip = "127.0.0.1";
  const vigil::http::Response r = fx.app->Handle(req);
  if (r.status >= 500) {
    std::fprintf(stderr, "5xx for %s %s: %s\n", req.method.c_str(), req.target.c_str(),
                 r.body.c_str());
    std::abort();
  }
  return 0;
}
