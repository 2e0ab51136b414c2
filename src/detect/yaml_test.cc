// The YAML tree: aliases, and the limits that keep hostile documents cheap (inputs the
// fuzzer, fuzz/sigma_rule_fuzzer, found).
#include "detect/yaml.h"

#include <gtest/gtest.h>

#include <string>

#include "detect/detect_test_util.h"

namespace vigil::detect {
namespace {

TEST(Yaml, AliasesCopyTheirAnchor) {
  auto docs = ParseYaml("a: &x {k: [1, 2]}\nb: *x\nc: &s text\nd: *s\n");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  const YamlNode& doc = (*docs)[0];
  ASSERT_NE(doc.Find("b"), nullptr);
  ASSERT_TRUE(doc.Find("b")->IsMapping());
  EXPECT_EQ(doc.Find("b")->Find("k")->items.size(), 2u);
  EXPECT_EQ(doc.Find("d")->scalar, "text");
}

// "Billion laughs": each anchor lists the previous one nine times. The budget counted only an
// alias's direct children, so 500 bytes expanded to 9^9 nodes (gigabytes) before any limit.
std::string Laughs(int levels, const std::string& leaf) {
  std::string yaml = "a0: &a0 [" + leaf + ", " + leaf + ", " + leaf + ", " + leaf + ", " + leaf +
                     ", " + leaf + ", " + leaf + ", " + leaf + ", " + leaf + "]\n";
  for (int i = 1; i < levels; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) yaml += (k ? ", " : "") + prev;
    yaml += "]\n";
  }
  return yaml + "title: t\n";
}

TEST(Yaml, BillionLaughsAreRefusedNotExpanded) {  // crash-yaml-billion-laughs
  auto docs = ParseYaml(Laughs(9, "x"));
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kResourceExhausted);
  // Within the budget the same shape is fine.
  EXPECT_TRUE(ParseYaml(Laughs(4, "x")).ok());
  // And a rule file doing it is one bad_yaml problem.
  LoadReport report;
  testing::RulesFrom(Laughs(9, "x"), &report);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].problem.code, "bad_yaml");
}

TEST(Yaml, AliasedLongScalarsCountTheirBytes) {
  // Few nodes, but each alias repeats 8 KB: 100 x 1000 copies would be 800 MB.
  std::string yaml = "a: &a '" + std::string(8000, 'x') + "'\nb: &b [";
  for (int k = 0; k < 100; ++k) yaml += (k ? ", " : "") + std::string("*a");
  yaml += "]\nc: [";
  for (int k = 0; k < 1000; ++k) yaml += (k ? ", " : "") + std::string("*b");
  yaml += "]\n";
  auto docs = ParseYaml(yaml);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kResourceExhausted);
}

TEST(Yaml, NestedAnchorsPayForTheirCopies) {
  // Every level anchors the level below: copying the subtree once per level is bounded too.
  YamlLimits limits;
  limits.max_nodes = 10'000;
  std::string yaml;
  for (int i = 0; i < 50; ++i) yaml += "&l" + std::to_string(i) + " [";
  for (int k = 0; k < 1000; ++k) yaml += (k ? ", " : "") + std::to_string(k);
  yaml += std::string(50, ']') + "\n";
  auto docs = ParseYaml(yaml, limits);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kResourceExhausted);
  limits.max_nodes = 100'000;
  EXPECT_TRUE(ParseYaml(yaml, limits).ok());
}

}  // namespace
}  // namespace vigil::detect
