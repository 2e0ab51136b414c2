// Calendar dates and UTC timestamps as the API writes them ("2026-11-21", "2026-11-21T03:04:05Z").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
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
// The clock as Unix seconds.
inline int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
}
// Today's date in UTC.
std::chrono::year_month_day Today();

// "YYYY-MM-DDTHH:MM:SSZ" in UTC, second precision.
std::string FormatTimestamp(Clock::time_point t);
// Parses exactly the format FormatTimestamp writes.
Result<Clock::time_point> ParseTimestamp(std::string_view text);
inline std::string NowTimestamp() { return FormatTimestamp(Clock::now()); }

}  // namespace vigil

namespace vigil {

// A date and time as written, before any zone is applied.
struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::optional<int> offset;  // seconds east of UTC, when the text says
};

// Reads the ways people and offices write a moment: "21/11/2026 08:15[:30]", "21-11-2026",
// "21.11.2026", "2026-11-21[ T]08:15:30[.123]", "08:15 21/11/2026" (time first), a date alone;
// optionally followed by "Z", "+07:00", "+0700", "+07", "UTC", "GMT" or "UTC+7". US mm/dd/yyyy
// is not guessed. False when the text has none of these shapes (values are checked later).
bool ParseCivilTime(std::string_view text, CivilTime* out);

// Unix seconds of `t`, at its own offset or else `tz_offset_seconds`. Errors: "not a calendar
// date" (years before 1900, 31/02, ...), "not a time of day".
Result<int64_t> CivilToUnix(const CivilTime& t, int tz_offset_seconds);

// ParseCivilTime + CivilToUnix, with an error that quotes the text.
Result<int64_t> ParseMoment(std::string_view text, int tz_offset_seconds);

// "+07:00", "+0700", "+07", "-05:30", "Z", "UTC" -> seconds east of UTC.
Result<int> ParseUtcOffset(std::string_view text);

// "2026-11-21T08:15:30+07:00": ISO 8601 at the given offset ("Z" style is FormatTimestamp's).
std::string FormatMoment(int64_t unix_seconds, int tz_offset_seconds);

// "90s", "10m", "2h", "7d", "2w", "1M" (30 days), "1y" (365 days), or a bare number of
// seconds -> seconds (> 0).
Result<int64_t> ParseDuration(std::string_view text);

}  // namespace vigil
