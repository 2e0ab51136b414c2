// Indicator lists (the monthly botnet list, threat feeds) imported through the API, the findings
// an import matches against the register (assets' addresses, organisations' public ranges), and
// NAT attribution of a list against an uploaded firewall log.
//
// An import stores the list and every entry in one transaction, then matches the entries against
// every asset and public range of the import organisation's subtree; each match is a finding that
// units work through (open -> cleaned | false_positive). Afterwards, a created or changed asset or
// organisation is matched against the stored lists that cover it (RematchRecord, called by the
// resource handlers in the change's transaction) through the same Matcher, reading only the
// entries that can match it. Findings are scoped by their organisation, lists by the organisation
// they were imported for.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "core/ip.h"
#include "core/text.h"
#include "core/time.h"
#include "domain/record.h"
#include "events/event_store.h"
#include "hunt/attribute.h"
#include "hunt/block_scan.h"
#include "intel/import.h"
#include "intel/indicator_set.h"
#include "server/api.h"
#include "server/audit_log.h"
#include "server/event_scan.h"
#include "server/json_io.h"
#include "server/monitoring.h"

namespace vigil::server {
namespace {

using domain::IntField;
using store::IndicatorRow;

constexpr size_t kMaxIssues = 100;
constexpr int64_t kAllRows = 1'000'000;

Json TimeOrNull(int64_t unix_seconds) {
  if (unix_seconds == 0) return nullptr;
  return FormatTimestamp(Clock::time_point(std::chrono::seconds(unix_seconds)));
}

// Findings: open first, then the most important systems, then the most recent listings.
std::vector<store::SortKey> FindingOrder() {
  return {{"status", false, Json("open")},
          {"system_security_level", true, std::nullopt},
          {"listed_time", true, std::nullopt},
          {"id", true, std::nullopt}};
}

Result<bool> ParseBool(std::string_view text, std::string_view name) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return InvalidArgument("must be true or false", std::string(name));
}

// Every record of `spec` in the given organisations (nullopt: all).
Result<std::vector<Json>> AllRecords(Call& call, const domain::ResourceSpec& spec,
                                     std::optional<std::vector<int64_t>> orgs) {
  store::ListQuery q;
  q.scope = std::move(orgs);
  q.limit = kAllRows;
  q.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call.tx.List(spec, q));
  return std::move(page.items);
}

// The organisation an import is for: `org_id`, or the caller's scope root, or the only root.
Result<int64_t> ImportOrg(Call& call) {
  const OrgTree& tree = call.access->tree();
  if (auto text = call.req.Query("org_id")) {
    VIGIL_ASSIGN_OR_RETURN(int64_t org, ParseId(*text, "org_id"));
    if (!tree.Exists(org) || !call.access->SeesOrg(org)) {
      return NotFound("organisation " + std::string(*text) + " not found", "org_id");
    }
    return org;
  }
  if (call.who->scope_root) return *call.who->scope_root;
  std::vector<int64_t> roots;
  for (int64_t id : tree.All()) {
    if (tree.Chain(id).empty()) roots.push_back(id);
  }
  if (roots.size() == 1) return roots.front();
  if (roots.empty())
    return InvalidArgument("no organisation exists yet: create one first", "org_id");
  return InvalidArgument("is required: there is more than one top-level organisation", "org_id");
}

IndicatorRow ToRow(const intel::Indicator& in) {
  IndicatorRow row;
  row.value = in.value;
  row.kind = std::string(intel::IndicatorKindName(in.kind));
  row.first_seen = in.first_seen;
  row.last_seen = in.last_seen;
  row.expires = in.expires;
  row.family = in.family;
  row.port = in.port;
  if (in.dest_ip) row.dest_ip = FormatIp(*in.dest_ip);
  row.dest_port = in.dest_port;
  row.isp = in.isp;
  return row;
}

// A stored entry back as an Indicator (for NAT attribution); nullopt if it no longer parses.
std::optional<intel::Indicator> FromRow(const IndicatorRow& row, const std::string& source) {
  auto parsed = intel::ParseIndicator(row.value);
  if (!parsed.ok()) return std::nullopt;
  intel::Indicator in = std::move(parsed).value();
  in.source = source;
  in.first_seen = row.first_seen;
  in.last_seen = row.last_seen;
  in.expires = row.expires;
  in.family = row.family;
  in.port = static_cast<int>(row.port);
  if (!row.dest_ip.empty()) {
    if (auto ip = ParseIp(row.dest_ip); ip.ok()) in.dest_ip = *ip;
  }
  in.dest_port = static_cast<int>(row.dest_port);
  in.isp = row.isp;
  return in;
}

// What a finding records about the matched entry.
struct Listing {
  std::string_view value;
  std::string_view family;
  int64_t first_seen = 0;
  int64_t port = 0;
  std::string dest_ip;
};

// The security level a finding records: per system, and per organisation the highest of the
// systems it owns or operates.
struct SystemLevels {
  std::unordered_map<int64_t, int64_t> of_system;
  std::unordered_map<int64_t, int64_t> of_org;

  void Add(const Json& system) {
    int64_t level = IntField(system, "security_level").value_or(0);
    of_system[IntField(system, "id").value_or(0)] = level;
    for (const char* f : {"owner_org_id", "operator_org_id"}) {
      if (auto o = IntField(system, f)) of_org[*o] = std::max(of_org[*o], level);
    }
  }
};

// The levels of the systems `org` owns or operates.
Status AddOrgSystems(Call& call, int64_t org, SystemLevels* levels) {
  for (const char* f : {"owner_org_id", "operator_org_id"}) {
    store::ListQuery q;
    q.equals = {{f, org}};
    q.limit = kAllRows;
    q.count_total = false;
    VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call.tx.List(domain::kSystems, q));
    for (const Json& system : page.items) levels->Add(system);
  }
  return Status::Ok();
}

// The highest level of the asset's systems; nullopt when it is in none.
Result<std::optional<int64_t>> AssetLevel(Call& call, const Json& asset) {
  std::optional<int64_t> level;
  if (auto ids = asset.find("system_ids"); ids != asset.end() && ids->is_array()) {
    for (const Json& id : *ids) {
      if (!id.is_number_integer()) continue;
      VIGIL_ASSIGN_OR_RETURN(auto system, call.tx.Get(domain::kSystems, id.get<int64_t>()));
      if (!system) continue;
      level = std::max(level.value_or(0), IntField(*system, "security_level").value_or(0));
    }
  }
  return level;
}

// Matches indicator entries against assets' addresses and organisations' public ranges and stores
// a finding per match. The one matching path for both moments a match can arise: an import (the
// whole new list against every asset and range of the import organisation's subtree: MatchSubtree)
// and a change of the register (one asset or organisation against the entries of each stored list
// that can match it, fetched by index: RematchRecord). A match is kept once per list, entry and
// asset (whatever the asset's address) or per list, entry, organisation and range; with
// `check_stored` a match that already has a finding in the store, whatever its status, adds
// nothing, so a cleaned or false-positive finding is neither reopened nor duplicated.
class Matcher {
 public:
  // `rows` and `indicators` are the same entries in the same order (the list's insertion order).
  Matcher(Call& call, int64_t list_id, const std::vector<IndicatorRow>& rows,
          std::vector<intel::Indicator> indicators, const SystemLevels& levels, bool check_stored,
          int64_t now)
      : call_(call), list_id_(list_id), rows_(rows), levels_(levels), check_stored_(check_stored) {
    // Address entries that can match, sorted by first address, for "which entries lie inside
    // this range" (binary search per range instead of a scan of the list).
    for (size_t i = 0; i < indicators.size(); ++i) {
      const intel::Indicator& in = indicators[i];
      if (!in.is_address() || in.allow || (in.expires > 0 && in.expires <= now)) continue;
      spans_.push_back({in.first, i});
    }
    std::stable_sort(spans_.begin(), spans_.end(),
                     [](const Span& a, const Span& b) { return a.first < b.first; });
    set_ = intel::IndicatorSet::Build(std::move(indicators), now);
  }

  // Every asset and public range of `org`'s subtree (an import).
  Status MatchSubtree(int64_t org) {
    std::vector<int64_t> orgs = call_.access->tree().Subtree(org);
    VIGIL_ASSIGN_OR_RETURN(std::vector<Json> assets, AllRecords(call_, domain::kAssets, orgs));
    for (const Json& asset : assets) VIGIL_RETURN_IF_ERROR(MatchAsset(asset));
    VIGIL_ASSIGN_OR_RETURN(std::vector<Json> org_records, AllRecords(call_, domain::kOrgs, orgs));
    for (const Json& o : org_records) VIGIL_RETURN_IF_ERROR(MatchRanges(o));
    return Status::Ok();
  }

  // The asset's addresses: a listed address or network containing one.
  Status MatchAsset(const Json& asset) {
    auto ips = asset.find("ips");
    if (ips == asset.end() || !ips->is_array()) return Status::Ok();
    std::optional<int64_t> level;
    if (auto ids = asset.find("system_ids"); ids != asset.end() && ids->is_array()) {
      for (const Json& id : *ids) {
        if (!id.is_number_integer()) continue;
        auto it = levels_.of_system.find(id.get<int64_t>());
        if (it != levels_.of_system.end()) level = std::max(level.value_or(0), it->second);
      }
    }
    for (const Json& text : *ips) {
      if (!text.is_string()) continue;
      auto ip = ParseIp(text.get<std::string>());
      if (!ip.ok()) continue;
      intel::IndicatorRef hit = set_.MatchIp(*ip);
      if (!hit) continue;
      const intel::Indicator& meta = hit.meta();
      Listing l{hit.value(), meta.family, meta.first_seen, meta.port,
                meta.dest_ip ? FormatIp(*meta.dest_ip) : std::string()};
      VIGIL_RETURN_IF_ERROR(Add(IntField(asset, "org_id").value_or(0), IntField(asset, "id"), level,
                                text.get<std::string>(), l));
    }
    return Status::Ok();
  }

  // The organisation's public ranges: a listed address inside one, or a listed network covering
  // its start.
  Status MatchRanges(const Json& org) {
    auto ranges = org.find("public_ranges");
    if (ranges == org.end() || !ranges->is_array()) return Status::Ok();
    const int64_t org_id = IntField(org, "id").value_or(0);
    std::optional<int64_t> level;
    if (auto it = levels_.of_org.find(org_id); it != levels_.of_org.end()) level = it->second;
    for (const Json& text : *ranges) {
      if (!text.is_string()) continue;
      auto cidr = ParseCidr(text.get<std::string>());
      if (!cidr.ok()) continue;
      const IpAddress last = LastAddress(*cidr);
      std::set<std::string_view> seen;
      // Entries starting inside the range.
      auto it = std::lower_bound(spans_.begin(), spans_.end(), cidr->base,
                                 [](const Span& s, const IpAddress& a) { return s.first < a; });
      for (; it != spans_.end() && it->first <= last; ++it) {
        const IndicatorRow& row = rows_[it->row];
        seen.insert(row.value);
        Listing l{row.value, row.family, row.first_seen, row.port, row.dest_ip};
        VIGIL_RETURN_IF_ERROR(Add(org_id, std::nullopt, level, text.get<std::string>(), l));
      }
      // An entry covering the range's start (a wider network listed).
      intel::IndicatorRef hit = set_.MatchIp(cidr->base);
      if (hit && seen.count(hit.value()) == 0) {
        const intel::Indicator& meta = hit.meta();
        Listing l{hit.value(), meta.family, meta.first_seen, meta.port,
                  meta.dest_ip ? FormatIp(*meta.dest_ip) : std::string()};
        VIGIL_RETURN_IF_ERROR(Add(org_id, std::nullopt, level, text.get<std::string>(), l));
      }
    }
    return Status::Ok();
  }

  int64_t created() const { return created_; }
  // The matching entries (unexpired, allow-list applied).
  const intel::IndicatorSet& set() const { return set_; }

 private:
  struct Span {
    IpAddress first;
    size_t row;
  };

  // Is there a finding of this list for the same entry and asset (or organisation and range)?
  Result<bool> Stored(int64_t org_id, std::optional<int64_t> asset_id, const std::string& ip,
                      std::string_view indicator) {
    store::ListQuery q;
    q.equals = {{"list_id", list_id_}, {"indicator", std::string(indicator)}};
    if (asset_id) {
      q.equals.emplace_back("asset_id", *asset_id);
    } else {
      q.equals.emplace_back("org_id", org_id);
      q.equals.emplace_back("ip", ip);
    }
    q.limit = kAllRows;
    q.count_total = false;
    VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call_.tx.List(domain::kFindings, q));
    for (const Json& f : page.items) {
      if (asset_id || IntField(f, "asset_id") == std::nullopt) return true;
    }
    return false;
  }

  Status Add(int64_t org_id, std::optional<int64_t> asset_id, std::optional<int64_t> level,
             const std::string& ip, const Listing& l) {
    std::string key = asset_id ? "asset " + std::to_string(*asset_id)
                               : "range " + std::to_string(org_id) + " " + ip;
    key += " ";
    key += l.value;
    if (!keys_.insert(std::move(key)).second) return Status::Ok();
    if (check_stored_) {
      VIGIL_ASSIGN_OR_RETURN(bool stored, Stored(org_id, asset_id, ip, l.value));
      if (stored) return Status::Ok();
    }
    Json f = {{"list_id", list_id_},
              {"org_id", org_id},
              {"asset_id", asset_id ? Json(*asset_id) : Json()},
              {"system_security_level", level ? Json(*level) : Json()},
              {"ip", ip},
              {"indicator", std::string(l.value)},
              {"family", l.family.empty() ? Json() : Json(std::string(l.family))},
              {"listed_time", TimeOrNull(l.first_seen)},
              {"listed_port", l.port > 0 ? Json(l.port) : Json()},
              {"dest_ip", l.dest_ip.empty() ? Json() : Json(l.dest_ip)},
              {"status", "open"}};
    VIGIL_RETURN_IF_ERROR(call_.tx.Insert(domain::kFindings, f).status());
    ++created_;
    return Status::Ok();
  }

  Call& call_;
  int64_t list_id_;
  const std::vector<IndicatorRow>& rows_;
  const SystemLevels& levels_;
  bool check_stored_;
  std::vector<Span> spans_;
  intel::IndicatorSet set_;
  std::set<std::string> keys_;  // matches already kept by this matcher
  int64_t created_ = 0;
};

// ---------- stored events ----------

constexpr size_t kMaxConnectionGroups = 1000;
constexpr size_t kMaxEventIds = 5;

Json IsoMsOrNull(int64_t ms) {
  if (ms == 0) return nullptr;
  return FormatTimestamp(Clock::time_point(std::chrono::milliseconds(ms)));
}

// The organisations whose stored events a connection check of a list of `org` reads: its subtree,
// and for a caller who sees every organisation and a top-level list, also the events of senders
// that are not registered assets (organisation 0), which nobody else can see.
std::vector<int64_t> ConnectionScope(const Call& call, int64_t org) {
  const OrgTree& tree = call.access->tree();
  std::vector<int64_t> orgs = tree.Subtree(org);
  if (!call.access->VisibleOrgs() && tree.Chain(org).empty()) orgs.push_back(0);
  return orgs;
}

// "Is any recent connection on this list?": the stored events of `orgs` since `since_ms` in which
// an entry of `set` appears (as `vigil hunt` finds it), grouped by listed address and host.
Result<Json> RecentConnections(events::EventStore& store, const intel::IndicatorSet& set,
                               std::optional<std::vector<int64_t>> orgs, int64_t since_ms) {
  struct Group {
    std::string ip, indicator, family, host;
    int64_t asset_id = 0, org_id = 0, events = 0, first_ms = INT64_MAX, last_ms = 0;
    std::vector<int64_t> event_ids;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Group> groups;
  events::EventQuery q;
  q.from_ms = since_ms;
  q.orgs = std::move(orgs);
  int64_t examined = 0;
  bool truncated = false;
  VIGIL_RETURN_IF_ERROR(store.ForEach(q, [&](events::StoredEvent&& e) {
    if (examined >= kMaxScannedEvents) {
      truncated = true;
      return false;
    }
    ++examined;
    for (const hunt::MatchedLine& line : hunt::FindMatchedLines(e.raw, set)) {
      for (const hunt::Found& found : line.found) {
        std::string ip = e.raw.substr(found.begin, found.end - found.begin);
        std::string indicator(found.indicator.value());
        auto [it, added] = groups.try_emplace({indicator, ip, e.host});
        Group& g = it->second;
        if (added) {
          g.ip = std::move(ip);
          g.indicator = std::move(indicator);
          g.family = found.indicator.meta().family;
          g.host = e.host;
          g.asset_id = e.asset_id;
          g.org_id = e.org_id;
        }
        ++g.events;
        g.first_ms = std::min(g.first_ms, e.time_ms);
        g.last_ms = std::max(g.last_ms, e.time_ms);
        if (g.event_ids.size() < kMaxEventIds &&
            std::find(g.event_ids.begin(), g.event_ids.end(), e.id) == g.event_ids.end()) {
          g.event_ids.push_back(e.id);
        }
      }
    }
    return true;
  }));
  std::vector<const Group*> sorted;
  sorted.reserve(groups.size());
  for (const auto& [key, g] : groups) sorted.push_back(&g);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Group* a, const Group* b) { return a->last_ms > b->last_ms; });
  Json items = Json::array();
  for (const Group* g : sorted) {
    if (items.size() >= kMaxConnectionGroups) break;
    auto id_or_null = [](int64_t v) { return v == 0 ? Json() : Json(v); };
    items.push_back({{"ip", g->ip},
                     {"indicator", g->indicator},
                     {"family", g->family.empty() ? Json() : Json(g->family)},
                     {"host", g->host},
                     {"asset_id", id_or_null(g->asset_id)},
                     {"org_id", id_or_null(g->org_id)},
                     {"events", g->events},
                     {"first_time", IsoMsOrNull(g->first_ms)},
                     {"last_time", IsoMsOrNull(g->last_ms)},
                     {"event_ids", g->event_ids}});
  }
  return Json{{"since", IsoMsOrNull(since_ms)},
              {"events_examined", examined},
              {"truncated", truncated},
              {"groups", static_cast<int64_t>(groups.size())},
              {"items", std::move(items)}};
}

// `recent` ("7d" by default; "0" for none) as the start of the connection check, Unix ms.
Result<std::optional<int64_t>> RecentSince(const http::Request& req) {
  std::string_view text = req.Query("recent").value_or("7d");
  if (text == "0") return std::optional<int64_t>();
  auto seconds = ParseDuration(text);
  if (!seconds.ok()) return InvalidArgument(seconds.status().message(), "recent");
  return std::optional<int64_t>((UnixNow() - *seconds) * 1000);
}

Json IssuesJson(const std::vector<intel::ImportIssue>& issues) {
  Json out = Json::array();
  for (const auto& i : issues) {
    if (out.size() >= kMaxIssues) break;
    out.push_back({{"file", i.file}, {"line", i.line}, {"field", i.field}, {"reason", i.reason}});
  }
  return out;
}

Json PresentFindings(std::vector<Json> items) {
  Json out = Json::array();
  for (Json& f : items) out.push_back(domain::PublicView(domain::kFindings, std::move(f)));
  return out;
}

Result<http::Response> ImportList(Call& call, const ApiSettings& settings) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kIntelLists));
  std::string name(Trim(call.req.Query("name").value_or("")));
  if (name.empty()) return InvalidArgument("is required", "name");
  if (name.size() > 200) return InvalidArgument("too long: at most 200 bytes", "name");
  auto format = intel::ParseListFormat(call.req.Query("format").value_or("auto"));
  if (!format.ok()) return InvalidArgument(format.status().message(), "format");
  bool strict = true;
  if (auto text = call.req.Query("strict")) {
    VIGIL_ASSIGN_OR_RETURN(strict, ParseBool(*text, "strict"));
  }
  VIGIL_ASSIGN_OR_RETURN(int64_t org, ImportOrg(call));
  VIGIL_ASSIGN_OR_RETURN(std::optional<int64_t> recent_since, RecentSince(call.req));
  if (call.req.body.empty()) return InvalidArgument("the request body is empty; expected a list");

  intel::ImportOptions options;
  options.format = *format;
  options.strict = strict;
  options.source = name;
  options.now = UnixNow();
  options.max_issues = kMaxIssues;
  auto imported = intel::ImportBytes(name, call.req.body, options);
  if (!imported.ok()) {
    const Status& s = imported.status();
    // A size limit of the importer is the request's size, not a rate limit.
    if (s.code() == StatusCode::kResourceExhausted) {
      return InvalidArgument(s.message(), std::string(s.where()));
    }
    return s;
  }
  intel::ImportReport report = std::move(imported).value();

  Json list = {{"name", name},
               {"format", std::string(intel::ListFormatName(report.format))},
               {"org_id", org},
               {"entries", static_cast<int64_t>(report.indicators.size())},
               {"rejected", report.rejected},
               {"expired", report.expired},
               {"imported_by", call.who->user_id},
               {"imported_by_name", call.who->username}};
  VIGIL_ASSIGN_OR_RETURN(int64_t list_id, call.tx.Insert(domain::kIntelLists, list));
  std::vector<IndicatorRow> rows;
  rows.reserve(report.indicators.size());
  for (const intel::Indicator& in : report.indicators) rows.push_back(ToRow(in));
  VIGIL_RETURN_IF_ERROR(call.tx.InsertIndicators(list_id, rows));

  SystemLevels levels;
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> systems, AllRecords(call, domain::kSystems, {}));
  for (const Json& system : systems) levels.Add(system);
  Matcher matcher(call, list_id, rows, std::move(report.indicators), levels,
                  /*check_stored=*/false, options.now);
  VIGIL_RETURN_IF_ERROR(matcher.MatchSubtree(org));
  // Recent connections: the subtree's stored events in which a listed entry appears.
  Json connections;
  if (recent_since && settings.monitoring != nullptr) {
    VIGIL_ASSIGN_OR_RETURN(connections,
                           RecentConnections(settings.monitoring->events(), matcher.set(),
                                             ConnectionScope(call, org), *recent_since));
  }

  VIGIL_ASSIGN_OR_RETURN(auto stored, call.tx.Get(domain::kIntelLists, list_id));
  Json list_view = domain::PublicView(domain::kIntelLists, *stored);
  Json audit_after = list_view;
  audit_after["findings"] = matcher.created();
  if (connections.is_object()) audit_after["connections"] = connections["groups"];
  VIGIL_RETURN_IF_ERROR(
      RecordAudit(call, "import", domain::kIntelLists.name, list_id, org, nullptr, audit_after));

  store::ListQuery q;
  q.equals = {{"list_id", list_id}};
  q.order = FindingOrder();
  q.limit = kAllRows;
  q.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage findings, call.tx.List(domain::kFindings, q));
  return JsonResponse(201, {{"list", list_view},
                            {"issues", IssuesJson(report.issues)},
                            {"findings", PresentFindings(std::move(findings.items))},
                            {"connections", std::move(connections)}});
}

Result<http::Response> ListLists(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery q, ListQueryFor(call, domain::kIntelLists));
  q.newest_first = true;
  VIGIL_ASSIGN_OR_RETURN(Json page, PageOf(call, domain::kIntelLists, q));
  return JsonResponse(200, page);
}

Result<http::Response> GetList(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json list, VisibleRecord(call, domain::kIntelLists, id));
  return JsonResponse(200, domain::PublicView(domain::kIntelLists, std::move(list)));
}

// The list's entries as indicators (in the list's order), named after the list.
Result<std::vector<intel::Indicator>> ListEntries(Call& call, int64_t id, const Json& list,
                                                  bool addresses_only) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<IndicatorRow> rows, call.tx.ListIndicators(id));
  const std::string source = list.value("name", "");
  std::vector<intel::Indicator> entries;
  entries.reserve(rows.size());
  for (const IndicatorRow& row : rows) {
    if (addresses_only && row.kind != "ip") continue;
    if (auto in = FromRow(row, source)) entries.push_back(std::move(*in));
  }
  return entries;
}

Result<http::Response> ListConnections(Call& call, const ApiSettings& settings) {
  VIGIL_ASSIGN_OR_RETURN(Monitoring * m, NeedMonitoring(settings));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(std::optional<int64_t> since, RecentSince(call.req));
  if (!since) return InvalidArgument("must be a duration such as 7d", "recent");
  VIGIL_ASSIGN_OR_RETURN(Json list, VisibleRecord(call, domain::kIntelLists, id));
  VIGIL_ASSIGN_OR_RETURN(std::vector<intel::Indicator> entries,
                         ListEntries(call, id, list, /*addresses_only=*/false));
  const intel::IndicatorSet set = intel::IndicatorSet::Build(std::move(entries), UnixNow());
  const int64_t org = IntField(list, "org_id").value_or(0);
  VIGIL_ASSIGN_OR_RETURN(Json connections,
                         RecentConnections(m->events(), set, ConnectionScope(call, org), *since));
  return JsonResponse(200, connections);
}

Result<http::Response> DeleteList(Call& call) {
  if (call.who->role != Role::kAdmin) {
    return PermissionDenied("only administrators delete indicator lists");
  }
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json list, VisibleRecord(call, domain::kIntelLists, id));
  // Entries and findings go with the list (ON DELETE CASCADE).
  VIGIL_RETURN_IF_ERROR(call.tx.Delete(domain::kIntelLists, id));
  VIGIL_RETURN_IF_ERROR(RecordAudit(call, "delete", domain::kIntelLists.name, id,
                                    IntField(list, "org_id"),
                                    domain::PublicView(domain::kIntelLists, list), nullptr));
  return http::Response{204, {}, ""};
}

Result<store::ListQuery> FindingQuery(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery q, ListQueryFor(call, domain::kFindings));
  q.order = FindingOrder();
  return q;
}

Result<http::Response> ListFindings(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery q, FindingQuery(call));
  VIGIL_ASSIGN_OR_RETURN(Json page, PageOf(call, domain::kFindings, q));
  return JsonResponse(200, page);
}

Result<http::Response> GetFinding(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json f, VisibleRecord(call, domain::kFindings, id));
  return JsonResponse(200, domain::PublicView(domain::kFindings, std::move(f)));
}

Result<http::Response> PatchFinding(Call& call) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kFindings));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  VIGIL_ASSIGN_OR_RETURN(Json existing, VisibleRecord(call, domain::kFindings, id));
  VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
  VIGIL_ASSIGN_OR_RETURN(Json changes,
                         domain::DecodeRecord(domain::kFindings, body, domain::DecodeMode::kPatch));
  if (auto status = changes.find("status"); status != changes.end()) {
    if (status->is_null()) return InvalidArgument("is required", "status");
    if (*status != existing["status"]) {
      if (*status == "open") {
        changes["resolved_at"] = nullptr;
        changes["resolved_by"] = nullptr;
        changes["resolved_by_name"] = nullptr;
      } else {
        changes["resolved_at"] = NowTimestamp();
        changes["resolved_by"] = call.who->user_id;
        changes["resolved_by_name"] = call.who->username;
      }
    }
  }
  VIGIL_ASSIGN_OR_RETURN(Json stored,
                         UpdateRecord(call, domain::kFindings, id, std::move(changes)));
  return JsonResponse(200, domain::PublicView(domain::kFindings, std::move(stored)));
}

Result<http::Response> ExportFindings(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery q, FindingQuery(call));
  q.limit = 100000;
  q.offset = 0;
  q.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call.tx.List(domain::kFindings, q));
  return CsvDownload(domain::kFindings, page.items);
}

// The uploaded log in a private temporary file (mode 0600), removed when this goes away.
class TempFile {
 public:
  static Result<TempFile> Write(std::string_view data) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string path = (dir / "vigil-attribute-XXXXXX").string();
    int fd = mkstemp(path.data());
    if (fd < 0) return Internal("cannot create a temporary file in " + dir.string());
    TempFile file(path);
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        ::close(fd);
        return Internal("cannot write the temporary file " + path);
      }
      done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) return Internal("cannot write the temporary file " + path);
    return file;
  }
  TempFile(TempFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempFile& operator=(TempFile&&) = delete;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

Result<http::Response> AttributeList(Call& call, const ApiSettings& settings) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(domain::kIntelLists));
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  hunt::AttributeOptions options;
  auto window = ParseDuration(call.req.Query("window").value_or("10m"));
  if (!window.ok()) return InvalidArgument(window.status().message(), "window");
  options.window_seconds = *window;
  std::string format(call.req.Query("format").value_or("auto"));
  if (format != "auto") {
    options.format = logs::ParseLogFormatName(format);
    if (!options.format) return InvalidArgument("unknown log format", "format");
  }
  const std::string source(call.req.Query("source").value_or("upload"));
  if (source != "upload" && source != "events") {
    return InvalidArgument("must be upload or events", "source");
  }
  VIGIL_ASSIGN_OR_RETURN(Json list, VisibleRecord(call, domain::kIntelLists, id));
  VIGIL_ASSIGN_OR_RETURN(std::vector<intel::Indicator> listings,
                         ListEntries(call, id, list, /*addresses_only=*/true));
  hunt::NatAttributor attributor(listings, options);
  Json stats_json;
  if (source == "events") {
    // The stored events the caller may see, around each listing's time.
    if (!call.req.body.empty()) return InvalidArgument("must be empty with source=events", "body");
    VIGIL_ASSIGN_OR_RETURN(Monitoring * m, NeedMonitoring(settings));
    VIGIL_ASSIGN_OR_RETURN(EventScanStats scan,
                           AttributeFromEvents(m->events(), listings, options.window_seconds,
                                               call.access->VisibleOrgs(), &attributor));
    const hunt::AttributeStats& stats = attributor.stats();
    stats_json = {{"listings", listings.size()},
                  {"events", scan.events},
                  {"sessions", stats.sessions},
                  {"malformed", stats.malformed},
                  {"truncated", scan.truncated}};
  } else {
    if (call.req.body.empty()) {
      return InvalidArgument("the request body is empty; expected a firewall log");
    }
    VIGIL_ASSIGN_OR_RETURN(TempFile log, TempFile::Write(call.req.body));
    // The client knows the upload as "the log", not as our temporary file.
    if (Status read = attributor.AddLog(log.path(), "log"); !read.ok()) {
      if (read.code() == StatusCode::kInternal) return read;
      return Status(read.code() == StatusCode::kResourceExhausted ? StatusCode::kInvalidArgument
                                                                  : read.code(),
                    read.message(), "body");
    }
    const hunt::AttributeStats& stats = attributor.stats();
    stats_json = {{"listings", listings.size()}, {"files", stats.files},
                  {"bytes", stats.bytes},        {"lines", stats.lines},
                  {"sessions", stats.sessions},  {"malformed", stats.malformed}};
  }
  const std::vector<hunt::Attribution> results = attributor.Results();

  // The caller's assets by address, to name the host found behind the NAT.
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> assets,
                         AllRecords(call, domain::kAssets, call.access->VisibleOrgs()));
  std::unordered_map<std::string, const Json*> asset_by_ip;
  for (const Json& a : assets) {
    if (auto ips = a.find("ips"); ips != a.end() && ips->is_array()) {
      for (const Json& ip : *ips) {
        if (ip.is_string()) asset_by_ip.emplace(ip.get<std::string>(), &a);
      }
    }
  }

  Json out = Json::array();
  for (const hunt::Attribution& a : results) {
    const intel::Indicator& l = *a.listing;
    Json row = {{"listed_ip", l.value},
                {"listed_time", TimeOrNull(l.first_seen)},
                {"listed_port", l.port > 0 ? Json(l.port) : Json()},
                {"listed_dest_ip", l.dest_ip ? Json(FormatIp(*l.dest_ip)) : Json()},
                {"family", l.family.empty() ? Json() : Json(l.family)},
                {"internal_ip", a.internal_ip ? Json(FormatIp(*a.internal_ip)) : Json()},
                {"method", a.method.empty() ? Json() : Json(a.method)},
                {"rank", a.rank},
                {"sessions", a.sessions},
                {"nearest_seconds", a.nearest_seconds},
                {"internal_ports", a.internal_ports},
                {"reason", a.reason.empty() ? Json() : Json(a.reason)}};
    row["evidence"] = a.evidence;  // "log:LINE" or "event:ID"
    if (a.internal_ip) {
      auto it = asset_by_ip.find(FormatIp(*a.internal_ip));
      if (it != asset_by_ip.end()) {
        const Json& asset = *it->second;
        row["asset"] = {
            {"id", asset["id"]}, {"hostname", asset["hostname"]}, {"org_id", asset["org_id"]}};
      }
    }
    out.push_back(std::move(row));
  }
  return JsonResponse(200, {{"attributions", std::move(out)}, {"stats", std::move(stats_json)}});
}

}  // namespace

Result<int64_t> RematchRecord(Call& call, const domain::ResourceSpec& spec, const Json& stored,
                              const Json* before) {
  const bool is_asset = &spec == &domain::kAssets;
  if (!is_asset && &spec != &domain::kOrgs) return 0;
  const char* field = is_asset ? "ips" : "public_ranges";
  const char* placement = is_asset ? "org_id" : "parent_id";
  if (before != nullptr && before->value(field, Json()) == stored.value(field, Json()) &&
      before->value(placement, Json()) == stored.value(placement, Json())) {
    return 0;  // nothing that matching reads has changed
  }
  auto values = stored.find(field);
  if (values == stored.end() || !values->is_array() || values->empty()) return 0;

  // The lists that cover the record: those imported for its organisation or one above it (the
  // tree snapshot may not hold an organisation created by this request, but holds its parent).
  std::vector<int64_t> orgs;
  if (!is_asset) orgs.push_back(IntField(stored, "id").value_or(0));
  if (std::optional<int64_t> up = IntField(stored, placement)) {
    orgs.push_back(*up);
    for (int64_t a : call.access->tree().Chain(*up)) orgs.push_back(a);
  }
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> lists, AllRecords(call, domain::kIntelLists, orgs));
  if (lists.empty()) return 0;

  std::vector<IpAddress> addresses;                    // looked up: entries containing them
  std::vector<std::pair<IpAddress, IpAddress>> spans;  // looked up: entries starting inside
  for (const Json& text : *values) {
    if (!text.is_string()) continue;
    if (is_asset) {
      if (auto ip = ParseIp(text.get<std::string>()); ip.ok()) addresses.push_back(*ip);
    } else if (auto cidr = ParseCidr(text.get<std::string>()); cidr.ok()) {
      addresses.push_back(cidr->base);
      spans.emplace_back(cidr->base, LastAddress(*cidr));
    }
  }

  SystemLevels levels;
  bool levels_loaded = false;
  auto load_levels = [&]() -> Status {
    if (!is_asset) return AddOrgSystems(call, IntField(stored, "id").value_or(0), &levels);
    if (auto ids = stored.find("system_ids"); ids != stored.end() && ids->is_array()) {
      for (const Json& id : *ids) {
        if (!id.is_number_integer()) continue;
        VIGIL_ASSIGN_OR_RETURN(auto system, call.tx.Get(domain::kSystems, id.get<int64_t>()));
        if (system) levels.Add(*system);
      }
    }
    return Status::Ok();
  };

  const int64_t now = UnixNow();
  int64_t created = 0;
  for (const Json& list : lists) {
    const int64_t list_id = IntField(list, "id").value_or(0);
    // Only the entries that can match this record, in the list's order (which decides between
    // equal spans), so the cost does not grow with the size of the list.
    std::map<int64_t, IndicatorRow> found;
    auto keep = [&found](std::vector<IndicatorRow> rows) {
      for (IndicatorRow& row : rows) found.emplace(row.seq, std::move(row));
    };
    for (const IpAddress& ip : addresses) {
      VIGIL_ASSIGN_OR_RETURN(std::vector<IndicatorRow> rows,
                             call.tx.IndicatorsContaining(list_id, ip));
      keep(std::move(rows));
    }
    for (const auto& [first, last] : spans) {
      VIGIL_ASSIGN_OR_RETURN(std::vector<IndicatorRow> rows,
                             call.tx.IndicatorsStartingIn(list_id, first, last));
      keep(std::move(rows));
    }
    if (found.empty()) continue;
    if (!levels_loaded) {
      VIGIL_RETURN_IF_ERROR(load_levels());
      levels_loaded = true;
    }
    const std::string source = list.value("name", "");
    std::vector<IndicatorRow> rows;
    std::vector<intel::Indicator> indicators;
    for (auto& [seq, row] : found) {
      std::optional<intel::Indicator> in = FromRow(row, source);
      if (!in) continue;
      rows.push_back(std::move(row));
      indicators.push_back(std::move(*in));
    }
    Matcher matcher(call, list_id, rows, std::move(indicators), levels, /*check_stored=*/true, now);
    VIGIL_RETURN_IF_ERROR(is_asset ? matcher.MatchAsset(stored) : matcher.MatchRanges(stored));
    created += matcher.created();
  }
  return created;
}

namespace {

// Sets the organisation and level of stored findings that differ; returns how many changed.
// `asset_id` null: the findings on `org`'s public ranges.
Result<int64_t> SetFindings(Call& call, std::optional<int64_t> asset_id, int64_t org,
                            std::optional<int64_t> level) {
  store::ListQuery q;
  q.equals = {asset_id ? std::pair<std::string, Json>{"asset_id", *asset_id}
                       : std::pair<std::string, Json>{"org_id", org}};
  q.limit = kAllRows;
  q.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call.tx.List(domain::kFindings, q));
  const Json level_json = level ? Json(*level) : Json();
  int64_t changed = 0;
  for (const Json& f : page.items) {
    if (!asset_id && !f.value("asset_id", Json()).is_null()) continue;
    Json changes = Json::object();
    if (IntField(f, "org_id") != org) changes["org_id"] = org;
    if (f.value("system_security_level", Json()) != level_json) {
      changes["system_security_level"] = level_json;
    }
    if (changes.empty()) continue;
    VIGIL_RETURN_IF_ERROR(
        call.tx.Update(domain::kFindings, IntField(f, "id").value_or(0), changes));
    ++changed;
  }
  return changed;
}

Result<int64_t> SyncAssetFindings(Call& call, const Json& asset) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<int64_t> level, AssetLevel(call, asset));
  return SetFindings(call, IntField(asset, "id"), IntField(asset, "org_id").value_or(0), level);
}

}  // namespace

Result<int64_t> SyncFindings(Call& call, const domain::ResourceSpec& spec, const Json& stored,
                             const Json& before) {
  auto changed = [&](const char* field) {
    return before.value(field, Json()) != stored.value(field, Json());
  };
  if (&spec == &domain::kAssets) {
    if (!changed("org_id") && !changed("system_ids")) return 0;
    return SyncAssetFindings(call, stored);
  }
  if (&spec != &domain::kSystems ||
      (!changed("security_level") && !changed("owner_org_id") && !changed("operator_org_id"))) {
    return 0;
  }
  const int64_t system_id = IntField(stored, "id").value_or(0);
  int64_t count = 0;
  // The findings on the system's assets...
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> assets, AllRecords(call, domain::kAssets, {}));
  for (const Json& asset : assets) {
    auto ids = asset.find("system_ids");
    if (ids == asset.end() || !ids->is_array() ||
        std::find(ids->begin(), ids->end(), Json(system_id)) == ids->end()) {
      continue;
    }
    VIGIL_ASSIGN_OR_RETURN(int64_t n, SyncAssetFindings(call, asset));
    count += n;
  }
  // ...and on the public ranges of the organisations that own or operate it, before and after.
  std::set<int64_t> orgs;
  for (const Json* record : {&before, &stored}) {
    for (const char* f : {"owner_org_id", "operator_org_id"}) {
      if (auto org = IntField(*record, f)) orgs.insert(*org);
    }
  }
  for (int64_t org : orgs) {
    SystemLevels levels;
    VIGIL_RETURN_IF_ERROR(AddOrgSystems(call, org, &levels));
    std::optional<int64_t> level;
    if (auto it = levels.of_org.find(org); it != levels.of_org.end()) level = it->second;
    VIGIL_ASSIGN_OR_RETURN(int64_t n, SetFindings(call, std::nullopt, org, level));
    count += n;
  }
  return count;
}

void AddIntelRoutes(Router& router, const ApiSettings& settings) {
  const ApiSettings* s = &settings;
  auto with = [s](Result<http::Response> (*f)(Call&, const ApiSettings&)) {
    return [s, f](Call& c) { return f(c, *s); };
  };
  const std::string lists = "/api/v1/intel/lists";
  RouteDoc import_doc{
      "Import an indicator list (raw file bytes; name, format, strict, org_id, recent) and match "
      "it against the register and the recent stored events",
      "intel", RouteKind::kCreate, &domain::kIntelLists, "application/octet-stream"};
  router.Add("POST", lists, import_doc, with(ImportList));
  router.Add("GET", lists,
             {"List imported indicator lists, newest first", "intel", RouteKind::kList,
              &domain::kIntelLists},
             ListLists);
  router.Add("GET", lists + "/{id}",
             {"Read an indicator list", "intel", RouteKind::kGet, &domain::kIntelLists}, GetList);
  router.Add("DELETE", lists + "/{id}",
             {"Delete an indicator list with its entries and findings (admin)", "intel",
              RouteKind::kDelete, &domain::kIntelLists},
             DeleteList);
  RouteDoc attribute_doc{
      "Attribute the list's addresses to internal hosts from an uploaded firewall NAT log or the "
      "stored events (source=upload|events, window, format)",
      "intel", RouteKind::kOther, nullptr, "application/octet-stream"};
  attribute_doc.read_only = true;  // reads the list, the assets and events, writes nothing
  router.Add("POST", lists + "/{id}/attribute", attribute_doc, with(AttributeList));
  router.Add("GET", lists + "/{id}/connections",
             {"Stored events of the list's organisation subtree in which a listed entry appears "
              "(recent: a duration, default 7d)",
              "intel"},
             with(ListConnections));

  const std::string findings = "/api/v1/findings";
  router.Add("GET", findings,
             {"List findings, open and most important first (status, list_id, org_id, q)",
              "findings", RouteKind::kList, &domain::kFindings},
             ListFindings);
  RouteDoc export_doc{"Export findings as CSV (same filters as the list)", "findings"};
  export_doc.response_type = "text/csv";
  export_doc.resource = &domain::kFindings;
  router.Add("GET", findings + "/export.csv", export_doc, ExportFindings);
  router.Add("GET", findings + "/{id}",
             {"Read a finding", "findings", RouteKind::kGet, &domain::kFindings}, GetFinding);
  router.Add("PATCH", findings + "/{id}",
             {"Change a finding's status (open, cleaned, false_positive) and note", "findings",
              RouteKind::kUpdate, &domain::kFindings, "application/json"},
             PatchFinding);
}

}  // namespace vigil::server
