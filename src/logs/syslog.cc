#include "logs/syslog.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/text.h"
#include "core/time.h"
#include "logs/parse_util.h"

namespace vigil::logs {
namespace {

using detail::FieldError;
using detail::IsDigit;
using detail::IsSpace;
using detail::Quote;

constexpr size_t kMaxHostname = 255;   // RFC 5424 section 6.2.4
constexpr size_t kMaxAppName = 48;     // 6.2.5 (also the bound for BSD tags)
constexpr size_t kMaxProcId = 128;     // 6.2.6
constexpr size_t kMaxMsgId = 32;       // 6.2.7
constexpr size_t kMaxSdName = 32;      // 6.3.2/6.3.3
constexpr int kMaxFractionDigits = 6;  // 6.2.3 TIME-SECFRAC
constexpr int kMaxPri = 191;           // facility 23, severity 7
// The last second whose nanoseconds (plus a fraction) still fit in int64: 2262-04-11.
constexpr int64_t kMaxNsSeconds = 9223372035;
constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr int64_t kDay = 86400;
constexpr size_t kTypicalSdParams = 4;  // room reserved per SD element

bool IsPrintUsAscii(char c) { return c >= 33 && c <= 126; }

bool AllPrintUsAscii(std::string_view text) {
  for (const char c : text) {
    if (!IsPrintUsAscii(c)) return false;
  }
  return true;
}

// RFC 5424 SD-NAME: 1-32 printable US-ASCII bytes except '=', SP, ']' and '"'.
bool IsSdNameChar(char c) { return IsPrintUsAscii(c) && c != '=' && c != ']' && c != '"'; }

std::string_view TrimLineEnd(std::string_view text) {
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n' || text.back() == '\0')) {
    text.remove_suffix(1);
  }
  return text;
}

// Appends `text` as valid UTF-8 without NULs: every byte that does not start a well-formed
// sequence, and every NUL, becomes U+FFFD. Returns true when something was replaced. Linear:
// each Utf8ValidPrefixLength call scans bytes that are then consumed.
bool AppendUtf8(std::string_view text, std::string* out) {
  bool replaced = false;
  out->reserve(out->size() + text.size());
  while (!text.empty()) {
    const size_t valid = Utf8ValidPrefixLength(text);
    std::string_view good = text.substr(0, valid);
    for (size_t nul = good.find('\0'); nul != std::string_view::npos; nul = good.find('\0')) {
      out->append(good.substr(0, nul));
      out->append(kReplacement);
      replaced = true;
      good.remove_prefix(nul + 1);
    }
    out->append(good);
    if (valid == text.size()) break;
    out->append(kReplacement);
    replaced = true;
    text.remove_prefix(valid + 1);
  }
  return replaced;
}

// A default message, keeping the capacity of the strings so that a reused message allocates
// nothing for text that fits.
void ResetKeepingCapacity(SyslogMessage* m) {
  m->facility = kSyslogDefaultFacility;
  m->severity = kSyslogDefaultSeverity;
  m->has_pri = false;
  m->format = SyslogFormat::kUnknown;
  m->time_unix_ns = 0;
  m->time_has_offset = false;
  m->time_year_inferred = false;
  m->timestamp.clear();
  m->hostname.clear();
  m->app_name.clear();
  m->procid.clear();
  m->msgid.clear();
  m->cisco_sequence = -1;
  m->structured_data.clear();
  m->message.clear();
  m->message_repaired = false;
}

void SetMessage(std::string_view text, SyslogMessage* m) {
  m->message.clear();
  m->message_repaired = AppendUtf8(text, &m->message);
}

// Seconds + fraction as nanoseconds, bounded to what int64 holds.
Status SetTime(int64_t seconds, int nanos, SyslogMessage* m) {
  if (seconds > kMaxNsSeconds) {
    return FieldError("timestamp", "time " + Quote(m->timestamp) +
                                       " is after 2262-04-11, beyond nanosecond Unix time");
  }
  m->time_unix_ns = seconds * 1000000000 + nanos;
  return Status::Ok();
}

// "<PRI>": 1-3 digits (leading zeros tolerated), 0-191. Absent when the text does not start
// with '<'; an error when it does but is no PRI.
Status TakePri(std::string_view* text, SyslogMessage* m) {
  const std::string_view s = *text;
  if (s.empty() || s.front() != '<') return Status::Ok();
  size_t i = 1;
  while (i < s.size() && i <= 4 && IsDigit(s[i])) ++i;
  const size_t digits = i - 1;
  if (digits == 0 || digits > 3 || i >= s.size() || s[i] != '>') {
    return FieldError("pri", "expected \"<0-191>\" at the start of " + Quote(s));
  }
  int value = 0;
  for (size_t k = 1; k < i; ++k) value = value * 10 + (s[k] - '0');
  if (value > kMaxPri) {
    return FieldError("pri", "PRI " + Quote(s.substr(0, i + 1)) + " is above 191");
  }
  m->has_pri = true;
  m->facility = value / 8;
  m->severity = value % 8;
  text->remove_prefix(i + 1);
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// RFC 5424

// One header field up to the next SP: non-empty, printable US-ASCII, at most `max` bytes; "-"
// (NILVALUE) gives "". Consumes the field and the single SP after it (which must be there: the
// structured data follows every header field).
Status TakeHeaderField(std::string_view* text, std::string_view field, size_t max,
                       std::string* out) {
  std::string_view s = *text;
  const size_t end = s.find(' ');
  if (end == std::string_view::npos) {
    return FieldError(field, s.empty() ? "missing (the header ends early)"
                                       : Quote(s) + " ends the message early (no space after)");
  }
  const std::string_view value = s.substr(0, end);
  if (value.empty()) return FieldError(field, "empty (two spaces in the header)");
  if (value.size() > max) {
    return FieldError(field, Quote(value) + " is longer than " + std::to_string(max) + " bytes");
  }
  if (!AllPrintUsAscii(value)) {
    return FieldError(field, Quote(value) + " has bytes outside printable US-ASCII");
  }
  if (value != "-") out->assign(value);
  text->remove_prefix(end + 1);
  return Status::Ok();
}

// FULL-DATE "T" FULL-TIME: "2026-11-21T12:00:01[.1-6 digits](Z|+hh:mm)". Leniencies: 't'/'z'
// in lower case, "+hhmm" and "+hh" offsets, no offset at all (the context's zone).
// Reads m->timestamp, the stamp as written.
Status ParseRfc5424Time(const SyslogContext& ctx, SyslogMessage* m) {
  const std::string_view written = m->timestamp;
  std::string_view token = written;
  std::string upper;  // only for a lower-case 't'
  if (written.size() > 10 && written[10] == 't') {
    upper.assign(written);
    upper[10] = 'T';
    token = upper;
  }
  if (!detail::LooksLikeIsoTime(token) || token[10] != 'T') {
    return FieldError("timestamp",
                      Quote(written) + " is not an RFC 5424 time (YYYY-MM-DDThh:mm:ss)");
  }
  if (token.size() > 19 && (token[19] == '.' || token[19] == ',')) {
    size_t digits = 0;
    while (20 + digits < token.size() && IsDigit(token[20 + digits])) ++digits;
    if (token[19] == ',' || digits == 0 || digits > kMaxFractionDigits) {
      return FieldError("timestamp",
                        Quote(written) + " needs '.' and 1-6 digits for fractions of a second");
    }
  }
  FileContext file_context;
  file_context.tz_offset_seconds = ctx.tz_offset_seconds;
  std::string_view rest = token;
  int nanos = 0;
  auto seconds = detail::TakeIsoTime(&rest, file_context, "timestamp", &nanos);
  if (!seconds.ok()) return seconds.status();
  if (!rest.empty()) {
    return FieldError("timestamp",
                      "unexpected " + Quote(rest) + " after the time in " + Quote(written));
  }
  m->time_has_offset = token.find_first_of("Zz+-", 19) != std::string_view::npos;
  return SetTime(*seconds, nanos, m);
}

// SD-NAME at the start of *text (SD-ID or PARAM-NAME).
bool TakeSdName(std::string_view* text, std::string* out) {
  size_t n = 0;
  while (n < text->size() && IsSdNameChar((*text)[n])) ++n;
  if (n == 0 || n > kMaxSdName) return false;
  out->assign(text->substr(0, n));
  text->remove_prefix(n);
  return true;
}

// A PARAM-VALUE with \" \\ \] unescaped; a backslash before any other byte is kept with it.
std::string UnescapeSdValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size() &&
        (value[i + 1] == '"' || value[i + 1] == '\\' || value[i + 1] == ']')) {
      ++i;
    }
    out.push_back(value[i]);
  }
  return out;
}

// STRUCTURED-DATA: "-" or one or more SD-ELEMENTs, then end or SP MSG. Leaves *text at MSG.
Status TakeStructuredData(std::string_view* text, SyslogMessage* m) {
  std::string_view s = *text;
  if (s.empty()) return FieldError("structured-data", "missing (the header ends early)");
  if (s.front() == '-') {
    s.remove_prefix(1);
  } else if (s.front() != '[') {
    return FieldError("structured-data", "expected '-' or '[' at " + Quote(s));
  }
  while (!s.empty() && s.front() == '[') {
    const std::string_view element = s;
    s.remove_prefix(1);
    SyslogSdElement& e = m->structured_data.emplace_back();
    e.params.reserve(kTypicalSdParams);  // one allocation for an element's parameters, not three
    if (!TakeSdName(&s, &e.id)) {
      return FieldError("structured-data",
                        "bad SD-ID (1-32 printable US-ASCII bytes except "
                        "'=', ']', '\"' and space) at " +
                            Quote(element));
    }
    for (;;) {
      // Leniency: any number of spaces between parameters and before ']'.
      const size_t before = s.size();
      while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      if (!s.empty() && s.front() == ']') break;
      if (s.size() == before) {
        return FieldError("structured-data", "expected a space or ']' in SD element " +
                                                 Quote(e.id) + " at " + Quote(s));
      }
      SyslogSdParam& param = e.params.emplace_back();
      if (!TakeSdName(&s, &param.name)) {
        return FieldError("structured-data",
                          "bad PARAM-NAME in SD element " + Quote(e.id) + " at " + Quote(s));
      }
      if (!s.starts_with("=\"")) {
        return FieldError("structured-data", "expected =\"value\" after " + Quote(param.name) +
                                                 " in SD element " + Quote(e.id));
      }
      s.remove_prefix(2);
      // PARAM-VALUE up to the first unescaped '"'. \" \\ \] are unescaped; a backslash before
      // any other byte is kept with it (RFC 5424 section 6.3.3). Leniency: ']' unescaped.
      size_t i = 0;
      bool closed = false, escaped = false;
      for (; i < s.size(); ++i) {
        if (s[i] == '"') {
          closed = true;
          break;
        }
        if (s[i] == '\\' && i + 1 < s.size()) {
          escaped = true;
          ++i;  // an escaped '"' does not close the value
        }
      }
      if (!closed) {
        return FieldError("structured-data", "unterminated value of " + Quote(param.name) +
                                                 " in SD element " + Quote(e.id));
      }
      // Leniency: invalid UTF-8 replaced, not rejected.
      AppendUtf8(escaped ? UnescapeSdValue(s.substr(0, i)) : s.substr(0, i), &param.value);
      s.remove_prefix(i + 1);
    }
    s.remove_prefix(1);  // ']'
  }
  if (!s.empty()) {
    if (s.front() != ' ') {
      return FieldError("structured-data", "expected a space before the message at " + Quote(s));
    }
    s.remove_prefix(1);
  }
  *text = s;
  return Status::Ok();
}

// After "<PRI>1 ".
Status ParseRfc5424(std::string_view s, const SyslogContext& ctx, SyslogMessage* m) {
  m->format = SyslogFormat::kRfc5424;
  // Read straight into the message (a stamp with fractions and an offset is too long for a
  // string's inline buffer, so a temporary would allocate).
  VIGIL_RETURN_IF_ERROR(TakeHeaderField(&s, "timestamp", 64, &m->timestamp));
  if (!m->timestamp.empty()) VIGIL_RETURN_IF_ERROR(ParseRfc5424Time(ctx, m));
  VIGIL_RETURN_IF_ERROR(TakeHeaderField(&s, "hostname", kMaxHostname, &m->hostname));
  VIGIL_RETURN_IF_ERROR(TakeHeaderField(&s, "app-name", kMaxAppName, &m->app_name));
  VIGIL_RETURN_IF_ERROR(TakeHeaderField(&s, "procid", kMaxProcId, &m->procid));
  // MSGID is the last header field: the message may end right after it only if STRUCTURED-DATA
  // follows, so it too needs its SP.
  VIGIL_RETURN_IF_ERROR(TakeHeaderField(&s, "msgid", kMaxMsgId, &m->msgid));
  VIGIL_RETURN_IF_ERROR(TakeStructuredData(&s, m));
  if (s.starts_with(kBom)) s.remove_prefix(kBom.size());
  SetMessage(s, m);
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// RFC 3164

std::chrono::year_month_day CivilDay(int64_t unix_seconds) {
  const int64_t days = unix_seconds >= 0 ? unix_seconds / kDay : (unix_seconds - kDay + 1) / kDay;
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{days}}};
}

// The year of a stamp without one: the year of `now` (in the stamp's zone), or the one before
// when that would put the stamp more than 7 days in the future (a December message received in
// January), or the one after when that would put it more than 358 days in the past (a sender
// whose clock already shows January).
Result<int64_t> BsdTimeNearNow(const detail::BsdStamp& st, int offset, int64_t now) {
  const int year = static_cast<int>(CivilDay(now + offset).year());
  for (const int candidate : {year, year - 1, year + 1}) {
    auto t = detail::MakeTime(candidate, st.month, st.day, st.hour, st.minute, st.second, offset,
                              "timestamp");
    if (t.ok() && *t <= now + 7 * kDay && *t >= now - 358 * kDay) return t;
  }
  return detail::MakeTime(year, st.month, st.day, st.hour, st.minute, st.second, offset,
                          "timestamp");
}

// Offsets of the zone abbreviations senders write after BSD stamps; false for others (the
// context's zone is used for those).
bool KnownZone(std::string_view zone, int* offset) {
  if (zone == "UTC" || zone == "GMT" || zone == "UT" || zone == "Z") {
    *offset = 0;
    return true;
  }
  if (zone == "ICT") {  // Indochina Time
    *offset = 7 * 3600;
    return true;
  }
  return false;
}

// A zone abbreviation: 1-5 upper-case ASCII letters at the start of `text`; its length or 0.
size_t ZoneLength(std::string_view text) {
  size_t n = 0;
  while (n < text.size() && n < 6 && text[n] >= 'A' && text[n] <= 'Z') ++n;
  return n <= 5 ? n : 0;
}

// After a BSD stamp: Cisco's " UTC: %FAC-..." (sets *colon), or " CST 1987" (a zone and a year, as
// in RFC 3164 section 5.4). Consumes them and sets the zone's offset when known.
void TakeZoneAndYear(std::string_view* text, int* offset, bool* known, int* year, bool* colon) {
  const std::string_view s = detail::SkipSpaces(*text);
  const size_t n = ZoneLength(s);
  if (n == 0 || s.size() == n) return;
  if (s[n] == ':' && detail::SkipSpaces(s.substr(n + 1)).starts_with('%')) {
    *known = KnownZone(s.substr(0, n), offset);
    *colon = true;
    *text = s.substr(n + 1);
    return;
  }
  if (*year == 0 && s[n] == ' ' && s.size() >= n + 5 && detail::IsDigits(s.substr(n + 1, 4)) &&
      (s.size() == n + 5 || IsSpace(s[n + 5]))) {
    *known = KnownZone(s.substr(0, n), offset);
    *year =
        (s[n + 1] - '0') * 1000 + (s[n + 2] - '0') * 100 + (s[n + 3] - '0') * 10 + (s[n + 4] - '0');
    *text = s.substr(n + 5);
  }
}

// "tag: ", "tag[pid]: " or "tag[pid]:" at the start of `text`. The tag is 1-48 printable
// US-ASCII bytes other than ':', '[' and ']'; without [pid] the ':' must be followed by a space
// or the end (so "2001:db8::1" is no tag).
bool TakeTag(std::string_view* text, SyslogMessage* m) {
  const std::string_view s = *text;
  size_t n = 0;
  while (n < s.size() && IsPrintUsAscii(s[n]) && s[n] != ':' && s[n] != '[' && s[n] != ']') ++n;
  if (n == 0 || n > kMaxAppName || n >= s.size()) return false;
  size_t i = n;
  std::string_view pid;
  if (s[i] == '[') {
    const size_t close = s.find(']', i + 1);
    if (close == std::string_view::npos) return false;
    pid = s.substr(i + 1, close - i - 1);
    if (pid.empty() || pid.size() > kMaxProcId || !AllPrintUsAscii(pid)) return false;
    i = close + 1;
    if (i >= s.size() || s[i] != ':') return false;
    ++i;
  } else {
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && !IsSpace(s[i])) return false;
  }
  if (i < s.size() && s[i] == ' ') ++i;
  m->app_name.assign(s.substr(0, n));
  m->procid.assign(pid);
  *text = s.substr(i);
  return true;
}

// HOSTNAME? TAG? MSG after a BSD stamp. A first word that is a tag means the host is missing.
void TakeBsdHostTag(std::string_view s, SyslogMessage* m) {
  s = detail::SkipSpaces(s);
  if (TakeTag(&s, m)) {
    SetMessage(s, m);
    return;
  }
  size_t n = 0;
  while (n < s.size() && !IsSpace(s[n])) ++n;
  const std::string_view host = s.substr(0, n);
  if (n > kMaxHostname || !AllPrintUsAscii(host)) {  // not a host name: all of it is the message
    SetMessage(s, m);
    return;
  }
  m->hostname.assign(host);
  s = detail::SkipSpaces(s.substr(n));
  TakeTag(&s, m);
  SetMessage(s, m);
}

// Everything after the PRI when it is not RFC 5424.
Status ParseBsd(std::string_view s, const SyslogContext& ctx, int64_t now, SyslogMessage* m) {
  std::string_view t = detail::SkipSpaces(s);  // Leniency: spaces after the PRI.
  // Cisco IOS "123: " sequence number, and '*' (clock not synchronised) or '.' before the stamp.
  size_t digits = 0;
  while (digits < t.size() && digits < 11 && IsDigit(t[digits])) ++digits;
  if (digits > 0 && digits <= 10 && t.substr(digits).starts_with(": ")) {
    std::string_view after = detail::SkipSpaces(t.substr(digits + 2));
    if (!after.empty() && (after.front() == '*' || after.front() == '.')) after.remove_prefix(1);
    if (detail::LooksLikeBsdStamp(after) || detail::LooksLikeIsoTime(after)) {
      int64_t sequence = 0;
      for (size_t i = 0; i < digits; ++i) sequence = sequence * 10 + (t[i] - '0');
      m->cisco_sequence = sequence <= INT32_MAX ? static_cast<int>(sequence) : -1;
      t = after;
    }
  }
  if (t.size() > 1 && (t.front() == '*' || t.front() == '.') &&
      detail::LooksLikeBsdStamp(t.substr(1))) {
    t.remove_prefix(1);
  }

  if (detail::LooksLikeBsdStamp(t)) {
    const std::string_view start = t;
    VIGIL_ASSIGN_OR_RETURN(detail::BsdStamp stamp, detail::TakeBsdStamp(&t));
    int offset = ctx.tz_offset_seconds;
    bool cisco = stamp.colon;
    bool known_zone = false;
    if (!cisco) TakeZoneAndYear(&t, &offset, &known_zone, &stamp.year, &cisco);
    std::string_view written = start.substr(0, start.size() - t.size());
    while (!written.empty() && (written.back() == ':' || IsSpace(written.back()))) {
      written.remove_suffix(1);
    }
    m->format = SyslogFormat::kRfc3164;
    m->timestamp.assign(written);
    m->time_has_offset = known_zone;
    int64_t seconds = 0;
    if (stamp.year != 0) {
      VIGIL_ASSIGN_OR_RETURN(
          seconds, detail::MakeTime(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute,
                                    stamp.second, offset, "timestamp"));
    } else {
      m->time_year_inferred = true;
      VIGIL_ASSIGN_OR_RETURN(seconds, BsdTimeNearNow(stamp, offset, now));
    }
    VIGIL_RETURN_IF_ERROR(SetTime(seconds, stamp.nanos, m));
    if (cisco) {  // Cisco writes no host or tag: "%ASA-6-302013: ..." is the message
      SetMessage(detail::SkipSpaces(t), m);
    } else {
      TakeBsdHostTag(t, m);
    }
    return Status::Ok();
  }

  if (detail::LooksLikeIsoTime(t)) {  // rsyslog RSYSLOG_ForwardFormat, journald, syslog-ng
    const std::string_view start = t;
    FileContext file_context;
    file_context.tz_offset_seconds = ctx.tz_offset_seconds;
    int nanos = 0;
    auto seconds = detail::TakeIsoTime(&t, file_context, "timestamp", &nanos);
    if (!seconds.ok()) return seconds.status();
    const std::string_view written = start.substr(0, start.size() - t.size());
    if (!t.empty() && t.front() == ':') t.remove_prefix(1);
    if (!t.empty() && !IsSpace(t.front())) {
      return FieldError("timestamp", "unexpected text after the time in " + Quote(start));
    }
    m->format = SyslogFormat::kRfc3164;
    m->timestamp.assign(written);
    m->time_has_offset = written.find_first_of("Zz+-", 19) != std::string_view::npos;
    VIGIL_RETURN_IF_ERROR(SetTime(*seconds, nanos, m));
    TakeBsdHostTag(t, m);
    return Status::Ok();
  }

  m->format = SyslogFormat::kUnknown;  // RFC 3164 section 4.3.3: all of it is the message
  SetMessage(s, m);
  return Status::Ok();
}

}  // namespace

std::string_view SyslogFormatName(SyslogFormat format) {
  switch (format) {
    case SyslogFormat::kRfc3164:
      return "rfc3164";
    case SyslogFormat::kRfc5424:
      return "rfc5424";
    case SyslogFormat::kUnknown:
      break;
  }
  return "unknown";
}

Status ParseSyslog(std::string_view datagram, const SyslogContext& ctx, SyslogMessage* out) {
  ResetKeepingCapacity(out);
  SyslogMessage& m = *out;
  const std::string_view text = TrimLineEnd(datagram);
  if (text.empty()) return FieldError("message", "empty message");
  std::string_view s = text;
  VIGIL_RETURN_IF_ERROR(TakePri(&s, &m));
  if (m.has_pri) {
    // VERSION: "1" is RFC 5424; another number before a stamp-like field is a version we do not
    // read. Anything else is a BSD message.
    size_t digits = 0;
    while (digits < s.size() && digits < 4 && IsDigit(s[digits])) ++digits;
    if (digits > 0 && digits < s.size() && s[digits] == ' ') {
      const std::string_view version = s.substr(0, digits);
      const std::string_view next = s.substr(digits + 1);
      if (version == "1") return ParseRfc5424(next, ctx, &m);
      if (detail::LooksLikeIsoTime(next) || next.starts_with("- ")) {
        return FieldError("version", "syslog version " + Quote(version) + " is not 1");
      }
    }
  }
  const int64_t now = ctx.now_unix_seconds != 0 ? ctx.now_unix_seconds : UnixNow();
  return ParseBsd(s, ctx, now, &m);
}

Result<SyslogMessage> ParseSyslog(std::string_view datagram, const SyslogContext& ctx) {
  SyslogMessage m;
  VIGIL_RETURN_IF_ERROR(ParseSyslog(datagram, ctx, &m));
  return m;
}

}  // namespace vigil::logs
