// Helpers shared by the log parsers (private to src/logs; not part of the module's interface).
//
// Everything here works on string_views into the caller's line, never throws, and does work
// linear in the bytes it looks at. Functions returning Status use kInvalidArgument with where()
// set to the field name they were given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/status.h"
#include "logs/log_record.h"

namespace vigil::logs::detail {

// ---- errors ----

// InvalidArgument(reason, field).
Status FieldError(std::string_view field, std::string reason);
// `text` in double quotes for messages: control, non-ASCII, '"' and '\' bytes as \xNN, cut at
// 64 bytes with "...".
std::string Quote(std::string_view text);

// ---- text ----

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsSpace(char c) { return c == ' ' || c == '\t'; }
inline bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigits(std::string_view text);  // non-empty and only 0-9
// Removes leading spaces and tabs.
std::string_view SkipSpaces(std::string_view text);
// The next run of non-space bytes after leading spaces/tabs; advances *rest past it.
std::string_view NextToken(std::string_view* rest);
// If *text starts with `prefix`, drops it and returns true.
bool Consume(std::string_view* text, std::string_view prefix);
// `text` without one pair of surrounding double quotes, if it has them.
std::string_view Unquote(std::string_view text);
// Index of the first occurrence of `word` in `text` that starts at a token boundary (the start
// of `text` or after a space/tab), or npos.
size_t FindWord(std::string_view text, std::string_view word);

// ---- numbers and addresses ----

// Decimal digits only (no sign, no spaces), at most 18 of them.
std::optional<uint64_t> ParseDecimal(std::string_view text);
// A port 0-65535 in decimal.
Result<int> ParsePort(std::string_view text, std::string_view field);
// ParseIp, with where() = field.
Result<IpAddress> ParseAddress(std::string_view text, std::string_view field);
// True for 0.0.0.0 and ::, which vendors write for "no address".
bool IsUnspecified(const IpAddress& ip);

// ---- record fields ----

// "TCP" -> "tcp", "6" -> "tcp", "ICMPv6"/"ipv6-icmp"/"58" -> "icmpv6"; unknown numbers stay
// decimal. Rejects anything but letters, digits and "-_./", or more than 32 bytes.
Result<std::string> NormalizeProto(std::string_view text, std::string_view field);
std::string ProtoName(uint64_t number);
// Lower-cased printable ASCII without spaces, at most 64 bytes.
Result<std::string> NormalizeAction(std::string_view text, std::string_view field);
// A DNS name or host: ASCII lower case, trailing dots removed (all but one of a name of dots),
// valid UTF-8 without control bytes, 1-1024 bytes.
Result<std::string> NormalizeName(std::string_view text, std::string_view field);
// Free text such as a URL: valid UTF-8 without control bytes, copied as is.
Result<std::string> CheckedText(std::string_view text, std::string_view field);
// The host of "scheme://user@host:port/path", "host:port" or "host/path" ("[v6]" unbracketed),
// and its port (0 when absent).
struct HostPort {
  std::string_view host;
  int port = 0;
};
HostPort UrlHost(std::string_view url);

// ---- time ----

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
int CurrentUtcYear();
// "Jan".."Dec" -> 1..12; 0 otherwise.
int MonthFromName(std::string_view name);
// Calendar fields to Unix seconds, validating every field; `offset` is east of UTC.
Result<int64_t> MakeTime(int year, int month, int day, int hour, int minute, int second,
                         int offset_seconds, std::string_view field);
// Consumes "HH:MM:SS" and an optional ".fraction" (or ",fraction") from the start of *text. With
// `nanos`, stores the fraction in nanoseconds (digits after the ninth are dropped; 0 without one).
bool TakeClock(std::string_view* text, int* hour, int* minute, int* second, int* nanos = nullptr);
// Consumes a UTC offset ("Z", "+07:00", "+0700", "+07") from the start of *text.
bool TakeOffset(std::string_view* text, int* offset_seconds);
// True when `text` starts like "2026-11-21T" or "2026-11-21 " followed by a digit.
bool LooksLikeIsoTime(std::string_view text);
// Consumes an ISO 8601 stamp "YYYY-MM-DD[T ]HH:MM:SS[.frac][offset]" from the start of *text; a
// stamp without offset uses context.tz_offset_seconds. With `nanos`, stores the fraction (see
// TakeClock).
Result<int64_t> TakeIsoTime(std::string_view* text, const FileContext& context,
                            std::string_view field, int* nanos = nullptr);
// The whole of `text` must be an ISO 8601 stamp.
Result<int64_t> ParseIsoTime(std::string_view text, const FileContext& context,
                             std::string_view field);
// "1763700001" or "1763700001.123456" (Unix seconds, fraction dropped).
Result<int64_t> ParseEpoch(std::string_view text, std::string_view field);
// "YYYY-MM-DD" or "YYYY/MM/DD" into its parts.
bool ParseYmd(std::string_view text, int* year, int* month, int* day);

// ---- syslog ----

// A BSD syslog stamp as written: "Nov 21 12:00:01", "Nov  1 12:00:01.123", "Nov 1 12:00:01",
// "Nov 21 2026 12:00:01" (Cisco, with year), each optionally followed by ':' (Cisco).
struct BsdStamp {
  int year = 0;  // 0 when the stamp has none
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int nanos = 0;       // the fraction, if any
  bool colon = false;  // followed by ':' (Cisco "...12:00:01: %ASA-...")
};
// Consumes a BSD stamp from the start of *text, which must start with a month name, a space and
// a digit ("Nov 2..."); the stamp must end at the end of the text or before a space or tab.
// Errors (where() "timestamp") quote the text. Day and time of day are range-checked later
// (MakeTime).
Result<BsdStamp> TakeBsdStamp(std::string_view* text);
// True when `text` starts like a BSD stamp: a month name ("Jan".."Dec"), spaces, a digit.
bool LooksLikeBsdStamp(std::string_view text);

// The envelope most formats arrive in: optional "<PRI>", then either RFC 5424
// ("1 TIMESTAMP HOST APP PROCID MSGID SD MSG") or an optional BSD stamp ("Nov 21 12:00:01",
// "Nov 21 2026 12:00:01:" as Cisco writes it, or ISO 8601 as journald/rsyslog write it).
struct SyslogHeader {
  int64_t time = 0;  // 0 when the line has no stamp
  bool rfc5424 = false;
  std::string_view app;   // RFC 5424 APP-NAME ("" for BSD lines)
  std::string_view rest;  // RFC 5424: MSG; BSD: everything after the stamp (host, tag, message)
};
// Fails (where() "timestamp") only when the line starts like a stamp that is not valid.
Result<SyslogHeader> ParseSyslogHeader(std::string_view line, const FileContext& context);
// Finds the message of `program`: for RFC 5424 when APP-NAME is `program`; for BSD when one of
// the first two tokens of header.rest is "program:" or "program[pid]:". Sets *message.
bool TakeProgram(const SyslogHeader& header, std::string_view program, std::string_view* message);

// ---- fields ----

// Splits at `sep` into at most `max_fields` pieces (the last piece is not split further, so
// work is bounded). With `quotes`, a piece starting with '"' runs to the next '"' followed by
// `sep` or the end, and keeps its quotes (see Unquote).
std::vector<std::string_view> SplitFields(std::string_view text, char sep, size_t max_fields,
                                          bool quotes);

// ---- parsers, one per format (log_record.cc dispatches) ----

Result<LogRecord> ParseIptables(std::string_view line, const FileContext& context);
Result<LogRecord> ParsePfsense(std::string_view line, const FileContext& context);
Result<LogRecord> ParseFortigate(std::string_view line, const FileContext& context);
Result<LogRecord> ParseAsa(std::string_view line, const FileContext& context);
Result<LogRecord> ParsePaloAlto(std::string_view line, const FileContext& context);
Result<LogRecord> ParseZeekTsv(std::string_view line, const FileContext& context);
Result<LogRecord> ParseZeekJson(std::string_view line, const FileContext& context);
Result<LogRecord> ParseEve(std::string_view line, const FileContext& context);
Result<LogRecord> ParseSquid(std::string_view line, const FileContext& context);
Result<LogRecord> ParseBind(std::string_view line, const FileContext& context);
Result<LogRecord> ParseDnsmasq(std::string_view line, const FileContext& context);

}  // namespace vigil::logs::detail
