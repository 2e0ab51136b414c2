// Registration of the REST API's routes, grouped by concern. Each Add*Routes function adds its
// routes to the router; handlers share the ApiSettings passed in (which must outlive the router).
#pragma once

#include <chrono>
#include <string>

#include "auth/rate_limiter.h"
#include "domain/assessment.h"
#include "server/router.h"

namespace vigil::server {

class Monitoring;

struct ApiSettings {
  domain::AssessmentPolicy assessment;
  std::chrono::hours session_lifetime{12};
  int lockout_failures = 5;  // consecutive failures that lock an account
  std::chrono::minutes lockout_duration{15};
  auth::RateLimiter* login_limiter = nullptr;  // per client address; not owned
  Monitoring* monitoring = nullptr;  // events, alerts, ingestion; null: those routes answer 503
  // Lower-case hex SHA-256 of the server's TLS certificate; empty without TLS. Enrolment tokens
  // carry it so that agents can check and pin the server.
  std::string tls_certificate_sha256;
};

void AddAuthRoutes(Router& router, const ApiSettings& settings);
void AddResourceRoutes(Router& router, const ApiSettings& settings);
void AddCsvRoutes(Router& router, const ApiSettings& settings);
// `records` as a CSV attachment "<spec.name>.csv": UTF-8 BOM, the id and the spec's CSV columns.
http::Response CsvDownload(const domain::ResourceSpec& spec, const std::vector<Json>& records);
void AddDashboardRoutes(Router& router, const ApiSettings& settings);
void AddOrgRoutes(Router& router);
// The server's monitoring, or kUnavailable when it does not run.
Result<Monitoring*> NeedMonitoring(const ApiSettings& settings);
// Indicator lists, findings and NAT attribution (intel_api.cc).
void AddIntelRoutes(Router& router, const ApiSettings& settings);
// After an asset (`spec` kAssets) or organisation (kOrgs) has been created (`before` null) or
// changed, matches its addresses or public ranges against every stored indicator list imported
// for its organisation or one above it, exactly as an import would, and stores the new findings
// in the caller's transaction; returns how many. Matches that already have a finding (any status)
// add nothing; expired entries do not match. Does nothing for other resources, or when neither
// the addresses/ranges nor the record's place in the tree changed.
Result<int64_t> RematchRecord(Call& call, const domain::ResourceSpec& spec, const Json& stored,
                              const Json* before);
// After an asset or system has changed (`before` -> `stored`), keeps the stored findings in step
// with the register: an asset's findings follow it to its organisation and take the highest
// security level of its systems; a system's level or owner/operator change re-levels the findings
// on its assets and on those organisations' public ranges. Returns how many findings changed.
Result<int64_t> SyncFindings(Call& call, const domain::ResourceSpec& spec, const Json& stored,
                             const Json& before);
// Alerts, suppressions, events, log sources, ingestion and status (monitoring_api.cc).
void AddMonitoringRoutes(Router& router, const ApiSettings& settings);
// Endpoint agents: console routes and the vigil-agent protocol (agent_api.cc).
void AddAgentRoutes(Router& router, const ApiSettings& settings);
// GET /api/v1/openapi.json, generated from the router's routes at call time.
void AddOpenApiRoute(Router& router);

// Shared by the resource, CSV and dashboard handlers (resource_api.cc).
// The API view of a stored record: internal fields removed, computed fields added.
Json PresentRecord(const domain::ResourceSpec& spec, Json stored, const ApiSettings& s);
// The record if it exists and the caller sees it; otherwise NotFound (no difference shown).
Result<Json> VisibleRecord(Call& call, const domain::ResourceSpec& spec, int64_t id);
// Validates and inserts a decoded record for the caller, with its audit entry; returns the
// stored record. Errors name the field.
Result<Json> CreateRecord(Call& call, const domain::ResourceSpec& spec, Json record,
                          std::string_view action = "create");
// Applies decoded changes to record `id` for the caller, with its audit entry.
Result<Json> UpdateRecord(Call& call, const domain::ResourceSpec& spec, int64_t id, Json changes,
                          std::string_view action = "update");
// Parses the common list parameters (limit, offset, q, org_id and field filters) into a query
// already restricted to the caller's scope.
Result<store::ListQuery> ListQueryFor(Call& call, const domain::ResourceSpec& spec);
// One page of `spec` for `q` in the API's list shape: {items (public views), total, limit, offset}.
Result<Json> PageOf(Call& call, const domain::ResourceSpec& spec, const store::ListQuery& q);

}  // namespace vigil::server
