#include "detect/sigma_rule.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "core/text.h"
#include "core/time.h"

namespace vigil::detect {
namespace {

constexpr std::array<std::string_view, 31> kModifiers = {
    "contains", "startswith", "endswith", "all",  "base64",  "base64offset",
    "utf16le",  "utf16be",    "utf16",    "wide", "windash", "re",
    "i",        "m",          "s",        "cidr", "exists",  "cased",
    "gt",       "gte",        "lt",       "lte",  "neq",     "fieldref",
    "expand",   "minute",     "hour",     "day",  "week",    "month",
    "year"};

RuleProblem At(const YamlNode& node, std::string code, std::string message) {
  return Problem(std::move(code), std::move(message), node.line, node.column);
}

MaybeProblem ScalarText(const YamlNode& node, std::string_view what, std::string* out) {
  if (!node.IsScalar()) {
    return At(node, "bad_field", std::string(what) + " must be a single value");
  }
  *out = node.scalar;
  return std::nullopt;
}

MaybeProblem StringList(const YamlNode& node, std::string_view what,
                        std::vector<std::string>* out) {
  out->clear();
  if (node.IsScalar()) {
    if (!node.IsNull()) out->push_back(node.scalar);
    return std::nullopt;
  }
  if (!node.IsSequence()) {
    return At(node, "bad_field", std::string(what) + " must be a list of values");
  }
  for (const YamlNode& item : node.items) {
    if (!item.IsScalar()) {
      return At(item, "bad_field", std::string(what) + " must be a list of values");
    }
    out->push_back(item.scalar);
  }
  return std::nullopt;
}

// `Field|contains|all` -> field and modifiers. Modifier names are case-insensitive.
MaybeProblem SplitKey(const YamlNode& key, FieldItem* item) {
  std::vector<std::string_view> parts = Split(key.scalar, '|');
  item->field = std::string(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string modifier = AsciiLower(parts[i]);
    if (!IsKnownModifier(modifier)) {
      return At(
          key, "unknown_modifier",
          "unknown modifier " + QuoteForMessage(parts[i]) + " on " + QuoteForMessage(key.scalar));
    }
    item->modifiers.push_back(std::move(modifier));
  }
  return std::nullopt;
}

MaybeProblem Values(const YamlNode& node, FieldItem* item) {
  auto add = [&](const YamlNode& scalar) -> MaybeProblem {
    if (!scalar.IsScalar()) {
      return At(scalar, "bad_detection",
                "a value of " + QuoteForMessage(item->field) + " must be a string or number");
    }
    item->values.push_back({scalar.scalar, scalar.IsNull(), scalar.line, scalar.column});
    return std::nullopt;
  };
  if (node.IsSequence()) {
    if (node.items.empty()) {
      return At(node, "bad_detection", "an empty list of values never matches");
    }
    for (const YamlNode& v : node.items) VIGIL_RETURN_IF_PROBLEM(add(v));
    return std::nullopt;
  }
  return add(node);
}

MaybeProblem MapAlternative(const YamlNode& map, std::vector<FieldItem>* out) {
  for (const auto& [key, value] : map.entries) {
    if (!key.IsScalar()) return At(key, "bad_detection", "a field name must be a string");
    FieldItem item;
    item.line = key.line;
    item.column = key.column;
    VIGIL_RETURN_IF_PROBLEM(SplitKey(key, &item));
    if (item.field.empty()) item.keyword = true;  // `'|all': [...]`: keywords with modifiers
    VIGIL_RETURN_IF_PROBLEM(Values(value, &item));
    out->push_back(std::move(item));
  }
  if (out->empty()) return At(map, "bad_detection", "an empty search never matches");
  return std::nullopt;
}

MaybeProblem ParseSearch(const std::string& name, const YamlNode& node, Search* out) {
  out->name = name;
  if (node.IsMapping()) {
    out->alternatives.emplace_back();
    return MapAlternative(node, &out->alternatives.back());
  }
  if (node.IsSequence()) {
    if (node.items.empty()) return At(node, "bad_detection", "search " + name + " is empty");
    const bool maps = node.items[0].IsMapping();
    FieldItem keywords;
    keywords.keyword = true;
    keywords.line = node.line;
    keywords.column = node.column;
    for (const YamlNode& item : node.items) {
      if (item.IsMapping() != maps) {
        return At(item, "bad_detection",
                  "search " + name + " mixes field maps and keywords in one list");
      }
      if (maps) {
        out->alternatives.emplace_back();
        VIGIL_RETURN_IF_PROBLEM(MapAlternative(item, &out->alternatives.back()));
      } else if (item.IsScalar()) {
        keywords.values.push_back({item.scalar, item.IsNull(), item.line, item.column});
      } else {
        return At(item, "bad_detection", "search " + name + " holds a nested list");
      }
    }
    if (!maps) out->alternatives.push_back({std::move(keywords)});
    return std::nullopt;
  }
  if (node.IsScalar() && !node.IsNull()) {  // a single keyword
    FieldItem keyword;
    keyword.keyword = true;
    keyword.line = node.line;
    keyword.column = node.column;
    keyword.values.push_back({node.scalar, false, node.line, node.column});
    out->alternatives.push_back({std::move(keyword)});
    return std::nullopt;
  }
  return At(node, "bad_detection", "search " + name + " must be a map, a list or a keyword");
}

// `detection:` (or a filter's `filter:`): searches plus `condition`.
MaybeProblem ParseDetection(const YamlNode& node, std::string_view section, SigmaRule* rule) {
  if (!node.IsMapping()) {
    return At(node, "bad_detection", std::string(section) + " must be a map");
  }
  const YamlNode* condition = nullptr;
  for (const auto& [key, value] : node.entries) {
    if (!key.IsScalar()) return At(key, "bad_detection", "a search name must be a string");
    if (key.scalar == "condition") {
      condition = &value;
      continue;
    }
    if (key.scalar == "timeframe") {
      return At(key, "deprecated_aggregation",
                "`timeframe` belongs to Sigma v1 aggregations; write a correlation rule");
    }
    if (section == "filter" && key.scalar == "rules") continue;
    Search search;
    VIGIL_RETURN_IF_PROBLEM(ParseSearch(key.scalar, value, &search));
    rule->searches.push_back(std::move(search));
  }
  if (condition == nullptr) {
    return At(node, "missing_condition", std::string(section) + " has no condition");
  }
  std::vector<std::string> names;
  names.reserve(rule->searches.size());
  for (const Search& s : rule->searches) names.push_back(s.name);
  std::string text;
  if (condition->IsSequence()) {  // a list of conditions is their `or` (Sigma v1)
    for (const YamlNode& c : condition->items) {
      if (!c.IsScalar()) return At(c, "bad_condition", "a condition must be a string");
      if (!text.empty()) text += " or ";
      text += "(" + c.scalar + ")";
    }
  } else {
    VIGIL_RETURN_IF_PROBLEM(ScalarText(*condition, "condition", &text));
  }
  MaybeProblem problem = ParseCondition(text, names, &rule->condition);
  if (problem) {
    problem->line = condition->line;
    problem->column = condition->column;
  }
  return problem;
}

MaybeProblem ParseThreshold(const YamlNode& node, CorrelationSpec* spec) {
  if (!node.IsMapping()) return At(node, "bad_correlation", "condition must be a map");
  static const std::array<std::pair<std::string_view, CompareOp>, 6> kOps = {{
      {"gt", CompareOp::kGt},
      {"gte", CompareOp::kGte},
      {"lt", CompareOp::kLt},
      {"lte", CompareOp::kLte},
      {"eq", CompareOp::kEq},
      {"neq", CompareOp::kNeq},
  }};
  for (const auto& [key, value] : node.entries) {
    std::string name = key.IsScalar() ? key.scalar : "";
    if (name == "field") {
      VIGIL_RETURN_IF_PROBLEM(ScalarText(value, "field", &spec->field));
      continue;
    }
    if (name == "percentile") {
      std::string text;
      VIGIL_RETURN_IF_PROBLEM(ScalarText(value, "percentile", &text));
      spec->percentile = std::strtod(text.c_str(), nullptr);
      continue;
    }
    auto op = std::find_if(kOps.begin(), kOps.end(), [&](auto& p) { return p.first == name; });
    if (op == kOps.end()) {
      return At(key, "bad_correlation", "unknown condition " + QuoteForMessage(name));
    }
    std::string text;
    VIGIL_RETURN_IF_PROBLEM(ScalarText(value, name, &text));
    double number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return At(value, "bad_correlation", name + " needs a number, not " + QuoteForMessage(text));
    }
    spec->thresholds.emplace_back(op->second, number);
    spec->has_threshold = true;
  }
  return std::nullopt;
}

MaybeProblem ParseCorrelation(const YamlNode& node, SigmaRule* rule) {
  if (!node.IsMapping()) return At(node, "bad_correlation", "correlation must be a map");
  CorrelationSpec& spec = rule->correlation;
  const YamlNode* type = node.Find("type");
  if (type == nullptr) return At(node, "bad_correlation", "correlation has no type");
  static const std::array<std::pair<std::string_view, CorrelationType>, 7> kTypes = {{
      {"event_count", CorrelationType::kEventCount},
      {"value_count", CorrelationType::kValueCount},
      {"temporal", CorrelationType::kTemporal},
      {"temporal_ordered", CorrelationType::kTemporalOrdered},
      {"value_sum", CorrelationType::kValueSum},
      {"value_avg", CorrelationType::kValueAvg},
      {"value_percentile", CorrelationType::kValuePercentile},
  }};
  auto found = std::find_if(kTypes.begin(), kTypes.end(),
                            [&](auto& p) { return type->IsScalar() && p.first == type->scalar; });
  if (found == kTypes.end()) {
    return At(*type, "bad_correlation",
              "unknown correlation type " + QuoteForMessage(type->scalar));
  }
  spec.type = found->second;
  const YamlNode* rules = node.Find("rules");
  if (rules == nullptr) return At(node, "bad_correlation", "correlation names no rules");
  VIGIL_RETURN_IF_PROBLEM(StringList(*rules, "rules", &spec.rules));
  if (spec.rules.empty()) return At(*rules, "bad_correlation", "correlation names no rules");
  if (const YamlNode* group = node.Find("group-by")) {
    VIGIL_RETURN_IF_PROBLEM(StringList(*group, "group-by", &spec.group_by));
  }
  const YamlNode* span = node.Find("timespan");
  if (span == nullptr) span = node.Find("timeframe");
  if (span == nullptr) return At(node, "bad_correlation", "correlation has no timespan");
  std::string span_text;
  VIGIL_RETURN_IF_PROBLEM(ScalarText(*span, "timespan", &span_text));
  if (MaybeProblem p = ParseTimespan(span_text, &spec.timespan_seconds)) {
    p->line = span->line;
    p->column = span->column;
    return p;
  }
  if (const YamlNode* condition = node.Find("condition")) {
    VIGIL_RETURN_IF_PROBLEM(ParseThreshold(*condition, &spec));
  }
  const bool temporal =
      spec.type == CorrelationType::kTemporal || spec.type == CorrelationType::kTemporalOrdered;
  if (!temporal && !spec.has_threshold) {
    return At(node, "bad_correlation", "this correlation type needs a condition");
  }
  const bool needs_field =
      spec.type == CorrelationType::kValueCount || spec.type == CorrelationType::kValueSum ||
      spec.type == CorrelationType::kValueAvg || spec.type == CorrelationType::kValuePercentile;
  if (needs_field && spec.field.empty()) {
    return At(node, "bad_correlation", "this correlation type needs condition.field");
  }
  if (const YamlNode* generate = node.Find("generate")) {
    spec.generate =
        generate->IsScalar() && (generate->scalar == "true" || generate->scalar == "yes");
  }
  if (const YamlNode* aliases = node.Find("aliases")) {
    if (!aliases->IsMapping()) return At(*aliases, "bad_correlation", "aliases must be a map");
    for (const auto& [alias, per_rule] : aliases->entries) {
      if (!alias.IsScalar() || !per_rule.IsMapping()) {
        return At(alias, "bad_correlation", "an alias maps rule names to fields");
      }
      for (const auto& [rule_ref, field] : per_rule.entries) {
        if (!rule_ref.IsScalar() || !field.IsScalar()) {
          return At(rule_ref, "bad_correlation", "an alias maps rule names to fields");
        }
        spec.aliases[alias.scalar][rule_ref.scalar] = field.scalar;
      }
    }
  }
  return std::nullopt;
}

void OptionalText(const YamlNode& doc, std::string_view key, std::string* out) {
  const YamlNode* node = doc.Find(key);
  if (node != nullptr && node->IsScalar()) *out = node->scalar;
}

void OptionalList(const YamlNode& doc, std::string_view key, std::vector<std::string>* out) {
  const YamlNode* node = doc.Find(key);
  if (node != nullptr) (void)StringList(*node, key, out);  // metadata: best effort
}

}  // namespace

std::string_view CorrelationTypeName(CorrelationType type) {
  switch (type) {
    case CorrelationType::kEventCount:
      return "event_count";
    case CorrelationType::kValueCount:
      return "value_count";
    case CorrelationType::kTemporal:
      return "temporal";
    case CorrelationType::kTemporalOrdered:
      return "temporal_ordered";
    case CorrelationType::kValueSum:
      return "value_sum";
    case CorrelationType::kValueAvg:
      return "value_avg";
    case CorrelationType::kValuePercentile:
      return "value_percentile";
  }
  return "";
}

bool IsKnownModifier(std::string_view modifier) {
  return std::find(kModifiers.begin(), kModifiers.end(), modifier) != kModifiers.end();
}

MaybeProblem ParseTimespan(std::string_view text, int64_t* seconds) {
  // Sigma always writes the unit; the number of seconds is core's duration.
  const bool has_unit = !text.empty() && std::isalpha(static_cast<unsigned char>(text.back()));
  Result<int64_t> parsed = ParseDuration(text);
  if (!has_unit || !parsed.ok()) {
    return Problem("bad_timespan", "bad timespan " + QuoteForMessage(text) +
                                       " (a number and s, m, h, d, w, M or y)");
  }
  *seconds = *parsed;
  return std::nullopt;
}

MaybeProblem ParseRuleDocument(const YamlNode& doc, const std::string& file, SigmaRule* out) {
  *out = SigmaRule{};
  out->file = file;
  out->line = doc.line;
  if (!doc.IsMapping()) return At(doc, "not_a_rule", "a rule must be a YAML map");
  if (doc.Find("action") != nullptr) {
    return At(doc, "deprecated_collection",
              "`action:` rule collections are Sigma v1; split them into separate rules");
  }
  OptionalText(doc, "id", &out->id);
  OptionalText(doc, "name", &out->name);
  OptionalText(doc, "title", &out->title);
  OptionalText(doc, "level", &out->level);
  OptionalText(doc, "status", &out->status);
  OptionalText(doc, "description", &out->description);
  OptionalText(doc, "author", &out->author);
  OptionalText(doc, "date", &out->date);
  OptionalList(doc, "tags", &out->tags);
  OptionalList(doc, "references", &out->references);
  OptionalList(doc, "falsepositives", &out->falsepositives);
  if (out->title.empty()) return At(doc, "missing_title", "the rule has no title");
  if (const YamlNode* ls = doc.Find("logsource")) {
    if (!ls->IsMapping()) return At(*ls, "bad_logsource", "logsource must be a map");
    OptionalText(*ls, "product", &out->logsource.product);
    OptionalText(*ls, "category", &out->logsource.category);
    OptionalText(*ls, "service", &out->logsource.service);
  }
  if (const YamlNode* correlation = doc.Find("correlation")) {
    out->kind = RuleKind::kCorrelation;
    return ParseCorrelation(*correlation, out);
  }
  if (const YamlNode* filter = doc.Find("filter")) {
    out->kind = RuleKind::kFilter;
    if (const YamlNode* rules = filter->Find("rules")) {
      VIGIL_RETURN_IF_PROBLEM(StringList(*rules, "filter.rules", &out->filter.rules));
    }
    if (out->filter.rules.empty()) {
      return At(*filter, "bad_filter", "a filter must name the rules it applies to");
    }
    return ParseDetection(*filter, "filter", out);
  }
  const YamlNode* detection = doc.Find("detection");
  if (detection == nullptr) return At(doc, "missing_detection", "the rule has no detection");
  if (doc.Find("logsource") == nullptr) {
    return At(doc, "missing_logsource", "the rule has no logsource");
  }
  return ParseDetection(*detection, "detection", out);
}

}  // namespace vigil::detect
