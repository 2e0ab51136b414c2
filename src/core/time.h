// Calendar dates and UTC timestamps as the API writes them ("2026-11-21", "2026-11-21T03:04:05Z").
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil {

using Clock = std::chrono::system_clock;

// Parses "YYYY-MM-DD" (a real calendar day, years 1900–9999).
Result<std::chrono::year_month_day> ParseDate(std::string_view text);
std::string FormatDate(std::chrono::year_month_day date);
// Adds calendar months; the day is clamped to the end of a shorter month (31 Aug + 6 = 28/29 Feb).
std::chrono::year_month_day AddMonths(std::chrono::year_month_day date, int months);
// Today's date in UTC.
std::chrono::year_month_day Today();

// "YYYY-MM-DDTHH:MM:SSZ" in UTC, second precision.
std::string FormatTimestamp(Clock::time_point t);
// Parses exactly the format FormatTimestamp writes.
Result<Clock::time_point> ParseTimestamp(std::string_view text);
inline std::string NowTimestamp() { return FormatTimestamp(Clock::now()); }

}  // namespace vigil

namespace vigil {

// "+07:00", "+0700", "-05:30", "Z" -> seconds east of UTC.
Result<int> ParseUtcOffset(std::string_view text);

// A moment as people type it on a command line: "2026-11-21", "2026-11-21 08:15",
// "2026-11-21T08:15:30", "21/11/2026 08:15[:30]", each optionally followed by "Z" or an offset
// ("+07:00"); without one, `tz_offset_seconds` applies. Returns Unix seconds.
Result<int64_t> ParseMoment(std::string_view text, int tz_offset_seconds);

// "90s", "10m", "2h", "7d", or a bare number of seconds -> seconds (> 0).
Result<int64_t> ParseDuration(std::string_view text);

}  // namespace vigil
