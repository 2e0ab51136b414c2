// STIX 2.1 (and 2.0) bundles: "indicator" objects with STIX patterns.
//
// Each comparison of a supported object path in a pattern becomes one indicator, whatever joins
// it (OR, AND, FOLLOWEDBY): Vigil matches single values, so an AND pattern is imported as its
// parts. Supported: ipv4-addr:value and ipv6-addr:value (= or ISSUBSET), domain-name:value,
// url:value, file:hashes.MD5 / 'SHA-1' / 'SHA-256' (=).
#include <map>
#include <optional>
#include <utility>

#include "core/text.h"
#include "intel/import_internal.h"

namespace vigil::intel::internal {
namespace {

struct Comparison {
  std::string path;   // "ipv4-addr:value", "file:hashes.SHA-256" (quotes removed)
  std::string op;     // "=", "!=", "ISSUBSET", "NOT =", ...
  std::string value;  // the string constant, unescaped
  bool is_string = false;
};

// A tolerant reader of STIX patterning: it collects the comparisons inside [...] and skips
// connectors, parentheses and qualifiers (WITHIN, START/STOP, REPEATS) around them.
class PatternParser {
 public:
  explicit PatternParser(std::string_view text) : text_(text) {}

  Result<std::vector<Comparison>> Parse() {
    std::vector<Comparison> out;
    while (true) {
      SkipSpaces();
      if (AtEnd()) break;
      const char c = Peek();
      if (c == '[') {
        ++pos_;
        VIGIL_RETURN_IF_ERROR(Observation(&out));
      } else if (c == '(' || c == ')') {
        ++pos_;
      } else if (c == '\'') {
        VIGIL_RETURN_IF_ERROR(QuotedString(nullptr));
      } else if (IsWordChar(c)) {
        const std::string word = Word();
        if (Peek() == '\'' && (word == "t" || word == "h" || word == "b")) {
          VIGIL_RETURN_IF_ERROR(QuotedString(nullptr));
        }
      } else {
        return Error("unexpected character");
      }
    }
    if (out.empty()) return InvalidArgument("pattern has no comparison");
    return out;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void SkipSpaces() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) {
      ++pos_;
    }
  }
  static bool IsWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  }
  Status Error(std::string_view what) const {
    return InvalidArgument("malformed STIX pattern: " + std::string(what) + " at offset " +
                           std::to_string(pos_));
  }
  std::string Word() {
    const size_t start = pos_;
    while (!AtEnd() && IsWordChar(Peek())) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  // A '...' string at pos_ with \' and \\ escapes.
  Status QuotedString(std::string* out) {
    ++pos_;  // opening quote
    while (!AtEnd()) {
      const char c = text_[pos_++];
      if (c == '\'') return {};
      if (c == '\\') {
        if (AtEnd()) break;
        if (out != nullptr) out->push_back(text_[pos_]);
        ++pos_;
        continue;
      }
      if (out != nullptr) out->push_back(c);
    }
    return Error("unterminated string");
  }

  // Object path: type ':' property ('.' property | '[' index ']')*, quoted keys allowed.
  Status Path(std::string* out) {
    while (!AtEnd()) {
      const char c = Peek();
      if (c == '\'' || c == '"') {
        const size_t close = text_.find(c, pos_ + 1);
        if (close == std::string_view::npos) return Error("unterminated key");
        out->append(text_.substr(pos_ + 1, close - pos_ - 1));
        pos_ = close + 1;
      } else if (c == '[' && (Peek(1) == '*' || (Peek(1) >= '0' && Peek(1) <= '9'))) {
        const size_t close = text_.find(']', pos_);
        if (close == std::string_view::npos) return Error("unterminated index");
        out->append(text_.substr(pos_, close - pos_ + 1));
        pos_ = close + 1;
      } else if (IsWordChar(c) || c == ':') {
        out->push_back(c);
        ++pos_;
      } else {
        break;
      }
    }
    if (out->find(':') == std::string::npos) return Error("expected an object path");
    return {};
  }

  Status Operator(std::string* out) {
    SkipSpaces();
    if (Peek() == 'N' && text_.substr(pos_).starts_with("NOT ")) {
      pos_ += 4;
      SkipSpaces();
      *out = "NOT ";
    }
    for (std::string_view symbol : {"!=", "<=", ">=", "=", "<", ">"}) {
      if (text_.substr(pos_).starts_with(symbol)) {
        pos_ += symbol.size();
        *out += symbol;
        return {};
      }
    }
    const std::string word = Word();
    if (word.empty()) return Error("expected a comparison operator");
    *out += word;
    return {};
  }

  Status Value(Comparison* comparison) {
    SkipSpaces();
    if (Peek() == '\'') {
      comparison->is_string = true;
      return QuotedString(&comparison->value);
    }
    if (Peek() == '(') {  // IN ('a', 'b'): skipped as a whole
      while (!AtEnd() && Peek() != ')') {
        if (Peek() == '\'') {
          VIGIL_RETURN_IF_ERROR(QuotedString(nullptr));
        } else {
          ++pos_;
        }
      }
      if (AtEnd()) return Error("unterminated list");
      ++pos_;
      return {};
    }
    const std::string word = Word();
    if (word.empty()) return Error("expected a value");
    if (Peek() == '\'' && (word == "t" || word == "h" || word == "b")) {
      return QuotedString(&comparison->value);
    }
    comparison->value = word;
    return {};
  }

  // Comparisons up to the closing ']'.
  Status Observation(std::vector<Comparison>* out) {
    while (true) {
      SkipSpaces();
      if (AtEnd()) return Error("missing ']'");
      const char c = Peek();
      if (c == ']') {
        ++pos_;
        return {};
      }
      if (c == '(' || c == ')') {
        ++pos_;
        continue;
      }
      const size_t start = pos_;
      const std::string word = Word();
      if (word == "AND" || word == "OR") continue;
      pos_ = start;
      Comparison comparison;
      if (word == "EXISTS") {
        pos_ += word.size();
        SkipSpaces();
        comparison.op = "EXISTS";
        VIGIL_RETURN_IF_ERROR(Path(&comparison.path));
      } else {
        VIGIL_RETURN_IF_ERROR(Path(&comparison.path));
        VIGIL_RETURN_IF_ERROR(Operator(&comparison.op));
        VIGIL_RETURN_IF_ERROR(Value(&comparison));
      }
      out->push_back(std::move(comparison));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// The indicator kind a comparison stands for, or nullopt when Vigil cannot match it.
std::optional<IndicatorKind> SupportedKind(const Comparison& comparison) {
  if (!comparison.is_string) return std::nullopt;
  const std::string& path = comparison.path;
  const bool equals = comparison.op == "=";
  if (path == "ipv4-addr:value" || path == "ipv6-addr:value") {
    if (equals || comparison.op == "ISSUBSET") return IndicatorKind::kIp;  // any address kind
    return std::nullopt;
  }
  if (!equals) return std::nullopt;
  if (path == "domain-name:value") return IndicatorKind::kDomain;
  if (path == "url:value") return IndicatorKind::kUrl;
  if (path.starts_with("file:hashes.")) {
    std::string algorithm;
    for (const char c : path.substr(12)) {
      if (c != '-' && c != '_')
        algorithm.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    if (algorithm == "MD5") return IndicatorKind::kMd5;
    if (algorithm == "SHA1") return IndicatorKind::kSha1;
    if (algorithm == "SHA256") return IndicatorKind::kSha256;
  }
  return std::nullopt;
}

bool KindMatches(IndicatorKind wanted, const Indicator& indicator) {
  if (wanted == IndicatorKind::kIp) return indicator.is_address();
  return indicator.kind == wanted;
}

std::string Indexed(std::string_view name, size_t index) {
  return std::string(name) + "[" + std::to_string(index) + "]";
}

// Malware names an indicator "indicates" through relationship objects.
std::map<std::string, std::string> MalwareOfIndicators(const nlohmann::json& objects) {
  std::map<std::string, std::string> malware_names;
  for (const nlohmann::json& object : objects) {
    const auto type = StringMember(object, "type");
    if (type != "malware") continue;
    auto id = StringMember(object, "id");
    auto name = StringMember(object, "name");
    if (id && name) malware_names[*id] = *name;
  }
  std::map<std::string, std::string> out;
  for (const nlohmann::json& object : objects) {
    if (StringMember(object, "type") != "relationship" ||
        StringMember(object, "relationship_type") != "indicates") {
      continue;
    }
    auto source = StringMember(object, "source_ref");
    auto target = StringMember(object, "target_ref");
    if (!source || !target) continue;
    const auto it = malware_names.find(*target);
    if (it != malware_names.end()) out.emplace(*source, it->second);
  }
  return out;
}

class StixImporter {
 public:
  StixImporter(Collector* out, std::map<std::string, std::string> malware)
      : out_(out), malware_(std::move(malware)) {}

  void Object(const nlohmann::json& object, const std::string& path) {
    if (StringMember(object, "type") != "indicator") return;
    const nlohmann::json* revoked = Member(object, "revoked");
    const auto pattern_type = StringMember(object, "pattern_type");
    if ((revoked != nullptr && revoked->is_boolean() && revoked->get<bool>()) ||
        (pattern_type && *pattern_type != "stix")) {
      return out_->CountSkipped();
    }
    out_->CountRecord();
    std::vector<Indicator> indicators;
    Status status = Build(object, path, &indicators);
    if (!status.ok()) return out_->Reject(0, status.where(), status.message());
    for (Indicator& indicator : indicators) out_->Accept(std::move(indicator));
  }

 private:
  Status Build(const nlohmann::json& object, const std::string& path,
               std::vector<Indicator>* out) const {
    const std::string pattern_path = path + ".pattern";
    const auto pattern = StringMember(object, "pattern");
    if (!pattern) return InvalidArgument("missing pattern", pattern_path);
    auto comparisons = PatternParser(*pattern).Parse();
    if (!comparisons.ok()) {
      return InvalidArgument(comparisons.status().message(), pattern_path);
    }
    for (const Comparison& comparison : *comparisons) {
      const std::optional<IndicatorKind> kind = SupportedKind(comparison);
      if (!kind) continue;
      auto indicator = ParseIndicator(comparison.value);
      if (!indicator.ok()) return InvalidArgument(indicator.status().message(), pattern_path);
      if (!KindMatches(*kind, *indicator)) {
        return InvalidArgument(
            Quote(comparison.value) + " is not a valid value for " + comparison.path, pattern_path);
      }
      out->push_back(std::move(*indicator));
    }
    if (out->empty()) {
      return InvalidArgument("unsupported pattern " + Quote(*pattern) +
                                 ": no ipv4-addr, ipv6-addr, domain-name, url or file hash "
                                 "equality",
                             pattern_path);
    }
    Indicator common;
    VIGIL_RETURN_IF_ERROR(Metadata(object, path, &common));
    for (Indicator& indicator : *out) {
      indicator.first_seen = common.first_seen;
      indicator.expires = common.expires;
      indicator.confidence = common.confidence;
      indicator.tags = common.tags;
      indicator.family = common.family;
    }
    return {};
  }

  // valid_from, valid_until, confidence, labels, indicator_types and the family.
  Status Metadata(const nlohmann::json& object, const std::string& path, Indicator* out) const {
    for (const char* key : {"valid_from", "valid_until"}) {
      const nlohmann::json* value = Member(object, key);
      if (value == nullptr || value->is_null()) continue;
      const std::string field = path + "." + key;
      if (!value->is_string()) return InvalidArgument("expected a timestamp", field);
      auto time = ParseListTime(value->get_ref<const std::string&>(), 0);
      if (!time.ok()) return InvalidArgument(time.status().message(), field);
      (std::string_view(key) == "valid_from" ? out->first_seen : out->expires) = *time;
    }
    if (const nlohmann::json* confidence = Member(object, "confidence")) {
      if (!confidence->is_number_integer() || confidence->get<int64_t>() < 0 ||
          confidence->get<int64_t>() > 100) {
        return InvalidArgument("confidence must be an integer 0-100", path + ".confidence");
      }
      out->confidence = static_cast<int>(confidence->get<int64_t>());
    }
    for (const char* key : {"indicator_types", "labels"}) {
      const nlohmann::json* list = Member(object, key);
      if (list == nullptr || !list->is_array()) continue;
      for (const nlohmann::json& tag : *list) {
        if (tag.is_string()) AddTag(&out->tags, tag.get_ref<const std::string&>());
      }
    }
    const auto id = StringMember(object, "id");
    const auto malware = id ? malware_.find(*id) : malware_.end();
    if (malware != malware_.end()) {
      out->family = malware->second;
    } else if (auto name = StringMember(object, "name")) {
      out->family = *name;
    }
    return {};
  }

  Collector* out_;
  std::map<std::string, std::string> malware_;
};

}  // namespace

Status ImportStix(std::string_view data, Collector* out) {
  auto json = ParseJson(data);
  if (!json.ok()) return out->FileError(json.status().message());
  const nlohmann::json& root = *json;
  const auto type = StringMember(root, "type");
  if (type == "indicator") {  // a lone object
    StixImporter importer(out, {});
    importer.Object(root, "$");
    return {};
  }
  const nlohmann::json* objects = Member(root, "objects");
  if (type != "bundle" || objects == nullptr || !objects->is_array()) {
    return out->FileError("not a STIX bundle: expected {\"type\":\"bundle\",\"objects\":[...]}");
  }
  StixImporter importer(out, MalwareOfIndicators(*objects));
  for (size_t i = 0; i < objects->size() && !out->stopped(); ++i) {
    importer.Object((*objects)[i], Indexed("objects", i));
  }
  return {};
}

}  // namespace vigil::intel::internal
