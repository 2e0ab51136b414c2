#include "server/authn.h"

#include "auth/credentials.h"
#include "core/time.h"
#include "domain/record.h"

namespace vigil::server {
namespace {

Status Unauthenticated(std::string msg) { return {StatusCode::kUnauthenticated, std::move(msg)}; }

}  // namespace

bool CredentialExpired(const store::Json& record) {
  auto it = record.find("expires_at");
  if (it == record.end() || !it->is_string()) return false;
  auto t = ParseTimestamp(it->get<std::string>());
  return !t.ok() || *t <= Clock::now();
}

namespace {

bool ChangesState(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

}  // namespace

Result<Principal> Authenticate(const http::Request& req, store::Transaction& tx) {
  std::string token;
  bool via_cookie = false;
  if (auto h = req.Header("authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (h->size() <= kBearer.size() || h->substr(0, kBearer.size()) != kBearer) {
      return Unauthenticated("expected Authorization: Bearer TOKEN");
    }
    token = std::string(h->substr(kBearer.size()));
  } else if (auto c = req.Cookie(kSessionCookie)) {
    token = *c;
    via_cookie = true;
  } else {
    return Unauthenticated("log in first: no credentials");
  }

  bool is_session = token.starts_with(kSessionPrefix);
  if (!is_session && !token.starts_with(kApiTokenPrefix)) return Unauthenticated("unknown token");
  if (via_cookie && !is_session) return Unauthenticated("unknown session");
  const domain::ResourceSpec& spec = is_session ? domain::kSessions : domain::kApiTokens;
  VIGIL_ASSIGN_OR_RETURN(auto cred, tx.FindBy(spec, "token_hash", auth::TokenDigest(token)));
  if (!cred || CredentialExpired(*cred))
    return Unauthenticated("the session or token has expired; log in again");

  VIGIL_ASSIGN_OR_RETURN(auto user, tx.Get(domain::kUsers, (*cred)["user_id"].get<int64_t>()));
  if (!user || (*user)["disabled"] == true) return Unauthenticated("the account is disabled");

  Principal p;
  p.user_id = (*user)["id"].get<int64_t>();
  p.username = (*user)["username"].get<std::string>();
  p.role = ParseRole((*user)["role"].get<std::string>()).value_or(Role::kViewer);
  p.scope_root = domain::IntField(*user, "org_id");
  p.via_cookie = via_cookie;
  if (is_session) {
    p.csrf_token = (*cred)["csrf_token"].get<std::string>();
    p.session_id = domain::IntField(*cred, "id");
  }

  if (via_cookie && ChangesState(req.method)) {
    auto sent = req.Header("x-csrf-token");
    if (!sent || !auth::SecureEquals(*sent, p.csrf_token)) {
      return PermissionDenied("missing or wrong X-CSRF-Token header");
    }
  }
  return p;
}

}  // namespace vigil::server
