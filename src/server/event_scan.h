// NAT attribution over the events a server stored (events.db): shared by the API
// (POST /intel/lists/{id}/attribute?source=events) and `vigil botnet attribute --data DIR`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "events/event_store.h"
#include "hunt/attribute.h"
#include "intel/indicator.h"

namespace vigil::server {

// Events read at most by one scan of the event store: about a second of work.
inline constexpr int64_t kMaxScannedEvents = 2'000'000;

struct EventScanStats {
  int64_t events = 0;      // events read
  bool truncated = false;  // kMaxScannedEvents was reached: later events were not read
};

// The log line a stored event carries: a syslog message's text (without its header), or the
// JSON object itself (Suricata EVE, Zeek JSON). May point into `scratch`.
std::string_view EventLogLine(const events::StoredEvent& event, std::string* scratch);

// Feeds `attributor` every stored event of `orgs` (nullopt: all) whose time lies within
// `window_seconds` of a listing's time, each window read once however many listings share it.
Result<EventScanStats> AttributeFromEvents(events::EventStore& store,
                                           const std::vector<intel::Indicator>& listings,
                                           int64_t window_seconds,
                                           const std::optional<std::vector<int64_t>>& orgs,
                                           hunt::NatAttributor* attributor);

}  // namespace vigil::server
