// The resource definitions. Column names in the SQL migrations (src/store/migrations.cc) must
// match the stored fields here; store_test checks that they do.
#include <array>
#include <string_view>

#include "domain/resource.h"

namespace vigil::domain {
namespace {

using enum FieldType;
constexpr Access RO = Access::kReadOnly;

constexpr std::string_view kOrgKinds[] = {"province", "department", "peoples_committee",
                                          "commune",  "unit",       "other"};
constexpr std::string_view kInfoTypes[] = {"public", "private", "personal", "state_secret"};
constexpr std::string_view kSystemTypes[] = {"internal", "public_service", "shared_infrastructure",
                                             "industrial_control"};
constexpr std::string_view kOnlineServiceLevels[] = {"none", "partial", "full"};
constexpr std::string_view kScopes[] = {"agency", "province", "national"};
constexpr std::string_view kAssetRoles[] = {"server", "workstation", "network_device"};
constexpr std::string_view kUserRoles[] = {"admin", "analyst", "unit_officer", "viewer"};
constexpr std::string_view kFindingStatuses[] = {"open", "cleaned", "false_positive"};
constexpr std::string_view kAlertStatuses[] = {"new", "acknowledged", "closed"};
constexpr std::string_view kSeverities[] = {"low", "medium", "high", "critical"};
constexpr std::string_view kAgentStatuses[] = {"active", "revoked"};
constexpr std::string_view kAgentTaskKinds[] = {"scan", "quarantine", "restore", "delete"};
constexpr std::string_view kAgentTaskStatuses[] = {"pending", "sent", "done", "failed"};
constexpr std::string_view kDetectionKinds[] = {"yara", "hash"};
constexpr std::string_view kDetectionStatuses[] = {"detected", "quarantined", "restored",
                                                   "deleted"};

constexpr FieldSpec Id() { return {.name = "id", .type = kInt, .access = RO}; }
constexpr FieldSpec Created() { return {.name = "created_at", .type = kTimestamp, .access = RO}; }
constexpr FieldSpec Updated() { return {.name = "updated_at", .type = kTimestamp, .access = RO}; }
constexpr FieldSpec Text(std::string_view name, int64_t max_len, bool required = false,
                         bool searchable = false) {
  return {.name = name,
          .type = kString,
          .required = required,
          .max = max_len,
          .searchable = searchable,
          .csv = true};
}

constexpr FieldSpec Multiline(std::string_view name, int64_t max_len, bool searchable = false) {
  FieldSpec f = Text(name, max_len, false, searchable);
  f.multiline = true;
  return f;
}

constexpr FieldSpec kOrgFields[] = {
    Id(),
    {.name = "parent_id", .type = kRef, .ref = "orgs"},
    Text("name", 200, true, true),
    Text("code", 50, false, true),
    {.name = "kind", .type = kEnum, .required = true, .values = kOrgKinds},
    Multiline("address", 500),
    {.name = "public_ranges", .type = kCidrList},
    {.name = "last_assessment_date", .type = kDate},
    {.name = "next_assessment_due", .type = kDate, .access = RO, .stored = false},
    Created(),
    Updated(),
};

constexpr FieldSpec kSystemFields[] = {
    Id(),
    Text("name", 200, true, true),
    Multiline("description", 2000),
    {.name = "owner_org_id", .type = kRef, .required = true, .ref = "orgs", .csv = true},
    {.name = "operator_org_id", .type = kRef, .ref = "orgs", .csv = true},
    {.name = "security_level", .type = kInt, .required = true, .min = 1, .max = 5, .csv = true},
    {.name = "info_types", .type = kEnumList, .values = kInfoTypes, .csv = true},
    {.name = "system_type", .type = kEnum, .values = kSystemTypes, .csv = true},
    {.name = "online_service_level", .type = kEnum, .values = kOnlineServiceLevels, .csv = true},
    {.name = "personal_data_subjects", .type = kInt, .min = 0, .max = 1'000'000'000, .csv = true},
    {.name = "scope", .type = kEnum, .values = kScopes, .csv = true},
    {.name = "needs_24x7", .type = kBool, .csv = true},
    Text("approval_decision", 200, false, true),
    {.name = "approval_date", .type = kDate, .csv = true},
    {.name = "last_assessment_date", .type = kDate, .csv = true},
    {.name = "next_assessment_due", .type = kDate, .access = RO, .stored = false},
    Created(),
    Updated(),
};

constexpr FieldSpec kAssetFields[] = {
    Id(),
    Text("hostname", 253, true, true),
    {.name = "org_id", .type = kRef, .required = true, .ref = "orgs", .csv = true},
    {.name = "role", .type = kEnum, .required = true, .values = kAssetRoles, .csv = true},
    {.name = "ips", .type = kIpList, .csv = true},
    {.name = "mac", .type = kMac, .csv = true},
    Text("os", 100, false, true),
    Text("os_version", 100),
    {.name = "system_ids", .type = kRefList, .ref = "systems", .csv = true},
    Multiline("description", 2000),
    Created(),
    Updated(),
};

constexpr FieldSpec kContactFields[] = {
    Id(),
    Text("name", 200, true, true),
    Multiline("position", 200, true),  // titles often wrap in spreadsheet cells
    {.name = "phone", .type = kPhone, .max = 40, .csv = true},
    {.name = "email", .type = kEmail, .max = 254, .searchable = true, .csv = true},
    {.name = "org_id", .type = kRef, .required = true, .ref = "orgs", .csv = true},
    {.name = "on_call", .type = kBool, .csv = true},
    Created(),
    Updated(),
};

constexpr FieldSpec kUserFields[] = {
    Id(),
    {.name = "username", .type = kString, .required = true, .max = 64, .searchable = true},
    {.name = "display_name", .type = kString, .max = 200, .searchable = true},
    {.name = "role", .type = kEnum, .required = true, .values = kUserRoles},
    {.name = "org_id", .type = kRef, .ref = "orgs"},
    {.name = "disabled", .type = kBool},
    {.name = "password",
     .type = kString,
     .access = Access::kWriteOnly,
     .stored = false,
     .max = 1024},
    {.name = "password_hash", .type = kString, .access = Access::kInternal},
    {.name = "failed_logins", .type = kInt, .access = Access::kInternal},
    {.name = "locked_until", .type = kTimestamp, .access = RO},
    {.name = "last_login_at", .type = kTimestamp, .access = RO},
    Created(),
    Updated(),
};

constexpr FieldSpec kAuditFields[] = {
    Id(),
    {.name = "at", .type = kTimestamp, .access = RO},
    {.name = "actor", .type = kString, .access = RO},
    {.name = "actor_id", .type = kInt, .access = RO},
    {.name = "action", .type = kString, .access = RO},
    {.name = "kind", .type = kString, .access = RO},
    {.name = "object_id", .type = kInt, .access = RO},
    {.name = "org_id", .type = kInt, .access = RO},
    {.name = "remote_ip", .type = kString, .access = RO},
    {.name = "before", .type = kJson, .access = RO},
    {.name = "after", .type = kJson, .access = RO},
};

constexpr FieldSpec kSessionFields[] = {
    Id(),
    {.name = "token_hash", .type = kString, .access = Access::kInternal},
    {.name = "csrf_token", .type = kString, .access = Access::kInternal},
    {.name = "user_id", .type = kInt, .access = RO},
    {.name = "expires_at", .type = kTimestamp, .access = RO},
    Created(),
};

constexpr FieldSpec kApiTokenFields[] = {
    Id(),
    {.name = "name", .type = kString, .required = true, .max = 200},
    {.name = "expires_in_days",
     .type = kInt,
     .access = Access::kWriteOnly,
     .stored = false,
     .min = 1,
     .max = 3650},
    {.name = "token_hash", .type = kString, .access = Access::kInternal},
    {.name = "user_id", .type = kInt, .access = RO},
    {.name = "expires_at", .type = kTimestamp, .access = RO},
    Created(),
};

// Written once by an import; only the server sets them.
constexpr FieldSpec kIntelListFields[] = {
    Id(),
    {.name = "name", .type = kString, .access = RO, .max = 200, .searchable = true},
    {.name = "format", .type = kString, .access = RO},
    {.name = "org_id", .type = kRef, .access = RO, .ref = "orgs"},
    {.name = "entries", .type = kInt, .access = RO},
    {.name = "rejected", .type = kInt, .access = RO},
    {.name = "expired", .type = kInt, .access = RO},
    {.name = "imported_by", .type = kInt, .access = RO},
    {.name = "imported_by_name", .type = kString, .access = RO},
    Created(),
};

// A listed indicator that matched one of our addresses or ranges. Only status and note change.
constexpr FieldSpec kFindingFields[] = {
    Id(),
    {.name = "list_id", .type = kRef, .access = RO, .ref = "intel_lists", .csv = true},
    {.name = "org_id", .type = kRef, .access = RO, .ref = "orgs", .csv = true},
    {.name = "asset_id", .type = kRef, .access = RO, .ref = "assets", .csv = true},
    {.name = "system_security_level", .type = kInt, .access = RO, .csv = true},
    {.name = "ip", .type = kString, .access = RO, .searchable = true, .csv = true},
    {.name = "indicator", .type = kString, .access = RO, .searchable = true, .csv = true},
    {.name = "family", .type = kString, .access = RO, .searchable = true, .csv = true},
    {.name = "listed_time", .type = kTimestamp, .access = RO, .csv = true},
    {.name = "listed_port", .type = kInt, .access = RO, .csv = true},
    {.name = "dest_ip", .type = kString, .access = RO, .csv = true},
    {.name = "status", .type = kEnum, .required = true, .values = kFindingStatuses, .csv = true},
    Multiline("note", 2000),
    {.name = "resolved_at", .type = kTimestamp, .access = RO, .csv = true},
    {.name = "resolved_by", .type = kInt, .access = RO},
    {.name = "resolved_by_name", .type = kString, .access = RO, .csv = true},
    Created(),
    Updated(),
};

// A Sigma detection on a host, folded with the repeats of its rule on that host (count).
// Written by detection; people change only the status, through acknowledge/close/reopen.
constexpr FieldSpec kAlertFields[] = {
    Id(),
    {.name = "rule_id", .type = kString, .access = RO, .searchable = true},
    {.name = "rule_title", .type = kString, .access = RO, .searchable = true},
    {.name = "rule_level", .type = kString, .access = RO},
    {.name = "rule_description", .type = kString, .access = RO},
    {.name = "severity", .type = kEnum, .access = RO, .values = kSeverities},
    {.name = "status", .type = kEnum, .access = RO, .values = kAlertStatuses},
    {.name = "host", .type = kString, .access = RO, .searchable = true},
    {.name = "asset_id", .type = kRef, .access = RO, .ref = "assets"},
    {.name = "asset_name", .type = kString, .access = RO},
    {.name = "org_id", .type = kRef, .access = RO, .ref = "orgs"},
    {.name = "system_id", .type = kRef, .access = RO, .ref = "systems"},
    {.name = "system_security_level", .type = kInt, .access = RO},
    {.name = "count", .type = kInt, .access = RO},
    {.name = "first_seen", .type = kTimestamp, .access = RO},
    {.name = "last_seen", .type = kTimestamp, .access = RO},
    {.name = "first_event_id", .type = kInt, .access = RO},
    {.name = "last_event_id", .type = kInt, .access = RO},
    {.name = "tags", .type = kJson, .access = RO},
    {.name = "fields", .type = kJson, .access = RO},
    {.name = "false_positive", .type = kBool, .access = RO},
    {.name = "close_reason", .type = kString, .access = RO},
    {.name = "note", .type = kString, .access = RO},
    {.name = "acknowledged_by_name", .type = kString, .access = RO},
    {.name = "acknowledged_at", .type = kTimestamp, .access = RO},
    {.name = "closed_by_name", .type = kString, .access = RO},
    {.name = "closed_at", .type = kTimestamp, .access = RO},
    Created(),
    Updated(),
};

// "Do not alert on this rule for this host (any host when empty)", made when an alert is closed.
constexpr FieldSpec kSuppressionFields[] = {
    Id(),
    {.name = "rule_id", .type = kString, .access = RO, .searchable = true},
    {.name = "rule_title", .type = kString, .access = RO, .searchable = true},
    {.name = "host", .type = kString, .access = RO, .searchable = true},
    {.name = "org_id", .type = kRef, .access = RO, .ref = "orgs"},
    {.name = "reason", .type = kString, .access = RO},
    {.name = "created_by_name", .type = kString, .access = RO},
    {.name = "hits", .type = kInt, .access = RO},
    Created(),
    Updated(),
};

// A log shipper (Winlogbeat, NXLog, Vector, ...) allowed to post events, by its token.
constexpr FieldSpec kIngestSourceFields[] = {
    Id(),
    {.name = "name", .type = kString, .required = true, .max = 100, .searchable = true},
    {.name = "org_id", .type = kRef, .required = true, .ref = "orgs"},
    {.name = "token_hash", .type = kString, .access = Access::kInternal},
    {.name = "events", .type = kInt, .access = RO},
    {.name = "last_seen", .type = kTimestamp, .access = RO},
    Created(),
    Updated(),
};

// An enrolled endpoint agent (vigil-agent). Everything but the asset link and the settings is
// reported by the agent or set by the server; the secret is kept only as a digest.
constexpr FieldSpec kAgentFields[] = {
    Id(),
    {.name = "name", .type = kString, .access = RO, .searchable = true},
    {.name = "org_id", .type = kRef, .access = RO, .ref = "orgs"},
    {.name = "asset_id", .type = kRef, .ref = "assets"},
    {.name = "status", .type = kEnum, .access = RO, .values = kAgentStatuses},
    {.name = "version", .type = kString, .access = RO},
    {.name = "os", .type = kString, .access = RO, .searchable = true},
    {.name = "kernel", .type = kString, .access = RO},
    {.name = "addresses", .type = kJson, .access = RO},
    {.name = "package_count", .type = kInt, .access = RO},
    {.name = "last_seen", .type = kTimestamp, .access = RO},
    {.name = "last_scan_at", .type = kTimestamp, .access = RO},
    {.name = "last_scan", .type = kJson, .access = RO},
    {.name = "health", .type = kJson, .access = RO},
    {.name = "settings", .type = kJson},
    {.name = "last_seq", .type = kInt, .access = RO},
    {.name = "dropped_events", .type = kInt, .access = RO},
    {.name = "inventory", .type = kJson, .access = Access::kInternal},
    {.name = "inventory_at", .type = kTimestamp, .access = RO},
    {.name = "token_hash", .type = kString, .access = Access::kInternal},
    {.name = "revoked_at", .type = kTimestamp, .access = RO},
    {.name = "revoked_by_name", .type = kString, .access = RO},
    Created(),
    Updated(),
};

// A one-time token that enrols one agent into an organisation before it expires.
constexpr FieldSpec kEnrollmentTokenFields[] = {
    Id(),
    {.name = "org_id", .type = kRef, .required = true, .ref = "orgs"},
    Text("note", 200),
    {.name = "token_hash", .type = kString, .access = Access::kInternal},
    {.name = "expires_at", .type = kTimestamp, .access = RO},
    {.name = "used_at", .type = kTimestamp, .access = RO},
    {.name = "agent_id", .type = kRef, .access = RO, .ref = "agents"},
    {.name = "created_by_name", .type = kString, .access = RO},
    Created(),
    Updated(),
};

// Work for an agent, picked up with its next heartbeat: a scan, or a quarantine action.
constexpr FieldSpec kAgentTaskFields[] = {
    Id(),
    {.name = "agent_id", .type = kRef, .access = RO, .ref = "agents"},
    {.name = "org_id", .type = kRef, .access = RO, .ref = "orgs"},
    {.name = "kind", .type = kEnum, .access = RO, .values = kAgentTaskKinds},
    {.name = "args", .type = kJson, .access = RO},
    {.name = "status", .type = kEnum, .access = RO, .values = kAgentTaskStatuses},
    {.name = "result", .type = kJson, .access = RO},
    {.name = "created_by_name", .type = kString, .access = RO},
    Created(),
    Updated(),
};

// A file an agent found (YARA rule or hash indicator), and what became of it.
constexpr FieldSpec kAgentDetectionFields[] = {
    Id(),
    {.name = "agent_id", .type = kRef, .access = RO, .ref = "agents", .csv = true},
    {.name = "org_id", .type = kRef, .access = RO, .ref = "orgs", .csv = true},
    {.name = "asset_id", .type = kRef, .access = RO, .ref = "assets", .csv = true},
    {.name = "host", .type = kString, .access = RO, .searchable = true, .csv = true},
    {.name = "path", .type = kString, .access = RO, .searchable = true, .csv = true},
    {.name = "rule", .type = kString, .access = RO, .searchable = true, .csv = true},
    {.name = "kind", .type = kEnum, .access = RO, .values = kDetectionKinds, .csv = true},
    {.name = "label", .type = kString, .access = RO},
    {.name = "sha256", .type = kString, .access = RO, .searchable = true, .csv = true},
    {.name = "size", .type = kInt, .access = RO, .csv = true},
    {.name = "status", .type = kEnum, .access = RO, .values = kDetectionStatuses, .csv = true},
    {.name = "quarantine_id", .type = kString, .access = RO},
    {.name = "alert_id", .type = kRef, .access = RO, .ref = "alerts"},
    {.name = "detected_at", .type = kTimestamp, .access = RO, .csv = true},
    Created(),
    Updated(),
};

// A YARA rule file managed in the console; the enabled ones (and the EICAR test rule) are
// compiled together and distributed to every agent.
constexpr FieldSpec kYaraRuleFields[] = {
    Id(),
    Text("name", 200, true, true),
    Multiline("description", 2000),
    {.name = "source", .type = kString, .required = true, .max = 1 << 20, .multiline = true},
    {.name = "enabled", .type = kBool},
    {.name = "rule_count", .type = kInt, .access = RO},
    {.name = "created_by_name", .type = kString, .access = RO},
    Created(),
    Updated(),
};

}  // namespace

const FieldSpec* ResourceSpec::Field(std::string_view field_name) const {
  for (const FieldSpec& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

const ResourceSpec kOrgs{"orgs", "organisation", kOrgFields, "id"};
const ResourceSpec kSystems{"systems", "information system", kSystemFields, "owner_org_id",
                            "operator_org_id"};
const ResourceSpec kAssets{"assets", "asset", kAssetFields, "org_id"};
const ResourceSpec kContacts{"contacts", "contact", kContactFields, "org_id"};
const ResourceSpec kUsers{"users", "user", kUserFields, "org_id"};
const ResourceSpec kAudit{"audit", "audit entry", kAuditFields, "org_id", {}, false};
const ResourceSpec kSessions{"sessions", "session", kSessionFields, {}};
const ResourceSpec kApiTokens{"api_tokens", "API token", kApiTokenFields, {}};
const ResourceSpec kIntelLists{"intel_lists", "indicator list", kIntelListFields, "org_id"};
const ResourceSpec kFindings{"findings", "finding", kFindingFields, "org_id"};
const ResourceSpec kAlerts{"alerts", "alert", kAlertFields, "org_id"};
const ResourceSpec kSuppressions{"suppressions", "suppression", kSuppressionFields, "org_id"};
const ResourceSpec kIngestSources{"ingest_sources", "log source", kIngestSourceFields, "org_id"};
const ResourceSpec kAgents{"agents", "agent", kAgentFields, "org_id"};
const ResourceSpec kEnrollmentTokens{"agent_enrollment_tokens", "enrolment token",
                                     kEnrollmentTokenFields, "org_id"};
const ResourceSpec kAgentTasks{"agent_tasks", "agent task", kAgentTaskFields, "org_id"};
const ResourceSpec kAgentDetections{"agent_detections", "agent detection", kAgentDetectionFields,
                                    "org_id"};
const ResourceSpec kYaraRules{"yara_rules", "YARA rule file", kYaraRuleFields, {}};

std::span<const ResourceSpec* const> ApiResources() {
  static constexpr std::array<const ResourceSpec*, 5> kAll = {&kOrgs, &kSystems, &kAssets,
                                                              &kContacts, &kUsers};
  return kAll;
}

const ResourceSpec* FindResource(std::string_view name) {
  for (const ResourceSpec* r :
       {&kOrgs, &kSystems, &kAssets, &kContacts, &kUsers, &kAudit, &kSessions, &kApiTokens,
        &kIntelLists, &kFindings, &kAlerts, &kSuppressions, &kIngestSources, &kAgents,
        &kEnrollmentTokens, &kAgentTasks, &kAgentDetections, &kYaraRules}) {
    if (r->name == name) return r;
  }
  return nullptr;
}

}  // namespace vigil::domain
