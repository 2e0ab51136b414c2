// A Sigma rule as written: metadata, log source, detection searches and condition, or the
// correlation / filter sections of Sigma v2.1 meta-rules. No matching happens here; see
// compiled_rule.h for the executable form.
//
// ParseRuleDocument reads one YAML document and either fills a SigmaRule or returns the first
// RuleProblem (an exact, machine-readable reason with line and column). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "detect/condition.h"
#include "detect/problem.h"
#include "detect/yaml.h"

namespace vigil::detect {

struct Logsource {
  std::string product, category, service;  // empty = not given
};

struct SigmaValue {
  std::string text;
  bool is_null = false;  // plain `null`
  int line = 0, column = 0;
};

// `Field|mod|mod: values` or, with an empty field and keyword = true, a keyword search value.
struct FieldItem {
  std::string field;
  std::vector<std::string> modifiers;  // lower case, in written order
  std::vector<SigmaValue> values;      // OR by default, AND with `all`
  bool keyword = false;
  int line = 0, column = 0;
};

// A named search: true if any alternative has all of its items true.
struct Search {
  std::string name;
  std::vector<std::vector<FieldItem>> alternatives;
};

enum class CorrelationType {
  kEventCount,
  kValueCount,
  kTemporal,
  kTemporalOrdered,
  kValueSum,
  kValueAvg,
  kValuePercentile,
};

enum class CompareOp { kGt, kGte, kLt, kLte, kEq, kNeq };

struct CorrelationSpec {
  CorrelationType type = CorrelationType::kEventCount;
  std::vector<std::string> rules;     // referenced rule ids or names, in order
  std::vector<std::string> group_by;  // field names (possibly aliases)
  int64_t timespan_seconds = 0;
  // Threshold on the count / distinct count / sum / average / percentile. Absent for temporal
  // types without a condition (meaning: every referenced rule fired).
  bool has_threshold = false;
  std::vector<std::pair<CompareOp, double>> thresholds;  // all must hold (e.g. gte 5, lt 10)
  std::string field;      // value_count / value_sum / value_avg / value_percentile
  double percentile = 0;  // value_percentile: 0..100
  bool generate = false;  // also emit the referenced rules' own detections
  // aliases[alias][rule id or name] = the field that rule's events carry for the alias.
  std::map<std::string, std::map<std::string, std::string>> aliases;
};

struct FilterSpec {
  std::vector<std::string> rules;  // rule ids or names the filter applies to
};

enum class RuleKind { kDetection, kCorrelation, kFilter };

struct SigmaRule {
  RuleKind kind = RuleKind::kDetection;
  std::string id, name, title, level, status, description, author, date;
  std::vector<std::string> tags, references, falsepositives;
  Logsource logsource;
  std::vector<Search> searches;  // detection and filter rules
  Condition condition;
  CorrelationSpec correlation;
  FilterSpec filter;
  std::string file;
  int line = 1;
};

// How messages name a rule: its id, else its title.
inline std::string RuleLabel(const SigmaRule& rule) {
  return !rule.id.empty() ? rule.id : rule.title;
}

// Parses one YAML document of a rule file. `file` is recorded in the rule.
MaybeProblem ParseRuleDocument(const YamlNode& doc, const std::string& file, SigmaRule* out);

// The modifiers Vigil knows (all of Sigma v2.1).
bool IsKnownModifier(std::string_view modifier);

// "event_count", "value_count", ... as Sigma writes them.
std::string_view CorrelationTypeName(CorrelationType type);

// Parses a Sigma timespan (`30s`, `5m`, `1h`, `2d`, `1w`, `1M`, `1y`).
MaybeProblem ParseTimespan(std::string_view text, int64_t* seconds);

}  // namespace vigil::detect
