#include "server/json_io.h"

#include <spdlog/spdlog.h>

#include <charconv>

namespace vigil::server {
namespace {

constexpr int kMaxDepth = 64;

// Depth of [ and { nesting outside strings; stops early past the limit.
bool NestingWithinLimit(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace

Result<Json> ParseJsonBody(const http::Request& req) {
  if (auto type = req.Header("content-type");
      type && type->find("json") == std::string_view::npos) {
    return InvalidArgument("expected Content-Type: application/json");
  }
  if (req.body.empty()) return InvalidArgument("the request body is empty; expected JSON");
  if (!NestingWithinLimit(req.body)) return InvalidArgument("JSON nested too deeply");
  try {
    return Json::parse(req.body);
  } catch (const Json::parse_error& e) {
    return InvalidArgument("malformed JSON at byte " + std::to_string(e.byte));
  }
}

http::Response JsonResponse(int status, const Json& body) {
  return http::Response::Json(status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

http::Response ErrorResponse(const Status& status) {
  std::string message = status.message();
  if (status.code() == StatusCode::kInternal) {
    spdlog::error("internal error: {}", status.ToString());
    message = "internal error; see the server log";
  }
  Json err = {{"code", std::string(StatusCodeName(status.code()))}, {"message", message}};
  if (!status.where().empty()) err["field"] = status.where();
  return JsonResponse(HttpStatusFor(status.code()), {{"error", err}});
}

Result<int64_t> ParseId(std::string_view text, std::string_view name) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) {
    return InvalidArgument("expected a non-negative integer", std::string(name));
  }
  return v;
}

}  // namespace vigil::server
