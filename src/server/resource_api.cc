// Generic CRUD over the ResourceSpecs (orgs, systems, assets, contacts, users) and the read-only
// audit log, with the per-resource rules that a spec cannot express (tree cycles, passwords).
#include <algorithm>

#include "auth/credentials.h"
#include "core/time.h"
#include "domain/record.h"
#include "server/api.h"
#include "server/audit_log.h"
#include "server/json_io.h"
#include "server/monitoring.h"

namespace vigil::server {
namespace {

using domain::FieldSpec;
using domain::FieldType;
using domain::IntField;
using domain::ResourceSpec;

std::optional<std::chrono::year_month_day> DateField(const Json& record, std::string_view name) {
  auto it = record.find(name);
  if (it == record.end() || !it->is_string()) return std::nullopt;
  auto d = ParseDate(it->get<std::string>());
  if (!d.ok()) return std::nullopt;
  return *d;
}

// Each referenced organisation or system must exist and be visible to the caller; unknown and
// invisible look the same, so nothing leaks across scopes. On update only references the change
// adds are checked, so a unit can still edit its asset that an administrator linked to a
// provincial system it cannot see.
Status CheckReferences(Call& call, const ResourceSpec& spec, const Json& changes,
                       const Json* existing) {
  for (const FieldSpec& f : spec.fields) {
    if (f.type != FieldType::kRef && f.type != FieldType::kRefList) continue;
    auto it = changes.find(f.name);
    if (it == changes.end() || it->is_null()) continue;
    const Json before = existing && existing->contains(f.name) ? (*existing)[f.name] : Json();
    if (before == *it) continue;
    Json ids = it->is_array() ? *it : Json::array({*it});
    for (size_t i = 0; i < ids.size(); ++i) {
      if (before.is_array() && std::find(before.begin(), before.end(), ids[i]) != before.end()) {
        continue;  // already referenced before this change
      }
      int64_t id = ids[i].get<int64_t>();
      std::string where(f.name);
      if (it->is_array()) where += "[" + std::to_string(i) + "]";
      if (f.ref == "orgs") {
        if (!call.access->tree().Exists(id) || !call.access->SeesOrg(id)) {
          return InvalidArgument("no such organisation: " + std::to_string(id), where);
        }
      } else {
        const ResourceSpec* target = domain::FindResource(f.ref);
        VIGIL_ASSIGN_OR_RETURN(auto found, call.tx.Get(*target, id));
        if (!found || !call.access->SeesRecord(*target, *found)) {
          return InvalidArgument(
              "no such " + std::string(target->singular) + ": " + std::to_string(id), where);
        }
      }
    }
  }
  return Status::Ok();
}

// Rules for the organisation tree: who may add roots, move and delete organisations.
Status CheckOrgChange(Call& call, const Json& merged, const Json* existing) {
  const Principal& who = *call.who;
  const OrgTree& tree = call.access->tree();
  std::optional<int64_t> parent = IntField(merged, "parent_id");
  std::optional<int64_t> old_parent = existing ? IntField(*existing, "parent_id") : std::nullopt;
  bool moves = existing == nullptr || parent != old_parent;
  if (!moves) return Status::Ok();
  if (who.role == Role::kUnitOfficer) {
    return Status(StatusCode::kPermissionDenied, "a unit officer cannot add or move organisations",
                  "parent_id");
  }
  if (!parent && who.scope_root) {
    return Status(StatusCode::kPermissionDenied,
                  "only users scoped to every organisation can create a top-level one",
                  "parent_id");
  }
  if (existing) {
    int64_t id = (*existing)["id"].get<int64_t>();
    if (who.scope_root && *who.scope_root == id) {
      return Status(StatusCode::kPermissionDenied,
                    "you cannot move the organisation your account is scoped to", "parent_id");
    }
    if (parent && tree.InSubtree(*parent, id)) {
      return Conflict("an organisation cannot be placed under itself or its own descendants",
                      "parent_id");
    }
  }
  return Status::Ok();
}

// Users: password policy and hashing, scope of new accounts.
Status PrepareUser(Call& call, Json& changes, const Json* existing) {
  if (!existing && !changes.contains("password")) {
    return InvalidArgument("is required", "password");
  }
  if (auto it = changes.find("password"); it != changes.end()) {
    if (!it->is_string()) return InvalidArgument("is required", "password");
    std::string password = it->get<std::string>();
    Status policy = auth::CheckPasswordPolicy(password);
    if (!policy.ok()) return InvalidArgument(policy.message(), "password");
    VIGIL_ASSIGN_OR_RETURN(changes["password_hash"], auth::HashPassword(password));
    changes["failed_logins"] = 0;
    changes["locked_until"] = nullptr;
    changes.erase("password");
  }
  Json merged = existing ? *existing : Json::object();
  merged.update(changes);
  if (IntField(merged, "org_id") == std::nullopt && call.who->scope_root) {
    return Status(StatusCode::kPermissionDenied,
                  "only users scoped to every organisation can grant that scope", "org_id");
  }
  return Status::Ok();
}

Result<Json> Page(Call& call, const ResourceSpec& spec, const ApiSettings& settings) {
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery query, ListQueryFor(call, spec));
  int64_t limit = query.limit;
  if (!spec.has_total) query.limit += 1;  // one more tells whether a next page exists
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call.tx.List(spec, query));
  Json items = Json::array();
  for (size_t i = 0; i < page.items.size() && static_cast<int64_t>(i) < limit; ++i) {
    items.push_back(PresentRecord(spec, std::move(page.items[i]), settings));
  }
  Json out = {{"items", std::move(items)}, {"limit", limit}, {"offset", query.offset}};
  if (page.total)
    out["total"] = *page.total;
  else
    out["has_more"] = static_cast<int64_t>(page.items.size()) > limit;
  return out;
}

// The record for a change: visible (else 404) and owned by the caller's subtree (else 403).
Result<Json> ChangeableRecord(Call& call, const ResourceSpec& spec, int64_t id) {
  VIGIL_ASSIGN_OR_RETURN(Json existing, VisibleRecord(call, spec, id));
  if (!call.access->OwnsRecord(spec, existing)) {
    return PermissionDenied("you may read this " + std::string(spec.singular) +
                            " but only its owner's organisation may change it");
  }
  return existing;
}

Status DeleteRecord(Call& call, const ResourceSpec& spec, int64_t id, const ApiSettings& s) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(spec));
  VIGIL_ASSIGN_OR_RETURN(Json existing, ChangeableRecord(call, spec, id));
  if (&spec == &domain::kOrgs) {
    if (call.who->role == Role::kUnitOfficer) {
      return PermissionDenied("a unit officer cannot delete organisations");
    }
    if (call.who->scope_root == id) {
      return PermissionDenied("you cannot delete the organisation your account is scoped to");
    }
  } else if (&spec == &domain::kUsers && id == call.who->user_id) {
    return Conflict("you cannot delete your own account");
  } else if (&spec == &domain::kSystems) {
    store::ListQuery uses;
    uses.contains = {{"system_ids", id}};
    uses.limit = 0;
    VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call.tx.List(domain::kAssets, uses));
    if (page.total.value_or(0) > 0) {
      return Conflict(std::to_string(*page.total) +
                      " assets still serve this system; detach them first");
    }
  }
  VIGIL_RETURN_IF_ERROR(call.tx.Delete(spec, id));
  std::optional<int64_t> org =
      spec.scope_field.empty() ? std::nullopt : IntField(existing, spec.scope_field);
  return RecordAudit(call, "delete", spec.name, id, org, PresentRecord(spec, existing, s), nullptr);
}

}  // namespace

Result<Json> VisibleRecord(Call& call, const domain::ResourceSpec& spec, int64_t id) {
  VIGIL_ASSIGN_OR_RETURN(auto found, call.tx.Get(spec, id));
  if (!found || !call.access->SeesRecord(spec, *found)) {
    return NotFound(std::string(spec.singular) + " " + std::to_string(id) + " not found");
  }
  return *found;
}

Json PresentRecord(const ResourceSpec& spec, Json stored, const ApiSettings& s) {
  Json out = domain::PublicView(spec, std::move(stored));
  std::optional<std::chrono::year_month_day> due;
  if (&spec == &domain::kSystems) {
    auto level = IntField(out, "security_level");
    due = domain::NextSystemAssessment(s.assessment, static_cast<int>(level.value_or(0)),
                                       DateField(out, "last_assessment_date"),
                                       DateField(out, "approval_date"));
  } else if (&spec == &domain::kOrgs) {
    due = domain::NextOrgAssessment(s.assessment, DateField(out, "last_assessment_date"));
  } else {
    return out;
  }
  out["next_assessment_due"] = due ? Json(FormatDate(*due)) : Json(nullptr);
  return out;
}

namespace {
// Monitoring attributes events to assets from a snapshot; a changed asset or system renews it.
void NoteChange(const ResourceSpec& spec, const ApiSettings& s) {
  if (s.monitoring != nullptr && (&spec == &domain::kAssets || &spec == &domain::kSystems)) {
    s.monitoring->AssetsChanged();
  }
}
}  // namespace

Result<Json> PageOf(Call& call, const ResourceSpec& spec, const store::ListQuery& q) {
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call.tx.List(spec, q));
  Json items = Json::array();
  for (Json& r : page.items) items.push_back(domain::PublicView(spec, std::move(r)));
  return Json{{"items", std::move(items)},
              {"total", page.total.value_or(0)},
              {"limit", q.limit},
              {"offset", q.offset}};
}

Result<store::ListQuery> ListQueryFor(Call& call, const ResourceSpec& spec) {
  store::ListQuery q;
  q.scope = call.access->VisibleOrgs();
  q.count_total = spec.has_total;
  q.newest_first = &spec == &domain::kAudit;
  for (const auto& [name, value] : call.req.query) {
    if (name == "limit") {
      VIGIL_ASSIGN_OR_RETURN(q.limit, ParseId(value, name));
      if (q.limit < 1 || q.limit > 1000) return InvalidArgument("must be 1 to 1000", name);
    } else if (name == "offset") {
      VIGIL_ASSIGN_OR_RETURN(q.offset, ParseId(value, name));
    } else if (name == "q") {
      if (value.size() > 200) return InvalidArgument("too long: at most 200 bytes", name);
      q.search = value;
    } else if (name == "org_id") {
      VIGIL_ASSIGN_OR_RETURN(int64_t org, ParseId(value, name));
      if (!call.access->tree().Exists(org) || !call.access->SeesOrg(org)) {
        return NotFound("organisation " + value + " not found", name);
      }
      q.scope = call.access->tree().Subtree(org);
    } else if (name == "mode") {
      continue;  // CSV import mode, read by its handler
    } else {
      const FieldSpec* f = spec.Field(name);
      if (f == nullptr || f->access == domain::Access::kInternal || !f->stored) {
        return InvalidArgument("unknown query parameter", name);
      }
      bool is_list = f->type == FieldType::kIpList || f->type == FieldType::kCidrList ||
                     f->type == FieldType::kRefList || f->type == FieldType::kEnumList;
      domain::FieldSpec scalar = *f;
      if (is_list)
        scalar.type = f->type == FieldType::kRefList ? FieldType::kInt : FieldType::kString;
      scalar.required = false;
      scalar.min = INT64_MIN;
      scalar.max = f->type == FieldType::kRefList || f->type == FieldType::kInt ? INT64_MAX : 1000;
      auto parsed = domain::CsvCellToJson(scalar, value);
      if (!parsed.ok()) return parsed.status().Within(name);
      Json cell = std::move(parsed).value();
      if (f->type == FieldType::kEnum && cell.is_string()) {  // a value that cannot match is a typo
        if (auto valid = domain::DecodeValue(*f, cell); !valid.ok()) {
          return valid.status().Within(name);
        }
      }
      if (is_list) {
        if (f->type == FieldType::kIpList || f->type == FieldType::kCidrList ||
            f->type == FieldType::kEnumList) {
          auto normal = domain::DecodeValue(*f, Json::array({cell}));
          // One value, so the error names the parameter, not element [0].
          if (!normal.ok()) return InvalidArgument(normal.status().message(), name);
          if (!normal->empty()) cell = (*normal)[0];
        }
        q.contains.emplace_back(name, cell);
      } else {
        q.equals.emplace_back(name, cell);
      }
    }
  }
  return q;
}

Result<Json> CreateRecord(Call& call, const ResourceSpec& spec, Json record,
                          std::string_view action) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(spec));
  if (&spec == &domain::kUsers) VIGIL_RETURN_IF_ERROR(PrepareUser(call, record, nullptr));
  if (&spec == &domain::kOrgs) VIGIL_RETURN_IF_ERROR(CheckOrgChange(call, record, nullptr));
  VIGIL_RETURN_IF_ERROR(CheckReferences(call, spec, record, nullptr));
  if (&spec != &domain::kOrgs && !call.access->OwnsRecord(spec, record)) {
    return Status(StatusCode::kPermissionDenied, "outside your organisations",
                  std::string(spec.scope_field));
  }
  VIGIL_ASSIGN_OR_RETURN(int64_t id, call.tx.Insert(spec, record));
  VIGIL_ASSIGN_OR_RETURN(auto stored, call.tx.Get(spec, id));
  std::optional<int64_t> org =
      &spec == &domain::kOrgs ? std::optional<int64_t>(id) : IntField(*stored, spec.scope_field);
  // A new asset or public range on a stored indicator list: its findings, in this transaction.
  VIGIL_ASSIGN_OR_RETURN(int64_t findings, RematchRecord(call, spec, *stored, nullptr));
  Json after = domain::PublicView(spec, *stored);
  if (findings > 0) after["findings"] = findings;
  VIGIL_RETURN_IF_ERROR(RecordAudit(call, action, spec.name, id, org, nullptr, after));
  return *stored;
}

Result<Json> UpdateRecord(Call& call, const ResourceSpec& spec, int64_t id, Json changes,
                          std::string_view action) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(spec));
  VIGIL_ASSIGN_OR_RETURN(Json existing, ChangeableRecord(call, spec, id));
  if (&spec == &domain::kUsers) {
    VIGIL_RETURN_IF_ERROR(PrepareUser(call, changes, &existing));
    bool revoke = changes.contains("password_hash") ||
                  (changes.contains("disabled") && changes["disabled"] == true);
    if (revoke)
      VIGIL_RETURN_IF_ERROR(call.tx.DeleteWhere(domain::kSessions, "user_id", id).status());
  }
  Json merged = existing;
  merged.update(changes);
  if (&spec == &domain::kOrgs) VIGIL_RETURN_IF_ERROR(CheckOrgChange(call, merged, &existing));
  VIGIL_RETURN_IF_ERROR(CheckReferences(call, spec, changes, &existing));
  if (!call.access->OwnsRecord(spec, merged)) {
    return Status(StatusCode::kPermissionDenied,
                  "this change would move the record outside your organisations",
                  std::string(spec.scope_field));
  }
  VIGIL_RETURN_IF_ERROR(call.tx.Update(spec, id, changes));
  VIGIL_ASSIGN_OR_RETURN(auto stored, call.tx.Get(spec, id));
  std::optional<int64_t> org =
      &spec == &domain::kOrgs ? std::optional<int64_t>(id) : IntField(*stored, spec.scope_field);
  VIGIL_ASSIGN_OR_RETURN(int64_t findings, RematchRecord(call, spec, *stored, &existing));
  VIGIL_ASSIGN_OR_RETURN(int64_t synced, SyncFindings(call, spec, *stored, existing));
  Json after = domain::PublicView(spec, *stored);
  if (findings > 0) after["findings"] = findings;
  if (synced > 0) after["findings_updated"] = synced;
  VIGIL_RETURN_IF_ERROR(
      RecordAudit(call, action, spec.name, id, org, domain::PublicView(spec, existing), after));
  return *stored;
}

void AddResourceRoutes(Router& router, const ApiSettings& settings) {
  const ApiSettings* s = &settings;
  for (const ResourceSpec* spec_ptr : domain::ApiResources()) {
    const ResourceSpec& spec = *spec_ptr;
    std::string base = "/api/v1/" + std::string(spec.name);
    std::string tag(spec.name);
    std::string one(spec.singular);
    router.Add("GET", base, {"List " + std::string(spec.name), tag, RouteKind::kList, &spec},
               [&spec, s](Call& call) -> Result<http::Response> {
                 VIGIL_RETURN_IF_ERROR(call.access->CheckRead(spec));
                 VIGIL_ASSIGN_OR_RETURN(Json page, Page(call, spec, *s));
                 return JsonResponse(200, page);
               });
    router.Add("POST", base, {"Create " + one, tag, RouteKind::kCreate, &spec, "application/json"},
               [&spec, s](Call& call) -> Result<http::Response> {
                 VIGIL_RETURN_IF_ERROR(call.access->CheckRead(spec));
                 VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
                 VIGIL_ASSIGN_OR_RETURN(
                     Json record, domain::DecodeRecord(spec, body, domain::DecodeMode::kCreate));
                 VIGIL_ASSIGN_OR_RETURN(Json stored, CreateRecord(call, spec, std::move(record)));
                 NoteChange(spec, *s);
                 return JsonResponse(201, PresentRecord(spec, stored, *s));
               });
    router.Add("GET", base + "/{id}", {"Read " + one, tag, RouteKind::kGet, &spec},
               [&spec, s](Call& call) -> Result<http::Response> {
                 VIGIL_RETURN_IF_ERROR(call.access->CheckRead(spec));
                 VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
                 VIGIL_ASSIGN_OR_RETURN(Json found, VisibleRecord(call, spec, id));
                 return JsonResponse(200, PresentRecord(spec, found, *s));
               });
    router.Add("PATCH", base + "/{id}",
               {"Change " + one, tag, RouteKind::kUpdate, &spec, "application/json"},
               [&spec, s](Call& call) -> Result<http::Response> {
                 VIGIL_RETURN_IF_ERROR(call.access->CheckRead(spec));
                 VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
                 VIGIL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(call.req));
                 VIGIL_ASSIGN_OR_RETURN(
                     Json changes, domain::DecodeRecord(spec, body, domain::DecodeMode::kPatch));
                 VIGIL_ASSIGN_OR_RETURN(Json stored,
                                        UpdateRecord(call, spec, id, std::move(changes)));
                 NoteChange(spec, *s);
                 return JsonResponse(200, PresentRecord(spec, stored, *s));
               });
    router.Add("DELETE", base + "/{id}", {"Delete " + one, tag, RouteKind::kDelete, &spec},
               [&spec, s](Call& call) -> Result<http::Response> {
                 VIGIL_RETURN_IF_ERROR(call.access->CheckRead(spec));
                 VIGIL_ASSIGN_OR_RETURN(int64_t id, ParseId(call.params["id"], "id"));
                 VIGIL_RETURN_IF_ERROR(DeleteRecord(call, spec, id, *s));
                 NoteChange(spec, *s);
                 return http::Response{204, {}, ""};
               });
  }
  router.Add("GET", "/api/v1/audit",
             {"List audit entries, newest first", "audit", RouteKind::kList, &domain::kAudit},
             [s](Call& call) -> Result<http::Response> {
               VIGIL_ASSIGN_OR_RETURN(Json page, Page(call, domain::kAudit, *s));
               return JsonResponse(200, page);
             });
}

}  // namespace vigil::server
