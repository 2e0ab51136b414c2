// The condition grammar: precedence, parentheses, `1 of` / `all of` with patterns and `them`.
#include "detect/condition.h"

#include <gtest/gtest.h>

#include "detect/detect_test_util.h"

namespace vigil::detect {
namespace {

using testing::Fires;
using testing::RefusalCode;

// Searches a, b, c each test one field for "1".
std::string With(const std::string& condition) {
  return "  a: {A: 1}\n  b: {B: 1}\n  c: {C: 1}\n  _x: {X: 1}\n  condition: " + condition;
}

TEST(Condition, PrecedenceNotAndOr) {
  // a or b and c == a or (b and c)
  EXPECT_TRUE(Fires(With("a or b and c"), R"({"A":1})"));
  EXPECT_FALSE(Fires(With("a or b and c"), R"({"B":1})"));
  EXPECT_FALSE(Fires(With("(a or b) and c"), R"({"A":1})"));
  // not binds tighter than and
  EXPECT_TRUE(Fires(With("not a and b"), R"({"B":1})"));
  EXPECT_FALSE(Fires(With("not (a and b)"), R"({"A":1,"B":1})"));
  EXPECT_TRUE(Fires(With("not not a"), R"({"A":1})"));
  EXPECT_TRUE(Fires(With("a AND NOT b"), R"({"A":1})"));  // keywords in any case
}

TEST(Condition, Quantifiers) {
  EXPECT_TRUE(Fires(With("1 of them"), R"({"C":1})"));
  EXPECT_FALSE(Fires(With("1 of them"), R"({"X":1})"));  // `them` skips names starting with _
  EXPECT_TRUE(Fires(With("all of them"), R"({"A":1,"B":1,"C":1})"));
  EXPECT_FALSE(Fires(With("all of them"), R"({"A":1,"B":1})"));
  const std::string patterns =
      "  sel_a: {A: 1}\n  sel_b: {B: 1}\n  filter_x: {X: 1}\n  condition: ";
  EXPECT_TRUE(Fires(patterns + "1 of sel_* and not 1 of filter_*", R"({"B":1})"));
  EXPECT_FALSE(Fires(patterns + "1 of sel_* and not 1 of filter_*", R"({"B":1,"X":1})"));
  EXPECT_FALSE(Fires(patterns + "all of sel_*", R"({"B":1})"));
  EXPECT_TRUE(Fires(patterns + "all of sel*", R"({"A":1,"B":1})"));
  EXPECT_TRUE(Fires(patterns + "any of sel_*", R"({"A":1})"));
}

TEST(Condition, ListOfConditionsIsOr) {
  EXPECT_TRUE(Fires("  a: {A: 1}\n  b: {B: 1}\n  condition: [a, b]", R"({"B":1})"));
}

TEST(Condition, ErrorsHaveCodes) {
  EXPECT_EQ(RefusalCode(With("a and")), "bad_condition");
  EXPECT_EQ(RefusalCode(With("(a or b")), "bad_condition");
  EXPECT_EQ(RefusalCode(With("a b")), "bad_condition");
  EXPECT_EQ(RefusalCode(With("a or nope")), "unknown_identifier");
  EXPECT_EQ(RefusalCode(With("1 of nope*")), "unknown_identifier");
  EXPECT_EQ(RefusalCode(With("2 of them")), "bad_condition");
  EXPECT_EQ(RefusalCode(With("a | count() > 5")), "deprecated_aggregation");
  EXPECT_EQ(RefusalCode(With("a & b")), "bad_condition");
  EXPECT_EQ(RefusalCode("  a: {A: 1}"), "missing_condition");
}

TEST(Condition, DeepNestingIsRefusedNotCrashing) {
  std::string deep(10000, '(');
  deep += "a";
  deep += std::string(10000, ')');
  EXPECT_EQ(RefusalCode(With(deep)), "bad_condition");
}

TEST(Condition, IdentifierPatterns) {
  EXPECT_TRUE(IdentifierMatches("sel_*", "sel_a"));
  EXPECT_TRUE(IdentifierMatches("*", "x"));
  EXPECT_TRUE(IdentifierMatches("a*b*c", "aXbYc"));
  EXPECT_FALSE(IdentifierMatches("a*b*c", "aXcYb"));
  EXPECT_FALSE(IdentifierMatches("sel", "sel_a"));
}

}  // namespace
}  // namespace vigil::detect
