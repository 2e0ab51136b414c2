// JSON request bodies and responses, and the single error shape every failure uses:
// {"error": {"code": "...", "message": "...", "field": "..."}}.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "http/message.h"

namespace vigil::server {

using Json = nlohmann::json;

// Parses a request body as JSON. Rejects empty bodies, nesting deeper than 64 levels (before
// parsing, so hostile input cannot exhaust the stack), bad UTF-8 and syntax errors, naming the
// byte offset.
Result<Json> ParseJsonBody(const http::Request& req);

http::Response JsonResponse(int status, const Json& body);
// Maps the status code to an HTTP status; internal errors are logged and not echoed.
http::Response ErrorResponse(const Status& status);
int HttpStatusFor(StatusCode code);

// Reads an integer path or query parameter; InvalidArgument naming `name` when malformed.
Result<int64_t> ParseId(std::string_view text, std::string_view name);

}  // namespace vigil::server
