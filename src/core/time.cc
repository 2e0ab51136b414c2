#include "core/time.h"

#include <charconv>
#include <cstdio>

namespace vigil {
namespace {

// Reads exactly `width` digits at text[pos...].
bool ReadDigits(std::string_view text, size_t pos, size_t width, int* out) {
  if (pos + width > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + (text[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

Result<std::chrono::year_month_day> ParseDate(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ReadDigits(text, 0, 4, &y) ||
      !ReadDigits(text, 5, 2, &m) || !ReadDigits(text, 8, 2, &d)) {
    return InvalidArgument("expected a date as YYYY-MM-DD");
  }
  std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(m),
                                   std::chrono::day(d)};
  if (y < 1900 || !date.ok()) return InvalidArgument("not a calendar date");
  return date;
}

std::string FormatDate(std::chrono::year_month_day date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

std::chrono::year_month_day AddMonths(std::chrono::year_month_day date, int months) {
  std::chrono::year_month_day shifted = date + std::chrono::months(months);
  if (!shifted.ok()) {
    shifted = std::chrono::year_month_day_last(shifted.year(),
                                               std::chrono::month_day_last(shifted.month()));
  }
  return shifted;
}

std::chrono::year_month_day Today() {
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(Clock::now()));
}

std::string FormatTimestamp(Clock::time_point t) {
  auto days = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(days);
  std::chrono::hh_mm_ss hms(std::chrono::floor<std::chrono::seconds>(t - days));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", FormatDate(ymd).c_str(),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

Result<Clock::time_point> ParseTimestamp(std::string_view text) {
  int hh = 0, mm = 0, ss = 0;
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z' || !ReadDigits(text, 11, 2, &hh) || !ReadDigits(text, 14, 2, &mm) ||
      !ReadDigits(text, 17, 2, &ss) || hh > 23 || mm > 59 || ss > 60) {
    return InvalidArgument("expected a UTC timestamp as YYYY-MM-DDTHH:MM:SSZ");
  }
  VIGIL_ASSIGN_OR_RETURN(auto date, ParseDate(text.substr(0, 10)));
  return Clock::time_point(std::chrono::sys_days(date)) + std::chrono::hours(hh) +
         std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

}  // namespace vigil
