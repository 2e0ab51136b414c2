#include "store/migrations.h"

namespace vigil::store {
namespace {

constexpr Migration kMigrations[] = {
    // Ids are AUTOINCREMENT so that an id is never reused: audit entries keep pointing at one
    // record for ever. search_text is the searchable fields of domain/resources.cc folded by
    // vigil_fold (core Utf8Lower) when written, so a search is one instr() per row.
    {1, "initial schema", R"sql(
CREATE TABLE orgs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER REFERENCES orgs(id) ON DELETE RESTRICT,
  name TEXT NOT NULL,
  code TEXT,
  kind TEXT NOT NULL,
  address TEXT,
  public_ranges TEXT,
  last_assessment_date TEXT,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(coalesce(name, '') || char(10) || coalesce(code, ''))) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);
CREATE UNIQUE INDEX orgs_code ON orgs(code) WHERE code IS NOT NULL AND code <> '';

CREATE TABLE systems (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT,
  owner_org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE RESTRICT,
  operator_org_id INTEGER REFERENCES orgs(id) ON DELETE RESTRICT,
  security_level INTEGER NOT NULL CHECK (security_level BETWEEN 1 AND 5),
  info_types TEXT,
  system_type TEXT,
  online_service_level TEXT,
  personal_data_subjects INTEGER,
  scope TEXT,
  needs_24x7 INTEGER,
  approval_decision TEXT,
  approval_date TEXT,
  last_assessment_date TEXT,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(coalesce(name, '') || char(10) || coalesce(approval_decision, ''))) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX systems_owner ON systems(owner_org_id, security_level);
CREATE INDEX systems_operator ON systems(operator_org_id);

CREATE TABLE assets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  hostname TEXT NOT NULL,
  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE RESTRICT,
  role TEXT NOT NULL,
  ips TEXT,
  mac TEXT,
  os TEXT,
  os_version TEXT,
  system_ids TEXT,
  description TEXT,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(coalesce(hostname, '') || char(10) || coalesce(os, ''))) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX assets_org ON assets(org_id, role);
CREATE INDEX assets_role ON assets(role);
CREATE INDEX assets_hostname ON assets(hostname);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  position TEXT,
  phone TEXT,
  email TEXT,
  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE RESTRICT,
  on_call INTEGER,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(coalesce(name, '') || char(10) || coalesce(position, '') || char(10) || coalesce(email, ''))) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX contacts_org ON contacts(org_id);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL COLLATE NOCASE UNIQUE,
  display_name TEXT,
  role TEXT NOT NULL,
  org_id INTEGER REFERENCES orgs(id) ON DELETE RESTRICT,
  disabled INTEGER,
  password_hash TEXT NOT NULL,
  failed_logins INTEGER,
  locked_until TEXT,
  last_login_at TEXT,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(coalesce(username, '') || char(10) || coalesce(display_name, ''))) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT,
  actor_id INTEGER,
  action TEXT NOT NULL,
  kind TEXT NOT NULL,
  object_id INTEGER,
  org_id INTEGER,
  remote_ip TEXT,
  before TEXT,
  after TEXT
);
CREATE INDEX audit_org ON audit(org_id, id);
CREATE INDEX audit_object ON audit(kind, object_id);
)sql"},
    // Indicator lists (botnet list, feeds) imported through the API, their entries, and the
    // findings an import matched against assets and public ranges. Times in intel_indicators are
    // Unix seconds (NULL: unknown). Deleting a list deletes its entries and findings.
    {2, "indicator lists and findings", R"sql(
CREATE TABLE intel_lists (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  format TEXT NOT NULL,
  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE RESTRICT,
  entries INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  expired INTEGER NOT NULL,
  imported_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  imported_by_name TEXT,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(coalesce(name, ''))) STORED,
  created_at TEXT NOT NULL
);
CREATE INDEX intel_lists_org ON intel_lists(org_id);

CREATE TABLE intel_indicators (
  list_id INTEGER NOT NULL REFERENCES intel_lists(id) ON DELETE CASCADE,
  value TEXT NOT NULL,
  kind TEXT NOT NULL,
  first_seen INTEGER,
  last_seen INTEGER,
  expires INTEGER,
  family TEXT,
  port INTEGER,
  dest_ip TEXT,
  dest_port INTEGER,
  isp TEXT
);
CREATE INDEX intel_indicators_list ON intel_indicators(list_id);

CREATE TABLE findings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  list_id INTEGER NOT NULL REFERENCES intel_lists(id) ON DELETE CASCADE,
  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  asset_id INTEGER REFERENCES assets(id) ON DELETE SET NULL,
  system_security_level INTEGER,
  ip TEXT NOT NULL,
  indicator TEXT NOT NULL,
  family TEXT,
  listed_time TEXT,
  listed_port INTEGER,
  dest_ip TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'cleaned', 'false_positive')),
  note TEXT,
  resolved_at TEXT,
  resolved_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  resolved_by_name TEXT,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(coalesce(ip, '') || char(10) || coalesce(indicator, '') || char(10) || coalesce(family, ''))) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX findings_org ON findings(org_id, status);
CREATE INDEX findings_list ON findings(list_id);
CREATE INDEX findings_asset ON findings(asset_id);
)sql"},
    // The address span of each address entry (ip, cidr, range) of an indicator list, so that a
    // new or changed asset or public range is matched against the stored lists by key lookups
    // instead of loading whole lists. first_addr/last_addr: IPv4 as an INTEGER, IPv6 as a 16-byte
    // BLOB (SQLite's order is then address order); seq: the entry's rowid in intel_indicators. A
    // table of
    // its own rather than an index on intel_indicators: an import writes it in key order. No
    // foreign key (a check per row would cost an import 1 s per million entries): the trigger
    // deletes a list's spans with the list, and only InsertIndicators writes them.
    {3, "indicator address spans", R"sql(
CREATE TABLE intel_addresses (
  list_id INTEGER NOT NULL,
  is_range INTEGER NOT NULL,
  first_addr BLOB NOT NULL,
  last_addr BLOB NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (list_id, is_range, first_addr, seq)
) WITHOUT ROWID;
CREATE TRIGGER intel_lists_delete_addresses AFTER DELETE ON intel_lists BEGIN
  DELETE FROM intel_addresses WHERE list_id = OLD.id;
END;
INSERT INTO intel_addresses (list_id, is_range, first_addr, last_addr, seq)
SELECT list_id, kind = 'range', first_addr, last_addr, seq FROM (
  SELECT list_id, kind, vigil_ip_bound(value, kind, 0) AS first_addr,
         vigil_ip_bound(value, kind, 1) AS last_addr, rowid AS seq
    FROM intel_indicators WHERE kind IN ('ip', 'cidr', 'range'))
 WHERE first_addr IS NOT NULL AND last_addr IS NOT NULL
 ORDER BY 1, 2, 3, 5;
)sql"},
    // Monitoring. Events themselves live in events.db (src/events); here are the alerts made from
    // them, the events each alert folds (up to 100, for its detail page), suppressions, the log
    // sources that post events, and detection's cursor: the last event id evaluated, written in the
    // same transaction as the alerts it produced, so that a restart neither loses nor repeats any.
    {4, "alerts, suppressions, log sources", R"sql(
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id TEXT NOT NULL,
  rule_title TEXT NOT NULL,
  rule_level TEXT NOT NULL,
  rule_description TEXT,
  severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  status TEXT NOT NULL CHECK (status IN ('new', 'acknowledged', 'closed')),
  host TEXT NOT NULL,
  asset_id INTEGER REFERENCES assets(id) ON DELETE SET NULL,
  asset_name TEXT,
  org_id INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
  system_id INTEGER REFERENCES systems(id) ON DELETE SET NULL,
  system_security_level INTEGER,
  count INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  first_event_id INTEGER NOT NULL,
  last_event_id INTEGER NOT NULL,
  tags TEXT,
  fields TEXT,
  false_positive INTEGER NOT NULL DEFAULT 0,
  close_reason TEXT,
  note TEXT,
  acknowledged_by_name TEXT,
  acknowledged_at TEXT,
  closed_by_name TEXT,
  closed_at TEXT,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(rule_id || char(10) || rule_title || char(10) || host)) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX alerts_org ON alerts(org_id, status);
CREATE INDEX alerts_open ON alerts(rule_id, host, status);
CREATE INDEX alerts_last_seen ON alerts(last_seen);

CREATE TABLE alert_events (
  alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL,
  PRIMARY KEY (alert_id, event_id)
) WITHOUT ROWID;

CREATE TABLE suppressions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id TEXT NOT NULL,
  rule_title TEXT,
  host TEXT NOT NULL,
  org_id INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
  reason TEXT,
  created_by_name TEXT,
  hits INTEGER NOT NULL DEFAULT 0,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(rule_id || char(10) || coalesce(rule_title, '') || char(10) || host)) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX suppressions_rule ON suppressions(rule_id);

CREATE TABLE ingest_sources (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  events INTEGER NOT NULL DEFAULT 0,
  last_seen TEXT,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(name)) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE detection_state (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
)sql"},
    // Endpoint agents. An agent's events carry its own sequence numbers; last_seq is the highest
    // one applied, so a redelivered batch changes nothing (agent_api.cc).
    {5, "endpoint agents", R"sql(
CREATE TABLE agents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  asset_id INTEGER REFERENCES assets(id) ON DELETE SET NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
  version TEXT,
  os TEXT,
  kernel TEXT,
  addresses TEXT,
  package_count INTEGER,
  last_seen TEXT,
  last_scan_at TEXT,
  last_scan TEXT,
  health TEXT,
  settings TEXT,
  last_seq INTEGER NOT NULL DEFAULT 0,
  dropped_events INTEGER NOT NULL DEFAULT 0,
  inventory TEXT,
  inventory_at TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  revoked_at TEXT,
  revoked_by_name TEXT,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(name || char(10) || coalesce(os, ''))) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX agents_org ON agents(org_id);

CREATE TABLE agent_enrollment_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  note TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  agent_id INTEGER REFERENCES agents(id) ON DELETE SET NULL,
  created_by_name TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE agent_tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('scan', 'quarantine', 'restore', 'delete')),
  args TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'done', 'failed')),
  result TEXT,
  created_by_name TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX agent_tasks_agent ON agent_tasks(agent_id, status);

CREATE TABLE agent_detections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  asset_id INTEGER REFERENCES assets(id) ON DELETE SET NULL,
  host TEXT NOT NULL,
  path TEXT NOT NULL,
  rule TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('yara', 'hash')),
  label TEXT,
  sha256 TEXT,
  size INTEGER,
  status TEXT NOT NULL CHECK (status IN ('detected', 'quarantined', 'restored', 'deleted')),
  quarantine_id TEXT,
  alert_id INTEGER REFERENCES alerts(id) ON DELETE SET NULL,
  detected_at TEXT NOT NULL,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(host || char(10) || path || char(10) || rule || char(10) || coalesce(sha256, ''))) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX agent_detections_agent ON agent_detections(agent_id, status);
CREATE INDEX agent_detections_org ON agent_detections(org_id);

CREATE TABLE yara_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  source TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  rule_count INTEGER,
  created_by_name TEXT,
  search_text TEXT GENERATED ALWAYS AS (vigil_fold(name)) STORED,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
)sql"},
    // Folding a repeat into its alert looks up the newest alert of a rule and host that is not
    // closed: within this partial index the candidates are in id order, so the lookup is one
    // index seek from the end instead of a scan of the key's alerts and a sort.
    {6, "index of the open alerts by rule, host and id", R"sql(
CREATE INDEX alerts_open_newest ON alerts(rule_id, host) WHERE status <> 'closed';
)sql"},
};

}  // namespace

std::span<const Migration> SqliteMigrations() { return kMigrations; }

}  // namespace vigil::store
