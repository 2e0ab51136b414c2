#include "core/time.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

constexpr int kVietnam = 7 * 3600;

int64_t Moment(std::string_view text) {
  auto parsed = ParseMoment(text, kVietnam);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
  return parsed.ok() ? parsed.value() : -1;
}

TEST(Moment, ReadsTheWaysOfficesWriteATime) {
  const int64_t expected = 1795223700;  // 2026-11-21T08:15:00+07:00
  EXPECT_EQ(Moment("21/11/2026 08:15"), expected);
  EXPECT_EQ(Moment("21/11/2026 08:15:00"), expected);
  EXPECT_EQ(Moment("21-11-2026 08:15"), expected);
  EXPECT_EQ(Moment("2026-11-21 08:15"), expected);
  EXPECT_EQ(Moment("2026-11-21T08:15:00.250"), expected);
  EXPECT_EQ(Moment("08:15 21/11/2026"), expected);
  EXPECT_EQ(Moment("2026-11-21T01:15:00Z"), expected);
  EXPECT_EQ(Moment("2026-11-21T08:15:00+07:00"), expected);
  EXPECT_EQ(Moment("2026-11-20T20:15:00-0500"), expected);
  EXPECT_EQ(Moment("21/11/2026"), expected - 8 * 3600 - 15 * 60);
}

TEST(Moment, RejectsWhatItCannotReadWithTheReason) {
  EXPECT_EQ(ParseMoment("31/02/2026", kVietnam).status().message(),
            "not a calendar date: \"31/02/2026\"");
  EXPECT_EQ(ParseMoment("2026-11-21 25:00", kVietnam).status().message(),
            "not a time of day: \"2026-11-21 25:00\"");
  EXPECT_FALSE(ParseMoment("yesterday", kVietnam).ok());
  EXPECT_FALSE(ParseMoment("11/21/2026", kVietnam).ok());  // US order is not guessed
  EXPECT_FALSE(ParseMoment("", kVietnam).ok());
}

TEST(Moment, OffsetsDurationsAndFormatting) {
  EXPECT_EQ(ParseUtcOffset("+07:00").value(), kVietnam);
  EXPECT_EQ(ParseUtcOffset("+0700").value(), kVietnam);
  EXPECT_EQ(ParseUtcOffset("-05:30").value(), -(5 * 3600 + 30 * 60));
  EXPECT_EQ(ParseUtcOffset("Z").value(), 0);
  EXPECT_FALSE(ParseUtcOffset("0700").ok());
  EXPECT_FALSE(ParseUtcOffset("").ok());
  EXPECT_FALSE(ParseUtcOffset("+15:00").ok());
  EXPECT_EQ(ParseDuration("90s").value(), 90);
  EXPECT_EQ(ParseDuration("10m").value(), 600);
  EXPECT_EQ(ParseDuration("2h").value(), 7200);
  EXPECT_EQ(ParseDuration("45").value(), 45);
  EXPECT_EQ(ParseDuration("2w").value(), 14 * 86400);
  EXPECT_EQ(ParseDuration("1M").value(), 30 * 86400);
  EXPECT_EQ(ParseDuration("1y").value(), 365 * 86400);
  EXPECT_FALSE(ParseDuration("0m").ok());
  EXPECT_FALSE(ParseDuration("soon").ok());
  EXPECT_EQ(FormatMoment(1795223700, kVietnam), "2026-11-21T08:15:00+07:00");
  EXPECT_EQ(FormatMoment(1795223700, 0), "2026-11-21T01:15:00+00:00");
  EXPECT_EQ(FormatMoment(1795223700, -(5 * 3600 + 30 * 60)), "2026-11-20T19:45:00-05:30");
}

}  // namespace
}  // namespace vigil
