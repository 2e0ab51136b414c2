// The audit trail: every change is recorded in the same transaction as the change itself, so a
// change and its audit entry are written together or not at all.
#pragma once

#include <optional>
#include <string_view>

#include "server/router.h"

namespace vigil::server {

// Appends one audit entry: who (from the call, or `actor` when the call is unauthenticated),
// what, and the public before/after images (null for create/delete).
Status RecordAudit(Call& call, std::string_view action, std::string_view kind,
                   std::optional<int64_t> object_id, std::optional<int64_t> org_id,
                   const Json& before, const Json& after, std::string_view actor = {},
                   std::optional<int64_t> actor_id = std::nullopt);

}  // namespace vigil::server
