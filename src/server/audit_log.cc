#include "server/audit_log.h"

#include "core/time.h"
#include "domain/resource.h"

namespace vigil::server {

Status RecordAudit(Call& call, std::string_view action, std::string_view kind,
                   std::optional<int64_t> object_id, std::optional<int64_t> org_id,
                   const Json& before, const Json& after, std::string_view actor,
                   std::optional<int64_t> actor_id) {
  Json entry = {
      {"at", NowTimestamp()},
      {"actor", call.who ? call.who->username : std::string(actor)},
      {"actor_id", call.who ? Json(call.who->user_id) : (actor_id ? Json(*actor_id) : Json())},
      {"action", action},
      {"kind", kind},
      {"object_id", object_id ? Json(*object_id) : Json()},
      {"org_id", org_id ? Json(*org_id) : Json()},
      {"remote_ip", call.req.remote_ip},
      {"before", before},
      {"after", after},
  };
  auto id = call.tx.Insert(domain::kAudit, entry);
  return id.ok() ? Status::Ok() : id.status();
}

}  // namespace vigil::server
