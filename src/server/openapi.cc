// The OpenAPI 3.0 document, generated from the router's routes and the ResourceSpecs so that it
// always lists exactly the endpoints that exist, with the schemas the decoder enforces.
#include "server/api.h"
#include "server/json_io.h"

namespace vigil::server {
namespace {

using domain::Access;
using domain::FieldSpec;
using domain::FieldType;

Json FieldSchema(const FieldSpec& f) {
  Json s;
  auto list_of = [](Json item) { return Json{{"type", "array"}, {"items", std::move(item)}}; };
  switch (f.type) {
    case FieldType::kInt:
      s = {{"type", "integer"}, {"format", "int64"}};
      if (f.max > f.min) {
        s["minimum"] = f.min;
        s["maximum"] = f.max;
      }
      break;
    case FieldType::kRef:
      s = {{"type", "integer"},
           {"format", "int64"},
           {"description", "id of a record in " + std::string(f.ref)}};
      break;
    case FieldType::kBool:
      s = {{"type", "boolean"}};
      break;
    case FieldType::kDate:
      s = {{"type", "string"}, {"format", "date"}};
      break;
    case FieldType::kTimestamp:
      s = {{"type", "string"}, {"format", "date-time"}};
      break;
    case FieldType::kEnum:
      s = {{"type", "string"},
           {"enum", Json(std::vector<std::string>(f.values.begin(), f.values.end()))}};
      break;
    case FieldType::kEnumList:
      s = list_of({{"type", "string"},
                   {"enum", Json(std::vector<std::string>(f.values.begin(), f.values.end()))}});
      break;
    case FieldType::kIpList:
      s = list_of({{"type", "string"}, {"description", "IPv4 or IPv6 address"}});
      break;
    case FieldType::kCidrList:
      s = list_of({{"type", "string"}, {"description", "CIDR network"}});
      break;
    case FieldType::kRefList:
      s = list_of({{"type", "integer"}, {"format", "int64"}});
      break;
    case FieldType::kMac:
      s = {{"type", "string"}, {"pattern", "^([0-9a-f]{2}:){5}[0-9a-f]{2}$"}};
      break;
    case FieldType::kEmail:
      s = {{"type", "string"}, {"format", "email"}};
      break;
    case FieldType::kJson:
      s = Json::object();
      break;
    default:
      s = {{"type", "string"}};
      if (f.max > 0) s["maxLength"] = f.max;
  }
  if (f.access == Access::kReadOnly) s["readOnly"] = true;
  if (f.access == Access::kWriteOnly) s["writeOnly"] = true;
  if (!f.required && f.access != Access::kReadOnly) s["nullable"] = true;
  return s;
}

Json ResourceSchema(const domain::ResourceSpec& spec) {
  Json props = Json::object();
  Json required = Json::array();
  for (const FieldSpec& f : spec.fields) {
    if (f.access == Access::kInternal) continue;
    props[f.name] = FieldSchema(f);
    if (f.required) required.push_back(f.name);
  }
  Json s = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

Json Ref(std::string_view name) { return {{"$ref", "#/components/schemas/" + std::string(name)}}; }

Json Document(const Router& router) {
  Json paths = Json::object();
  Json schemas = {{"Error",
                   {{"type", "object"},
                    {"properties",
                     {{"error",
                       {{"type", "object"},
                        {"properties",
                         {{"code", {{"type", "string"}}},
                          {"message", {{"type", "string"}}},
                          {"field", {{"type", "string"}}}}}}}}}}}};
  Json error_response = {{"description", "Error"},
                         {"content", {{"application/json", {{"schema", Ref("Error")}}}}}};
  for (const auto& route : router.routes()) {
    const RouteDoc& d = route->doc;
    Json op = {{"summary", d.summary}, {"tags", {d.tag}}};
    Json params = Json::array();
    for (const std::string& seg : route->segments) {
      if (seg.front() == '{') {
        params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "integer"}}}});
      }
    }
    Json item_schema = d.resource ? Ref(d.resource->name) : Json{{"type", "object"}};
    if (d.kind == RouteKind::kList) {
      for (const char* p : {"limit", "offset"}) {
        params.push_back({{"name", p}, {"in", "query"}, {"schema", {{"type", "integer"}}}});
      }
      params.push_back({{"name", "q"}, {"in", "query"}, {"schema", {{"type", "string"}}}});
      params.push_back({{"name", "org_id"}, {"in", "query"}, {"schema", {{"type", "integer"}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!d.request_type.empty()) {
      Json body_schema = d.request_type == "application/json" && d.resource ? item_schema
                         : d.request_type == "text/csv" ? Json{{"type", "string"}}
                         : d.request_type == "application/octet-stream"
                             ? Json{{"type", "string"}, {"format", "binary"}}
                             : Json{{"type", "object"}};
      op["requestBody"] = {{"required", true},
                           {"content", {{d.request_type, {{"schema", body_schema}}}}}};
    }
    Json ok_schema = item_schema;
    if (d.kind == RouteKind::kList) {
      ok_schema = {{"type", "object"},
                   {"properties",
                    {{"items", {{"type", "array"}, {"items", item_schema}}},
                     {"total", {{"type", "integer"}}},
                     {"limit", {{"type", "integer"}}},
                     {"offset", {{"type", "integer"}}}}}};
    }
    std::string ok_code = d.kind == RouteKind::kCreate   ? "201"
                          : d.kind == RouteKind::kDelete ? "204"
                                                         : "200";
    Json ok = {{"description", "Success"}};
    if (d.kind != RouteKind::kDelete) {
      ok["content"] = {
          {d.response_type,
           {{"schema",
             d.response_type == "application/json" ? ok_schema : Json{{"type", "string"}}}}}};
    }
    op["responses"] = {{ok_code, ok}, {"4XX", error_response}};
    if (d.public_route) {
      op["security"] =
          d.source_token ? Json::array({{{"sourceToken", Json::array()}}}) : Json::array();
    }
    std::string method = route->method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[route->pattern][method] = op;
  }
  for (const domain::ResourceSpec* spec : domain::ApiResources()) {
    schemas[spec->name] = ResourceSchema(*spec);
  }
  for (const domain::ResourceSpec* spec :
       {&domain::kAudit, &domain::kIntelLists, &domain::kFindings, &domain::kAlerts,
        &domain::kSuppressions, &domain::kIngestSources}) {
    schemas[spec->name] = ResourceSchema(*spec);
  }
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Vigil API"},
        {"version", "1"},
        {"description", "Security operations for Vietnamese state bodies. See docs/API.md."}}},
      {"paths", paths},
      {"components",
       {{"schemas", schemas},
        {"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
          {"sourceToken",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"description", "A log source's token (vgi_...), for POST /api/v1/ingest"}}},
          {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "vigil_session"}}}}}}},
      {"security", {{{"bearer", Json::array()}}, {{"cookie", Json::array()}}}},
  };
}

}  // namespace

void AddOpenApiRoute(Router& router) {
  const Router* r = &router;
  RouteDoc doc{"This document", "meta"};
  doc.public_route = true;
  router.Add("GET", "/api/v1/openapi.json", doc,
             [r](Call&) -> Result<http::Response> { return JsonResponse(200, Document(*r)); });
}

}  // namespace vigil::server
