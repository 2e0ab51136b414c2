#include "server/event_scan.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "logs/syslog.h"

namespace vigil::server {

std::string_view EventLogLine(const events::StoredEvent& event, std::string* scratch) {
  if (event.source_type != "syslog") return event.raw;
  logs::SyslogContext ctx;
  ctx.now_unix_seconds = event.received_ms / 1000;
  auto m = logs::ParseSyslog(event.raw, ctx);
  if (!m.ok()) return event.raw;
  *scratch = std::move(m->message);
  return *scratch;
}

Result<EventScanStats> AttributeFromEvents(events::EventStore& store,
                                           const std::vector<intel::Indicator>& listings,
                                           int64_t window_seconds,
                                           const std::optional<std::vector<int64_t>>& orgs,
                                           hunt::NatAttributor* attributor) {
  // The listings' windows, merged (seconds, inclusive).
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const intel::Indicator& l : listings) {
    if (l.first_seen != 0) {
      spans.emplace_back(l.first_seen - window_seconds, l.first_seen + window_seconds);
    }
  }
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<int64_t, int64_t>> merged;
  for (const auto& span : spans) {
    if (!merged.empty() && span.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, span.second);
    } else {
      merged.push_back(span);
    }
  }
  EventScanStats stats;
  std::string scratch;
  std::unordered_map<std::string, std::optional<logs::LogFormat>> format_of_host;
  for (const auto& [from, to] : merged) {
    events::EventQuery q;
    q.from_ms = from * 1000;
    q.to_ms = to * 1000 + 999;
    q.orgs = orgs;
    VIGIL_RETURN_IF_ERROR(store.ForEach(q, [&](events::StoredEvent&& e) {
      if (stats.events >= kMaxScannedEvents) {
        stats.truncated = true;
        return false;
      }
      ++stats.events;
      attributor->AddLine(EventLogLine(e, &scratch), e.time_ms / 1000,
                          "event:" + std::to_string(e.id), &format_of_host[e.host]);
      return true;
    }));
    if (stats.truncated) break;
  }
  return stats;
}

}  // namespace vigil::server
