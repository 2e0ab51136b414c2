#include "logs/parse_util.h"

#include <array>
#include <chrono>
#include <string>

#include "core/text.h"

namespace vigil::logs::detail {
namespace {

constexpr size_t kMaxQuoted = 64;
constexpr size_t kMaxProtoBytes = 32;
constexpr size_t kMaxActionBytes = 64;
constexpr size_t kMaxNameBytes = 1024;
constexpr int64_t kMaxUnixSeconds = 253402300799;  // 9999-12-31T23:59:59Z

char AsciiLowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool HasControlByte(std::string_view text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// Exactly `count` digits at the start of `text`, as a number; -1 otherwise.
int FixedDigits(std::string_view text, size_t count) {
  if (text.size() < count) return -1;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!IsDigit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

int DaysInMonth(int year, int month) {
  const std::chrono::year_month_day_last last{std::chrono::year{year} /
                                              std::chrono::month{static_cast<unsigned>(month)} /
                                              std::chrono::last};
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

// "program:" or "program[123]:".
bool IsProgramTag(std::string_view token, std::string_view program) {
  if (!Consume(&token, program)) return false;
  if (!token.empty() && token.front() == '[') {
    const size_t close = token.find(']');
    if (close == std::string_view::npos || !IsDigits(token.substr(1, close - 1))) return false;
    token.remove_prefix(close + 1);
  }
  return token == ":";
}

// Skips RFC 5424 STRUCTURED-DATA ("-" or one or more "[id param="value" ...]"); false when
// malformed.
bool SkipStructuredData(std::string_view* text) {
  std::string_view s = *text;
  if (Consume(&s, "-")) {
    *text = s;
    return true;
  }
  if (s.empty() || s.front() != '[') return false;
  while (!s.empty() && s.front() == '[') {
    bool quoted = false;
    size_t i = 1;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (quoted) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ']') {
        break;
      }
    }
    if (i >= s.size()) return false;
    s.remove_prefix(i + 1);
  }
  *text = s;
  return true;
}

Result<SyslogHeader> ParseRfc5424(std::string_view s, const FileContext& context) {
  SyslogHeader header;
  header.rfc5424 = true;
  const std::string_view stamp = NextToken(&s);
  if (stamp != "-") {
    VIGIL_ASSIGN_OR_RETURN(header.time, ParseIsoTime(stamp, context, "timestamp"));
  }
  NextToken(&s);  // HOSTNAME
  header.app = NextToken(&s);
  NextToken(&s);  // PROCID
  NextToken(&s);  // MSGID
  s = SkipSpaces(s);
  if (!SkipStructuredData(&s)) {
    return FieldError("structured data", "malformed RFC 5424 structured data");
  }
  if (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  Consume(&s, "\xEF\xBB\xBF");  // the BOM RFC 5424 allows before a UTF-8 MSG
  header.rest = s;
  return header;
}

// A BSD stamp (see TakeBsdStamp) at context.year (or the current UTC year when the stamp has
// none) and context.tz_offset_seconds.
Result<int64_t> TakeBsdTime(std::string_view* text, const FileContext& context) {
  std::string_view s = *text;
  VIGIL_ASSIGN_OR_RETURN(const BsdStamp stamp, TakeBsdStamp(&s));
  int year = stamp.year;
  if (year == 0) year = context.year != 0 ? context.year : CurrentUtcYear();
  VIGIL_ASSIGN_OR_RETURN(const int64_t time,
                         MakeTime(year, stamp.month, stamp.day, stamp.hour, stamp.minute,
                                  stamp.second, context.tz_offset_seconds, "timestamp"));
  *text = s;
  return time;
}

}  // namespace

Status FieldError(std::string_view field, std::string reason) {
  return InvalidArgument(std::move(reason), std::string(field));
}

std::string Quote(std::string_view text) { return QuoteForMessage(text, kMaxQuoted); }

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

std::string_view SkipSpaces(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) ++i;
  return text.substr(i);
}

std::string_view NextToken(std::string_view* rest) {
  const std::string_view s = SkipSpaces(*rest);
  size_t end = 0;
  while (end < s.size() && !IsSpace(s[end])) ++end;
  *rest = s.substr(end);
  return s.substr(0, end);
}

bool Consume(std::string_view* text, std::string_view prefix) {
  if (!text->starts_with(prefix)) return false;
  text->remove_prefix(prefix.size());
  return true;
}

std::string_view Unquote(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

size_t FindWord(std::string_view text, std::string_view word) {
  size_t pos = text.find(word);
  while (pos != std::string_view::npos) {
    if (pos == 0 || IsSpace(text[pos - 1])) return pos;
    pos = text.find(word, pos + 1);
  }
  return std::string_view::npos;
}

std::optional<uint64_t> ParseDecimal(std::string_view text) {
  if (!IsDigits(text) || text.size() > 18) return std::nullopt;
  uint64_t value = 0;
  for (const char c : text) value = value * 10 + static_cast<uint64_t>(c - '0');
  return value;
}

Result<int> ParsePort(std::string_view text, std::string_view field) {
  if (text.empty()) return FieldError(field, "missing port");
  const auto value = ParseDecimal(text);
  if (!value) return FieldError(field, "port " + Quote(text) + " is not a decimal number");
  if (*value > 65535) return FieldError(field, "port " + Quote(text) + " is above 65535");
  return static_cast<int>(*value);
}

Result<IpAddress> ParseAddress(std::string_view text, std::string_view field) {
  if (text.empty()) return FieldError(field, "missing IP address");
  auto ip = ParseIp(text);
  if (!ip.ok()) return FieldError(field, ip.status().message());
  return *ip;
}

bool IsUnspecified(const IpAddress& ip) {
  for (const uint8_t b : ip.bytes) {
    if (b != 0) return false;
  }
  return true;
}

std::string ProtoName(uint64_t number) {
  switch (number) {
    case 0:
      return "hopopt";
    case 1:
      return "icmp";
    case 2:
      return "igmp";
    case 4:
      return "ipip";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 41:
      return "ipv6";
    case 47:
      return "gre";
    case 50:
      return "esp";
    case 51:
      return "ah";
    case 58:
      return "icmpv6";
    case 88:
      return "eigrp";
    case 89:
      return "ospf";
    case 103:
      return "pim";
    case 112:
      return "vrrp";
    case 115:
      return "l2tp";
    case 132:
      return "sctp";
    case 136:
      return "udplite";
    default:
      return std::to_string(number);
  }
}

Result<std::string> NormalizeProto(std::string_view text, std::string_view field) {
  if (text.empty()) return FieldError(field, "missing protocol");
  if (IsDigits(text)) {
    const auto number = ParseDecimal(text);
    if (!number || *number > 255) {
      return FieldError(field, "protocol number " + Quote(text) + " is above 255");
    }
    return ProtoName(*number);
  }
  if (text.size() > kMaxProtoBytes) {
    return FieldError(field, "protocol " + Quote(text) + " is longer than 32 bytes");
  }
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (!IsAsciiAlpha(c) && !IsDigit(c) && c != '-' && c != '_' && c != '.' && c != '/') {
      return FieldError(field, "protocol " + Quote(text) + " has unexpected characters");
    }
    out.push_back(AsciiLowerChar(c));
  }
  if (out == "ipv6-icmp" || out == "icmp6") out = "icmpv6";
  return out;
}

Result<std::string> NormalizeAction(std::string_view text, std::string_view field) {
  if (text.empty()) return FieldError(field, "missing action");
  if (text.size() > kMaxActionBytes) {
    return FieldError(field, "action " + Quote(text) + " is longer than 64 bytes");
  }
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c <= ' ' || c >= 0x7f) {
      return FieldError(field, "action " + Quote(text) + " has unexpected characters");
    }
    out.push_back(AsciiLowerChar(c));
  }
  return out;
}

Result<std::string> NormalizeName(std::string_view text, std::string_view field) {
  while (text.size() > 1 && text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return FieldError(field, "empty name");
  if (text.size() > kMaxNameBytes) {
    return FieldError(field, "name " + Quote(text) + " is longer than 1024 bytes");
  }
  if (HasControlByte(text) || !IsValidUtf8(text)) {
    return FieldError(field, "name " + Quote(text) + " has control bytes or is not UTF-8");
  }
  return AsciiLower(text);
}

Result<std::string> CheckedText(std::string_view text, std::string_view field) {
  if (HasControlByte(text) || !IsValidUtf8(text)) {
    return FieldError(field, Quote(text) + " has control bytes or is not UTF-8");
  }
  return std::string(text);
}

HostPort UrlHost(std::string_view url) {
  HostPort out;
  std::string_view s = url;
  int default_port = 0;
  const size_t scheme_end = s.find("://");
  if (scheme_end != std::string_view::npos && scheme_end > 0 && scheme_end <= 16) {
    const std::string scheme = AsciiLower(s.substr(0, scheme_end));
    if (scheme == "http" || scheme == "ws") default_port = 80;
    if (scheme == "https" || scheme == "wss") default_port = 443;
    if (scheme == "ftp") default_port = 21;
    s.remove_prefix(scheme_end + 3);
  }
  std::string_view authority = s.substr(0, s.find_first_of("/?#"));
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return out;
    out.host = authority.substr(1, close - 1);
    if (authority.size() > close + 1 && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos &&
        authority.find(':', colon + 1) == std::string_view::npos) {
      out.host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    } else {
      out.host = authority;
    }
  }
  out.port = default_port;
  if (const auto number = ParseDecimal(port); number && *number <= 65535) {
    out.port = static_cast<int>(*number);
  }
  return out;
}

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  const std::chrono::year_month_day date{std::chrono::year{static_cast<int>(year)},
                                         std::chrono::month{month}, std::chrono::day{day}};
  return std::chrono::sys_days{date}.time_since_epoch().count();
}

int CurrentUtcYear() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<int>(std::chrono::year_month_day(today).year());
}

int MonthFromName(std::string_view name) {
  if (name.size() != 3) return 0;
  // The three letters as one number: a single comparison per month, on every BSD stamp.
  constexpr auto key = [](std::string_view m) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(m[0])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(m[1])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(m[2]));
  };
  static constexpr std::array<uint32_t, 12> kMonths = {
      key("Jan"), key("Feb"), key("Mar"), key("Apr"), key("May"), key("Jun"),
      key("Jul"), key("Aug"), key("Sep"), key("Oct"), key("Nov"), key("Dec")};
  const uint32_t k = key(name);
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (k == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

Result<int64_t> MakeTime(int year, int month, int day, int hour, int minute, int second,
                         int offset_seconds, std::string_view field) {
  if (year < 1970 || year > 9999) {
    return FieldError(field, "year " + std::to_string(year) + " is outside 1970-9999");
  }
  if (month < 1 || month > 12) {
    return FieldError(field, "month " + std::to_string(month) + " is outside 1-12");
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    return FieldError(field, "day " + std::to_string(day) + " does not exist in " +
                                 std::to_string(year) + "-" + std::to_string(month));
  }
  if (hour > 23 || minute > 59 || second > 60) {
    return FieldError(field, "time of day " + std::to_string(hour) + ":" + std::to_string(minute) +
                                 ":" + std::to_string(second) + " is out of range");
  }
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t local = days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second;
  const int64_t utc = local - offset_seconds;
  if (utc < 0) return FieldError(field, "time is before 1970");
  return utc;
}

bool TakeClock(std::string_view* text, int* hour, int* minute, int* second, int* nanos) {
  const std::string_view s = *text;
  if (s.size() < 8 || s[2] != ':' || s[5] != ':') return false;
  *hour = FixedDigits(s, 2);
  *minute = FixedDigits(s.substr(3), 2);
  *second = FixedDigits(s.substr(6), 2);
  if (*hour < 0 || *minute < 0 || *second < 0) return false;
  size_t end = 8;
  int fraction = 0;
  if (end < s.size() && (s[end] == '.' || s[end] == ',') && end + 1 < s.size() &&
      IsDigit(s[end + 1])) {
    ++end;
    int scale = 1000000000;
    while (end < s.size() && IsDigit(s[end])) {
      if (scale > 1) {
        scale /= 10;
        fraction += (s[end] - '0') * scale;
      }
      ++end;
    }
  }
  if (nanos != nullptr) *nanos = fraction;
  *text = s.substr(end);
  return true;
}

bool TakeOffset(std::string_view* text, int* offset_seconds) {
  std::string_view s = *text;
  if (Consume(&s, "Z") || Consume(&s, "z")) {
    *offset_seconds = 0;
    *text = s;
    return true;
  }
  if (s.empty() || (s.front() != '+' && s.front() != '-')) return false;
  const int sign = s.front() == '-' ? -1 : 1;
  s.remove_prefix(1);
  const int hours = FixedDigits(s, 2);
  if (hours < 0 || hours > 23) return false;
  s.remove_prefix(2);
  int minutes = 0;
  const bool colon = Consume(&s, ":");
  if (FixedDigits(s, 2) >= 0) {
    minutes = FixedDigits(s, 2);
    s.remove_prefix(2);
  } else if (colon) {
    return false;
  }
  if (minutes > 59) return false;
  *offset_seconds = sign * (hours * 3600 + minutes * 60);
  *text = s;
  return true;
}

bool LooksLikeIsoTime(std::string_view text) {
  return text.size() >= 12 && FixedDigits(text, 4) >= 0 && text[4] == '-' &&
         FixedDigits(text.substr(5), 2) >= 0 && text[7] == '-' &&
         FixedDigits(text.substr(8), 2) >= 0 && (text[10] == 'T' || text[10] == ' ') &&
         IsDigit(text[11]);
}

Result<int64_t> TakeIsoTime(std::string_view* text, const FileContext& context,
                            std::string_view field, int* nanos) {
  std::string_view s = *text;
  if (!LooksLikeIsoTime(s)) {
    return FieldError(field, Quote(s.substr(0, 40)) + " is not an ISO 8601 time");
  }
  const int year = FixedDigits(s, 4);
  const int month = FixedDigits(s.substr(5), 2);
  const int day = FixedDigits(s.substr(8), 2);
  s.remove_prefix(11);
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!TakeClock(&s, &hour, &minute, &second, nanos)) {
    return FieldError(field, "bad time of day in " + Quote(text->substr(0, 40)));
  }
  int offset = context.tz_offset_seconds;
  if (!s.empty() &&
      (s.front() == 'Z' || s.front() == 'z' || s.front() == '+' || s.front() == '-')) {
    if (!TakeOffset(&s, &offset)) {
      return FieldError(field, "bad UTC offset in " + Quote(text->substr(0, 40)));
    }
  }
  VIGIL_ASSIGN_OR_RETURN(const int64_t time,
                         MakeTime(year, month, day, hour, minute, second, offset, field));
  *text = s;
  return time;
}

Result<int64_t> ParseIsoTime(std::string_view text, const FileContext& context,
                             std::string_view field) {
  std::string_view rest = text;
  VIGIL_ASSIGN_OR_RETURN(const int64_t time, TakeIsoTime(&rest, context, field));
  if (!rest.empty()) {
    return FieldError(field, "unexpected text after the time in " + Quote(text));
  }
  return time;
}

Result<int64_t> ParseEpoch(std::string_view text, std::string_view field) {
  if (text.empty()) return FieldError(field, "missing time");
  std::string_view whole = text;
  const size_t dot = text.find('.');
  if (dot != std::string_view::npos) {
    whole = text.substr(0, dot);
    if (!IsDigits(text.substr(dot + 1))) {
      return FieldError(field, Quote(text) + " is not Unix seconds");
    }
  }
  const auto seconds = ParseDecimal(whole);
  if (!seconds) return FieldError(field, Quote(text) + " is not Unix seconds");
  if (*seconds > static_cast<uint64_t>(kMaxUnixSeconds)) {
    return FieldError(field, Quote(text) + " is after the year 9999");
  }
  return static_cast<int64_t>(*seconds);
}

bool ParseYmd(std::string_view text, int* year, int* month, int* day) {
  if (text.size() != 10 || (text[4] != '-' && text[4] != '/') || text[7] != text[4]) return false;
  *year = FixedDigits(text, 4);
  *month = FixedDigits(text.substr(5), 2);
  *day = FixedDigits(text.substr(8), 2);
  return *year >= 0 && *month >= 0 && *day >= 0;
}

bool LooksLikeBsdStamp(std::string_view text) {
  if (text.size() < 5 || MonthFromName(text.substr(0, 3)) == 0 || text[3] != ' ') return false;
  const std::string_view rest = SkipSpaces(text.substr(4));
  return !rest.empty() && IsDigit(rest.front());
}

Result<BsdStamp> TakeBsdStamp(std::string_view* text) {
  std::string_view s = *text;
  BsdStamp stamp;
  stamp.month = MonthFromName(s.substr(0, 3));
  if (stamp.month == 0) return FieldError("timestamp", "bad month in " + Quote(*text));
  s = SkipSpaces(s.substr(3));
  size_t digits = 0;
  while (digits < s.size() && digits < 3 && IsDigit(s[digits])) ++digits;
  if (digits == 0 || digits > 2) return FieldError("timestamp", "bad day in " + Quote(*text));
  stamp.day = FixedDigits(s, digits);
  s = SkipSpaces(s.substr(digits));
  if (s.size() > 4 && IsDigits(s.substr(0, 4)) && s[4] == ' ') {
    stamp.year = FixedDigits(s, 4);
    s = SkipSpaces(s.substr(4));
  }
  if (!TakeClock(&s, &stamp.hour, &stamp.minute, &stamp.second, &stamp.nanos)) {
    return FieldError("timestamp", "bad time of day in " + Quote(*text));
  }
  stamp.colon = Consume(&s, ":");
  if (!s.empty() && !IsSpace(s.front())) {
    return FieldError("timestamp", "unexpected text after the time in " + Quote(*text));
  }
  *text = s;
  return stamp;
}

Result<SyslogHeader> ParseSyslogHeader(std::string_view line, const FileContext& context) {
  std::string_view s = line;
  bool has_pri = false;
  if (!s.empty() && s.front() == '<') {
    size_t i = 1;
    while (i < s.size() && i <= 3 && IsDigit(s[i])) ++i;
    if (i > 1 && i < s.size() && s[i] == '>') {
      s.remove_prefix(i + 1);
      has_pri = true;
    }
  }
  if (has_pri && s.starts_with("1 ")) return ParseRfc5424(s.substr(2), context);
  SyslogHeader header;
  if (s.size() > 4 && MonthFromName(s.substr(0, 3)) != 0 && s[3] == ' ') {
    VIGIL_ASSIGN_OR_RETURN(header.time, TakeBsdTime(&s, context));
  } else if (LooksLikeIsoTime(s)) {
    VIGIL_ASSIGN_OR_RETURN(header.time, TakeIsoTime(&s, context, "timestamp"));
    Consume(&s, ":");
    if (!s.empty() && !IsSpace(s.front())) {
      return FieldError("timestamp", "unexpected text after the time in " + Quote(line));
    }
  }
  header.rest = SkipSpaces(s);
  return header;
}

bool TakeProgram(const SyslogHeader& header, std::string_view program, std::string_view* message) {
  if (header.rfc5424 && header.app == program) {
    *message = header.rest;
    return true;
  }
  std::string_view rest = header.rest;
  for (int i = 0; i < 2; ++i) {
    const std::string_view token = NextToken(&rest);
    if (token.empty()) return false;
    if (IsProgramTag(token, program)) {
      *message = SkipSpaces(rest);
      return true;
    }
  }
  return false;
}

std::vector<std::string_view> SplitFields(std::string_view text, char sep, size_t max_fields,
                                          bool quotes) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (fields.size() + 1 < max_fields) {
    size_t end = start;
    if (quotes && end < text.size() && text[end] == '"') {
      // Runs to a closing quote that is followed by the separator or the end.
      size_t quote = text.find('"', end + 1);
      while (quote != std::string_view::npos && quote + 1 < text.size() && text[quote + 1] != sep) {
        quote = text.find('"', quote + 1);
      }
      end = quote == std::string_view::npos ? text.size() : quote + 1;
    } else {
      end = text.find(sep, start);
      if (end == std::string_view::npos) end = text.size();
    }
    fields.push_back(text.substr(start, end - start));
    if (end >= text.size()) return fields;
    start = end + 1;
  }
  fields.push_back(text.substr(start));
  return fields;
}

}  // namespace vigil::logs::detail
