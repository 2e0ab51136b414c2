// Small helpers shared by the scan module's sources (internal).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil::agent {

// yr_initialize once per process (thread-safe); libyara is never finalised.
Status EnsureYaraInitialized();

}  // namespace vigil::agent
