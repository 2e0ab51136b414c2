// Firewall, proxy, DNS and IDS log lines as structured records.
//
// One parser per format turns a single line (without its line end; a trailing CR is ignored)
// into a LogRecord, or says which field is at fault. Parsers are pure functions of (line,
// FileContext) (they read the clock only for FileContext::year == 0): no exceptions, safe on any
// bytes (each format family has a libFuzzer target), work linear in the line, so multi-megabyte
// lines are fine. They allocate little: the record's strings, a few field views, and a JSON DOM
// for the JSON formats. The hunt engine finds candidate lines by their addresses first and
// parses only those, so parsers favour clarity over raw speed. src/logs/README.md lists, per
// format, which vendor fields fill which record fields.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/status.h"

namespace vigil::logs {

enum class LogFormat {
  kGeneric,    // any text: no fields, every address in the line counts
  kIptables,   // Linux kernel netfilter log (iptables LOG / nftables log): SRC= DST= SPT= DPT=
  kPfsense,    // pfSense / OPNsense filterlog CSV
  kFortigate,  // FortiGate key=value traffic log, with NAT fields transip/transport
  kAsa,        // Cisco ASA %ASA-n-302013/302014/302015/302016/305011/305012/106100 ...
  kPaloAlto,   // PAN-OS CSV traffic log
  kZeekTsv,    // Zeek conn.log, TSV with #fields header
  kZeekJson,   // Zeek conn.log, JSON lines
  kEve,        // Suricata EVE JSON
  kSquid,      // Squid native access.log
  kBind,       // BIND query log ("client @0x... 10.0.0.5#53012 (name): query: name IN A +")
  kDnsmasq,    // dnsmasq "query[A] name from 10.0.0.5"
};

std::string_view LogFormatName(LogFormat format);  // "generic", "iptables", "pfsense", ...
std::optional<LogFormat> ParseLogFormatName(std::string_view name);
std::span<const LogFormat> AllLogFormats();

// What a file's earlier lines tell about later ones.
struct FileContext {
  int year = 0;                          // for syslog stamps without a year; 0 = current UTC year
  int tz_offset_seconds = 7 * 3600;      // for stamps without an offset (+07:00)
  std::vector<std::string> zeek_fields;  // from "#fields"; empty = Zeek's default conn.log order
};

// One connection, query or request. Absent fields are empty / nullopt / 0. src is the side that
// started the connection (or sent the packet, or asked the DNS query); src and dst are the
// addresses as that packet left src, before any translation. All strings are valid UTF-8
// without control bytes.
struct LogRecord {
  int64_t time = 0;  // Unix seconds; 0 = the line has no parseable time
  std::optional<IpAddress> src, dst;
  int src_port = 0, dst_port = 0;  // 0 for protocols without ports (ICMP)
  std::string proto;   // "tcp", "udp", "icmp", "icmpv6", ... lower-case (known numbers as names)
  std::string action;  // "accept", "deny", "drop", "built", "teardown", ... as the vendor says,
                       // lower-cased
  // Source NAT: the address and port the firewall put on the wire for `src` (FortiGate transip/
  // transport, ASA mapped address, PAN-OS NAT Source IP/Port).
  std::optional<IpAddress> nat_src;
  int nat_src_port = 0;
  // Destination NAT: the address and port the firewall translated `dst` to (FortiGate tranip/
  // tranport, PAN-OS NAT Destination IP/Port, ASA real address behind a mapped one).
  // nat_* are set only when the translation changed the address or port.
  std::optional<IpAddress> nat_dst;
  int nat_dst_port = 0;
  std::string name;  // DNS query name, or the HTTP host/SNI: ASCII lower case, no trailing dot
  std::string url;   // request URL (or path, where the format logs only that), as logged
};

// Parses one line of `format`. Errors (kInvalidArgument) name the field: where() is the field
// ("SRC", "srcip", "column 8"; "line" for an empty line or one that is not JSON) and the message
// the reason, quoting at most 64 bytes of the input. A line that is not of the format at all is
// an error too. kGeneric never fails and fills nothing. Header and comment lines (Zeek "#...")
// return kNotFound; use ObserveHeader for them.
Result<LogRecord> ParseLine(LogFormat format, std::string_view line, const FileContext& context);

// Feeds a header/comment line to the context (Zeek "#fields"); returns true when it was one.
bool ObserveHeader(LogFormat format, std::string_view line, FileContext* context);

// Picks the format that parses most of the sample lines (at least half of the non-empty,
// non-header ones); kGeneric when none does. Header lines are those starting with '#'; each
// format sees them through ObserveHeader first. Ties go to the format listed first in
// AllLogFormats().
LogFormat DetectLogFormat(std::span<const std::string_view> sample_lines);

}  // namespace vigil::logs
