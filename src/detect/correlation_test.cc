// Correlation rules over detections: every type, windows, group-by, aliases, chaining,
// `generate`, and the memory bound.
#include "detect/correlation.h"

#include <gtest/gtest.h>

#include "detect/detect_test_util.h"

namespace vigil::detect {
namespace {

// Base rules on an unmapped source: "a" fires on {"k":"a"}, "b" on {"k":"b"}.
const std::string kBase = R"(title: rule a
name: a
logsource: {product: test}
detection: {s: {k: a}, condition: s}
---
title: rule b
name: b
logsource: {product: test}
detection: {s: {k: b}, condition: s}
---
)";

class Stream {
 public:
  explicit Stream(const std::string& correlations, CorrelationLimits limits = {})
      : rules_(testing::RulesFrom(kBase + correlations, &report_)), engine_(*rules_, limits) {
    EXPECT_TRUE(report_.problems.empty())
        << (report_.problems.empty() ? "" : report_.problems[0].problem.message);
  }
  // Feeds {"k": k, ...extra} at `second`; returns the titles of fired correlations.
  std::vector<std::string> At(int64_t second, const std::string& k, const std::string& extra = "") {
    Event event;
    EXPECT_TRUE(ParseJsonEvent(R"({"k":")" + k + "\"" + extra + "}", &event).ok());
    std::vector<Detection> detections;
    rules_->Match(event, scratch_, &detections);
    std::vector<CorrelationHit> hits;
    for (const Detection& d : detections) {
      engine_.Observe(d, event, second * 1'000'000'000, &hits);
    }
    last_ = hits;
    std::vector<std::string> titles;
    for (const CorrelationHit& h : hits) titles.push_back(h.rule->title);
    return titles;
  }
  const std::vector<CorrelationHit>& last() const { return last_; }
  CorrelationEngine& engine() { return engine_; }
  const RuleSet& rules() const { return *rules_; }

 private:
  LoadReport report_;
  std::unique_ptr<RuleSet> rules_;
  CorrelationEngine engine_;
  RuleSet::Scratch scratch_;
  std::vector<CorrelationHit> last_;
};

using Titles = std::vector<std::string>;

TEST(Correlation, EventCountInASlidingWindowPerGroup) {
  Stream s(R"(title: three a
correlation: {type: event_count, rules: [a], group-by: [user], timespan: 60s, condition: {gte: 3}}
)");
  EXPECT_EQ(s.At(0, "a", R"(,"user":"x")"), Titles{});
  EXPECT_EQ(s.At(10, "a", R"(,"user":"y")"), Titles{});  // another group
  EXPECT_EQ(s.At(20, "a", R"(,"user":"x")"), Titles{});
  EXPECT_EQ(s.At(70, "a", R"(,"user":"x")"), Titles{});  // the one at 0 left the window
  EXPECT_EQ(s.At(75, "a", R"(,"user":"x")"), Titles{"three a"});
  ASSERT_EQ(s.last().size(), 1u);
  EXPECT_EQ(s.last()[0].group, (std::vector<std::pair<std::string, std::string>>{{"user", "x"}}));
  EXPECT_EQ(s.last()[0].value, 3);
  EXPECT_EQ(s.last()[0].first_ns, 20'000'000'000);
  EXPECT_EQ(s.At(76, "a", R"(,"user":"x")"), Titles{});  // fired groups start again
}

TEST(Correlation, ValueCountCountsDistinctValues) {
  Stream s(R"(title: spray
correlation:
  type: value_count
  rules: [a]
  group-by: [src]
  timespan: 5m
  condition: {field: user, gte: 3}
)");
  EXPECT_EQ(s.At(0, "a", R"(,"src":"1.2.3.4","user":"u1")"), Titles{});
  EXPECT_EQ(s.At(1, "a", R"(,"src":"1.2.3.4","user":"u1")"), Titles{});
  EXPECT_EQ(s.At(2, "a", R"(,"src":"1.2.3.4","user":"u2")"), Titles{});
  EXPECT_EQ(s.At(3, "a", R"(,"src":"1.2.3.4","user":"u3")"), Titles{"spray"});
}

TEST(Correlation, TemporalInAnyOrderOrderedInOrder) {
  Stream any(R"(title: both
correlation: {type: temporal, rules: [a, b], group-by: [h], timespan: 1m}
)");
  EXPECT_EQ(any.At(0, "b", R"(,"h":"pc")"), Titles{});
  EXPECT_EQ(any.At(30, "a", R"(,"h":"pc")"), Titles{"both"});
  EXPECT_EQ(any.At(100, "a", R"(,"h":"pc")"), Titles{});
  EXPECT_EQ(any.At(200, "b", R"(,"h":"pc")"), Titles{});  // a is out of the window

  Stream ordered(R"(title: a then b
correlation: {type: temporal_ordered, rules: [a, b], group-by: [h], timespan: 1m}
)");
  EXPECT_EQ(ordered.At(0, "b", R"(,"h":"pc")"), Titles{});
  EXPECT_EQ(ordered.At(10, "a", R"(,"h":"pc")"), Titles{});  // b came first: no
  EXPECT_EQ(ordered.At(20, "b", R"(,"h":"pc")"), Titles{"a then b"});
}

TEST(Correlation, SumAverageAndPercentile) {
  Stream sum(R"(title: big upload
correlation: {type: value_sum, rules: [a], group-by: [h], timespan: 1h, condition: {field: bytes, gt: 1000}}
)");
  EXPECT_EQ(sum.At(0, "a", R"(,"h":"x","bytes":600)"), Titles{});
  EXPECT_EQ(sum.At(1, "a", R"(,"h":"x","bytes":"not a number")"), Titles{});
  EXPECT_EQ(sum.At(2, "a", R"(,"h":"x","bytes":500)"), Titles{"big upload"});
  EXPECT_EQ(sum.last()[0].value, 1100);

  Stream avg(R"(title: slow
correlation: {type: value_avg, rules: [a], timespan: 1h, condition: {field: ms, gte: 100}}
)");
  EXPECT_EQ(avg.At(0, "a", R"(,"ms":50)"), Titles{});
  EXPECT_EQ(avg.At(1, "a", R"(,"ms":150)"), Titles{"slow"});

  Stream p90(R"(title: p90
correlation:
  type: value_percentile
  rules: [a]
  timespan: 1h
  condition: {field: ms, percentile: 90, gte: 500}
)");
  for (int i = 1; i <= 9; ++i) EXPECT_EQ(p90.At(i, "a", R"(,"ms":10)"), Titles{});
  EXPECT_EQ(p90.At(10, "a", R"(,"ms":900)"), Titles{});  // 90th percentile of ten is the 9th
  EXPECT_EQ(p90.At(11, "a", R"(,"ms":900)"), Titles{"p90"});
}

TEST(Correlation, AliasesJoinFieldsOfDifferentNames) {
  Stream s(R"(title: same host
correlation:
  type: temporal
  rules: [a, b]
  group-by: [host]
  timespan: 1m
  aliases:
    host: {a: Computer, b: hostname}
)");
  EXPECT_EQ(s.At(0, "a", R"(,"Computer":"pc1")"), Titles{});
  EXPECT_EQ(s.At(1, "b", R"(,"hostname":"pc2")"), Titles{});
  EXPECT_EQ(s.At(2, "b", R"(,"hostname":"pc1")"), Titles{"same host"});
}

TEST(Correlation, ChainingAndGenerate) {
  Stream s(R"(title: many a
name: many_a
correlation: {type: event_count, rules: [a], group-by: [u], timespan: 1m, condition: {gte: 2}}
---
title: many a then b
correlation: {type: temporal_ordered, rules: [many_a, b], group-by: [u], timespan: 5m}
)");
  EXPECT_EQ(s.At(0, "a", R"(,"u":"x")"), Titles{});
  EXPECT_EQ(s.At(1, "a", R"(,"u":"x")"), Titles{"many a"});
  EXPECT_EQ(s.At(2, "b", R"(,"u":"x")"), Titles{"many a then b"});
  // Without `generate: true` the base rules only feed the correlations.
  for (const auto& rule : s.rules().rules()) EXPECT_FALSE(s.engine().Reported(*rule));
}

TEST(Correlation, GroupsAreBounded) {
  CorrelationLimits limits;
  limits.max_groups = 2;
  Stream s(R"(title: pair
correlation: {type: event_count, rules: [a], group-by: [u], timespan: 1h, condition: {gte: 2}}
)",
           limits);
  EXPECT_EQ(s.At(0, "a", R"(,"u":"1")"), Titles{});
  EXPECT_EQ(s.At(1, "a", R"(,"u":"2")"), Titles{});
  EXPECT_EQ(s.At(2, "a", R"(,"u":"3")"), Titles{});  // evicts group 1
  EXPECT_EQ(s.engine().evicted(), 1u);
  EXPECT_EQ(s.At(3, "a", R"(,"u":"1")"), Titles{});  // group 1 starts over
  EXPECT_EQ(s.At(4, "a", R"(,"u":"3")"), Titles{"pair"});
}

}  // namespace
}  // namespace vigil::detect
