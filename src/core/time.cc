#include "core/time.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "core/text.h"

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

// A cursor over time text.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool AtEnd() const { return pos_ == text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool Take(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Reads min..max decimal digits.
  bool Digits(size_t min, size_t max, int* out) {
    size_t n = 0;
    int value = 0;
    while (n < max && IsDigit(Peek())) {
      value = value * 10 + (Peek() - '0');
      ++pos_;
      ++n;
    }
    *out = value;
    return n >= min;
  }
  size_t CountDigits() const {
    size_t n = 0;
    while (IsDigit(Peek(n))) ++n;
    return n;
  }
  void SkipSpaces() {
    while (Peek() == ' ' || Peek() == '\t') ++pos_;
  }
  bool TakeWord(std::string_view word) {
    if (AsciiLower(text_.substr(pos_, word.size())) != word) return false;
    pos_ += word.size();
    return true;
  }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

bool ParseDatePart(Scanner* in, CivilTime* t) {
  if (in->CountDigits() == 4) {  // yyyy-mm-dd, yyyy/mm/dd
    in->Digits(4, 4, &t->year);
    const char sep = in->Peek();
    if (sep != '-' && sep != '/' && sep != '.') return false;
    in->Take(sep);
    return in->Digits(1, 2, &t->month) && in->Take(sep) && in->Digits(1, 2, &t->day);
  }
  if (!in->Digits(1, 2, &t->day)) return false;  // dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy
  const char sep = in->Peek();
  if (sep != '-' && sep != '/' && sep != '.') return false;
  in->Take(sep);
  return in->Digits(1, 2, &t->month) && in->Take(sep) && in->Digits(4, 4, &t->year);
}

bool ParseTimePart(Scanner* in, CivilTime* t) {
  if (!in->Digits(1, 2, &t->hour) || !in->Take(':') || !in->Digits(2, 2, &t->minute)) {
    return false;
  }
  if (in->Take(':')) {
    if (!in->Digits(2, 2, &t->second)) return false;
    if (in->Take('.') || in->Take(',')) {
      int ignored = 0;
      while (Scanner::IsDigit(in->Peek())) in->Digits(1, 1, &ignored);
    }
  }
  return true;
}

// "Z", "+07:00", "+0700", "+07", "UTC", "GMT", "UTC+7", "GMT+07:00".
bool ParseZone(Scanner* in, CivilTime* t) {
  in->SkipSpaces();
  if (in->AtEnd()) return true;
  if (in->Take('Z') || in->Take('z')) {
    t->offset = 0;
    return in->AtEnd();
  }
  if (in->TakeWord("utc") || in->TakeWord("gmt")) {
    t->offset = 0;
    if (in->AtEnd()) return true;
  }
  const char sign = in->Peek();
  if (sign != '+' && sign != '-') return false;
  in->Take(sign);
  int hours = 0;
  int minutes = 0;
  if (!in->Digits(1, 2, &hours)) return false;
  if (in->Take(':')) {
    if (!in->Digits(2, 2, &minutes)) return false;
  } else if (in->CountDigits() == 2) {
    in->Digits(2, 2, &minutes);
  }
  if (hours > 14 || minutes > 59) return false;
  t->offset = (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  return in->AtEnd();
}

}  // namespace

bool ParseCivilTime(std::string_view text, CivilTime* t) {
  Scanner in(text);
  bool have_time = false;
  if (in.CountDigits() <= 2 && (in.Peek(1) == ':' || in.Peek(2) == ':')) {  // "15:04 21/11/2026"
    if (!ParseTimePart(&in, t)) return false;
    in.SkipSpaces();
    have_time = true;
  }
  if (!ParseDatePart(&in, t)) return false;
  if (!have_time) {
    const bool separated = in.Take('T') || in.Take(' ') || in.Take(',');
    in.SkipSpaces();
    if (separated && Scanner::IsDigit(in.Peek()) && !ParseTimePart(&in, t)) return false;
  }
  return ParseZone(&in, t);
}

Result<int64_t> CivilToUnix(const CivilTime& t, int tz_offset_seconds) {
  const std::chrono::year_month_day date{std::chrono::year(t.year),
                                         std::chrono::month(static_cast<unsigned>(t.month)),
                                         std::chrono::day(static_cast<unsigned>(t.day))};
  if (t.year < 1900 || !date.ok()) return InvalidArgument("not a calendar date");
  if (t.hour > 23 || t.minute > 59 || t.second > 60) return InvalidArgument("not a time of day");
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  const int64_t civil = days * 86400 + int64_t{t.hour} * 3600 + int64_t{t.minute} * 60 + t.second;
  return civil - t.offset.value_or(tz_offset_seconds);
}

Result<int64_t> ParseMoment(std::string_view text, int tz_offset_seconds) {
  CivilTime t;
  if (!ParseCivilTime(Trim(text), &t)) {
    return InvalidArgument("\"" + std::string(text) +
                           "\" is not a time like 2026-11-21 08:15 or 21/11/2026 08:15");
  }
  auto unix = CivilToUnix(t, tz_offset_seconds);
  if (!unix.ok())
    return InvalidArgument(unix.status().message() + ": \"" + std::string(text) + "\"");
  return unix;
}

Result<int> ParseUtcOffset(std::string_view text) {
  Scanner in(Trim(text));
  CivilTime t;
  if (in.AtEnd() || !ParseZone(&in, &t) || !t.offset) {
    return InvalidArgument("UTC offset must look like +07:00");
  }
  return *t.offset;
}

std::string FormatMoment(int64_t unix_seconds, int tz_offset_seconds) {
  const int64_t local = unix_seconds + tz_offset_seconds;
  const auto days =
      std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds{std::chrono::seconds{local}});
  const std::chrono::year_month_day date{days};
  const int64_t seconds = local - std::chrono::sys_seconds{days}.time_since_epoch().count();
  const int offset_minutes = std::abs(tz_offset_seconds) / 60;
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60),
                tz_offset_seconds < 0 ? '-' : '+', offset_minutes / 60, offset_minutes % 60);
  return buffer;
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
    case 'w':
      unit = int64_t{7} * 86400;
      break;
    case 'M':  // months of 30 days, as Sigma counts them
      unit = int64_t{30} * 86400;
      break;
    case 'y':
      unit = int64_t{365} * 86400;
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
