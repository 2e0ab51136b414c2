#include "server/alerting.h"

#include <algorithm>
#include <array>
#include <map>

#include "core/text.h"
#include "core/time.h"
#include "domain/resource.h"

namespace vigil::server {
namespace {

constexpr std::array<std::string_view, 4> kSeverities = {"low", "medium", "high", "critical"};

std::string MsTimestamp(int64_t ms) {
  return FormatTimestamp(Clock::time_point(std::chrono::milliseconds(ms)));
}

Json OptionalId(int64_t id) { return id == 0 ? Json() : Json(id); }

// The suppressions of the rules hit, loaded once per batch.
class Suppressions {
 public:
  Status Load(store::Transaction& tx, const std::vector<AlertHit>& hits) {
    for (const AlertHit& hit : hits) {
      if (by_rule_.contains(hit.rule->id)) continue;
      store::ListQuery q;
      q.equals.emplace_back("rule_id", hit.rule->id);
      q.limit = 1000;
      q.count_total = false;
      VIGIL_ASSIGN_OR_RETURN(store::ListPage page, tx.List(domain::kSuppressions, q));
      by_rule_[hit.rule->id] = std::move(page.items);
    }
    return Status::Ok();
  }
  // The suppression that covers `hit`, or nullptr.
  Json* Find(const AlertHit& hit) {
    for (Json& s : by_rule_[hit.rule->id]) {
      const std::string& host = s["host"].get_ref<const std::string&>();
      bool host_ok = host.empty() || EqualsAsciiFoldCase(host, hit.host);
      bool org_ok = s["org_id"].is_null() || s["org_id"].get<int64_t>() == hit.org_id;
      if (host_ok && org_ok) return &s;
    }
    return nullptr;
  }

 private:
  std::map<std::string, std::vector<Json>> by_rule_;
};

}  // namespace

std::string_view AlertSeverity(std::string_view rule_level, int security_level) {
  int base = 0;
  if (rule_level == "medium") base = 1;
  if (rule_level == "high") base = 2;
  if (rule_level == "critical") base = 3;
  int severity = base;
  if (security_level >= 4) severity = base + 1;
  if (security_level == 1 || security_level == 2) severity = base - 1;
  severity = std::clamp(severity, base == 3 ? 2 : 0, 3);
  return kSeverities[static_cast<size_t>(severity)];
}

Result<std::vector<Json>> ApplyAlertHits(store::Transaction& tx, const std::vector<AlertHit>& hits,
                                         const AlertPolicy& policy) {
  Suppressions suppressions;
  VIGIL_RETURN_IF_ERROR(suppressions.Load(tx, hits));
  std::map<int64_t, Json> changed;  // alert id -> its last state
  std::map<int64_t, int64_t> suppression_hits;
  const int64_t window_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(policy.fold_window).count();
  for (const AlertHit& hit : hits) {
    if (Json* s = suppressions.Find(hit)) {
      ++suppression_hits[(*s)["id"].get<int64_t>()];
      continue;
    }
    // The open alert of this rule on this host, if it was seen within the window.
    store::ListQuery q;
    q.equals = {{"rule_id", hit.rule->id}, {"host", hit.host}};
    q.newest_first = true;
    q.limit = 5;
    q.count_total = false;
    VIGIL_ASSIGN_OR_RETURN(store::ListPage page, tx.List(domain::kAlerts, q));
    const Json* open = nullptr;
    for (const Json& a : page.items) {
      if (a["status"] == "closed") continue;
      auto last = ParseTimestamp(a["last_seen"].get<std::string>());
      int64_t last_ms =
          last.ok()
              ? std::chrono::duration_cast<std::chrono::milliseconds>(last->time_since_epoch())
                    .count()
              : 0;
      if (hit.time_ms - last_ms <= window_ms && last_ms - hit.time_ms <= window_ms) open = &a;
      break;
    }
    int64_t alert_id = 0;
    if (open != nullptr) {
      alert_id = (*open)["id"].get<int64_t>();
      Json changes = {{"count", (*open)["count"].get<int64_t>() + 1},
                      {"last_event_id", hit.event_id}};
      if (MsTimestamp(hit.time_ms) > (*open)["last_seen"].get<std::string>()) {
        changes["last_seen"] = MsTimestamp(hit.time_ms);
      }
      VIGIL_RETURN_IF_ERROR(tx.Update(domain::kAlerts, alert_id, changes));
      if ((*open)["count"].get<int64_t>() < policy.max_linked_events) {
        VIGIL_RETURN_IF_ERROR(tx.LinkAlertEvent(alert_id, hit.event_id));
      }
    } else {
      const detect::SigmaRule& r = *hit.rule;
      Json alert = {
          {"rule_id", r.id},
          {"rule_title", r.title},
          {"rule_level", r.level.empty() ? "medium" : r.level},
          {"rule_description", r.description},
          {"severity", AlertSeverity(r.level, hit.security_level)},
          {"status", "new"},
          {"host", hit.host},
          {"asset_id", OptionalId(hit.asset_id)},
          {"asset_name", hit.asset_name.empty() ? Json() : Json(hit.asset_name)},
          {"org_id", OptionalId(hit.org_id)},
          {"system_id", OptionalId(hit.system_id)},
          {"system_security_level", hit.security_level == 0 ? Json() : Json(hit.security_level)},
          {"count", 1},
          {"first_seen", MsTimestamp(hit.time_ms)},
          {"last_seen", MsTimestamp(hit.time_ms)},
          {"first_event_id", hit.event_id},
          {"last_event_id", hit.event_id},
          {"tags", r.tags},
          {"fields", hit.fields},
          {"false_positive", false},
      };
      VIGIL_ASSIGN_OR_RETURN(alert_id, tx.Insert(domain::kAlerts, alert));
      VIGIL_RETURN_IF_ERROR(tx.LinkAlertEvent(alert_id, hit.event_id));
    }
    VIGIL_ASSIGN_OR_RETURN(std::optional<Json> stored, tx.Get(domain::kAlerts, alert_id));
    if (stored) changed[alert_id] = std::move(*stored);
  }
  for (const auto& [id, n] : suppression_hits) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<Json> s, tx.Get(domain::kSuppressions, id));
    if (!s) continue;
    VIGIL_RETURN_IF_ERROR(
        tx.Update(domain::kSuppressions, id, {{"hits", (*s)["hits"].get<int64_t>() + n}}));
  }
  std::vector<Json> out;
  out.reserve(changed.size());
  for (auto& [id, alert] : changed) out.push_back(std::move(alert));
  return out;
}

}  // namespace vigil::server
