#include "server/alerting.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

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

int64_t TimestampMs(const std::string& value) {
  auto t = ParseTimestamp(value);
  return t.ok()
             ? std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count()
             : 0;
}

Json NewAlert(const AlertHit& hit) {
  const detect::SigmaRule& r = *hit.rule;
  return {
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
}

// The alert a rule's hits on a host fold into while a batch is applied: read from the store once,
// then kept in memory and written back once at the end.
struct OpenAlert {
  int64_t id = 0;  // 0: none (every alert of the key is closed, or there is none)
  int64_t count = 0;
  int64_t last_ms = 0;
  int64_t last_event_id = 0;
  bool changed = false;
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

Result<std::vector<int64_t>> ApplyAlertHits(store::Transaction& tx,
                                            const std::vector<AlertHit>& hits,
                                            const AlertPolicy& policy) {
  Suppressions suppressions;
  VIGIL_RETURN_IF_ERROR(suppressions.Load(tx, hits));
  std::map<std::pair<std::string_view, std::string_view>, OpenAlert> open_by_key;  // rule, host
  std::set<int64_t> touched;  // alerts created or changed
  std::map<int64_t, int64_t> suppression_hits;
  const int64_t window_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(policy.fold_window).count();
  auto write_back = [&tx](const OpenAlert& a) {
    return tx.FoldIntoAlert(a.id, a.count, a.last_event_id, MsTimestamp(a.last_ms));
  };
  for (const AlertHit& hit : hits) {
    if (Json* s = suppressions.Find(hit)) {
      ++suppression_hits[(*s)["id"].get<int64_t>()];
      continue;
    }
    auto [it, first_seen_in_batch] = open_by_key.try_emplace({hit.rule->id, hit.host});
    OpenAlert& open = it->second;
    if (first_seen_in_batch) {
      VIGIL_ASSIGN_OR_RETURN(std::optional<store::OpenAlertRow> row,
                             tx.NewestOpenAlert(hit.rule->id, hit.host));
      if (row) {
        open = {.id = row->id,
                .count = row->count,
                .last_ms = TimestampMs(row->last_seen),
                .last_event_id = row->last_event_id};
      }
    }
    if (open.id != 0 && hit.time_ms - open.last_ms <= window_ms &&
        open.last_ms - hit.time_ms <= window_ms) {
      if (open.count < policy.max_linked_events) {
        VIGIL_RETURN_IF_ERROR(tx.LinkAlertEvent(open.id, hit.event_id));
      }
      ++open.count;
      open.last_ms = std::max(open.last_ms, hit.time_ms);
      open.last_event_id = hit.event_id;
      open.changed = true;
      touched.insert(open.id);
    } else {
      if (open.changed) VIGIL_RETURN_IF_ERROR(write_back(open));
      VIGIL_ASSIGN_OR_RETURN(int64_t id, tx.Insert(domain::kAlerts, NewAlert(hit)));
      VIGIL_RETURN_IF_ERROR(tx.LinkAlertEvent(id, hit.event_id));
      // Written as inserted; `changed` once a repeat folds in.
      open = {.id = id, .count = 1, .last_ms = hit.time_ms, .last_event_id = hit.event_id};
      touched.insert(id);
    }
  }
  for (const auto& [key, open] : open_by_key) {
    if (open.changed) VIGIL_RETURN_IF_ERROR(write_back(open));
  }
  for (const auto& [id, n] : suppression_hits) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<Json> s, tx.Get(domain::kSuppressions, id));
    if (!s) continue;
    VIGIL_RETURN_IF_ERROR(
        tx.Update(domain::kSuppressions, id, {{"hits", (*s)["hits"].get<int64_t>() + n}}));
  }
  return std::vector<int64_t>(touched.begin(), touched.end());
}

Result<std::vector<Json>> ReadAlerts(store::Transaction& tx, const std::vector<int64_t>& ids) {
  std::vector<Json> out;
  out.reserve(ids.size());
  for (int64_t id : ids) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<Json> stored, tx.Get(domain::kAlerts, id));
    if (stored) out.push_back(std::move(*stored));
  }
  return out;
}

}  // namespace vigil::server
