// Authentication of API requests: bearer tokens (sessions "vgs_…", API tokens "vgt_…") or the
// session cookie, with the double-submit CSRF check for cookie requests that change state.
#pragma once

#include "http/message.h"
#include "server/access.h"
#include "store/store.h"

namespace vigil::server {

inline constexpr std::string_view kSessionCookie = "vigil_session";
inline constexpr std::string_view kCsrfCookie = "vigil_csrf";
inline constexpr std::string_view kSessionPrefix = "vgs_";
inline constexpr std::string_view kApiTokenPrefix = "vgt_";

// True when a session or API token record's expires_at has passed (or cannot be read).
bool CredentialExpired(const store::Json& record);

// The principal behind the request, or Unauthenticated (no/unknown/expired credentials, disabled
// user) or PermissionDenied (missing or wrong CSRF token on a cookie request that changes state).
Result<Principal> Authenticate(const http::Request& req, store::Transaction& tx);

}  // namespace vigil::server
