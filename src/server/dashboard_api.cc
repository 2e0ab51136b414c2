// GET /api/v1/dashboard: what an officer needs at a glance for one organisation's subtree.
#include <algorithm>

#include "core/time.h"
#include "server/api.h"
#include "server/json_io.h"

namespace vigil::server {
namespace {

constexpr int kDueWithinDays = 90;

Result<Json> CountsBy(Call& call, const domain::ResourceSpec& spec, std::string_view field,
                      const store::ListQuery& scope) {
  VIGIL_ASSIGN_OR_RETURN(auto counts, call.tx.CountBy(spec, field, scope));
  Json out = Json::object();
  for (const auto& [value, n] : counts) {
    out[value.is_string() ? value.get<std::string>() : value.dump()] = n;
  }
  return out;
}

Result<http::Response> Dashboard(Call& call, const ApiSettings& s) {
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery scope, ListQueryFor(call, domain::kSystems));
  scope.limit = 100000;
  scope.offset = 0;
  scope.count_total = false;
  Json out = {{"org_id", nullptr}};
  if (auto org = call.req.Query("org_id")) {
    VIGIL_ASSIGN_OR_RETURN(out["org_id"], ParseId(*org, "org_id"));
  }
  VIGIL_ASSIGN_OR_RETURN(Json levels, CountsBy(call, domain::kSystems, "security_level", scope));
  for (int level = 1; level <= 5; ++level) {
    if (!levels.contains(std::to_string(level))) levels[std::to_string(level)] = 0;
  }
  out["systems_by_level"] = levels;
  VIGIL_ASSIGN_OR_RETURN(out["assets_by_role"], CountsBy(call, domain::kAssets, "role", scope));

  store::ListQuery contacts = scope;
  contacts.count_total = true;
  contacts.limit = 50;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage all_contacts, call.tx.List(domain::kContacts, contacts));
  out["contacts"] = all_contacts.total.value_or(0);
  contacts.equals = {{"on_call", true}};
  VIGIL_ASSIGN_OR_RETURN(store::ListPage on_call, call.tx.List(domain::kContacts, contacts));
  Json on_call_json = Json::array();
  for (const Json& c : on_call.items)
    on_call_json.push_back(PresentRecord(domain::kContacts, c, s));
  out["on_call"] = on_call_json;

  // Assessments due within 90 days or overdue, soonest first.
  std::chrono::year_month_day horizon(std::chrono::sys_days(Today()) +
                                      std::chrono::days(kDueWithinDays));
  std::string limit = FormatDate(horizon);
  Json due = Json::array();
  for (const domain::ResourceSpec* spec : {&domain::kSystems, &domain::kOrgs}) {
    VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call.tx.List(*spec, scope));
    for (const Json& rec : page.items) {
      Json view = PresentRecord(*spec, rec, s);
      const Json& when = view["next_assessment_due"];
      if (when.is_string() && when.get<std::string>() <= limit) {
        due.push_back({{"kind", spec == &domain::kSystems ? "system" : "org"},
                       {"id", view["id"]},
                       {"name", view["name"]},
                       {"due", when},
                       {"overdue", when.get<std::string>() < FormatDate(Today())}});
      }
    }
  }
  std::sort(due.begin(), due.end(),
            [](const Json& a, const Json& b) { return a["due"] < b["due"]; });
  out["assessments_due"] = due;
  return JsonResponse(200, out);
}

}  // namespace

void AddDashboardRoutes(Router& router, const ApiSettings& settings) {
  const ApiSettings* s = &settings;
  router.Add(
      "GET", "/api/v1/dashboard",
      {"Summary of an organisation's subtree (org_id; default: all you can see)", "dashboard"},
      [s](Call& c) { return Dashboard(c, *s); });
}

}  // namespace vigil::server
