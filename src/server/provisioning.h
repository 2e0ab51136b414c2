// One-off administrative operations on a data directory, used by `vigil admin ...`.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace vigil::server {

// Creates the first administrator (scoped to every organisation). FailedPrecondition when any
// administrator already exists; InvalidArgument when the password breaks the policy.
Status InitAdmin(store::Store& store, std::string_view username, std::string_view password);

// Sets a user's password and unlocks the account (for a locked-out administrator).
Status ResetPassword(store::Store& store, std::string_view username, std::string_view password);

// Loads the fictional demo province (units, systems, assets, contacts). FailedPrecondition when
// organisations already exist, so it never mixes with real data.
Status SeedDemo(store::Store& store);

}  // namespace vigil::server
