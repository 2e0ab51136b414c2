#include "domain/record.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <string>

#include "core/ip.h"
#include "core/text.h"
#include "core/time.h"

namespace vigil::domain {
namespace {

Status Invalid(std::string msg) { return InvalidArgument(std::move(msg)); }

std::string_view TypeName(FieldType t) {
  switch (t) {
    case FieldType::kInt:
    case FieldType::kRef:
      return "an integer";
    case FieldType::kBool:
      return "true or false";
    case FieldType::kEnumList:
    case FieldType::kIpList:
    case FieldType::kCidrList:
    case FieldType::kRefList:
      return "an array";
    case FieldType::kJson:
      return "JSON";
    default:
      return "a string";
  }
}

// Rejects invalid UTF-8 and control characters other than tab, and line breaks unless
// `multiline`.
Status CheckText(std::string_view s, int64_t max_len, bool multiline) {
  if (max_len > 0 && static_cast<int64_t>(s.size()) > max_len) {
    return Invalid("too long: at most " + std::to_string(max_len) + " bytes");
  }
  if (!IsValidUtf8(s)) return Invalid("not valid UTF-8");
  for (unsigned char c : s) {
    bool line_break = c == '\n' || c == '\r';
    if ((c < 0x20 && c != '\t' && !(multiline && line_break)) || c == 0x7f) {
      return Invalid("contains a control character");
    }
  }
  return Status::Ok();
}

Result<Json> DecodeString(const FieldSpec& f, const Json& v) {
  if (!v.is_string()) return Invalid("expected a string");
  std::string_view s = v.get_ref<const std::string&>();
  if (f.access != Access::kWriteOnly) s = Trim(s);  // a password is taken exactly as typed
  VIGIL_RETURN_IF_ERROR(CheckText(s, f.max, f.multiline));
  if (f.required && s.empty()) return Invalid("must not be empty");
  switch (f.type) {
    case FieldType::kEnum:
      if (std::find(f.values.begin(), f.values.end(), s) == f.values.end()) {
        std::string allowed;
        for (auto e : f.values) allowed += (allowed.empty() ? "" : ", ") + std::string(e);
        return Invalid("must be one of: " + allowed);
      }
      break;
    case FieldType::kDate: {
      auto d = ParseDate(s);
      if (!d.ok()) return d.status();
      break;
    }
    case FieldType::kTimestamp: {
      auto t = ParseTimestamp(s);
      if (!t.ok()) return t.status();
      break;
    }
    case FieldType::kMac: {
      if (s.empty()) return Json(nullptr);
      auto mac = NormalizeMac(s);
      if (!mac.ok()) return mac.status();
      return Json(*mac);
    }
    case FieldType::kEmail: {
      if (s.empty()) return Json(nullptr);
      size_t at = s.find('@');
      if (at == 0 || at == std::string_view::npos ||
          s.find('@', at + 1) != std::string_view::npos ||
          s.find('.', at) == std::string_view::npos || s.back() == '.' ||
          s.find_first_of(" \t\n,;<>") != std::string_view::npos) {
        return Invalid("not an e-mail address");
      }
      break;
    }
    case FieldType::kPhone: {
      int digits = 0;
      for (char c : s) {
        if (c >= '0' && c <= '9') {
          ++digits;
        } else if (std::string_view(" +-.()").find(c) == std::string_view::npos) {
          return Invalid("a phone number has only digits, spaces and + - . ( )");
        }
      }
      if (!s.empty() && digits < 3) return Invalid("too few digits for a phone number");
      break;
    }
    default:
      break;
  }
  return Json(std::string(s));
}

// The whole of `text` as a decimal integer, or nullopt.
std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

bool IsList(FieldType t) {
  return t == FieldType::kEnumList || t == FieldType::kIpList || t == FieldType::kCidrList ||
         t == FieldType::kRefList;
}

Result<Json> DecodeList(const FieldSpec& f, const Json& v) {
  if (!v.is_array()) return Invalid("expected an array");
  if (v.size() > 1000) return Invalid("too many items: at most 1000");
  Json out = Json::array();
  std::set<std::string> seen_text;
  std::set<int64_t> seen_ids;
  for (size_t i = 0; i < v.size(); ++i) {
    const Json& item = v[i];
    std::string where = "[" + std::to_string(i) + "]";
    if (f.type == FieldType::kRefList) {
      if (!item.is_number_integer() || item.get<int64_t>() <= 0) {
        return InvalidArgument("expected a positive integer id", where);
      }
      if (seen_ids.insert(item.get<int64_t>()).second) out.push_back(item);
      continue;
    }
    if (!item.is_string()) return InvalidArgument("expected a string", where);
    std::string_view s = Trim(item.get_ref<const std::string&>());
    std::string normal;
    if (f.type == FieldType::kIpList) {
      auto ip = ParseIp(s);
      if (!ip.ok()) return ip.status().Within(where);
      normal = FormatIp(*ip);
    } else if (f.type == FieldType::kCidrList) {
      auto cidr = ParseCidr(s);
      if (!cidr.ok()) return cidr.status().Within(where);
      normal = FormatCidr(*cidr);
    } else {  // kEnumList
      if (std::find(f.values.begin(), f.values.end(), s) == f.values.end()) {
        return InvalidArgument("not an allowed value", where);
      }
      normal = std::string(s);
    }
    if (seen_text.insert(normal).second) out.push_back(std::move(normal));
  }
  return out;
}

}  // namespace

Result<Json> DecodeValue(const FieldSpec& f, const Json& v) {
  if (v.is_null()) {
    if (f.required) return Invalid("is required");
    return Json(nullptr);
  }
  switch (f.type) {
    case FieldType::kInt:
    case FieldType::kRef: {
      if (!v.is_number_integer())
        return Invalid(std::string("expected ") + std::string(TypeName(f.type)));
      int64_t n = v.get<int64_t>();
      if (f.type == FieldType::kRef && n <= 0) return Invalid("expected a positive id");
      if (f.type == FieldType::kInt && (n < f.min || n > f.max)) {
        return Invalid("must be between " + std::to_string(f.min) + " and " +
                       std::to_string(f.max));
      }
      return Json(n);
    }
    case FieldType::kBool:
      if (!v.is_boolean()) return Invalid("expected true or false");
      return v;
    case FieldType::kEnumList:
    case FieldType::kIpList:
    case FieldType::kCidrList:
    case FieldType::kRefList:
      return DecodeList(f, v);
    case FieldType::kJson:
      return v;
    default:
      return DecodeString(f, v);
  }
}

Result<Json> DecodeRecord(const ResourceSpec& spec, const Json& body, DecodeMode mode) {
  if (!body.is_object()) return Invalid("expected a JSON object");
  Json out = Json::object();
  for (const auto& [key, value] : body.items()) {
    const FieldSpec* f = spec.Field(key);
    if (f == nullptr || f->access == Access::kInternal) {
      return InvalidArgument("unknown field", key);
    }
    if (f->access == Access::kReadOnly) continue;
    auto decoded = DecodeValue(*f, value);
    if (!decoded.ok()) return decoded.status().Within(key);
    out[key] = std::move(decoded).value();
  }
  if (mode == DecodeMode::kCreate) {
    for (const FieldSpec& f : spec.fields) {
      if (f.required && !out.contains(f.name)) {
        return InvalidArgument("is required", std::string(f.name));
      }
      if (f.access != Access::kReadWrite || out.contains(f.name)) continue;
      if (f.type == FieldType::kBool) out[f.name] = false;  // absent flags are off
      if (IsList(f.type)) out[f.name] = Json::array();      // absent lists are empty
    }
  }
  return out;
}

Result<Json> CsvCellToJson(const FieldSpec& f, std::string_view cell) {
  cell = Trim(cell);
  // A cell that starts with ' before = + - @ was guarded against formula injection on export.
  if (cell.size() > 1 && cell[0] == '\'' &&
      std::string_view("=+-@\t\r").find(cell[1]) != std::string_view::npos) {
    cell.remove_prefix(1);
  }
  if (cell.empty()) return IsList(f.type) ? Json::array() : Json(nullptr);
  switch (f.type) {
    case FieldType::kInt:
    case FieldType::kRef: {
      std::optional<int64_t> n = ParseInt(cell);
      if (!n) return Invalid("expected an integer");
      return Json(*n);
    }
    case FieldType::kBool: {
      std::string lower = Utf8Lower(cell);
      if (lower == "true" || lower == "yes" || lower == "1" || lower == "x" || lower == "có") {
        return Json(true);
      }
      if (lower == "false" || lower == "no" || lower == "0" || lower == "không") return Json(false);
      return Invalid("expected true or false (có/không)");
    }
    case FieldType::kEnumList:
    case FieldType::kIpList:
    case FieldType::kCidrList:
    case FieldType::kRefList: {
      Json list = Json::array();
      for (std::string_view part : Split(cell, ';')) {
        part = Trim(part);
        if (part.empty()) continue;
        if (f.type == FieldType::kRefList) {
          std::optional<int64_t> n = ParseInt(part);
          if (!n) return Invalid("expected ids separated by ';'");
          list.push_back(*n);
        } else {
          list.push_back(std::string(part));
        }
      }
      return list;
    }
    default:
      return Json(std::string(cell));
  }
}

std::string JsonToCsvCell(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out;
    for (const Json& item : value) {
      if (!out.empty()) out += ';';
      out += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return out;
  }
  return value.dump();
}

std::optional<int64_t> IntField(const Json& record, std::string_view name) {
  auto it = record.find(name);
  if (it == record.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

Json PublicView(const ResourceSpec& spec, Json record) {
  for (const FieldSpec& f : spec.fields) {
    if (f.access == Access::kInternal || f.access == Access::kWriteOnly) {
      record.erase(f.name);
    } else if (!record.contains(f.name)) {
      record[f.name] = nullptr;
    }
  }
  return record;
}

}  // namespace vigil::domain
