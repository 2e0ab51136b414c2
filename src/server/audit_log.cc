#include "server/audit_log.h"

#include "core/time.h"
#include "domain/resource.h"

namespace vigil::server {
namespace {

Json Optional(std::optional<int64_t> v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

Status AppendAudit(store::Transaction& tx, const AuditEntry& e) {
  Json row = {{"at", NowTimestamp()},
              {"actor", e.actor},
              {"actor_id", Optional(e.actor_id)},
              {"action", e.action},
              {"kind", e.kind},
              {"object_id", Optional(e.object_id)},
              {"org_id", Optional(e.org_id)},
              {"remote_ip", e.remote_ip},
              {"before", e.before},
              {"after", e.after}};
  return tx.Insert(domain::kAudit, row).status();
}

Status RecordAudit(Call& call, std::string_view action, std::string_view kind,
                   std::optional<int64_t> object_id, std::optional<int64_t> org_id,
                   const Json& before, const Json& after, std::string_view actor,
                   std::optional<int64_t> actor_id) {
  return AppendAudit(call.tx, {.actor = call.who ? call.who->username : std::string(actor),
                               .actor_id = call.who ? call.who->user_id : actor_id,
                               .remote_ip = call.req.remote_ip,
                               .action = action,
                               .kind = kind,
                               .object_id = object_id,
                               .org_id = org_id,
                               .before = before,
                               .after = after});
}

}  // namespace vigil::server
