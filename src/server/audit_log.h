// The audit trail: every change is recorded in the same transaction as the change itself, so a
// change and its audit entry are written together or not at all.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/router.h"

namespace vigil::server {

struct AuditEntry {
  std::string actor;  // user name, or "vigil admin" for the command line
  std::optional<int64_t> actor_id;
  std::string remote_ip;
  std::string_view action;  // create, update, delete, import, login, ...
  std::string_view kind;    // the collection, or "session"
  std::optional<int64_t> object_id;
  std::optional<int64_t> org_id;
  Json before;  // public images; null for create/delete
  Json after;
};

// Appends `entry` in `tx`, stamped with the current time.
Status AppendAudit(store::Transaction& tx, const AuditEntry& entry);

// Appends an entry for a request: the actor is the caller (or `actor` when the request is
// unauthenticated, as for a login), the address is the client's.
Status RecordAudit(Call& call, std::string_view action, std::string_view kind,
                   std::optional<int64_t> object_id, std::optional<int64_t> org_id,
                   const Json& before, const Json& after, std::string_view actor = {},
                   std::optional<int64_t> actor_id = std::nullopt);

}  // namespace vigil::server
