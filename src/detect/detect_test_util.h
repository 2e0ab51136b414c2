// Test helpers: a RuleSet from YAML text and the rule titles an event (JSON) fires.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "detect/event.h"
#include "detect/ruleset.h"

namespace vigil::detect::testing {

inline std::unique_ptr<RuleSet> RulesFrom(const std::string& yaml, LoadReport* report,
                                          const LoadOptions& options = {}) {
  auto set = std::make_unique<RuleSet>(options);
  set->AddText(yaml, "test.yml", report);
  set->Finish(report);
  return set;
}

// Titles of the rules `json` fires, in rule order.
inline std::vector<std::string> Fired(const RuleSet& rules, const std::string& json) {
  Event event;
  Status s = ParseJsonEvent(json, &event);
  EXPECT_TRUE(s.ok()) << s.ToString();
  RuleSet::Scratch scratch;
  std::vector<Detection> detections;
  rules.Match(event, scratch, &detections);
  std::vector<std::string> titles;
  titles.reserve(detections.size());
  for (const Detection& d : detections) titles.push_back(d.rule->rule.title);
  return titles;
}

// One rule with `detection` (YAML lines under `detection:`) on an unmapped log source.
inline std::string Rule(const std::string& detection, const std::string& title = "t") {
  return "title: " + title + "\nlogsource: {product: test}\ndetection:\n" + detection + "\n";
}

// A log-source map that labels every event {product: test}, so rules written by Rule() see
// every event whatever its fields.
inline LoadOptions TestSource() {
  static const LogsourceMap* map = [] {
    auto* m = new LogsourceMap;
    EXPECT_FALSE(LogsourceMap::Parse("- {when: {}, logsource: {product: test}}", m));
    return m;
  }();
  LoadOptions options;
  options.logsources = map;
  return options;
}

// True when a single rule with `detection` fires on `json`; fails the test if it does not load.
inline bool Fires(const std::string& detection, const std::string& json) {
  LoadReport report;
  auto rules = RulesFrom(Rule(detection), &report, TestSource());
  EXPECT_TRUE(report.problems.empty())
      << (report.problems.empty() ? "" : report.problems[0].problem.message);
  return !Fired(*rules, json).empty();
}

// The reason code a rule with `detection` is refused with ("" when it loads).
inline std::string RefusalCode(const std::string& detection) {
  LoadReport report;
  auto rules = RulesFrom(Rule(detection), &report, TestSource());
  return report.problems.empty() ? "" : report.problems[0].problem.code;
}

}  // namespace vigil::detect::testing
