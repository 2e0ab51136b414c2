// Detections to alerts: severity from the rule's level and the system's security level,
// suppressions, and folding of repeats (the same rule on the same host while the alert is open
// and within the fold window) into one alert with a count. Runs inside the caller's
// transaction; knows nothing of threads or HTTP.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/sigma_rule.h"
#include "store/store.h"

namespace vigil::server {

using Json = nlohmann::json;

// "low" | "medium" | "high" | "critical". The rule's level gives the base (informational and low:
// low, medium, high, critical); a system of level 4 or 5 raises it one step, a system of level 1
// or 2 lowers it one step (never below low, and a critical rule stays at least high). Level 0
// (unknown) or 3 keeps the base.
std::string_view AlertSeverity(std::string_view rule_level, int security_level);

// One rule firing on one event.
struct AlertHit {
  const detect::SigmaRule* rule = nullptr;
  std::string host;
  int64_t event_id = 0;
  int64_t time_ms = 0;
  int64_t org_id = 0, asset_id = 0, system_id = 0;
  int security_level = 0;
  std::string asset_name;
  Json fields = Json::object();  // what matched: field -> value
};

struct AlertPolicy {
  std::chrono::minutes fold_window{
      60};                          // a repeat later than this after last_seen opens a new alert
  int64_t max_linked_events = 100;  // events kept per alert for its detail page
};

// Applies hits in order within `tx`. Returns the ids of the alerts created or changed (each once,
// ascending); suppressed hits only count on their suppression.
Result<std::vector<int64_t>> ApplyAlertHits(store::Transaction& tx,
                                            const std::vector<AlertHit>& hits,
                                            const AlertPolicy& policy);

// The stored form of the alerts `ids` (those that exist, in order), e.g. to publish them.
Result<std::vector<Json>> ReadAlerts(store::Transaction& tx, const std::vector<int64_t>& ids);

}  // namespace vigil::server
