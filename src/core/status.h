// Status and Result<T>: errors as values across every module boundary.
//
// A Status is either OK or carries a code, a human-readable message and an optional
// `where` naming the culprit (a JSON field such as "ips[2]", or "file.csv:12:hostname").
// Result<T> holds either a T or a non-OK Status. Both are [[nodiscard]].
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vigil {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad user input: malformed, wrong type, out of range
  kNotFound,
  kAlreadyExists,
  kConflict,  // valid input that contradicts stored state (cycle, in use)
  kUnauthenticated,
  kPermissionDenied,
  kResourceExhausted,   // rate limit, size limit
  kFailedPrecondition,  // e.g. an admin already exists
  kUnavailable,         // transient: database busy
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string where = {})
      : code_(code), message_(std::move(message)), where_(std::move(where)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The culprit: field path, or file:line[:field]. Empty when not applicable.
  const std::string& where() const { return where_; }

  // Returns a copy whose `where` is prefixed with `outer` ("rows[3]" + "ips" -> "rows[3].ips").
  Status Within(std::string_view outer) const;
  // "invalid_argument: ips[0]: not an IP address"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string where_;
};

inline Status InvalidArgument(std::string msg, std::string where = {}) {
  return {StatusCode::kInvalidArgument, std::move(msg), std::move(where)};
}
inline Status NotFound(std::string msg, std::string where = {}) {
  return {StatusCode::kNotFound, std::move(msg), std::move(where)};
}
inline Status Conflict(std::string msg, std::string where = {}) {
  return {StatusCode::kConflict, std::move(msg), std::move(where)};
}
inline Status PermissionDenied(std::string msg) {
  return {StatusCode::kPermissionDenied, std::move(msg)};
}
inline Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace vigil

// Early return on error: VIGIL_RETURN_IF_ERROR(DoThing());
#define VIGIL_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::vigil::Status vigil_status_ = (expr);        \
    if (!vigil_status_.ok()) return vigil_status_; \
  } while (0)

#define VIGIL_CONCAT_INNER(a, b) a##b
#define VIGIL_CONCAT(a, b) VIGIL_CONCAT_INNER(a, b)
// VIGIL_ASSIGN_OR_RETURN(auto x, MakeX()); returns the error status if MakeX failed.
// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` may be a declaration such as `auto x`.
#define VIGIL_ASSIGN_OR_RETURN(lhs, expr)                  \
  auto VIGIL_CONCAT(vigil_result_, __LINE__) = (expr);     \
  if (!VIGIL_CONCAT(vigil_result_, __LINE__).ok())         \
    return VIGIL_CONCAT(vigil_result_, __LINE__).status(); \
  lhs = std::move(VIGIL_CONCAT(vigil_result_, __LINE__)).value()
// NOLINTEND(bugprone-macro-parentheses)
