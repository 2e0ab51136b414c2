// Fuzzes ParseSyslog with the input as one datagram, and checks (abort() on violation) that an
// error is kInvalidArgument naming a field with a short message, and that a message keeps
// facility 0-23 and severity 0-7, a time in range, header fields of printable US-ASCII within
// the RFC 5424 bounds, and every string valid UTF-8 (the message also without NUL bytes); and that
// parsing into a message reused across inputs gives what a fresh parse gives.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/text.h"
#include "logs/syslog.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool PrintableAscii(std::string_view text, size_t max) {
  if (text.size() > max) return false;
  for (const char c : text) {
    if (c < 33 || c > 126) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view datagram(reinterpret_cast<const char*>(data), size);
  vigil::logs::SyslogContext ctx;
  ctx.now_unix_seconds = 1795237201;  // 2026-11-21 12:00:01 +07:00
  // Every other input length runs in UTC, and every fourth near a new year.
  if (size % 2 == 1) ctx.tz_offset_seconds = 0;
  if (size % 4 >= 2) ctx.now_unix_seconds = 1798738200;  // 2027-01-01 00:30 +07:00
  const auto m = vigil::logs::ParseSyslog(datagram, ctx);
  // A message reused across inputs (as ingestion does) parses each as a fresh one would.
  static vigil::logs::SyslogMessage reused;
  const vigil::Status reused_status = vigil::logs::ParseSyslog(datagram, ctx, &reused);
  Check(reused_status.ok() == m.ok());
  Check(!m.ok() || reused == *m);
  if (!m.ok()) {
    Check(m.status().code() == vigil::StatusCode::kInvalidArgument);
    Check(!m.status().where().empty() && !m.status().message().empty());
    // At most two quotes of at most 64 input bytes each (a byte may print as \xNN).
    Check(m.status().message().size() < 800);
    return 0;
  }
  Check(m->facility >= 0 && m->facility <= 23 && m->severity >= 0 && m->severity <= 7);
  Check(m->has_pri || (m->facility == vigil::logs::kSyslogDefaultFacility &&
                       m->severity == vigil::logs::kSyslogDefaultSeverity));
  Check(m->time_unix_ns >= 0);
  Check(m->time_unix_ns == 0 || !m->timestamp.empty());
  Check(m->format != vigil::logs::SyslogFormat::kUnknown ||
        (m->time_unix_ns == 0 && m->hostname.empty() && m->app_name.empty()));
  Check(PrintableAscii(m->hostname, 255) && PrintableAscii(m->app_name, 48) &&
        PrintableAscii(m->procid, 128) && PrintableAscii(m->msgid, 32));
  Check(vigil::IsValidUtf8(m->timestamp));
  Check(vigil::IsValidUtf8(m->message) && m->message.find('\0') == std::string::npos);
  Check(m->message.empty() || (m->message.back() != '\n' && m->message.back() != '\r'));
  Check(m->structured_data.empty() || m->format == vigil::logs::SyslogFormat::kRfc5424);
  for (const auto& element : m->structured_data) {
    Check(PrintableAscii(element.id, 32) && !element.id.empty());
    for (const auto& param : element.params) {
      Check(PrintableAscii(param.name, 32) && !param.name.empty());
      Check(vigil::IsValidUtf8(param.value));
    }
  }
  // Parsing is a function of the bytes: the same input gives the same message.
  const auto again = vigil::logs::ParseSyslog(datagram, ctx);
  Check(again.ok() && again->message == m->message && again->time_unix_ns == m->time_unix_ns);
  return 0;
}
