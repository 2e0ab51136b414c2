// GET /api/v1/orgs/{id}/reporting-chain: the organisations an incident at {id} is reported to, in
// order (unit → its parent → ... → the root). The chain follows the editable tree, so it changes
// when administrative levels are reorganised. Ancestors above the caller's scope are shown by
// name only (id, code, name, kind): a unit must know whom it reports to.
#include "server/api.h"
#include "server/json_io.h"

namespace vigil::server {
namespace {

Result<http::Response> ReportingChain(Call& call) {
  VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
  if (!call.access->tree().Exists(id) || !call.access->SeesOrg(id)) {
    return NotFound("organisation " + std::to_string(id) + " not found");
  }
  Json chain = Json::array();
  for (int64_t ancestor : call.access->tree().Chain(id)) {
    VIGIL_ASSIGN_OR_RETURN(auto org, call.tx.Get(domain::kOrgs, ancestor));
    if (!org) continue;
    chain.push_back({{"id", (*org)["id"]},
                     {"code", (*org)["code"]},
                     {"name", (*org)["name"]},
                     {"kind", (*org)["kind"]},
                     {"in_scope", call.access->SeesOrg(ancestor)}});
  }
  return JsonResponse(200, {{"org_id", id}, {"chain", chain}});
}

}  // namespace

void AddOrgRoutes(Router& router) {
  router.Add("GET", "/api/v1/orgs/{id}/reporting-chain",
             {"The organisations above this one, nearest first: whom it reports to", "orgs"},
             ReportingChain);
}

}  // namespace vigil::server
