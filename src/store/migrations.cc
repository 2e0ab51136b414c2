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
};

}  // namespace

std::span<const Migration> SqliteMigrations() { return kMigrations; }

}  // namespace vigil::store
