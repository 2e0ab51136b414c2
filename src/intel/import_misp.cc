// MISP: attribute CSV exports / CSV feeds, and event JSON (one event, an array of events, a
// restSearch "response", or a bare {"Attribute":[...]}).
#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "core/text.h"
#include "csv/csv.h"
#include "intel/import_internal.h"

namespace vigil::intel::internal {
namespace {

// What a part of an attribute value must be.
enum class Expect { kAddress, kDomain, kUrl, kMd5, kSha1, kSha256, kPort };

// How a MISP type is read: the value whole, or split at '|' into two parts.
struct TypeRule {
  std::string_view type;
  Expect first;
  std::optional<Expect> second;  // set for "a|b" types
  bool first_is_label = false;   // "filename|md5": the left part is not an indicator
};

constexpr TypeRule kTypeRules[] = {
    {"ip-src", Expect::kAddress, std::nullopt},
    {"ip-dst", Expect::kAddress, std::nullopt},
    {"ip-src|port", Expect::kAddress, Expect::kPort},
    {"ip-dst|port", Expect::kAddress, Expect::kPort},
    {"domain", Expect::kDomain, std::nullopt},
    {"hostname", Expect::kDomain, std::nullopt},
    {"domain|ip", Expect::kDomain, Expect::kAddress},
    {"hostname|port", Expect::kDomain, Expect::kPort},
    {"url", Expect::kUrl, std::nullopt},
    {"md5", Expect::kMd5, std::nullopt},
    {"sha1", Expect::kSha1, std::nullopt},
    {"sha256", Expect::kSha256, std::nullopt},
    {"filename|md5", Expect::kMd5, Expect::kMd5, true},
    {"filename|sha1", Expect::kSha1, Expect::kSha1, true},
    {"filename|sha256", Expect::kSha256, Expect::kSha256, true},
    {"malware-sample", Expect::kMd5, Expect::kMd5, true},
};

const TypeRule* FindRule(std::string_view type) {
  for (const TypeRule& rule : kTypeRules) {
    if (rule.type == type) return &rule;
  }
  return nullptr;
}

bool KindFits(IndicatorKind kind, Expect expect) {
  switch (expect) {
    case Expect::kAddress:
      return kind == IndicatorKind::kIp || kind == IndicatorKind::kCidr ||
             kind == IndicatorKind::kRange;
    case Expect::kDomain:
      return kind == IndicatorKind::kDomain || kind == IndicatorKind::kDomainSuffix;
    case Expect::kUrl:
      return kind == IndicatorKind::kUrl;
    case Expect::kMd5:
      return kind == IndicatorKind::kMd5;
    case Expect::kSha1:
      return kind == IndicatorKind::kSha1;
    case Expect::kSha256:
      return kind == IndicatorKind::kSha256;
    case Expect::kPort:
      return false;
  }
  return false;
}

Result<Indicator> ParseAs(std::string_view text, Expect expect, std::string_view type) {
  VIGIL_ASSIGN_OR_RETURN(Indicator indicator, ParseIndicator(text));
  if (!KindFits(indicator.kind, expect)) {
    return InvalidArgument(Quote(Trim(text)) + " is a " +
                           std::string(IndicatorKindName(indicator.kind)) +
                           ", which does not fit MISP type " + Quote(type));
  }
  return indicator;
}

// The malware family a MISP galaxy tag names: misp-galaxy:malpedia="Emotet" -> "Emotet";
// misp-galaxy:mitre-malware="Emotet - S0367" -> "Emotet".
std::string FamilyFromTag(std::string_view tag) {
  constexpr std::string_view kPrefix = "misp-galaxy:";
  if (!tag.starts_with(kPrefix)) return {};
  const size_t equals = tag.find('=');
  if (equals == std::string_view::npos) return {};
  const std::string_view cluster = tag.substr(kPrefix.size(), equals - kPrefix.size());
  constexpr std::string_view kClusters[] = {"malpedia", "botnet",     "ransomware", "mitre-malware",
                                            "banker",   "rat",        "stealer",    "backdoor",
                                            "android",  "exploit-kit"};
  if (std::find(std::begin(kClusters), std::end(kClusters), cluster) == std::end(kClusters)) {
    return {};
  }
  std::string_view name = Trim(tag.substr(equals + 1));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  if (cluster == "mitre-malware") {
    if (const size_t dash = name.rfind(" - S"); dash != std::string_view::npos) {
      name = name.substr(0, dash);
    }
  }
  return std::string(Trim(name));
}

// One attribute, from either format.
struct Attribute {
  std::string type;
  std::string value;
  std::string category;
  std::vector<std::string> tags;  // attribute tags, then event tags
  int64_t first_seen = 0;
  int64_t last_seen = 0;
};

// Adds the indicators of one attribute; `field` names its value in issues.
void AddAttribute(const Attribute& attribute, int64_t line, const std::string& field,
                  Collector* out) {
  const std::string type = AsciiLower(Trim(attribute.type));
  const TypeRule* rule = FindRule(type);
  if (rule == nullptr) {
    out->CountSkipped();  // text, comment, email, regkey, ...: nothing to match on
    return;
  }
  out->CountRecord();
  std::string_view first = attribute.value;
  std::string_view second;
  if (rule->second) {
    const size_t bar = attribute.value.find('|');
    if (bar == std::string::npos) {
      out->Reject(
          line, field,
          "MISP type " + Quote(type) + " needs a value \"a|b\", got " + Quote(attribute.value));
      return;
    }
    first = std::string_view(attribute.value).substr(0, bar);
    second = std::string_view(attribute.value).substr(bar + 1);
  }
  std::vector<Indicator> found;
  int port = 0;
  if (!rule->first_is_label) {
    auto indicator = ParseAs(first, rule->first, type);
    if (!indicator.ok()) return out->Reject(line, field, indicator.status().message());
    found.push_back(std::move(*indicator));
  }
  if (rule->second == Expect::kPort) {
    auto parsed = ParsePort(second);
    if (!parsed.ok() || !parsed->has_value()) {
      return out->Reject(line, field, "not a port number (0-65535): " + Quote(second));
    }
    port = **parsed;
  } else if (rule->second) {
    auto indicator = ParseAs(second, *rule->second, type);
    if (!indicator.ok()) return out->Reject(line, field, indicator.status().message());
    found.push_back(std::move(*indicator));
  }
  for (Indicator& indicator : found) {
    indicator.port = port;
    indicator.first_seen = attribute.first_seen;
    indicator.last_seen = attribute.last_seen != 0 ? attribute.last_seen : attribute.first_seen;
    AddTag(&indicator.tags, attribute.category);
    AddTag(&indicator.tags, type);
    for (const std::string& tag : attribute.tags) {
      AddTag(&indicator.tags, tag);
      if (indicator.family.empty()) indicator.family = FamilyFromTag(tag);
    }
    out->Accept(std::move(indicator));
  }
}

// ---- CSV

struct CsvColumns {
  std::optional<size_t> type, value, category, date, tags, first_seen, last_seen;
  std::string value_name = "value";
};

CsvColumns MapCsvHeader(const std::vector<std::string>& fields) {
  CsvColumns columns;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string name = AsciiLower(Trim(fields[i]));
    std::optional<size_t>* slot = name == "type"            ? &columns.type
                                  : name == "value"         ? &columns.value
                                  : name == "category"      ? &columns.category
                                  : name == "date"          ? &columns.date
                                  : name == "timestamp"     ? &columns.date
                                  : name == "attribute_tag" ? &columns.tags
                                  : name == "tags"          ? &columns.tags
                                  : name == "first_seen"    ? &columns.first_seen
                                  : name == "last_seen"     ? &columns.last_seen
                                                            : nullptr;
    if (slot != nullptr && !*slot) *slot = i;
    if (name == "value") columns.value_name = std::string(Trim(fields[i]));
  }
  return columns;
}

std::string_view At(const CsvRecord& record, const std::optional<size_t>& index) {
  return index && *index < record.fields.size() ? Trim(record.fields[*index]) : "";
}

// A MISP CSV time: "20240115" (the export's yyyymmdd), Unix seconds or ISO 8601; UTC.
Status CsvTime(const CsvRecord& record, const std::optional<size_t>& index,
               const std::vector<std::string>& header, int64_t* out) {
  const std::string_view text = At(record, index);
  if (text.empty()) return {};
  auto time = ParseListTime(text, 0);
  if (!time.ok()) return InvalidArgument(time.status().message(), header[*index]);
  *out = *time;
  return {};
}

// ---- JSON

std::string Join(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

std::string Indexed(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// Names of a "Tag" array: [{"name":"tlp:white"}, ...].
std::vector<std::string> TagNames(const nlohmann::json& object) {
  std::vector<std::string> names;
  const nlohmann::json* tags = Member(object, "Tag");
  if (tags == nullptr || !tags->is_array()) return names;
  for (const nlohmann::json& tag : *tags) {
    if (auto name = StringMember(tag, "name")) AddTag(&names, *name);
  }
  return names;
}

// A time member: ISO text, Unix seconds as text or number; absent or null is 0.
Result<int64_t> JsonTime(const nlohmann::json& object, const char* key) {
  const nlohmann::json* value = Member(object, key);
  if (value == nullptr || value->is_null()) return int64_t{0};
  if (value->is_number_integer()) return value->get<int64_t>();
  if (value->is_string()) {
    const std::string& text = value->get_ref<const std::string&>();
    if (Trim(text).empty()) return int64_t{0};
    return ParseListTime(text, 0);
  }
  return InvalidArgument("expected a time");
}

class JsonImporter {
 public:
  explicit JsonImporter(Collector* out) : out_(out) {}

  // {"Event":{...}} or {"Attribute":[...]} (or an event object itself); false if neither.
  bool EventLike(const nlohmann::json& value, const std::string& path) {
    if (const nlohmann::json* event = Member(value, "Event"); event && event->is_object()) {
      Event(*event, Join(path, "Event"));
      return true;
    }
    if (Member(value, "Attribute") != nullptr || Member(value, "Object") != nullptr) {
      Event(value, path);
      return true;
    }
    return false;
  }

 private:
  void Event(const nlohmann::json& event, const std::string& path) {
    std::vector<std::string> tags = TagNames(event);
    int64_t date = 0;
    if (auto text = StringMember(event, "date")) {
      auto parsed = ParseListTime(*text, 0);
      if (parsed.ok()) date = *parsed;
    }
    Attributes(event, path, tags, date);
    const nlohmann::json* objects = Member(event, "Object");
    if (objects == nullptr || !objects->is_array()) return;
    for (size_t i = 0; i < objects->size() && !out_->stopped(); ++i) {
      Attributes((*objects)[i], Indexed(Join(path, "Object"), i), tags, date);
    }
  }

  void Attributes(const nlohmann::json& holder, const std::string& path,
                  const std::vector<std::string>& event_tags, int64_t event_date) {
    const nlohmann::json* list = Member(holder, "Attribute");
    if (list == nullptr) return;
    const std::string list_path = Join(path, "Attribute");
    if (!list->is_array()) {
      out_->CountRecord();
      return out_->Reject(0, list_path, "expected an array of attributes");
    }
    for (size_t i = 0; i < list->size() && !out_->stopped(); ++i) {
      One((*list)[i], Indexed(list_path, i), event_tags, event_date);
    }
  }

  void One(const nlohmann::json& json, const std::string& path,
           const std::vector<std::string>& event_tags, int64_t event_date) {
    const nlohmann::json* deleted = Member(json, "deleted");
    if (deleted != nullptr && deleted->is_boolean() && deleted->get<bool>()) {
      return out_->CountSkipped();
    }
    Attribute attribute;
    auto type = StringMember(json, "type");
    auto value = StringMember(json, "value");
    if (!type || !value) {
      out_->CountRecord();
      return out_->Reject(0, Join(path, !type ? "type" : "value"), "missing or not a string");
    }
    attribute.type = std::move(*type);
    attribute.value = std::move(*value);
    attribute.category = StringMember(json, "category").value_or("");
    attribute.tags = TagNames(json);
    for (const std::string& tag : event_tags) AddTag(&attribute.tags, tag);
    for (const char* key : {"first_seen", "last_seen", "timestamp"}) {
      auto time = JsonTime(json, key);
      if (!time.ok()) {
        out_->CountRecord();
        return out_->Reject(0, Join(path, key), time.status().message());
      }
      if (std::string_view(key) == "first_seen") attribute.first_seen = *time;
      if (std::string_view(key) == "last_seen") attribute.last_seen = *time;
      if (std::string_view(key) == "timestamp" && attribute.last_seen == 0) {
        attribute.last_seen = *time;
      }
    }
    if (attribute.first_seen == 0) attribute.first_seen = event_date;
    AddAttribute(attribute, 0, Join(path, "value"), out_);
  }

  Collector* out_;
};

}  // namespace

Status ImportMispCsv(std::string_view data, Collector* out) {
  CsvReader reader(data, ',');
  auto first = reader.Next();
  if (!first.ok()) {
    return out->FileError(first.status().message(), CsvErrorLine(first.status()));
  }
  if (!first->has_value()) return out->FileError("empty file: expected a MISP CSV header");
  const std::vector<std::string> header = (*first)->fields;
  const CsvColumns columns = MapCsvHeader(header);
  if (!columns.type || !columns.value) {
    return out->FileError("not a MISP CSV header: it needs \"type\" and \"value\" columns",
                          static_cast<int64_t>((*first)->line));
  }
  while (!out->stopped()) {
    auto next = reader.Next();
    if (!next.ok()) {
      out->CountRecord();
      out->Reject(CsvErrorLine(next.status()), "", next.status().message());
      break;
    }
    if (!next->has_value()) break;
    const CsvRecord& record = **next;
    const auto line = static_cast<int64_t>(record.line);
    Attribute attribute;
    attribute.type = std::string(At(record, columns.type));
    attribute.value = std::string(At(record, columns.value));
    attribute.category = std::string(At(record, columns.category));
    attribute.tags = SplitTags(At(record, columns.tags));
    int64_t date = 0;
    Status status = CsvTime(record, columns.date, header, &date);
    if (status.ok()) status = CsvTime(record, columns.first_seen, header, &attribute.first_seen);
    if (status.ok()) status = CsvTime(record, columns.last_seen, header, &attribute.last_seen);
    if (!status.ok()) {
      if (FindRule(AsciiLower(Trim(attribute.type))) == nullptr) {
        out->CountSkipped();
        continue;
      }
      out->CountRecord();
      out->Reject(line, status.where(), status.message());
      continue;
    }
    if (attribute.first_seen == 0) attribute.first_seen = date;
    if (attribute.last_seen == 0) attribute.last_seen = date;
    AddAttribute(attribute, line, columns.value_name, out);
  }
  return {};
}

Status ImportMispJson(std::string_view data, Collector* out) {
  auto json = ParseJson(data);
  if (!json.ok()) return out->FileError(json.status().message());
  JsonImporter importer(out);
  const nlohmann::json& root = *json;
  const nlohmann::json* list = &root;
  std::string path;
  if (const nlohmann::json* response = Member(root, "response")) {
    list = response;
    path = "response";
  }
  if (list->is_array()) {
    for (size_t i = 0; i < list->size() && !out->stopped(); ++i) {
      if (!importer.EventLike((*list)[i], Indexed(path, i))) {
        out->CountRecord();
        out->Reject(0, Indexed(path, i), "expected a MISP event {\"Event\":{...}}");
      }
    }
    return {};
  }
  if (!importer.EventLike(*list, path)) {
    return out->FileError(
        "not a MISP event: expected {\"Event\":{...}}, {\"Attribute\":[...]} or an array of "
        "events");
  }
  return {};
}

}  // namespace vigil::intel::internal
