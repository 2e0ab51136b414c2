// CSV import and export for assets and contacts: the spreadsheets offices keep.
//
// Import is all-or-nothing by default (mode=strict): any bad row and nothing is written. With
// mode=lenient the good rows are kept and the bad ones reported. Either way every error names
// the line and the column. A row with an `id` updates that record; without, it creates one.
#include <algorithm>

#include "core/text.h"
#include "csv/csv.h"
#include "domain/record.h"
#include "server/api.h"
#include "server/json_io.h"

namespace vigil::server {
namespace {

using domain::ResourceSpec;

struct RowError {
  size_t line;
  std::string field;
  std::string message;
};

// The line number in a CsvReader error ("line 12"), or 0.
size_t LineOf(const Status& s) {
  std::string_view where = s.where();
  if (!where.starts_with("line ")) return 0;
  size_t n = 0;
  for (char c : where.substr(5)) {
    if (c < '0' || c > '9') break;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

Json ErrorsJson(const std::vector<RowError>& errors) {
  Json out = Json::array();
  for (const auto& e : errors) {
    out.push_back({{"line", e.line}, {"field", e.field}, {"message", e.message}});
  }
  return out;
}

// Builds the JSON body for one CSV row; `org_code` is resolved to org_id.
Result<Json> RowToBody(Call& call, const ResourceSpec& spec,
                       const std::vector<std::string>& columns, const CsvRecord& rec) {
  if (rec.fields.size() != columns.size()) {
    return InvalidArgument("expected " + std::to_string(columns.size()) + " columns, found " +
                           std::to_string(rec.fields.size()));
  }
  Json body = Json::object();
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& col = columns[i];
    if (col == "org_code") {
      std::string code(Trim(rec.fields[i]));
      if (code.empty()) continue;
      VIGIL_ASSIGN_OR_RETURN(auto org, call.tx.FindBy(domain::kOrgs, "code", code));
      if (!org || !call.access->SeesOrg((*org)["id"].get<int64_t>())) {
        return InvalidArgument("no organisation with this code", col);
      }
      body["org_id"] = (*org)["id"];
      continue;
    }
    auto cell = domain::CsvCellToJson(*spec.Field(col), rec.fields[i]);
    if (!cell.ok()) return cell.status().Within(col);
    if (col == "id" && cell->is_null()) continue;
    body[col] = std::move(cell).value();
  }
  return body;
}

Result<http::Response> Import(Call& call, const ResourceSpec& spec) {
  VIGIL_RETURN_IF_ERROR(call.access->CheckWrite(spec));
  std::string mode(call.req.Query("mode").value_or("strict"));
  if (mode != "strict" && mode != "lenient") {
    return InvalidArgument("must be strict or lenient", "mode");
  }
  if (call.req.body.empty()) return InvalidArgument("the request body is empty; expected CSV");
  CsvReader reader(call.req.body);
  VIGIL_ASSIGN_OR_RETURN(auto first, reader.Next());
  if (!first) return InvalidArgument("the CSV has no header row");
  std::vector<std::string> columns;
  for (const std::string& raw : first->fields) {
    std::string name = AsciiLower(Trim(raw));
    const domain::FieldSpec* f = spec.Field(name);
    bool known = name == "id" || (name == "org_code" && spec.Field("org_id")) || (f && f->csv);
    if (!known) return InvalidArgument("unknown column \"" + name + "\"", "line 1: " + name);
    for (const auto& c : columns) {
      if (c == name) return InvalidArgument("duplicate column", "line 1: " + name);
    }
    columns.push_back(name);
  }
  if (std::count(columns.begin(), columns.end(), "org_id") &&
      std::count(columns.begin(), columns.end(), "org_code")) {
    return InvalidArgument("give either org_id or org_code, not both", "line 1: org_code");
  }

  std::vector<RowError> errors;
  int64_t created = 0, updated = 0;
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) {  // a broken file: stop here whatever the mode
      errors.push_back({LineOf(next.status()), "", next.status().message()});
      break;
    }
    if (!*next) break;
    const CsvRecord& rec = **next;
    auto outcome = [&]() -> Status {
      VIGIL_ASSIGN_OR_RETURN(Json body, RowToBody(call, spec, columns, rec));
      std::optional<int64_t> id;
      if (auto it = body.find("id"); it != body.end()) {
        id = it->get<int64_t>();
        body.erase(it);
      }
      auto mode_for = id ? domain::DecodeMode::kPatch : domain::DecodeMode::kCreate;
      VIGIL_ASSIGN_OR_RETURN(Json record, domain::DecodeRecord(spec, body, mode_for));
      if (id) {
        VIGIL_RETURN_IF_ERROR(UpdateRecord(call, spec, *id, std::move(record), "import").status());
        ++updated;
      } else {
        VIGIL_RETURN_IF_ERROR(CreateRecord(call, spec, std::move(record), "import").status());
        ++created;
      }
      return Status::Ok();
    }();
    if (!outcome.ok()) {
      if (outcome.code() == StatusCode::kInternal || outcome.code() == StatusCode::kUnavailable) {
        return outcome;
      }
      errors.push_back({rec.line, outcome.where(), outcome.message()});
      if (errors.size() >= 1000) break;
    }
  }
  bool rejected = mode == "strict" && !errors.empty();
  if (rejected) created = updated = 0;
  Json out = {
      {"created", created}, {"updated", updated}, {"errors", ErrorsJson(errors)}, {"mode", mode}};
  if (rejected) {
    out["error"] = {{"code", "invalid_argument"},
                    {"message", std::to_string(errors.size()) +
                                    " rows have errors; nothing was imported (strict mode)"}};
  }
  // Strict mode with errors answers 400, so the whole transaction rolls back.
  return JsonResponse(rejected ? 400 : 200, out);
}

Result<http::Response> Export(Call& call, const ResourceSpec& spec) {
  VIGIL_ASSIGN_OR_RETURN(store::ListQuery q, ListQueryFor(call, spec));
  q.limit = 100000;
  q.offset = 0;
  q.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, call.tx.List(spec, q));
  return CsvDownload(spec, page.items);
}

}  // namespace

void AddCsvRoutes(Router& router, const ApiSettings&) {
  for (const ResourceSpec* spec : {&domain::kAssets, &domain::kContacts}) {
    std::string base = "/api/v1/" + std::string(spec->name);
    RouteDoc imp{"Import " + std::string(spec->name) + " from CSV (mode=strict|lenient)",
                 std::string(spec->name)};
    imp.request_type = "text/csv";
    router.Add("POST", base + "/import", imp, [spec](Call& c) { return Import(c, *spec); });
    RouteDoc exp{"Export " + std::string(spec->name) + " as CSV", std::string(spec->name)};
    exp.response_type = "text/csv";
    exp.resource = spec;
    router.Add("GET", base + "/export.csv", exp, [spec](Call& c) { return Export(c, *spec); });
  }
}

http::Response CsvDownload(const ResourceSpec& spec, const std::vector<Json>& records) {
  std::string out;
  CsvWriter::WriteBom(&out);
  CsvWriter writer(&out);
  std::vector<std::string> header = {"id"};
  for (const auto& f : spec.fields) {
    if (f.csv) header.emplace_back(f.name);
  }
  writer.WriteRow(header);
  for (const Json& rec : records) {
    std::vector<std::string> row;
    row.reserve(header.size());
    for (const std::string& col : header) row.push_back(domain::JsonToCsvCell(rec[col]));
    writer.WriteRow(row);
  }
  http::Response r = http::Response::Text(200, std::move(out), "text/csv; charset=utf-8");
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + std::string(spec.name) + ".csv\"");
  return r;
}

}  // namespace vigil::server
