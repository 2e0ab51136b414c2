// Login, logout, the current user, and API tokens.
#include "auth/credentials.h"
#include "core/time.h"
#include "domain/record.h"
#include "server/api.h"
#include "server/audit_log.h"
#include "server/authn.h"
#include "server/json_io.h"

namespace vigil::server {
namespace {

// A valid Argon2id hash of a random password: verifying against it costs the same as a real
// check, so a missing user cannot be told from a wrong password by timing.
const std::string& DecoyHash() {
  static const std::string hash = [] {
    auto h = auth::HashPassword(auth::NewToken("decoy"));
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

std::string Cookie(std::string_view name, std::string_view value, bool http_only, bool secure,
                   int64_t max_age) {
  std::string c = std::string(name) + "=" + std::string(value) +
                  "; Path=/; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (http_only) c += "; HttpOnly";
  if (secure) c += "; Secure";
  return c;
}

Json UserView(const Json& user) { return domain::PublicView(domain::kUsers, user); }

http::Response TooMany(std::chrono::seconds wait, std::string message) {
  http::Response r = ErrorResponse(Status(StatusCode::kResourceExhausted, std::move(message)));
  r.SetHeader("Retry-After", std::to_string(std::max<int64_t>(1, wait.count())));
  return r;
}

// Sessions end by expiry without a logout; each login clears its user's expired ones so the
// table stays bounded.
Status DeleteExpiredSessions(store::Transaction& tx, int64_t user_id) {
  store::ListQuery mine;
  mine.equals = {{"user_id", user_id}};
  mine.limit = 1000;
  mine.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, tx.List(domain::kSessions, mine));
  for (const Json& session : page.items) {
    if (CredentialExpired(session)) {
      VIGIL_RETURN_IF_ERROR(tx.Delete(domain::kSessions, session["id"].get<int64_t>()));
    }
  }
  return Status::Ok();
}

Result<http::Response> Login(Call& call, const ApiSettings& s) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  const std::string& ip = call.req.remote_ip;
  if (auto wait = s.login_limiter->RetryAfter(ip); wait.count() > 0) {
    return TooMany(duration_cast<seconds>(wait), "too many failed logins from your address; wait");
  }
  VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
  if (!body.is_object()) return InvalidArgument("expected a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "username" && key != "password") return InvalidArgument("unknown field", key);
    if (!value.is_string()) return InvalidArgument("expected a string", key);
    if (value.get_ref<const std::string&>().size() > 1024) return InvalidArgument("too long", key);
  }
  if (!body.contains("username")) return InvalidArgument("is required", "username");
  if (!body.contains("password")) return InvalidArgument("is required", "password");
  std::string username = body["username"], password = body["password"];

  VIGIL_ASSIGN_OR_RETURN(auto user, call.tx.FindBy(domain::kUsers, "username", username));
  auto fail = [&](std::optional<int64_t> user_id) -> Result<http::Response> {
    s.login_limiter->RecordFailure(ip);
    call.commit_anyway = true;  // keep the failure counter and the audit entry
    VIGIL_RETURN_IF_ERROR(RecordAudit(call, "login_failed", "session", std::nullopt, std::nullopt,
                                      nullptr, {{"username", username}}, username, user_id));
    return ErrorResponse(Status(StatusCode::kUnauthenticated, "wrong username or password"));
  };
  if (!user) {
    (void)auth::VerifyPassword(DecoyHash(), password);
    return fail(std::nullopt);
  }
  int64_t id = (*user)["id"];
  if (auto locked = (*user)["locked_until"]; locked.is_string()) {
    auto until = ParseTimestamp(locked.get<std::string>());
    if (until.ok() && *until > Clock::now()) {
      return TooMany(duration_cast<seconds>(*until - Clock::now()),
                     "the account is locked after repeated failed logins; try again later");
    }
  }
  if (!auth::VerifyPassword((*user)["password_hash"].get<std::string>(), password) ||
      (*user)["disabled"] == true) {
    int64_t failures = (*user)["failed_logins"].is_number_integer()
                           ? (*user)["failed_logins"].get<int64_t>() + 1
                           : 1;
    Json changes = {{"failed_logins", failures}};
    if (failures >= s.lockout_failures) {
      changes = {{"failed_logins", 0},
                 {"locked_until", FormatTimestamp(Clock::now() + s.lockout_duration)}};
    }
    VIGIL_RETURN_IF_ERROR(call.tx.Update(domain::kUsers, id, changes));
    return fail(id);
  }

  s.login_limiter->Reset(ip);
  VIGIL_RETURN_IF_ERROR(call.tx.Update(
      domain::kUsers, id,
      {{"failed_logins", 0}, {"locked_until", nullptr}, {"last_login_at", NowTimestamp()}}));
  VIGIL_RETURN_IF_ERROR(DeleteExpiredSessions(call.tx, id));
  std::string token = auth::NewToken(kSessionPrefix);
  std::string csrf = auth::NewToken("");
  std::string expires = FormatTimestamp(Clock::now() + s.session_lifetime);
  VIGIL_RETURN_IF_ERROR(call.tx
                            .Insert(domain::kSessions, {{"token_hash", auth::TokenDigest(token)},
                                                        {"csrf_token", csrf},
                                                        {"user_id", id},
                                                        {"expires_at", expires}})
                            .status());
  VIGIL_RETURN_IF_ERROR(RecordAudit(call, "login", "session", std::nullopt,
                                    domain::IntField(*user, "org_id"), nullptr, nullptr, username,
                                    id));
  int64_t max_age = std::chrono::duration_cast<seconds>(s.session_lifetime).count();
  http::Response r = JsonResponse(
      200,
      {{"token", token}, {"csrf_token", csrf}, {"expires_at", expires}, {"user", UserView(*user)}});
  r.SetHeader("Set-Cookie", Cookie(kSessionCookie, token, true, call.req.tls, max_age));
  r.SetHeader("Set-Cookie", Cookie(kCsrfCookie, csrf, false, call.req.tls, max_age));
  return r;
}

Result<http::Response> Logout(Call& call) {
  if (call.who->session_id) {
    VIGIL_RETURN_IF_ERROR(
        call.tx.DeleteWhere(domain::kSessions, "id", *call.who->session_id).status());
  }
  VIGIL_RETURN_IF_ERROR(
      RecordAudit(call, "logout", "session", std::nullopt, std::nullopt, nullptr, nullptr));
  http::Response r{204, {}, ""};
  r.SetHeader("Set-Cookie", Cookie(kSessionCookie, "", true, call.req.tls, 0));
  r.SetHeader("Set-Cookie", Cookie(kCsrfCookie, "", false, call.req.tls, 0));
  return r;
}

Result<http::Response> Me(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(auto user, call.tx.Get(domain::kUsers, call.who->user_id));
  if (!user) return Status(StatusCode::kUnauthenticated, "the account no longer exists");
  Json out = UserView(*user);
  out["csrf_token"] = call.who->csrf_token;
  return JsonResponse(200, out);
}

// Changes the caller's own password; every session of the account ends, including this one.
Result<http::Response> ChangePassword(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
  if (!body.is_object()) return InvalidArgument("expected a JSON object");
  for (const char* key : {"current_password", "new_password"}) {
    if (!body.contains(key) || !body[key].is_string()) return InvalidArgument("is required", key);
  }
  if (body.size() != 2)
    return InvalidArgument("only current_password and new_password are allowed");
  VIGIL_ASSIGN_OR_RETURN(auto user, call.tx.Get(domain::kUsers, call.who->user_id));
  if (!user || !auth::VerifyPassword((*user)["password_hash"].get<std::string>(),
                                     body["current_password"].get<std::string>())) {
    return Status(StatusCode::kPermissionDenied, "the current password is wrong",
                  "current_password");
  }
  std::string password = body["new_password"];
  if (Status policy = auth::CheckPasswordPolicy(password); !policy.ok()) {
    return InvalidArgument(policy.message(), "new_password");
  }
  VIGIL_ASSIGN_OR_RETURN(std::string hash, auth::HashPassword(password));
  VIGIL_RETURN_IF_ERROR(call.tx.Update(domain::kUsers, call.who->user_id,
                                       {{"password_hash", hash}, {"failed_logins", 0}}));
  VIGIL_RETURN_IF_ERROR(
      call.tx.DeleteWhere(domain::kSessions, "user_id", call.who->user_id).status());
  VIGIL_RETURN_IF_ERROR(RecordAudit(call, "change_password", "users", call.who->user_id,
                                    call.who->scope_root, nullptr, nullptr));
  return http::Response{204, {}, ""};
}

Result<http::Response> ListTokens(Call& call) {
  store::ListQuery q;
  q.equals = {{"user_id", call.who->user_id}};
  q.limit = 1000;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call.tx.List(domain::kApiTokens, q));
  Json items = Json::array();
  for (const Json& t : page.items) items.push_back(domain::PublicView(domain::kApiTokens, t));
  return JsonResponse(200, {{"items", items}, {"total", page.total.value_or(0)}});
}

Result<http::Response> CreateToken(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
  VIGIL_ASSIGN_OR_RETURN(
      Json record, domain::DecodeRecord(domain::kApiTokens, body, domain::DecodeMode::kCreate));
  int64_t days = record.value("expires_in_days", Json(90)).is_number_integer()
                     ? record.value("expires_in_days", Json(90)).get<int64_t>()
                     : 90;
  std::string token = auth::NewToken(kApiTokenPrefix);
  Json stored = {{"name", record["name"]},
                 {"token_hash", auth::TokenDigest(token)},
                 {"user_id", call.who->user_id},
                 {"expires_at", FormatTimestamp(Clock::now() + std::chrono::days(days))}};
  VIGIL_ASSIGN_OR_RETURN(int64_t id, call.tx.Insert(domain::kApiTokens, stored));
  stored["id"] = id;
  Json view = domain::PublicView(domain::kApiTokens, stored);
  VIGIL_RETURN_IF_ERROR(RecordAudit(call, "create", "api_tokens", id, std::nullopt, nullptr, view));
  view["token"] = token;  // shown once
  return JsonResponse(201, view);
}

Result<http::Response> DeleteToken(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(auto found, call.tx.Get(domain::kApiTokens, id));
  if (!found || (*found)["user_id"] != call.who->user_id) return NotFound("token not found");
  VIGIL_RETURN_IF_ERROR(call.tx.Delete(domain::kApiTokens, id));
  VIGIL_RETURN_IF_ERROR(RecordAudit(call, "delete", "api_tokens", id, std::nullopt,
                                    domain::PublicView(domain::kApiTokens, *found), nullptr));
  return http::Response{204, {}, ""};
}

}  // namespace

void AddAuthRoutes(Router& router, const ApiSettings& settings) {
  const ApiSettings* s = &settings;
  RouteDoc login{"Log in; returns a session token and sets the session cookie", "auth"};
  login.request_type = "application/json";
  login.public_route = true;
  router.Add("POST", "/api/v1/auth/login", login, [s](Call& c) { return Login(c, *s); });
  router.Add("POST", "/api/v1/auth/logout", {"End the current session", "auth"}, Logout);
  router.Add("GET", "/api/v1/auth/me", {"The current user", "auth"}, Me);
  RouteDoc password{"Change your own password (ends all your sessions)", "auth"};
  password.request_type = "application/json";
  router.Add("POST", "/api/v1/auth/password", password, ChangePassword);
  router.Add("GET", "/api/v1/tokens", {"Your API tokens", "auth"}, ListTokens);
  router.Add(
      "POST", "/api/v1/tokens",
      {"Create an API token (shown once)", "auth", RouteKind::kOther, nullptr, "application/json"},
      CreateToken);
  router.Add("DELETE", "/api/v1/tokens/{id}", {"Revoke one of your API tokens", "auth"},
             DeleteToken);
}

}  // namespace vigil::server
