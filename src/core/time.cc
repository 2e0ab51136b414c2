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

namespace vigil {
namespace {

// Reads exactly `digits` decimal digits at *pos.
bool ReadNumber(std::string_view text, size_t* pos, size_t digits, int* out) {
  if (*pos + digits > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += digits;
  *out = value;
  return true;
}

}  // namespace

Result<int> ParseUtcOffset(std::string_view text) {
  if (text == "Z" || text == "z") return 0;
  if (text.size() < 5 || (text[0] != '+' && text[0] != '-')) {
    return InvalidArgument("UTC offset must look like +07:00");
  }
  size_t pos = 1;
  int hours = 0, minutes = 0;
  if (!ReadNumber(text, &pos, 2, &hours))
    return InvalidArgument("UTC offset must look like +07:00");
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (!ReadNumber(text, &pos, 2, &minutes) || pos != text.size() || hours > 14 || minutes > 59) {
    return InvalidArgument("UTC offset must look like +07:00");
  }
  const int seconds = hours * 3600 + minutes * 60;
  return text[0] == '-' ? -seconds : seconds;
}

Result<int64_t> ParseMoment(std::string_view text, int tz_offset_seconds) {
  const auto bad = [&] {
    return InvalidArgument("\"" + std::string(text) +
                           "\" is not a time like 2026-11-21 08:15 or 21/11/2026 08:15");
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  size_t pos = 0;
  if (text.size() >= 10 && text[4] == '-') {
    if (!ReadNumber(text, &pos, 4, &year) || text[pos++] != '-' ||
        !ReadNumber(text, &pos, 2, &month) || text[pos++] != '-' ||
        !ReadNumber(text, &pos, 2, &day)) {
      return bad();
    }
  } else if (text.size() >= 10 && text[2] == '/') {
    if (!ReadNumber(text, &pos, 2, &day) || text[pos++] != '/' ||
        !ReadNumber(text, &pos, 2, &month) || text[pos++] != '/' ||
        !ReadNumber(text, &pos, 4, &year)) {
      return bad();
    }
  } else {
    return bad();
  }
  if (pos < text.size() && (text[pos] == ' ' || text[pos] == 'T')) {
    ++pos;
    if (!ReadNumber(text, &pos, 2, &hour) || pos >= text.size() || text[pos++] != ':' ||
        !ReadNumber(text, &pos, 2, &minute)) {
      return bad();
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!ReadNumber(text, &pos, 2, &second)) return bad();
    }
  }
  int offset = tz_offset_seconds;
  if (pos < text.size()) {
    auto parsed = ParseUtcOffset(text.substr(pos));
    if (!parsed.ok()) return bad();
    offset = parsed.value();
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return bad();
  const auto days = std::chrono::sys_days{date}.time_since_epoch().count();
  return static_cast<int64_t>(days) * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second -
         offset;
}

Result<int64_t> ParseDuration(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty duration");
  int64_t unit = 1;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      unit = 0;
  }
  const std::string_view number = unit == 0 ? text : text.substr(0, text.size() - 1);
  if (unit == 0) unit = 1;
  int64_t value = 0;
  if (number.empty() || number.size() > 9) {
    return InvalidArgument("duration must look like 90s, 10m, 2h or 7d");
  }
  for (const char c : number) {
    if (c < '0' || c > '9') return InvalidArgument("duration must look like 90s, 10m, 2h or 7d");
    value = value * 10 + (c - '0');
  }
  if (value == 0) return InvalidArgument("duration must be positive");
  return value * unit;
}

}  // namespace vigil
