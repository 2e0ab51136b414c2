// Declarative descriptions of Vigil's resources (organisations, systems, assets, ...).
//
// One ResourceSpec per resource drives everything generic about it: decoding and validating API
// bodies, the SQL columns the store reads and writes, CSV import/export and the OpenAPI schema.
// Records travel between layers as JSON objects whose members are exactly the spec's fields,
// already validated and normalised (canonical IPs, lower-case MACs, trimmed strings).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace vigil::domain {

enum class FieldType {
  kString,  // UTF-8 text, trimmed, max_len bytes
  kInt,     // 64-bit integer within [min, max]
  kBool,
  kDate,       // "YYYY-MM-DD"
  kTimestamp,  // "YYYY-MM-DDTHH:MM:SSZ", server-set
  kEnum,       // one of `values`
  kEnumList,   // array of distinct `values`
  kIpList,     // array of IPv4/IPv6 addresses, canonical form
  kCidrList,   // array of CIDR networks, canonical form
  kMac,        // "aa:bb:cc:dd:ee:ff"
  kEmail,
  kPhone,    // digits, spaces, + - . ( )
  kRef,      // id of a record of resource `ref`
  kRefList,  // array of ids of records of resource `ref`
  kJson,     // any JSON value (audit before/after), stored as text
};

enum class Access {
  kReadWrite,  // clients read and write it
  kReadOnly,   // set by the server (id, timestamps, computed values); ignored on input
  kWriteOnly,  // accepted on input, never stored as such nor returned (password)
  kInternal,   // stored, never exposed through the API (password hash)
};

struct FieldSpec {
  std::string_view name;
  FieldType type;
  Access access = Access::kReadWrite;
  bool required = false;  // must be present (and non-null) on create
  bool stored = true;     // false: computed on read (next_assessment_due) or write-only
  int64_t min = 0;        // kInt: minimum value
  int64_t max = 0;        // kInt: maximum; kString/kEmail/kPhone: maximum length in bytes
  std::span<const std::string_view> values = {};  // kEnum, kEnumList
  std::string_view ref = {};                      // kRef, kRefList: resource name
  bool searchable = false;                        // matched by the list parameter `q`
  bool csv = false;                               // a column in CSV import/export
  bool multiline = false;                         // kString: may contain line breaks
};

struct ResourceSpec {
  std::string_view name;      // collection and table name: "assets"
  std::string_view singular;  // "asset"
  std::span<const FieldSpec> fields;
  // The organisation field that scopes the record; users see records whose scope field lies in
  // their subtree. `also_visible_via` grants read access through a second field (a system is
  // visible to its operating organisation as well as to its owner).
  std::string_view scope_field;
  std::string_view also_visible_via = {};
  bool has_total = true;  // list answers carry `total` (false for the audit log)

  // Returns the field with this name, or nullptr.
  const FieldSpec* Field(std::string_view field_name) const;
};

// The resources, defined in resources.cc.
extern const ResourceSpec kOrgs;
extern const ResourceSpec kSystems;
extern const ResourceSpec kAssets;
extern const ResourceSpec kContacts;
extern const ResourceSpec kUsers;
extern const ResourceSpec kAudit;
extern const ResourceSpec kSessions;
extern const ResourceSpec kApiTokens;
// Imported indicator lists and the findings matched against the register (src/server/intel_api.cc
// serves them with dedicated handlers; they are not generic CRUD collections).
extern const ResourceSpec kIntelLists;
extern const ResourceSpec kFindings;
// Monitoring: alerts, their suppressions, and the log sources that post events (monitoring_api).
extern const ResourceSpec kAlerts;
extern const ResourceSpec kSuppressions;
extern const ResourceSpec kIngestSources;
// Endpoint agents, their enrolment tokens, tasks and detections, and the YARA rule files they
// scan with (agent_api.cc).
extern const ResourceSpec kAgents;
extern const ResourceSpec kEnrollmentTokens;
extern const ResourceSpec kAgentTasks;
extern const ResourceSpec kAgentDetections;
extern const ResourceSpec kYaraRules;

// The resources exposed as CRUD collections under /api/v1, in documentation order.
std::span<const ResourceSpec* const> ApiResources();
// Returns the resource with this name (any of the above), or nullptr.
const ResourceSpec* FindResource(std::string_view name);

}  // namespace vigil::domain
