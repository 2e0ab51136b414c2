// Monitoring API: alerts (list, detail with events, acknowledge, close with suppression, reopen,
// live stream), suppressions, stored events (search, read), log sources with their tokens, the
// NDJSON ingest endpoint, and the pipeline's status. docs/MONITORING.md describes them.
#include <future>

#include "auth/credentials.h"
#include "core/text.h"
#include "core/time.h"
#include "domain/record.h"
#include "events/normalise.h"
#include "server/api.h"
#include "server/audit_log.h"
#include "server/json_io.h"
#include "server/monitoring.h"

namespace vigil::server {
namespace {

constexpr std::string_view kSourceTokenPrefix = "vgi_";
constexpr size_t kMaxReportedErrors = 100;

std::string IsoMs(int64_t ms) {
  return FormatTimestamp(Clock::time_point(std::chrono::milliseconds(ms)));
}

Result<int64_t> ParseTimeParam(std::string_view text, std::string_view name) {
  // Accepts "2026-11-21T03:04:05Z" and other ISO 8601 stamps (with an offset; without one: UTC).
  CivilTime civil;
  if (!ParseCivilTime(text, &civil)) {
    return InvalidArgument("not an ISO 8601 time (2026-11-21T03:04:05Z)", std::string(name));
  }
  VIGIL_ASSIGN_OR_RETURN(int64_t seconds, CivilToUnix(civil, 0));
  return seconds * 1000;
}

Json EventJson(const events::StoredEvent& e, bool with_fields) {
  auto id_or_null = [](int64_t v) { return v == 0 ? Json() : Json(v); };
  Json j = {{"id", e.id},
            {"time", IsoMs(e.time_ms)},
            {"received", IsoMs(e.received_ms)},
            {"original_time", e.original_time},
            {"host", e.host},
            {"source_type", e.source_type},
            {"source", e.source},
            {"peer", e.peer},
            {"asset_id", id_or_null(e.asset_id)},
            {"org_id", id_or_null(e.org_id)},
            {"system_security_level", e.security_level == 0 ? Json() : Json(e.security_level)},
            {"message", e.message},
            {"raw", e.raw}};
  if (with_fields) {
    Json fields = Json::object();
    events::NormalisedEvent n;
    if (events::NormaliseStored(e, &n).ok()) {
      for (const detect::Event::Field& f : n.fields.fields()) {
        std::string name(f.name);
        if (!fields.contains(name)) fields[name] = std::string(f.value);
      }
    }
    j["fields"] = std::move(fields);
  }
  return j;
}

bool SeesEvent(const Call& call, const events::StoredEvent& e) {
  return call.access->SeesOrg(e.org_id == 0 ? std::nullopt : std::optional<int64_t>(e.org_id));
}

// ---------- alerts ----------

Result<http::Response> ListAlerts(Call& call) {
  // status may list several values ("new,acknowledged"); the rest are the usual list parameters.
  std::optional<std::string> statuses;
  std::multimap<std::string, std::string> rest;
  for (const auto& [name, value] : call.req.query) {
    if (name == "status") {
      statuses = value;
    } else {
      rest.emplace(name, value);
    }
  }
  http::Request stripped = call.req;
  stripped.query = std::move(rest);
  Call inner{stripped, call.tx, call.params, call.who, call.access};
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery q, ListQueryFor(inner, domain::kAlerts));
  if (statuses) {
    Json any = Json::array();
    for (std::string_view s : Split(*statuses, ',')) {
      s = Trim(s);
      if (s != "new" && s != "acknowledged" && s != "closed") {
        return InvalidArgument("must be new, acknowledged or closed (comma-separated)", "status");
      }
      any.push_back(std::string(s));
    }
    q.equals.emplace_back("status", std::move(any));
  }
  q.order = {{"last_seen", true, std::nullopt}};
  VIGIL_ASSIGN_OR_RETURN(Json page, PageOf(call, domain::kAlerts, q));
  return JsonResponse(200, page);
}

Result<http::Response> GetAlert(Call& call, const ApiSettings& s) {
  VIGIL_ASSIGN_OR_RETURN(Monitoring * m, NeedMonitoring(s));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json alert, VisibleRecord(call, domain::kAlerts, id));
  Json out = domain::PublicView(domain::kAlerts, std::move(alert));
  Json list = Json::array();
  VIGIL_ASSIGN_OR_RETURN(std::vector<int64_t> ids, call.tx.AlertEventIds(id, 20));
  for (int64_t event_id : ids) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<events::StoredEvent> e, m->events().Get(event_id));
    if (e) list.push_back(EventJson(*e, true));  // gone: past its retention
  }
  out["events"] = std::move(list);
  return JsonResponse(200, out);
}

// Applies a state change to a visible alert, audits it, and publishes it to live consoles.
Result<http::Response> ChangeAlert(
    Call& call, const ApiSettings& s, std::string_view action,
    const std::function<Result<Json>(const Json& alert, const Json& body)>& change) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kAlerts));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json existing, VisibleRecord(call, domain::kAlerts, id));
  Json body = Json::object();
  if (!call.req.body.empty()) {
    VIGIL_ASSIGN_OR_RETURN(body, ParseJsonBody(call.req));
    if (!body.is_object()) return InvalidArgument("the body must be a JSON object");
  }
  VIGIL_ASSIGN_OR_RETURN(Json changes, change(existing, body));
  VIGIL_ASSIGN_OR_RETURN(Json stored,
                         UpdateRecord(call, domain::kAlerts, id, std::move(changes), action));
  Json view = domain::PublicView(domain::kAlerts, std::move(stored));
  if (s.monitoring != nullptr) s.monitoring->feed().Publish(view);
  return JsonResponse(200, view);
}

Result<std::string> OptionalText(const Json& body, const char* name, size_t max, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return InvalidArgument("is required", name);
    return std::string();
  }
  if (!it->is_string()) return InvalidArgument("must be a string", name);
  std::string text(Trim(it->get<std::string>()));
  if (required && text.empty()) return InvalidArgument("is required", name);
  if (text.size() > max)
    return InvalidArgument("too long: at most " + std::to_string(max) + " bytes", name);
  return text;
}

Result<bool> OptionalBool(const Json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean()) return InvalidArgument("must be true or false", name);
  return it->get<bool>();
}

Result<http::Response> Acknowledge(Call& call, const ApiSettings& s) {
  return ChangeAlert(
      call, s, "acknowledge", [&](const Json& alert, const Json& body) -> Result<Json> {
        if (alert["status"] != "new")
          return Conflict("only a new alert can be acknowledged", "status");
        VIGIL_ASSIGN_OR_RETURN(std::string note, OptionalText(body, "note", 2000, false));
        Json changes = {{"status", "acknowledged"},
                        {"acknowledged_by_name", call.who->username},
                        {"acknowledged_at", NowTimestamp()}};
        if (!note.empty()) changes["note"] = note;
        return changes;
      });
}

Result<http::Response> Close(Call& call, const ApiSettings& s) {
  return ChangeAlert(call, s, "close", [&](const Json& alert, const Json& body) -> Result<Json> {
    if (alert["status"] == "closed") return Conflict("the alert is already closed", "status");
    VIGIL_ASSIGN_OR_RETURN(std::string reason, OptionalText(body, "reason", 2000, true));
    VIGIL_ASSIGN_OR_RETURN(bool false_positive, OptionalBool(body, "false_positive"));
    VIGIL_ASSIGN_OR_RETURN(bool suppress, OptionalBool(body, "suppress"));
    if (suppress) {
      Json suppression = {{"rule_id", alert["rule_id"]},
                          {"rule_title", alert["rule_title"]},
                          {"host", alert["host"]},
                          {"org_id", alert["org_id"]},
                          {"reason", reason},
                          {"created_by_name", call.who->username},
                          {"hits", 0}};
      VIGIL_ASSIGN_OR_RETURN(int64_t sid, call.tx.Insert(domain::kSuppressions, suppression));
      suppression["id"] = sid;
      VIGIL_RETURN_IF_ERROR(RecordAudit(call, "create", "suppressions", sid,
                                        domain::IntField(alert, "org_id"), nullptr, suppression));
    }
    return Json{{"status", "closed"},
                {"close_reason", reason},
                {"false_positive", false_positive},
                {"closed_by_name", call.who->username},
                {"closed_at", NowTimestamp()}};
  });
}

Result<http::Response> Reopen(Call& call, const ApiSettings& s) {
  return ChangeAlert(call, s, "reopen", [&](const Json& alert, const Json&) -> Result<Json> {
    if (alert["status"] != "closed")
      return Conflict("only a closed alert can be reopened", "status");
    return Json{{"status", "new"},
                {"close_reason", nullptr},
                {"false_positive", false},
                {"closed_by_name", nullptr},
                {"closed_at", nullptr}};
  });
}

// Server-sent events: every alert created or changed that the caller may see.
class AlertStream final : public http::BodyStream {
 public:
  AlertStream(AlertFeed& feed, std::optional<std::vector<int64_t>> orgs)
      : feed_(feed), orgs_(std::move(orgs)), after_(feed.last()) {
    poll_interval = std::chrono::milliseconds(250);
    feed_.AddReader();
  }
  ~AlertStream() override { feed_.RemoveReader(); }
  AlertStream(const AlertStream&) = delete;
  AlertStream& operator=(const AlertStream&) = delete;
  bool Pull(std::string* out) override {
    auto now = std::chrono::steady_clock::now();
    if (first_) {
      *out += "retry: 3000\n: connected\n\n";
      first_ = false;
      last_write_ = now;
    }
    for (const Json& alert : feed_.Since(after_, &after_)) {
      if (!Visible(alert)) continue;
      *out += "event: alert\ndata: " + alert.dump() + "\n\n";
    }
    if (!out->empty()) {
      last_write_ = now;
    } else if (now - last_write_ > std::chrono::seconds(15)) {
      *out += ": keepalive\n\n";
      last_write_ = now;
    }
    return true;
  }

 private:
  bool Visible(const Json& alert) const {
    if (!orgs_) return true;
    const Json& org = alert["org_id"];
    return org.is_number_integer() &&
           std::find(orgs_->begin(), orgs_->end(), org.get<int64_t>()) != orgs_->end();
  }
  AlertFeed& feed_;
  std::optional<std::vector<int64_t>> orgs_;
  uint64_t after_;
  bool first_ = true;
  std::chrono::steady_clock::time_point last_write_;
};

Result<http::Response> StreamAlerts(Call& call, const ApiSettings& s) {
  VIGIL_ASSIGN_OR_RETURN(Monitoring * m, NeedMonitoring(s));
  VIGIL_RETURN_IF_ERROR(call.access->CheckRead(domain::kAlerts));
  http::Response r;
  r.SetHeader("Content-Type", "text/event-stream; charset=utf-8");
  r.SetHeader("Cache-Control", "no-store");
  r.SetHeader("X-Accel-Buffering", "no");
  r.stream = std::make_shared<AlertStream>(m->feed(), call.access->VisibleOrgs());
  return r;
}

// ---------- suppressions ----------

Result<http::Response> ListSuppressions(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery q, ListQueryFor(call, domain::kSuppressions));
  q.newest_first = true;
  VIGIL_ASSIGN_OR_RETURN(Json page, PageOf(call, domain::kSuppressions, q));
  return JsonResponse(200, page);
}

// DELETE of a record the caller sees and may change, with its audit entry.
Result<http::Response> DeleteAudited(Call& call, const domain::ResourceSpec& spec) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(spec));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json existing, VisibleRecord(call, spec, id));
  VIGIL_RETURN_IF_ERROR(call.tx.Delete(spec, id));
  VIGIL_RETURN_IF_ERROR(RecordAudit(call, "delete", spec.name, id,
                                    domain::IntField(existing, spec.scope_field),
                                    domain::PublicView(spec, existing), nullptr));
  return http::Response{204, {}, {}};
}

// ---------- events ----------

Result<http::Response> SearchEvents(Call& call, const ApiSettings& s) {
  VIGIL_ASSIGN_OR_RETURN(Monitoring * m, NeedMonitoring(s));
  events::EventQuery q;
  q.orgs = call.access->VisibleOrgs();
  q.from_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  (Clock::now() - std::chrono::hours(24)).time_since_epoch())
                  .count();
  std::string text;
  std::vector<std::pair<std::string, std::string>> where;
  for (const auto& [name, value] : call.req.query) {
    if (name == "from") {
      VIGIL_ASSIGN_OR_RETURN(q.from_ms, ParseTimeParam(value, name));
    } else if (name == "to") {
      VIGIL_ASSIGN_OR_RETURN(q.to_ms, ParseTimeParam(value, name));
    } else if (name == "host") {
      q.host = Trim(value);
    } else if (name == "source_type") {
      if (value != "syslog" && value != "json")
        return InvalidArgument("must be syslog or json", name);
      q.source_type = value;
    } else if (name == "q") {
      if (value.size() > 200) return InvalidArgument("too long: at most 200 bytes", name);
      text = AsciiLower(value);
    } else if (name == "where") {
      size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0) {
        return InvalidArgument("must be FIELD=VALUE", name);
      }
      where.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else if (name == "limit") {
      VIGIL_ASSIGN_OR_RETURN(int64_t limit, ParseId(value, name));
      if (limit < 1 || limit > 1000) return InvalidArgument("must be 1 to 1000", name);
      q.limit = static_cast<size_t>(limit);
    } else if (name == "before_id") {
      VIGIL_ASSIGN_OR_RETURN(q.before_id, ParseId(value, name));
    } else {
      return InvalidArgument("unknown query parameter", name);
    }
  }
  if (q.from_ms > q.to_ms) return InvalidArgument("must not be after `to`", "from");
  events::NormalisedEvent n;
  auto accept = [&](const events::StoredEvent& e) {
    if (!text.empty() && AsciiLower(e.raw).find(text) == std::string::npos &&
        AsciiLower(e.host).find(text) == std::string::npos) {
      return false;
    }
    if (where.empty()) return true;
    if (!events::NormaliseStored(e, &n).ok()) return false;
    for (const auto& [field, value] : where) {
      bool found = false;
      for (const detect::Event::Field& f : n.fields.fields()) {
        if (f.name == field && EqualsAsciiFoldCase(f.value, value)) found = true;
      }
      if (!found) return false;
    }
    return true;
  };
  VIGIL_ASSIGN_OR_RETURN(events::SearchPage page, m->events().Search(q, accept));
  Json items = Json::array();
  for (const events::StoredEvent& e : page.items) items.push_back(EventJson(e, true));
  return JsonResponse(
      200, {{"items", std::move(items)},
            {"next_before_id", page.next_before_id == 0 ? Json() : Json(page.next_before_id)}});
}

Result<http::Response> GetEvent(Call& call, const ApiSettings& s) {
  VIGIL_ASSIGN_OR_RETURN(Monitoring * m, NeedMonitoring(s));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(std::optional<events::StoredEvent> e, m->events().Get(id));
  if (!e || !SeesEvent(call, *e)) return NotFound("event " + std::to_string(id) + " not found");
  return JsonResponse(200, EventJson(*e, true));
}

// ---------- log sources and ingestion ----------

Result<http::Response> ListSources(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery q, ListQueryFor(call, domain::kIngestSources));
  VIGIL_ASSIGN_OR_RETURN(Json page, PageOf(call, domain::kIngestSources, q));
  return JsonResponse(200, page);
}

Result<http::Response> CreateSource(Call& call) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kIngestSources));
  VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
  std::string token = auth::NewToken(kSourceTokenPrefix);
  if (body.is_object()) body.erase("token_hash");
  VIGIL_ASSIGN_OR_RETURN(Json decoded, domain::DecodeRecord(domain::kIngestSources, body,
                                                            domain::DecodeMode::kCreate));
  decoded["token_hash"] = auth::TokenDigest(token);
  decoded["events"] = 0;
  VIGIL_ASSIGN_OR_RETURN(Json stored, CreateRecord(call, domain::kIngestSources, decoded));
  Json view = domain::PublicView(domain::kIngestSources, std::move(stored));
  view["token"] = token;  // shown once
  return JsonResponse(201, view);
}

// POST /api/v1/ingest: NDJSON, one JSON object per line, authenticated by a log source's token.
// Lines that are not JSON objects are reported (line and reason) and skipped; the rest are
// stored, and the answer comes only once they are on disk.
Result<http::Response> Ingest(Call& call, const ApiSettings& s) {
  VIGIL_ASSIGN_OR_RETURN(Monitoring * m, NeedMonitoring(s));
  auto header = call.req.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!header || !header->starts_with(kBearer)) {
    return Status(StatusCode::kUnauthenticated,
                  "a log source token is required (Authorization: Bearer vgi_...)");
  }
  std::string_view token = header->substr(kBearer.size());
  VIGIL_ASSIGN_OR_RETURN(
      auto source, call.tx.FindBy(domain::kIngestSources, "token_hash", auth::TokenDigest(token)));
  if (!token.starts_with(kSourceTokenPrefix) || !source) {
    return Status(StatusCode::kUnauthenticated, "unknown log source token");
  }
  const std::string source_name = "http:" + (*source)["name"].get<std::string>();
  const int64_t org_id = (*source)["org_id"].get<int64_t>();
  const int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
  std::vector<ingest::RawEvent> batch;
  Json errors = Json::array();
  int64_t rejected = 0;
  size_t line_no = 0;
  detect::Event probe;
  LineSplitter lines(call.req.body);
  for (std::string_view line; lines.Next(&line);) {
    ++line_no;
    if (Trim(line).empty()) continue;
    if (Status parsed = detect::ParseJsonEvent(line, &probe); !parsed.ok()) {
      ++rejected;
      if (errors.size() < kMaxReportedErrors) {
        errors.push_back({{"line", line_no}, {"message", parsed.message()}});
      }
      continue;
    }
    batch.push_back({std::string(line), ingest::RawKind::kJson, now_ns, call.req.remote_ip,
                     source_name, org_id});
  }
  const size_t accepted = batch.size();
  if (!batch.empty()) {
    auto durable = std::make_shared<std::promise<Status>>();
    std::future<Status> done = durable->get_future();
    Status submitted =
        m->sink().Submit(batch, [durable](const Status& st) { durable->set_value(st); });
    if (!submitted.ok()) {
      http::Response r = ErrorResponse(submitted);
      r.SetHeader("Retry-After", "1");
      return r;
    }
    VIGIL_RETURN_IF_ERROR(done.get());
  }
  m->CountSourceEvents((*source)["id"].get<int64_t>(), static_cast<int64_t>(accepted));
  return JsonResponse(200, {{"accepted", accepted}, {"rejected", rejected}, {"errors", errors}});
}

Result<http::Response> MonitoringStatusRoute(Call& call, const ApiSettings& s) {
  VIGIL_ASSIGN_OR_RETURN(Monitoring * m, NeedMonitoring(s));
  VIGIL_RETURN_IF_ERROR(call.access->CheckRead(domain::kAlerts));
  MonitoringStatus st = m->CurrentStatus();
  const int64_t hour_ago = std::chrono::duration_cast<std::chrono::milliseconds>(
                               (Clock::now() - std::chrono::hours(1)).time_since_epoch())
                               .count();
  VIGIL_ASSIGN_OR_RETURN(int64_t last_hour, m->events().CountSince(hour_ago));
  Json listeners = Json::array();
  if (const ingest::SyslogListeners* l = m->syslog()) {
    auto add = [&](const char* kind, uint16_t port) {
      if (port != 0)
        listeners.push_back({{"name", std::string("syslog/") + kind + ":" + std::to_string(port)}});
    };
    add("udp", l->udp_port());
    add("tcp", l->tcp_port());
    add("tls", l->tls_port());
    for (Json& j : listeners) {
      j["messages"] = st.syslog.messages;  // the listeners share their counters
      j["dropped"] = st.syslog.dropped;
    }
  }
  return JsonResponse(
      200, {{"events_stored", st.store.events},
            {"events_last_hour", last_hour},
            {"bytes", st.store.bytes},
            {"oldest_event",
             st.store.oldest_received_ms == 0 ? Json() : Json(IsoMs(st.store.oldest_received_ms))},
            {"rules_loaded", st.rules_loaded},
            {"rules_refused", st.rules_refused},
            {"detection_lag_events", std::max<int64_t>(0, st.store.last_id - st.detection_cursor)},
            {"queue_bytes", st.pipeline.queue_bytes},
            {"refused_events", st.pipeline.refused},
            {"unparsed_events", st.pipeline.unparsed},
            {"listeners", listeners}});
}

}  // namespace

Result<Monitoring*> NeedMonitoring(const ApiSettings& settings) {
  if (settings.monitoring == nullptr) {
    return Status(StatusCode::kUnavailable, "monitoring is not running on this server");
  }
  return settings.monitoring;
}

void AddMonitoringRoutes(Router& router, const ApiSettings& settings) {
  const ApiSettings* s = &settings;
  auto with = [s](Result<http::Response> (*f)(Call&, const ApiSettings&)) {
    return [s, f](Call& c) { return f(c, *s); };
  };
  const std::string alerts = "/api/v1/alerts";
  router.Add(
      "GET", alerts,
      {"List alerts, most recently seen first (status: comma-separated, severity, host, q, org_id)",
       "monitoring", RouteKind::kList, &domain::kAlerts},
      ListAlerts);
  RouteDoc stream_doc{"Live alert changes as server-sent events (event: alert, data: the alert)",
                      "monitoring"};
  stream_doc.response_type = "text/event-stream";
  router.Add("GET", alerts + "/stream", stream_doc, with(StreamAlerts));
  router.Add(
      "GET", alerts + "/{id}",
      {"Read an alert with its latest events", "monitoring", RouteKind::kGet, &domain::kAlerts},
      with(GetAlert));
  router.Add("POST", alerts + "/{id}/acknowledge",
             {"Acknowledge a new alert (note)", "monitoring", RouteKind::kOther, &domain::kAlerts,
              "application/json"},
             with(Acknowledge));
  router.Add("POST", alerts + "/{id}/close",
             {"Close an alert (reason, false_positive, suppress)", "monitoring", RouteKind::kOther,
              &domain::kAlerts, "application/json"},
             with(Close));
  router.Add("POST", alerts + "/{id}/reopen",
             {"Reopen a closed alert", "monitoring", RouteKind::kOther, &domain::kAlerts},
             with(Reopen));
  router.Add("GET", "/api/v1/suppressions",
             {"List alert suppressions", "monitoring", RouteKind::kList, &domain::kSuppressions},
             ListSuppressions);
  router.Add(
      "DELETE", "/api/v1/suppressions/{id}",
      {"Delete an alert suppression", "monitoring", RouteKind::kDelete, &domain::kSuppressions},
      [](Call& c) { return DeleteAudited(c, domain::kSuppressions); });
  router.Add("GET", "/api/v1/events",
             {"Search stored events, newest first (from, to, host, q, where=FIELD=VALUE, "
              "source_type, limit, before_id)",
              "monitoring"},
             with(SearchEvents));
  router.Add("GET", "/api/v1/events/{id}", {"Read a stored event with its fields", "monitoring"},
             with(GetEvent));
  router.Add("GET", "/api/v1/ingest/sources",
             {"List log sources", "monitoring", RouteKind::kList, &domain::kIngestSources},
             ListSources);
  router.Add("POST", "/api/v1/ingest/sources",
             {"Register a log source (admin); the answer carries its token, shown once",
              "monitoring", RouteKind::kCreate, &domain::kIngestSources, "application/json"},
             CreateSource);
  router.Add(
      "DELETE", "/api/v1/ingest/sources/{id}",
      {"Delete a log source (admin)", "monitoring", RouteKind::kDelete, &domain::kIngestSources},
      [](Call& c) { return DeleteAudited(c, domain::kIngestSources); });
  RouteDoc ingest_doc{"Post events as NDJSON, authenticated by a log source token (Bearer vgi_...)",
                      "monitoring", RouteKind::kOther, nullptr, "application/x-ndjson"};
  ingest_doc.public_route = true;  // authenticated by the source token, not a user
  ingest_doc.source_token = true;
  ingest_doc.read_only = true;  // events go to the event store, not the main database
  router.Add("POST", "/api/v1/ingest", ingest_doc, with(Ingest));
  router.Add("GET", "/api/v1/monitoring/status",
             {"Event store, pipeline, listeners and rules", "monitoring"},
             with(MonitoringStatusRoute));
}

}  // namespace vigil::server
