// Fuzzes every endpoint vigil-agent talks to (/api/v1/agent/...): each input is
// "METHOD PATH\nBODY", sent with the credential of an agent enrolled in the demo province, to the
// real App over a real SQLite store. Any 5xx answer is a bug: bad input must get a 4xx.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api_fuzz.h"

namespace {

using Json = nlohmann::json;

// The demo server, with one agent enrolled; its credential.
struct Fixture {
  std::unique_ptr<vigil::fuzz::DemoServer> server;
  std::string secret;
};

Fixture& Get() {
  static Fixture* f = [] {
    auto* fx = new Fixture{vigil::fuzz::StartDemoServer("vigil-agent-fuzz"), {}};
    vigil::server::App& app = *fx->server->app;
    auto token = vigil::fuzz::Call(app, "POST", "/api/v1/agents/enrollment-tokens", "{}",
                                   fx->server->admin_token);
    Json issued = Json::parse(token.body, nullptr, false);
    if (token.status != 201 || !issued.contains("token")) std::abort();
    Json enroll = {
        {"token", issued["token"]}, {"hostname", "fuzz-host"}, {"addresses", {"10.0.0.9"}}};
    auto enrolled = vigil::fuzz::Call(app, "POST", "/api/v1/agent/enroll", enroll.dump(), "");
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
  auto req = vigil::fuzz::RequestFromInput(data, size, "/api/v1/agent/", fx.secret);
  if (req) vigil::fuzz::HandleExpectingNo5xx(*fx.server->app, *req);
  return 0;
}
