// Fuzzes the whole API: each input is "METHOD TARGET\nBODY", sent as an authenticated
// administrator to the real App over a real SQLite store seeded with the demo province.
// Any 5xx answer is a bug: bad input must get a 4xx and write nothing.
#include <cstdint>

#include "api_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* server = vigil::fuzz::StartDemoServer("vigil-fuzz").release();
  auto req = vigil::fuzz::RequestFromInput(data, size, "/api/v1/", server->admin_token);
  if (!req) return 0;
  if (req->path.ends_with("/import")) req->headers["content-type"] = "text/csv";
  // Keep the administrator's session alive: no logout, no change to the administrator.
  if (req->path.find("logout") != std::string::npos) return 0;
  if (req->path.starts_with("/api/v1/users/1") && req->method != "GET") return 0;
  vigil::fuzz::HandleExpectingNo5xx(*server->app, *req);
  return 0;
}
