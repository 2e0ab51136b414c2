// Endpoint agents (issue 5). For the console: enrolment tokens, agents (list, inventory, settings,
// revocation), scan and quarantine tasks, detections and YARA rule files. For vigil-agent, under
// /api/v1/agent/: enrolment with a one-time token, then heartbeats, inventory, events, compiled
// rules and hash indicators, each authenticated by the agent's own secret (docs/AGENT.md).
//
// Agent events carry the agent's sequence numbers and are applied in order in one transaction
// with agents.last_seq, so a batch delivered twice (the agent did not see the answer) changes
// nothing the second time: no duplicate detection, alert or task result.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agent/scan/rules.h"
#include "auth/credentials.h"
#include "core/ip.h"
#include "core/text.h"
#include "core/thread_name.h"
#include "core/time.h"
#include "domain/record.h"
#include "http/tls.h"
#include "intel/indicator_set.h"
#include "server/alerting.h"
#include "server/api.h"
#include "server/audit_log.h"
#include "server/json_io.h"
#include "server/monitoring.h"

namespace vigil::server {
namespace {

using domain::IntField;

constexpr std::string_view kEnrollTokenPrefix = "vge_";
constexpr std::string_view kAgentSecretPrefix = "vga_";
constexpr size_t kMaxEventsPerBatch = 1000;
constexpr size_t kMaxScanPaths = 64;
constexpr int64_t kAllRows = 1'000'000;

Result<std::vector<Json>> AllOf(store::Transaction& tx, const domain::ResourceSpec& spec,
                                std::vector<std::pair<std::string, Json>> equals) {
  store::ListQuery q;
  q.equals = std::move(equals);
  q.limit = kAllRows;
  q.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, tx.List(spec, q));
  return std::move(page.items);
}

// An agent's settings with every member present: the stored ones over the defaults.
Json AgentSettings(const Json& agent) {
  Json settings = {{"scan_paths", Json::array({"/home", "/root", "/tmp", "/var/tmp", "/var/www"})},
                   {"scan_interval_hours", 24},
                   {"cpu_percent", 50},
                   {"max_file_mb", 64},
                   {"quarantine", true},
                   {"heartbeat_seconds", 30}};
  if (auto it = agent.find("settings"); it != agent.end() && it->is_object()) {
    settings.update(*it);
  }
  return settings;
}

// Validates a settings change (members as in AgentSettings; unknown members are errors).
Status CheckSettings(const Json& settings) {
  if (!settings.is_object()) return InvalidArgument("must be an object", "settings");
  auto int_in = [&](const char* name, int64_t lo, int64_t hi) -> Status {
    auto it = settings.find(name);
    if (it == settings.end()) return Status::Ok();
    if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
      return InvalidArgument(
          "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi),
          std::string("settings.") + name);
    }
    return Status::Ok();
  };
  for (const auto& [key, value] : settings.items()) {
    if (key == "scan_paths") {
      if (!value.is_array() || value.size() > kMaxScanPaths) {
        return InvalidArgument("must be an array of at most 64 absolute paths",
                               "settings.scan_paths");
      }
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string() || !value[i].get<std::string>().starts_with('/')) {
          return InvalidArgument("must be an absolute path",
                                 "settings.scan_paths[" + std::to_string(i) + "]");
        }
      }
    } else if (key == "quarantine") {
      if (!value.is_boolean())
        return InvalidArgument("must be true or false", "settings.quarantine");
    } else if (key != "scan_interval_hours" && key != "cpu_percent" && key != "max_file_mb" &&
               key != "heartbeat_seconds") {
      return InvalidArgument("unknown setting", "settings." + key);
    }
  }
  VIGIL_RETURN_IF_ERROR(int_in("scan_interval_hours", 0, int64_t{24} * 30));
  VIGIL_RETURN_IF_ERROR(int_in("cpu_percent", 1, 100));
  VIGIL_RETURN_IF_ERROR(int_in("max_file_mb", 1, 4096));
  return int_in("heartbeat_seconds", 5, 3600);
}

// ---------- rules and indicators for agents ----------

// Bumped (in detection_state) by every write to the YARA rule files, so that a heartbeat learns
// whether the compiled set is current from one counter instead of reading every file's source.
constexpr std::string_view kRulesGeneration = "agent_rules_generation";

Status BumpRulesGeneration(store::Transaction& tx) {
  VIGIL_ASSIGN_OR_RETURN(int64_t generation, tx.DetectionCounter(kRulesGeneration));
  return tx.SetDetectionCounter(kRulesGeneration, generation + 1);
}

// The compiled rule set every agent scans with: the EICAR test rule and the enabled rule files.
// Compiled once per generation of those files and kept for all agents (one server process
// serves one store).
struct RuleBundle {
  int64_t generation = 0;
  std::string version;  // CompiledRules::version()
  std::string bytes;    // CompiledRules::Serialize()
  size_t rules = 0;
};

Result<std::shared_ptr<const RuleBundle>> CompileBundle(
    int64_t generation, const std::vector<agent::RuleSource>& sources) {
  // A file that no longer compiles with the others is left out rather than stopping every scan.
  std::vector<std::string> rejected;
  VIGIL_ASSIGN_OR_RETURN(agent::CompiledRules rules, agent::CompileKeepingGood(sources, &rejected));
  auto bundle = std::make_shared<RuleBundle>();
  bundle->generation = generation;
  bundle->version = rules.version();
  bundle->rules = rules.rule_count();
  VIGIL_ASSIGN_OR_RETURN(bundle->bytes, rules.Serialize());
  return std::shared_ptr<const RuleBundle>(std::move(bundle));
}

// Compiles off the request path: requests run in a write transaction, and a large rule set
// (signature-base: about 3 s) would hold every other writer that long. A request that finds the
// set out of date starts a compile in the background, waits for it briefly (small sets are
// ready at once), then goes on with the newest set there is; agents get the new one at a later
// heartbeat. Only while no set exists at all does a request wait for the compile.
class RuleCompiler {
 public:
  static RuleCompiler& Instance() {
    static auto* compiler = new RuleCompiler;  // never destroyed: a compile may outlive main
    return *compiler;
  }

  Result<std::shared_ptr<const RuleBundle>> Current(store::Transaction& tx) {
    VIGIL_ASSIGN_OR_RETURN(int64_t generation, tx.DetectionCounter(kRulesGeneration));
    std::unique_lock lock(mutex_);
    if (done_ && done_->generation == generation) return done_;
    if (compiling_ != generation) {
      VIGIL_ASSIGN_OR_RETURN(std::vector<agent::RuleSource> sources, Sources(tx));
      compiling_ = generation;
      std::thread([this, generation, sources = std::move(sources)] {
        NameThisThread("vigil-rules");
        Result<std::shared_ptr<const RuleBundle>> bundle = CompileBundle(generation, sources);
        std::lock_guard done_lock(mutex_);
        if (bundle.ok()) {
          done_ = *bundle;  // the newest finished compile wins; a stale one is redone later
        } else {
          failure_ = bundle.status();
        }
        if (compiling_ == generation) compiling_ = -1;
        changed_.notify_all();
      }).detach();
    }
    // Briefly for this compile; without any set, until it ends.
    changed_.wait_for(lock, kBriefWait, [&] { return compiling_ != generation; });
    if (!done_) changed_.wait(lock, [&] { return compiling_ != generation; });
    if (done_) return done_;
    return failure_;
  }

 private:
  static constexpr auto kBriefWait = std::chrono::milliseconds(250);

  static Result<std::vector<agent::RuleSource>> Sources(store::Transaction& tx) {
    VIGIL_ASSIGN_OR_RETURN(std::vector<Json> files, AllOf(tx, domain::kYaraRules, {}));
    std::vector<agent::RuleSource> sources = {{"eicar.yar", std::string(agent::EicarRuleSource())}};
    for (const Json& f : files) {
      if (f.value("enabled", true))
        sources.push_back({f.value("name", "") + ".yar", f.value("source", "")});
    }
    return sources;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::shared_ptr<const RuleBundle> done_;  // the newest compiled set
  int64_t compiling_ = -1;                  // the generation being compiled, or -1
  Status failure_ = Internal("the agents' rule set is not compiled");  // the last failure
};

Result<std::shared_ptr<const RuleBundle>> CurrentRules(store::Transaction& tx) {
  return RuleCompiler::Instance().Current(tx);
}

// The indicator lists an agent's organisation is subject to: its own and those above it.
Result<std::vector<Json>> ListsAbove(store::Transaction& tx, int64_t org) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<store::OrgNode> nodes, tx.OrgNodes());
  const OrgTree tree(nodes);
  std::vector<int64_t> orgs = tree.Chain(org);
  orgs.push_back(org);
  store::ListQuery q;
  q.scope = orgs;
  q.limit = kAllRows;
  q.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, tx.List(domain::kIntelLists, q));
  return std::move(page.items);
}

// Changes whenever one of those lists is imported, changed or deleted.
std::string ListsVersion(const std::vector<Json>& lists) {
  std::string key;
  for (const Json& l : lists) {
    key += std::to_string(l["id"].get<int64_t>()) + "@" + l.value("updated_at", "") + ";";
  }
  return http::Sha256Hex(key).substr(0, 16);
}

// ---------- authentication ----------

std::optional<std::string_view> BearerToken(const http::Request& req) {
  auto header = req.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!header || !header->starts_with(kBearer)) return std::nullopt;
  return header->substr(kBearer.size());
}

// The agent behind the request's secret; 401 for unknown secrets and revoked agents.
Result<Json> AuthenticateAgent(Call& call) {
  auto token = BearerToken(call.req);
  if (!token || !token->starts_with(kAgentSecretPrefix)) {
    return Status(StatusCode::kUnauthenticated,
                  "an agent credential is required (Authorization: Bearer vga_...)");
  }
  VIGIL_ASSIGN_OR_RETURN(auto agent,
                         call.tx.FindBy(domain::kAgents, "token_hash", auth::TokenDigest(*token)));
  if (!agent) return Status(StatusCode::kUnauthenticated, "unknown agent credential");
  if (agent->value("status", "") != "active") {
    return Status(StatusCode::kUnauthenticated, "this agent was revoked in the console");
  }
  return *agent;
}

Status AuditAgent(Call& call, const Json& agent, std::string_view action, std::string_view kind,
                  std::optional<int64_t> object_id, const Json& before, const Json& after) {
  AuditEntry entry;
  entry.actor = "agent " + agent.value("name", "");
  entry.remote_ip = call.req.remote_ip;
  entry.action = action;
  entry.kind = kind;
  entry.object_id = object_id;
  entry.org_id = IntField(agent, "org_id");
  entry.before = before;
  entry.after = after;
  return AppendAudit(call.tx, entry);
}

// ---------- alerts from agents ----------

// A synthetic rule for an agent finding; lives for the call of ApplyAlertHits.
detect::SigmaRule AgentRule(std::string id, std::string title, std::string description) {
  detect::SigmaRule rule;
  rule.id = std::move(id);
  rule.title = std::move(title);
  rule.level = "high";
  rule.description = std::move(description);
  rule.tags = {"vigil.agent"};
  return rule;
}

AlertHit HitFor(const detect::SigmaRule& rule, const Json& agent, Json fields) {
  AlertHit hit;
  hit.rule = &rule;
  hit.host = agent.value("name", "");
  hit.time_ms = UnixNow() * 1000;
  hit.org_id = IntField(agent, "org_id").value_or(0);
  hit.asset_id = IntField(agent, "asset_id").value_or(0);
  hit.fields = std::move(fields);
  return hit;
}

Result<std::vector<Json>> RaiseAlerts(Call& call, const ApiSettings& s,
                                      const std::vector<AlertHit>& hits) {
  if (hits.empty()) return std::vector<Json>{};
  // Each hit's asset decides the system and its level, as for log detections.
  std::vector<AlertHit> leveled = hits;
  for (AlertHit& hit : leveled) {
    if (hit.asset_id == 0) continue;
    VIGIL_ASSIGN_OR_RETURN(auto asset, call.tx.Get(domain::kAssets, hit.asset_id));
    if (!asset) continue;
    hit.asset_name = asset->value("hostname", "");
    if (auto systems = asset->find("system_ids"); systems != asset->end() && systems->is_array()) {
      for (const Json& id : *systems) {
        VIGIL_ASSIGN_OR_RETURN(auto system, call.tx.Get(domain::kSystems, id.get<int64_t>()));
        const int level =
            system ? static_cast<int>(IntField(*system, "security_level").value_or(0)) : 0;
        if (level > hit.security_level) {
          hit.security_level = level;
          hit.system_id = id.get<int64_t>();
        }
      }
    }
  }
  VIGIL_ASSIGN_OR_RETURN(std::vector<int64_t> changed,
                         ApplyAlertHits(call.tx, leveled, AlertPolicy{}));
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> alerts, ReadAlerts(call.tx, changed));
  // Shown on live consoles at once (the transaction commits right after the handler).
  if (s.monitoring != nullptr) {
    for (const Json& alert : alerts) {
      s.monitoring->feed().Publish(domain::PublicView(domain::kAlerts, alert));
    }
  }
  return alerts;
}

// ---------- console routes ----------

// The organisation of a new token: `org_id`, or the caller's scope root, or the only root.
Result<int64_t> TokenOrg(Call& call, const Json& body) {
  const OrgTree& tree = call.access->tree();
  if (auto it = body.find("org_id"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || !tree.Exists(it->get<int64_t>()) ||
        !call.access->SeesOrg(it->get<int64_t>())) {
      return NotFound("no such organisation", "org_id");
    }
    return it->get<int64_t>();
  }
  if (call.who->scope_root) return *call.who->scope_root;
  std::vector<int64_t> roots;
  for (int64_t id : tree.All()) {
    if (tree.Chain(id).empty()) roots.push_back(id);
  }
  if (roots.size() == 1) return roots.front();
  return InvalidArgument("is required", "org_id");
}

Result<http::Response> CreateEnrollmentToken(Call& call, const ApiSettings& s) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kEnrollmentTokens));
  Json body = Json::object();
  if (!call.req.body.empty()) {
    VIGIL_ASSIGN_OR_RETURN(body, ParseJsonBody(call.req));
    if (!body.is_object()) return InvalidArgument("expected a JSON object", "body");
  }
  int64_t hours = 24;
  if (auto it = body.find("expires_in_hours"); it != body.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
        it->get<int64_t>() > int64_t{24} * 30) {
      return InvalidArgument("must be an integer from 1 to 720", "expires_in_hours");
    }
    hours = it->get<int64_t>();
  }
  VIGIL_ASSIGN_OR_RETURN(int64_t org, TokenOrg(call, body));
  Json fields = {{"org_id", org}};
  if (body.contains("note")) fields["note"] = body["note"];
  VIGIL_ASSIGN_OR_RETURN(Json record, domain::DecodeRecord(domain::kEnrollmentTokens, fields,
                                                           domain::DecodeMode::kCreate));
  const std::string secret = auth::NewToken(kEnrollTokenPrefix);
  record["token_hash"] = auth::TokenDigest(secret);
  record["expires_at"] = FormatTimestamp(Clock::now() + std::chrono::hours(hours));
  record["created_by_name"] = call.who->username;
  VIGIL_ASSIGN_OR_RETURN(Json stored, CreateRecord(call, domain::kEnrollmentTokens, record));
  Json view = domain::PublicView(domain::kEnrollmentTokens, std::move(stored));
  // The token carries the server's certificate digest, so that the agent can check at enrolment
  // that it talks to this server, and pin it.
  view["token"] =
      s.tls_certificate_sha256.empty() ? secret : secret + "." + s.tls_certificate_sha256;
  view["server_certificate_sha256"] =
      s.tls_certificate_sha256.empty() ? Json() : Json(s.tls_certificate_sha256);
  return JsonResponse(201, view);
}

Result<http::Response> ListOf(Call& call, const domain::ResourceSpec& spec) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckRead(spec));
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery q, ListQueryFor(call, spec));
  q.newest_first = true;
  VIGIL_ASSIGN_OR_RETURN(Json page, PageOf(call, spec, q));
  return JsonResponse(200, page);
}

Result<http::Response> GetOne(Call& call, const domain::ResourceSpec& spec) {
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json record, VisibleRecord(call, spec, id));
  Json view = domain::PublicView(spec, record);
  if (&spec == &domain::kAgents) view["settings"] = AgentSettings(record);
  return JsonResponse(200, view);
}

Result<http::Response> GetInventory(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json agent, VisibleRecord(call, domain::kAgents, id));
  Json inventory = agent.value("inventory", Json());
  if (!inventory.is_object()) inventory = Json::object();
  return JsonResponse(200, {{"agent_id", id},
                            {"collected_at", agent.value("inventory_at", Json())},
                            {"inventory", inventory}});
}

Result<http::Response> PatchAgent(Call& call) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kAgents));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
  if (!body.is_object()) return InvalidArgument("expected a JSON object", "body");
  for (const auto& [key, value] : body.items()) {
    if (key != "asset_id" && key != "settings") {
      return InvalidArgument("only asset_id and settings can be changed", key);
    }
  }
  if (body.contains("settings")) VIGIL_RETURN_IF_ERROR(CheckSettings(body["settings"]));
  VIGIL_ASSIGN_OR_RETURN(Json existing, VisibleRecord(call, domain::kAgents, id));
  Json changes = body;
  if (changes.contains("settings")) {
    Json merged = existing.value("settings", Json::object());
    if (!merged.is_object()) merged = Json::object();
    merged.update(changes["settings"]);
    changes["settings"] = merged;
  }
  VIGIL_ASSIGN_OR_RETURN(Json stored, UpdateRecord(call, domain::kAgents, id, changes));
  Json view = domain::PublicView(domain::kAgents, stored);
  view["settings"] = AgentSettings(stored);
  return JsonResponse(200, view);
}

Result<http::Response> RevokeAgent(Call& call) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kAgents));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json existing, VisibleRecord(call, domain::kAgents, id));
  if (existing.value("status", "") == "revoked") {
    return Conflict("the agent is already revoked", "status");
  }
  Json changes = {{"status", "revoked"},
                  {"revoked_at", NowTimestamp()},
                  {"revoked_by_name", call.who->username}};
  VIGIL_ASSIGN_OR_RETURN(Json stored, UpdateRecord(call, domain::kAgents, id, changes, "revoke"));
  return JsonResponse(200, domain::PublicView(domain::kAgents, stored));
}

Result<Json> NewTask(Call& call, const Json& agent, std::string_view kind, Json args) {
  if (agent.value("status", "") != "active") {
    return Conflict("the agent is revoked", "agent_id");
  }
  Json task = {{"agent_id", agent["id"]},
               {"org_id", agent["org_id"]},
               {"kind", kind},
               {"args", std::move(args)},
               {"status", "pending"},
               {"created_by_name", call.who->username}};
  return CreateRecord(call, domain::kAgentTasks, task);
}

Result<http::Response> CreateScan(Call& call) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kAgentTasks));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json agent, VisibleRecord(call, domain::kAgents, id));
  Json body = Json::object();
  if (!call.req.body.empty()) {
    VIGIL_ASSIGN_OR_RETURN(body, ParseJsonBody(call.req));
  }
  Json paths = body.is_object() && body.contains("paths") ? body["paths"]
                                                          : AgentSettings(agent)["scan_paths"];
  VIGIL_RETURN_IF_ERROR(CheckSettings({{"scan_paths", paths}}).Within("body"));
  if (paths.empty()) return InvalidArgument("name at least one path", "paths");
  VIGIL_ASSIGN_OR_RETURN(Json task, NewTask(call, agent, "scan", {{"paths", paths}}));
  return JsonResponse(201, domain::PublicView(domain::kAgentTasks, task));
}

// restore | delete | quarantine of a detection's file, carried out by its agent.
Result<http::Response> DetectionAction(Call& call, std::string_view kind) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kAgentTasks));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json detection, VisibleRecord(call, domain::kAgentDetections, id));
  const std::string status = detection.value("status", "");
  const bool allowed = kind == "quarantine" ? status == "detected" : status == "quarantined";
  if (!allowed) {
    return Conflict("the file is " + status + "; " + std::string(kind) + " is not possible now",
                    "status");
  }
  VIGIL_ASSIGN_OR_RETURN(auto agent,
                         call.tx.Get(domain::kAgents, IntField(detection, "agent_id").value_or(0)));
  if (!agent) return NotFound("the detection's agent no longer exists");
  Json args = {{"detection_id", id},
               {"path", detection.value("path", "")},
               {"quarantine_id", detection.value("quarantine_id", Json())},
               {"rule", detection.value("rule", "")},
               {"sha256", detection.value("sha256", Json())}};
  VIGIL_ASSIGN_OR_RETURN(Json task, NewTask(call, *agent, kind, std::move(args)));
  return JsonResponse(201, domain::PublicView(domain::kAgentTasks, task));
}

// YARA rule files: compiled on every write, so that a broken file is refused with its line.
Result<http::Response> SaveYaraRule(Call& call, bool create) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kYaraRules));
  VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
  VIGIL_ASSIGN_OR_RETURN(Json record, domain::DecodeRecord(domain::kYaraRules, body,
                                                           create ? domain::DecodeMode::kCreate
                                                                  : domain::DecodeMode::kPatch));
  int64_t id = 0;
  Json existing;
  if (!create) {
    VIGIL_ASSIGN_OR_RETURN(id, ParseId(call.params["id"], "id"));
    VIGIL_ASSIGN_OR_RETURN(existing, VisibleRecord(call, domain::kYaraRules, id));
  }
  Json merged = existing.is_object() ? existing : Json::object();
  merged.update(record);
  const std::string name = merged.value("name", "rules");
  auto compiled = agent::CompiledRules::Compile({{name + ".yar", merged.value("source", "")}});
  if (!compiled.ok()) return InvalidArgument(compiled.status().message(), "source");
  record["rule_count"] = static_cast<int64_t>(compiled->rule_count());
  VIGIL_RETURN_IF_ERROR(BumpRulesGeneration(call.tx));
  if (create) {
    // DecodeRecord defaults absent booleans to false; a new rule file is enabled unless told.
    if (!body.contains("enabled")) record["enabled"] = true;
    record["created_by_name"] = call.who->username;
    VIGIL_ASSIGN_OR_RETURN(Json stored, CreateRecord(call, domain::kYaraRules, record));
    return JsonResponse(201, domain::PublicView(domain::kYaraRules, stored));
  }
  VIGIL_ASSIGN_OR_RETURN(Json stored, UpdateRecord(call, domain::kYaraRules, id, record));
  return JsonResponse(200, domain::PublicView(domain::kYaraRules, stored));
}

Result<http::Response> DeleteYaraRule(Call& call) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kYaraRules));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json existing, VisibleRecord(call, domain::kYaraRules, id));
  VIGIL_RETURN_IF_ERROR(call.tx.Delete(domain::kYaraRules, id));
  VIGIL_RETURN_IF_ERROR(BumpRulesGeneration(call.tx));
  VIGIL_RETURN_IF_ERROR(RecordAudit(call, "delete", domain::kYaraRules.name, id, std::nullopt,
                                    domain::PublicView(domain::kYaraRules, existing), nullptr));
  http::Response r;
  r.status = 204;
  return r;
}

// ---------- agent protocol ----------

// The registered asset an enrolling host is: same host name, or one of its addresses, within the
// token's organisation subtree.
Result<std::optional<int64_t>> MatchAsset(store::Transaction& tx, int64_t org,
                                          const std::string& hostname, const Json& addresses) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<store::OrgNode> nodes, tx.OrgNodes());
  const OrgTree tree(nodes);
  store::ListQuery q;
  q.scope = tree.Subtree(org);
  q.limit = kAllRows;
  q.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, tx.List(domain::kAssets, q));
  std::set<std::string> ips;
  for (const Json& a : addresses) {
    if (a.is_string()) ips.insert(a.get<std::string>());
  }
  for (const Json& asset : page.items) {
    if (EqualsAsciiFoldCase(asset.value("hostname", ""), hostname)) {
      return IntField(asset, "id");
    }
  }
  for (const Json& asset : page.items) {
    for (const Json& ip : asset.value("ips", Json::array())) {
      if (ip.is_string() && ips.count(ip.get<std::string>()) != 0) return IntField(asset, "id");
    }
  }
  return std::optional<int64_t>();
}

std::string StringMember(const Json& body, const char* name, size_t max) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return {};
  std::string value = it->get<std::string>();
  if (value.size() > max) value.resize(max);
  return value;
}

Result<http::Response> Enroll(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
  if (!body.is_object()) return InvalidArgument("expected a JSON object", "body");
  std::string token = StringMember(body, "token", 512);
  token = token.substr(0, token.find('.'));  // the certificate digest is the agent's business
  VIGIL_ASSIGN_OR_RETURN(auto found, call.tx.FindBy(domain::kEnrollmentTokens, "token_hash",
                                                    auth::TokenDigest(token)));
  if (!token.starts_with(kEnrollTokenPrefix) || !found ||
      !found->value("used_at", Json()).is_null() ||
      found->value("expires_at", "") <= NowTimestamp()) {
    return Status(StatusCode::kUnauthenticated, "unknown, used or expired enrolment token");
  }
  const std::string hostname = StringMember(body, "hostname", 255);
  if (hostname.empty()) return InvalidArgument("is required", "hostname");
  Json addresses = body.value("addresses", Json::array());
  if (!addresses.is_array()) return InvalidArgument("must be an array", "addresses");
  const int64_t org = IntField(*found, "org_id").value_or(0);
  VIGIL_ASSIGN_OR_RETURN(std::optional<int64_t> asset,
                         MatchAsset(call.tx, org, hostname, addresses));
  const std::string secret = auth::NewToken(kAgentSecretPrefix);
  Json agent = {{"name", hostname},
                {"org_id", org},
                {"asset_id", asset ? Json(*asset) : Json()},
                {"status", "active"},
                {"version", StringMember(body, "version", 64)},
                {"os", StringMember(body, "os", 200)},
                {"kernel", StringMember(body, "kernel", 200)},
                {"addresses", addresses},
                {"last_seen", NowTimestamp()},
                {"last_seq", 0},
                {"dropped_events", 0},
                {"token_hash", auth::TokenDigest(secret)}};
  VIGIL_ASSIGN_OR_RETURN(int64_t id, call.tx.Insert(domain::kAgents, agent));
  VIGIL_RETURN_IF_ERROR(call.tx.Update(domain::kEnrollmentTokens, (*found)["id"].get<int64_t>(),
                                       {{"used_at", NowTimestamp()}, {"agent_id", id}}));
  VIGIL_ASSIGN_OR_RETURN(auto stored, call.tx.Get(domain::kAgents, id));
  VIGIL_RETURN_IF_ERROR(AuditAgent(call, *stored, "enroll", domain::kAgents.name, id, nullptr,
                                   domain::PublicView(domain::kAgents, *stored)));
  return JsonResponse(201, {{"agent_id", id},
                            {"name", hostname},
                            {"org_id", org},
                            {"asset_id", asset ? Json(*asset) : Json()},
                            {"secret", secret},
                            {"settings", AgentSettings(*stored)}});
}

Result<http::Response> Heartbeat(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(Json agent, AuthenticateAgent(call));
  Json body = Json::object();
  if (!call.req.body.empty()) {
    VIGIL_ASSIGN_OR_RETURN(body, ParseJsonBody(call.req));
  }
  if (!body.is_object()) return InvalidArgument("expected a JSON object", "body");
  const int64_t id = agent["id"].get<int64_t>();
  Json changes = {{"last_seen", NowTimestamp()}};
  if (std::string version = StringMember(body, "version", 64); !version.empty()) {
    changes["version"] = version;
  }
  if (body.contains("health") && body["health"].is_object()) changes["health"] = body["health"];
  if (auto it = body.find("dropped_events"); it != body.end() && it->is_number_integer()) {
    changes["dropped_events"] = std::max<int64_t>(0, it->get<int64_t>());
  }
  VIGIL_RETURN_IF_ERROR(call.tx.Update(domain::kAgents, id, changes));
  // Pending tasks go out with this answer, oldest first, and are marked sent.
  VIGIL_ASSIGN_OR_RETURN(
      std::vector<Json> pending,
      AllOf(call.tx, domain::kAgentTasks, {{"agent_id", id}, {"status", "pending"}}));
  std::sort(pending.begin(), pending.end(),
            [](const Json& a, const Json& b) { return a["id"] < b["id"]; });
  Json tasks = Json::array();
  for (const Json& task : pending) {
    VIGIL_RETURN_IF_ERROR(
        call.tx.Update(domain::kAgentTasks, task["id"].get<int64_t>(), {{"status", "sent"}}));
    tasks.push_back(
        {{"id", task["id"]}, {"kind", task["kind"]}, {"args", task.value("args", Json())}});
  }
  VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<const RuleBundle> rules, CurrentRules(call.tx));
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> lists,
                         ListsAbove(call.tx, IntField(agent, "org_id").value_or(0)));
  return JsonResponse(200, {{"settings", AgentSettings(agent)},
                            {"rules_version", rules->version},
                            {"hashes_version", ListsVersion(lists)},
                            {"last_seq", agent.value("last_seq", 0)},
                            {"tasks", tasks},
                            {"server_time", NowTimestamp()}});
}

Result<http::Response> Rules(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(Json agent, AuthenticateAgent(call));
  VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<const RuleBundle> rules, CurrentRules(call.tx));
  http::Response r;
  r.body = rules->bytes;
  r.SetHeader("Content-Type", "application/octet-stream");
  r.SetHeader("X-Vigil-Rules-Version", rules->version);
  r.SetHeader("X-Vigil-Rule-Count", std::to_string(rules->rules));
  return r;
}

Result<http::Response> Hashes(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(Json agent, AuthenticateAgent(call));
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> lists,
                         ListsAbove(call.tx, IntField(agent, "org_id").value_or(0)));
  Json kinds = {{"md5", Json::object()}, {"sha1", Json::object()}, {"sha256", Json::object()}};
  const int64_t now = UnixNow();
  for (const Json& list : lists) {
    VIGIL_ASSIGN_OR_RETURN(std::vector<store::IndicatorRow> rows,
                           call.tx.ListIndicators(list["id"].get<int64_t>()));
    const std::string label = list.value("name", "");
    for (const store::IndicatorRow& row : rows) {
      if (!kinds.contains(row.kind) || (row.expires > 0 && row.expires <= now)) continue;
      kinds[row.kind][AsciiLower(row.value)] =
          row.family.empty() ? label : label + ": " + row.family;
    }
  }
  kinds["version"] = ListsVersion(lists);
  return JsonResponse(200, kinds);
}

// The established connections of an inventory against the indicator lists the agent's
// organisation is subject to: one alert per listed remote address (folded like other alerts).
Result<int64_t> CheckConnections(Call& call, const ApiSettings& s, const Json& agent,
                                 const Json& connections) {
  if (!connections.is_array() || connections.empty()) return 0;
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> lists,
                         ListsAbove(call.tx, IntField(agent, "org_id").value_or(0)));
  if (lists.empty()) return 0;
  intel::IndicatorSet::Builder builder(UnixNow());
  for (const Json& list : lists) {
    VIGIL_ASSIGN_OR_RETURN(std::vector<store::IndicatorRow> rows,
                           call.tx.ListIndicators(list["id"].get<int64_t>()));
    for (const store::IndicatorRow& row : rows) {
      if (row.kind != "ip" && row.kind != "cidr" && row.kind != "range") continue;
      auto parsed = intel::ParseIndicator(row.value);
      if (!parsed.ok()) continue;
      parsed->source = list.value("name", "");
      parsed->family = row.family;
      parsed->expires = row.expires;
      builder.Add(std::move(parsed).value());
    }
  }
  const intel::IndicatorSet set = std::move(builder).Finish();
  const detect::SigmaRule rule = AgentRule(
      "vigil-agent-listed-connection", "Connection to an address on an indicator list",
      "A host running vigil-agent has an established connection to an address on a botnet or "
      "indicator list: clean this host first.");
  std::vector<AlertHit> hits;
  for (const Json& c : connections) {
    const std::string remote = c.value("remote_ip", "");
    auto ip = ParseIp(remote);
    if (!ip.ok()) continue;
    const intel::IndicatorRef hit = set.MatchIp(*ip);
    if (!hit) continue;
    hits.push_back(HitFor(rule, agent,
                          {{"remote_ip", remote},
                           {"remote_port", c.value("remote_port", Json())},
                           {"process", c.value("process", Json())},
                           {"indicator", std::string(hit.value())},
                           {"list", hit.meta().source},
                           {"family", hit.meta().family}}));
  }
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> alerts, RaiseAlerts(call, s, hits));
  return static_cast<int64_t>(hits.size());
}

Result<http::Response> Inventory(Call& call, const ApiSettings& s) {
  VIGIL_ASSIGN_OR_RETURN(Json agent, AuthenticateAgent(call));
  VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
  if (!body.is_object() || !body.contains("sections") || !body["sections"].is_object()) {
    return InvalidArgument("expected {\"sections\": {...}}", "sections");
  }
  const Json& sections = body["sections"];
  Json inventory = agent.value("inventory", Json::object());
  if (!inventory.is_object()) inventory = Json::object();
  for (const auto& [name, value] : sections.items()) inventory[name] = value;
  Json changes = {
      {"inventory", inventory}, {"inventory_at", NowTimestamp()}, {"last_seen", NowTimestamp()}};
  if (const Json* system = sections.contains("system") ? &sections["system"] : nullptr;
      system != nullptr && system->is_object()) {
    const std::string os =
        (system->value("os_name", Json()).is_string() ? system->value("os_name", std::string())
                                                      : std::string()) +
        (system->value("os_version", Json()).is_string()
             ? " " + system->value("os_version", std::string())
             : std::string());
    if (!os.empty()) changes["os"] = os;
    if ((*system).value("kernel", Json()).is_string()) changes["kernel"] = (*system)["kernel"];
  }
  if (sections.contains("packages") && sections["packages"].is_array()) {
    changes["package_count"] = static_cast<int64_t>(sections["packages"].size());
  }
  if (sections.contains("addresses") && sections["addresses"].is_array()) {
    Json ips = Json::array();
    for (const Json& a : sections["addresses"]) {
      if (a.is_object() && a.value("ip", Json()).is_string()) ips.push_back(a["ip"]);
    }
    changes["addresses"] = ips;
  }
  VIGIL_RETURN_IF_ERROR(call.tx.Update(domain::kAgents, agent["id"].get<int64_t>(), changes));
  int64_t listed = 0;
  if (sections.contains("connections")) {
    VIGIL_ASSIGN_OR_RETURN(listed, CheckConnections(call, s, agent, sections["connections"]));
  }
  Json names = Json::array();
  for (const auto& [name, value] : sections.items()) names.push_back(name);
  return JsonResponse(200, {{"stored", names}, {"listed_connections", listed}});
}

// Applies one event of an agent; returns the alert hits it raises (detections).
Status ApplyEvent(Call& call, const Json& agent, const Json& event,
                  std::vector<std::pair<Json, detect::SigmaRule>>* detections) {
  const std::string type = event.value("type", "");
  const int64_t agent_id = agent["id"].get<int64_t>();
  const std::string time =
      event.value("time", Json()).is_string() ? event["time"].get<std::string>() : NowTimestamp();
  auto task_id = [&]() -> std::optional<int64_t> {
    if (auto it = event.find("task_id"); it != event.end() && it->is_number_integer()) {
      return it->get<int64_t>();
    }
    return std::nullopt;
  };
  // A task result only counts for a task of this agent.
  auto own_task = [&](int64_t id) -> Result<std::optional<Json>> {
    VIGIL_ASSIGN_OR_RETURN(auto task, call.tx.Get(domain::kAgentTasks, id));
    if (!task || IntField(*task, "agent_id") != agent_id) return std::optional<Json>();
    return task;
  };
  if (type == "detection") {
    const std::string kind = event.value("kind", "yara") == "hash" ? "hash" : "yara";
    const std::string status =
        event.value("status", "detected") == "quarantined" ? "quarantined" : "detected";
    Json detection = {
        {"agent_id", agent_id},
        {"org_id", agent["org_id"]},
        {"asset_id", agent.value("asset_id", Json())},
        {"host", agent.value("name", "")},
        {"path", StringMember(event, "path", 4096)},
        {"rule", StringMember(event, "rule", 512)},
        {"kind", kind},
        {"label", StringMember(event, "label", 2000)},
        {"sha256", StringMember(event, "sha256", 64)},
        {"size", event.value("size", Json()).is_number_integer() ? event["size"] : Json()},
        {"status", status},
        {"quarantine_id", StringMember(event, "quarantine_id", 128)},
        {"detected_at", time}};
    if (detection["path"].get<std::string>().empty() ||
        detection["rule"].get<std::string>().empty()) {
      return InvalidArgument("a detection needs path and rule", "events");
    }
    VIGIL_ASSIGN_OR_RETURN(int64_t id, call.tx.Insert(domain::kAgentDetections, detection));
    detection["id"] = id;
    const std::string rule = detection["rule"];
    detections->emplace_back(detection,
                             AgentRule("vigil-agent:" + rule, "Malware found by the agent: " + rule,
                                       detection.value("label", std::string())));
    return Status::Ok();
  }
  if (type == "scan") {
    Json stats = event.value("stats", Json::object());
    VIGIL_RETURN_IF_ERROR(call.tx.Update(domain::kAgents, agent_id,
                                         {{"last_scan_at", time},
                                          {"last_scan",
                                           {{"paths", event.value("paths", Json())},
                                            {"stats", stats},
                                            {"scheduled", !task_id()}}}}));
    if (auto id = task_id()) {
      VIGIL_ASSIGN_OR_RETURN(auto task, own_task(*id));
      if (task) {
        VIGIL_RETURN_IF_ERROR(
            call.tx.Update(domain::kAgentTasks, *id, {{"status", "done"}, {"result", stats}}));
      }
    }
    return Status::Ok();
  }
  if (type == "task") {
    auto id = task_id();
    if (!id) return InvalidArgument("a task result needs task_id", "events");
    VIGIL_ASSIGN_OR_RETURN(auto task, own_task(*id));
    if (!task) return Status::Ok();
    const bool ok = event.value("ok", false);
    Json result = {{"ok", ok}, {"message", StringMember(event, "message", 2000)}};
    VIGIL_RETURN_IF_ERROR(call.tx.Update(domain::kAgentTasks, *id,
                                         {{"status", ok ? "done" : "failed"}, {"result", result}}));
    const std::string kind = task->value("kind", "");
    const int64_t detection_id = task->value("args", Json::object()).value("detection_id", 0);
    if (ok && detection_id != 0) {
      VIGIL_ASSIGN_OR_RETURN(auto detection, call.tx.Get(domain::kAgentDetections, detection_id));
      if (detection && IntField(*detection, "agent_id") == agent_id) {
        Json changes = {{"status", kind == "restore"  ? "restored"
                                   : kind == "delete" ? "deleted"
                                                      : "quarantined"}};
        if (kind == "quarantine")
          changes["quarantine_id"] = StringMember(event, "quarantine_id", 128);
        VIGIL_RETURN_IF_ERROR(call.tx.Update(domain::kAgentDetections, detection_id, changes));
        VIGIL_RETURN_IF_ERROR(
            AuditAgent(call, agent, kind, domain::kAgentDetections.name, detection_id,
                       domain::PublicView(domain::kAgentDetections, *detection), changes));
      }
    }
    return Status::Ok();
  }
  return Status::Ok();  // an event type this server does not know: skipped, but acknowledged
}

Result<http::Response> Events(Call& call, const ApiSettings& s) {
  VIGIL_ASSIGN_OR_RETURN(Json agent, AuthenticateAgent(call));
  VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
  if (!body.is_object() || !body.contains("events") || !body["events"].is_array()) {
    return InvalidArgument("expected {\"events\": [...]}", "events");
  }
  const Json& events = body["events"];
  if (events.size() > kMaxEventsPerBatch) {
    return InvalidArgument("at most 1000 events per request", "events");
  }
  int64_t last = agent.value("last_seq", int64_t{0});
  int64_t applied = 0, duplicates = 0;
  std::vector<std::pair<Json, detect::SigmaRule>> detections;
  for (size_t i = 0; i < events.size(); ++i) {
    const Json& event = events[i];
    const std::string where = "events[" + std::to_string(i) + "]";
    if (!event.is_object() || !event.value("seq", Json()).is_number_integer()) {
      return InvalidArgument("each event needs an integer seq", where);
    }
    const int64_t seq = event["seq"].get<int64_t>();
    if (seq <= last) {  // delivered before
      ++duplicates;
      continue;
    }
    VIGIL_RETURN_IF_ERROR(ApplyEvent(call, agent, event, &detections).Within(where));
    last = seq;
    ++applied;
  }
  std::vector<AlertHit> hits;
  hits.reserve(detections.size());
  for (const auto& [detection, rule] : detections) {
    hits.push_back(HitFor(rule, agent,
                          {{"path", detection["path"]},
                           {"sha256", detection["sha256"]},
                           {"status", detection["status"]},
                           {"detection_id", detection["id"]}}));
  }
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> alerts, RaiseAlerts(call, s, hits));
  // Link each detection to its alert (same order: one alert per rule and host, folded).
  for (const auto& [detection, rule] : detections) {
    for (const Json& alert : alerts) {
      if (alert.value("rule_id", "") == rule.id) {
        VIGIL_RETURN_IF_ERROR(call.tx.Update(
            domain::kAgentDetections, detection["id"].get<int64_t>(), {{"alert_id", alert["id"]}}));
      }
    }
  }
  VIGIL_RETURN_IF_ERROR(call.tx.Update(domain::kAgents, agent["id"].get<int64_t>(),
                                       {{"last_seq", last}, {"last_seen", NowTimestamp()}}));
  return JsonResponse(200, {{"acked", last}, {"applied", applied}, {"duplicates", duplicates}});
}

}  // namespace

void AddAgentRoutes(Router& router, const ApiSettings& settings) {
  const ApiSettings* s = &settings;
  auto with = [s](Result<http::Response> (*f)(Call&, const ApiSettings&)) {
    return [s, f](Call& c) { return f(c, *s); };
  };
  // Console.
  router.Add("POST", "/api/v1/agents/enrollment-tokens",
             {"Create a one-time enrolment token (org_id, note, expires_in_hours; default 24); "
              "the answer carries the token, shown once",
              "agents", RouteKind::kCreate, &domain::kEnrollmentTokens, "application/json"},
             with(CreateEnrollmentToken));
  router.Add("GET", "/api/v1/agents/enrollment-tokens",
             {"List enrolment tokens", "agents", RouteKind::kList, &domain::kEnrollmentTokens},
             [](Call& c) { return ListOf(c, domain::kEnrollmentTokens); });
  router.Add("GET", "/api/v1/agents",
             {"List agents (q, org_id, status)", "agents", RouteKind::kList, &domain::kAgents},
             [](Call& c) { return ListOf(c, domain::kAgents); });
  router.Add("GET", "/api/v1/agents/{id}",
             {"Read an agent with its settings", "agents", RouteKind::kGet, &domain::kAgents},
             [](Call& c) { return GetOne(c, domain::kAgents); });
  router.Add("PATCH", "/api/v1/agents/{id}",
             {"Change an agent's asset link or settings (scan_paths, scan_interval_hours, "
              "cpu_percent, max_file_mb, quarantine, heartbeat_seconds)",
              "agents", RouteKind::kUpdate, &domain::kAgents, "application/json"},
             PatchAgent);
  router.Add("GET", "/api/v1/agents/{id}/inventory",
             {"The agent's last inventory: system, addresses, packages, listening ports, "
              "connections, processes, accounts, password policy, browser credential stores",
              "agents"},
             GetInventory);
  router.Add("POST", "/api/v1/agents/{id}/revoke",
             {"Revoke an agent: its credential is refused from now on", "agents"}, RevokeAgent);
  router.Add("POST", "/api/v1/agents/{id}/scans",
             {"Ask the agent to scan paths (default: its settings' scan_paths)", "agents",
              RouteKind::kOther, nullptr, "application/json"},
             CreateScan);
  router.Add("GET", "/api/v1/agent-tasks",
             {"List agent tasks (agent_id, status, kind)", "agents", RouteKind::kList,
              &domain::kAgentTasks},
             [](Call& c) { return ListOf(c, domain::kAgentTasks); });
  router.Add("GET", "/api/v1/agent-detections",
             {"List files found by agents (agent_id, status, q)", "agents", RouteKind::kList,
              &domain::kAgentDetections},
             [](Call& c) { return ListOf(c, domain::kAgentDetections); });
  router.Add("GET", "/api/v1/agent-detections/{id}",
             {"Read a detection", "agents", RouteKind::kGet, &domain::kAgentDetections},
             [](Call& c) { return GetOne(c, domain::kAgentDetections); });
  for (const char* action : {"quarantine", "restore", "delete"}) {
    router.Add("POST", std::string("/api/v1/agent-detections/{id}/") + action,
               {std::string("Ask the agent to ") + action + " the detected file", "agents"},
               [action](Call& c) { return DetectionAction(c, action); });
  }
  router.Add("GET", "/api/v1/yara-rules",
             {"List YARA rule files", "agents", RouteKind::kList, &domain::kYaraRules},
             [](Call& c) { return ListOf(c, domain::kYaraRules); });
  router.Add("POST", "/api/v1/yara-rules",
             {"Add a YARA rule file (admin); refused with its line when it does not compile",
              "agents", RouteKind::kCreate, &domain::kYaraRules, "application/json"},
             [](Call& c) { return SaveYaraRule(c, true); });
  router.Add("GET", "/api/v1/yara-rules/{id}",
             {"Read a YARA rule file", "agents", RouteKind::kGet, &domain::kYaraRules},
             [](Call& c) { return GetOne(c, domain::kYaraRules); });
  router.Add("PATCH", "/api/v1/yara-rules/{id}",
             {"Change a YARA rule file (admin)", "agents", RouteKind::kUpdate, &domain::kYaraRules,
              "application/json"},
             [](Call& c) { return SaveYaraRule(c, false); });
  router.Add("DELETE", "/api/v1/yara-rules/{id}",
             {"Delete a YARA rule file (admin)", "agents", RouteKind::kDelete, &domain::kYaraRules},
             DeleteYaraRule);

  // vigil-agent.
  auto agent_doc = [](std::string summary, std::string request_type,
                      std::string response_type = "application/json") {
    RouteDoc doc{std::move(summary),      "agent protocol",        RouteKind::kOther, nullptr,
                 std::move(request_type), std::move(response_type)};
    doc.public_route = true;  // authenticated by the handler: enrolment token or agent secret
    doc.source_token = true;
    return doc;
  };
  router.Add("POST", "/api/v1/agent/enroll",
             agent_doc("Enrol with a one-time token; the answer carries the agent's secret",
                       "application/json"),
             Enroll);
  router.Add("POST", "/api/v1/agent/heartbeat",
             agent_doc("Report health; get settings, rule and hash versions and pending tasks",
                       "application/json"),
             Heartbeat);
  router.Add("PUT", "/api/v1/agent/inventory",
             agent_doc("Store inventory sections (only those that changed)", "application/json"),
             with(Inventory));
  router.Add("POST", "/api/v1/agent/events",
             agent_doc("Deliver queued events in order (seq); redelivered ones are acknowledged "
                       "and ignored",
                       "application/json"),
             with(Events));
  router.Add("GET", "/api/v1/agent/rules",
             agent_doc("The compiled YARA rules (EICAR test rule and enabled files)", "",
                       "application/octet-stream"),
             Rules);
  router.Add(
      "GET", "/api/v1/agent/hashes",
      agent_doc("MD5, SHA-1 and SHA-256 indicators of the lists the agent is subject to", ""),
      Hashes);
}

}  // namespace vigil::server
