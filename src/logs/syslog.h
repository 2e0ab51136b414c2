// Syslog messages as they arrive at a receiver: one UDP datagram, or one TCP/TLS frame (see
// syslog_framing.h), parsed into facility, severity, time, header fields, RFC 5424 structured
// data and the message text.
//
// ParseSyslog is a pure function of (bytes, SyslogContext): no exceptions, safe on any bytes (a
// libFuzzer target checks it), work linear in the input. It reads RFC 5424 strictly, with the
// few documented leniencies real senders need, and RFC 3164 ("BSD") in the shapes real senders
// write it (Linux syslog daemons, journald/rsyslog ISO stamps, Cisco IOS and ASA). Every string
// in the result is valid UTF-8: the header fields are checked, the message and SD values have
// invalid bytes replaced by U+FFFD. src/logs/README.md ("Syslog") lists every variant, leniency
// and error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace vigil::logs {

enum class SyslogFormat {
  kUnknown,  // no recognisable header: the whole datagram (after any PRI) is the message
  kRfc3164,  // BSD: "<PRI>Mmm dd hh:mm:ss host tag[pid]: msg" and its real-world variants
  kRfc5424,  // "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]"
};

// "unknown", "rfc3164", "rfc5424".
std::string_view SyslogFormatName(SyslogFormat format);

// What the receiver knows about a message besides its bytes.
struct SyslogContext {
  // Reception time, Unix seconds; 0 = read the clock. Gives the year of stamps without one.
  int64_t now_unix_seconds = 0;
  // Zone of stamps without an offset, seconds east of UTC (default +07:00, Vietnam).
  int tz_offset_seconds = 7 * 3600;
};

// One SD-PARAM: PARAM-NAME="PARAM-VALUE" with \" \\ \] unescaped.
struct SyslogSdParam {
  std::string name;
  std::string value;
  bool operator==(const SyslogSdParam&) const = default;
};

// One SD-ELEMENT: [SD-ID PARAM...].
struct SyslogSdElement {
  std::string id;
  std::vector<SyslogSdParam> params;
  bool operator==(const SyslogSdElement&) const = default;
};

// PRI values when a message has none (RFC 3164 section 4.3.3: a relay uses <13>).
inline constexpr int kSyslogDefaultFacility = 1;  // user-level
inline constexpr int kSyslogDefaultSeverity = 5;  // notice

struct SyslogMessage {
  int facility = kSyslogDefaultFacility;  // 0-23 (PRI / 8)
  int severity = kSyslogDefaultSeverity;  // 0-7 (PRI % 8)
  bool has_pri = false;                   // false: facility and severity are the defaults
  SyslogFormat format = SyslogFormat::kUnknown;
  // UTC time of the header stamp in nanoseconds since the Unix epoch; 0 when the message has
  // no stamp (or RFC 5424 "-"). Stamps must lie in 1970..2262 (the range of int64 ns).
  int64_t time_unix_ns = 0;
  bool time_has_offset = false;     // the stamp gave its zone (else tz_offset_seconds was used)
  bool time_year_inferred = false;  // a BSD stamp without year: the year was chosen from now
  std::string timestamp;            // the stamp as written ("" when absent; "-" is "")
  // Header fields; "" when absent or NILVALUE ("-"). Printable US-ASCII (RFC 5424 bounds:
  // 255, 48, 128, 32 bytes).
  std::string hostname;
  std::string app_name;     // RFC 3164: the TAG ("sshd" of "sshd[123]:")
  std::string procid;       // RFC 3164: the pid in brackets
  std::string msgid;        // RFC 5424 only
  int cisco_sequence = -1;  // Cisco "123: " sequence number before the stamp; -1 when absent
  std::vector<SyslogSdElement> structured_data;  // RFC 5424 only, in order
  // The text: RFC 5424 MSG without its BOM; for BSD what follows the tag (or the host, or the
  // stamp). Trailing CR, LF and NUL are trimmed; valid UTF-8 without NUL bytes (invalid bytes
  // and NULs become U+FFFD). Other control bytes (tabs, inner line breaks) are kept.
  std::string message;
  bool message_repaired = false;  // some bytes of the message were replaced by U+FFFD
  bool operator==(const SyslogMessage&) const = default;
};

// Parses one syslog message (a UDP datagram or a TCP frame without its framing).
//
// Format: RFC 5424 when a PRI is followed by "1 "; else RFC 3164 when a BSD or ISO 8601 stamp
// follows (after an optional Cisco sequence number); else kUnknown, with the rest as message.
// Errors are kInvalidArgument with where() naming the field: "message" (empty input), "pri",
// "version", "timestamp", "hostname", "app-name", "procid", "msgid", "structured-data"; the
// message gives the reason and quotes at most 64 bytes of the input.
Result<SyslogMessage> ParseSyslog(std::string_view datagram, const SyslogContext& ctx);
// The same into `*out`, reused: its strings keep their capacity (for a hot loop). On error *out
// holds what was parsed before the fault.
Status ParseSyslog(std::string_view datagram, const SyslogContext& ctx, SyslogMessage* out);

}  // namespace vigil::logs
