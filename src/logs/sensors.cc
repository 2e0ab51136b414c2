// Network sensor logs: Zeek (TSV with a #fields header, or JSON lines) and Suricata EVE JSON.
#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "core/text.h"
#include "logs/parse_util.h"

namespace vigil::logs::detail {
namespace {

using Json = nlohmann::json;

constexpr int kMaxJsonDepth = 64;
constexpr double kMaxUnixSeconds = 253402300799.0;

// Zeek's conn.log columns when the file has no #fields header.
constexpr std::array<std::string_view, 21> kZeekConnFields = {
    "ts",         "uid",           "id.orig_h",     "id.orig_p",  "id.resp_h",  "id.resp_p",
    "proto",      "service",       "duration",      "orig_bytes", "resp_bytes", "conn_state",
    "local_orig", "local_resp",    "missed_bytes",  "history",    "orig_pkts",  "orig_ip_bytes",
    "resp_pkts",  "resp_ip_bytes", "tunnel_parents"};

// One JSON object per line; never throws.
Result<Json> ParseJsonObject(std::string_view line) {
  const std::string_view text = Trim(line);
  if (text.empty() || text.front() != '{') {
    return FieldError("line", "not a JSON object: starts with " + Quote(text.substr(0, 16)));
  }
  if (JsonNestsDeeperThan(text, kMaxJsonDepth))
    return FieldError("line", "JSON nested deeper than 64 levels");
  Json json = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return FieldError("line", "not a valid JSON object");
  }
  return json;
}

const Json* Member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A member by dotted path; Zeek writes "id.orig_h" flat, some shippers nest {"id":{"orig_h"}}.
const Json* ZeekMember(const Json& object, std::string_view key) {
  if (const Json* flat = Member(object, key)) return flat;
  const size_t dot = key.find('.');
  if (dot == std::string_view::npos) return nullptr;
  const Json* outer = Member(object, key.substr(0, dot));
  return outer ? Member(*outer, key.substr(dot + 1)) : nullptr;
}

Result<std::string_view> StringValue(const Json* value, std::string_view field) {
  if (value == nullptr) return FieldError(field, "missing");
  if (!value->is_string()) {
    return FieldError(field, std::string("expected a string, got ") + value->type_name());
  }
  return std::string_view(value->get_ref<const std::string&>());
}

Result<int> PortValue(const Json* value, std::string_view field) {
  if (value->is_number_unsigned() && value->get<uint64_t>() <= 65535) {
    return static_cast<int>(value->get<uint64_t>());
  }
  if (value->is_number_integer() || value->is_number_unsigned()) {
    return FieldError(field, "port is outside 0-65535");
  }
  return FieldError(field, std::string("expected a port number, got ") + value->type_name());
}

// Optional members, each written into the record when present.
Status SetAddress(const Json* value, std::string_view field, std::optional<IpAddress>* out) {
  auto text = StringValue(value, field);
  if (!text.ok()) return text.status();
  auto ip = ParseAddress(*text, field);
  if (!ip.ok()) return ip.status();
  *out = *ip;
  return Status::Ok();
}

Status SetPort(const Json* value, std::string_view field, int* out) {
  if (value == nullptr || value->is_null()) return Status::Ok();
  auto port = PortValue(value, field);
  if (!port.ok()) return port.status();
  *out = *port;
  return Status::Ok();
}

Status SetProto(const Json* value, std::string_view field, std::string* out) {
  if (value == nullptr || value->is_null()) return Status::Ok();
  if (value->is_number_unsigned() && value->get<uint64_t>() <= 255) {
    *out = ProtoName(value->get<uint64_t>());
    return Status::Ok();
  }
  if (!value->is_string()) {
    return FieldError(field, std::string("expected a protocol name, got ") + value->type_name());
  }
  auto proto = NormalizeProto(value->get_ref<const std::string&>(), field);
  if (!proto.ok()) return proto.status();
  *out = std::move(*proto);
  return Status::Ok();
}

// Sets *out from the first of `keys` present as a non-empty string.
Status SetName(const Json& object, std::initializer_list<std::string_view> keys, std::string* out) {
  for (const std::string_view key : keys) {
    const Json* value = ZeekMember(object, key);
    if (value == nullptr || value->is_null()) continue;
    auto text = StringValue(value, key);
    if (!text.ok()) return text.status();
    if (text->empty() || *text == "-") continue;
    auto name = NormalizeName(*text, key);
    if (!name.ok()) return name.status();
    *out = std::move(*name);
    return Status::Ok();
  }
  return Status::Ok();
}

Status SetText(const Json* value, std::string_view field, std::string* out) {
  if (value == nullptr || value->is_null()) return Status::Ok();
  auto text = StringValue(value, field);
  if (!text.ok()) return text.status();
  auto checked = CheckedText(*text, field);
  if (!checked.ok()) return checked.status();
  *out = std::move(*checked);
  return Status::Ok();
}

// Zeek's ts: Unix seconds as a number, or an ISO 8601 string (JSON::TimestampFormat).
Result<int64_t> ZeekTime(const Json* value, const FileContext& context) {
  if (value == nullptr) return FieldError("ts", "missing");
  if (value->is_string()) return ParseIsoTime(value->get_ref<const std::string&>(), context, "ts");
  if (!value->is_number()) {
    return FieldError("ts", std::string("expected a number, got ") + value->type_name());
  }
  const double seconds = value->get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxUnixSeconds) {
    return FieldError("ts", "Unix time out of range");
  }
  return static_cast<int64_t>(std::floor(seconds));
}

// The query name of an EVE dns object: "rrname" (EVE v1/v2) or "queries"/"query"[0].rrname
// (v3, and alerts' dns metadata).
const Json* EveDnsName(const Json& dns) {
  if (const Json* name = Member(dns, "rrname")) return name;
  for (const std::string_view list : {"queries", "query"}) {
    const Json* queries = Member(dns, list);
    if (queries != nullptr && queries->is_array() && !queries->empty()) {
      return Member(queries->front(), "rrname");
    }
  }
  return nullptr;
}

}  // namespace

Result<LogRecord> ParseZeekTsv(std::string_view line, const FileContext& context) {
  if (!line.empty() && line.front() == '#') {
    return NotFound("a Zeek header line: pass it to ObserveHeader", "line");
  }
  const bool custom = !context.zeek_fields.empty();
  const size_t field_count = custom ? context.zeek_fields.size() : kZeekConnFields.size();
  const auto name_at = [&](size_t i) -> std::string_view {
    return custom ? std::string_view(context.zeek_fields[i]) : kZeekConnFields[i];
  };
  const size_t value_count = static_cast<size_t>(std::count(line.begin(), line.end(), '\t')) + 1;
  if (custom ? value_count != field_count : value_count < 7) {
    return FieldError("fields", "the line has " + std::to_string(value_count) +
                                    " tab-separated values; the header names " +
                                    std::to_string(field_count) + " fields");
  }
  const auto values = SplitFields(line, '\t', std::min(value_count, field_count), false);
  const auto find = [&](std::string_view name) -> std::optional<std::string_view> {
    for (size_t i = 0; i < values.size(); ++i) {
      if (name_at(i) == name) return values[i];
    }
    return std::nullopt;
  };
  const auto is_set = [](std::optional<std::string_view> v) {
    return v && *v != "-" && *v != "(empty)" && !v->empty();
  };
  LogRecord record;
  for (const std::string_view key : {"id.orig_h", "id.resp_h"}) {
    const auto value = find(key);
    if (!value) return FieldError(key, "the log has no " + std::string(key) + " column");
    if (!is_set(value)) return FieldError(key, "unset address");
    VIGIL_ASSIGN_OR_RETURN(auto ip, ParseAddress(*value, key));
    (key == "id.orig_h" ? record.src : record.dst) = ip;
  }
  if (const auto ts = find("ts"); is_set(ts)) {
    VIGIL_ASSIGN_OR_RETURN(record.time, ParseEpoch(*ts, "ts"));
  }
  if (const auto port = find("id.orig_p"); is_set(port)) {
    VIGIL_ASSIGN_OR_RETURN(record.src_port, ParsePort(*port, "id.orig_p"));
  }
  if (const auto port = find("id.resp_p"); is_set(port)) {
    VIGIL_ASSIGN_OR_RETURN(record.dst_port, ParsePort(*port, "id.resp_p"));
  }
  if (const auto proto = find("proto"); is_set(proto)) {
    VIGIL_ASSIGN_OR_RETURN(record.proto, NormalizeProto(*proto, "proto"));
  }
  if (const auto state = find("conn_state"); is_set(state)) {
    VIGIL_ASSIGN_OR_RETURN(record.action, NormalizeAction(*state, "conn_state"));
  }
  for (const std::string_view key : {"query", "host", "server_name"}) {
    if (const auto name = find(key); is_set(name)) {
      VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(*name, key));
      break;
    }
  }
  if (const auto uri = find("uri"); is_set(uri)) {
    VIGIL_ASSIGN_OR_RETURN(record.url, CheckedText(*uri, "uri"));
  }
  return record;
}

Result<LogRecord> ParseZeekJson(std::string_view line, const FileContext& context) {
  VIGIL_ASSIGN_OR_RETURN(const Json json, ParseJsonObject(line));
  LogRecord record;
  const Json* orig = ZeekMember(json, "id.orig_h");
  if (orig == nullptr) return FieldError("id.orig_h", "not a Zeek log line: no id.orig_h");
  VIGIL_RETURN_IF_ERROR(SetAddress(orig, "id.orig_h", &record.src));
  VIGIL_RETURN_IF_ERROR(SetAddress(ZeekMember(json, "id.resp_h"), "id.resp_h", &record.dst));
  VIGIL_ASSIGN_OR_RETURN(record.time, ZeekTime(ZeekMember(json, "ts"), context));
  VIGIL_RETURN_IF_ERROR(SetPort(ZeekMember(json, "id.orig_p"), "id.orig_p", &record.src_port));
  VIGIL_RETURN_IF_ERROR(SetPort(ZeekMember(json, "id.resp_p"), "id.resp_p", &record.dst_port));
  VIGIL_RETURN_IF_ERROR(SetProto(ZeekMember(json, "proto"), "proto", &record.proto));
  if (const Json* state = ZeekMember(json, "conn_state"); state != nullptr && !state->is_null()) {
    VIGIL_ASSIGN_OR_RETURN(const std::string_view text, StringValue(state, "conn_state"));
    VIGIL_ASSIGN_OR_RETURN(record.action, NormalizeAction(text, "conn_state"));
  }
  VIGIL_RETURN_IF_ERROR(SetName(json, {"query", "host", "server_name"}, &record.name));
  VIGIL_RETURN_IF_ERROR(SetText(ZeekMember(json, "uri"), "uri", &record.url));
  return record;
}

Result<LogRecord> ParseEve(std::string_view line, const FileContext& context) {
  VIGIL_ASSIGN_OR_RETURN(const Json json, ParseJsonObject(line));
  LogRecord record;
  const Json* event_type = Member(json, "event_type");
  if (event_type == nullptr) return FieldError("event_type", "not an EVE line: no event_type");
  VIGIL_ASSIGN_OR_RETURN(const std::string_view type, StringValue(event_type, "event_type"));
  VIGIL_ASSIGN_OR_RETURN(record.action, NormalizeAction(type, "event_type"));
  VIGIL_ASSIGN_OR_RETURN(const std::string_view stamp,
                         StringValue(Member(json, "timestamp"), "timestamp"));
  VIGIL_ASSIGN_OR_RETURN(record.time, ParseIsoTime(stamp, context, "timestamp"));
  VIGIL_RETURN_IF_ERROR(SetAddress(Member(json, "src_ip"), "src_ip", &record.src));
  VIGIL_RETURN_IF_ERROR(SetAddress(Member(json, "dest_ip"), "dest_ip", &record.dst));
  VIGIL_RETURN_IF_ERROR(SetPort(Member(json, "src_port"), "src_port", &record.src_port));
  VIGIL_RETURN_IF_ERROR(SetPort(Member(json, "dest_port"), "dest_port", &record.dst_port));
  VIGIL_RETURN_IF_ERROR(SetProto(Member(json, "proto"), "proto", &record.proto));
  if (const Json* dns = Member(json, "dns"); dns != nullptr && dns->is_object()) {
    if (const Json* name = EveDnsName(*dns); name != nullptr && !name->is_null()) {
      VIGIL_ASSIGN_OR_RETURN(const std::string_view text, StringValue(name, "dns.rrname"));
      if (!text.empty()) {
        VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(text, "dns.rrname"));
      }
    }
  }
  if (const Json* http = Member(json, "http"); http != nullptr && http->is_object()) {
    if (record.name.empty()) {
      if (const Json* host = Member(*http, "hostname"); host != nullptr && !host->is_null()) {
        VIGIL_ASSIGN_OR_RETURN(const std::string_view text, StringValue(host, "http.hostname"));
        if (!text.empty()) {
          VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(text, "http.hostname"));
        }
      }
    }
    VIGIL_RETURN_IF_ERROR(SetText(Member(*http, "url"), "http.url", &record.url));
  }
  for (const std::string_view section : {"tls", "quic"}) {
    const Json* object = Member(json, section);
    if (!record.name.empty() || object == nullptr || !object->is_object()) continue;
    const std::string field = std::string(section) + ".sni";
    if (const Json* sni = Member(*object, "sni"); sni != nullptr && !sni->is_null()) {
      VIGIL_ASSIGN_OR_RETURN(const std::string_view text, StringValue(sni, field));
      if (!text.empty()) {
        VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(text, field));
      }
    }
  }
  return record;
}

}  // namespace vigil::logs::detail
