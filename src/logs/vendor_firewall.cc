// Next-generation firewall logs: FortiGate key=value and PAN-OS CSV.
#include <array>
#include <string>

#include "logs/parse_util.h"

namespace vigil::logs::detail {
namespace {

bool IsKeyChar(char c) { return IsAsciiAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.'; }

// Calls on_pair(key, value) for every key=value in `text`, in order. A value is either a run of
// non-space bytes or "double quoted" (a backslash escapes the next byte; the view keeps the
// escapes). Tokens that are not key=value (a syslog host name) are skipped.
template <typename OnPair>
void ScanPairs(std::string_view text, OnPair on_pair) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    const size_t key_start = i;
    while (i < text.size() && IsKeyChar(text[i])) ++i;
    if (i == key_start || i >= text.size() || text[i] != '=') {
      while (i < text.size() && !IsSpace(text[i])) ++i;
      continue;
    }
    const std::string_view key = text.substr(key_start, i - key_start);
    ++i;
    std::string_view value;
    if (i < text.size() && text[i] == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      j = std::min(j, text.size());
      value = text.substr(i + 1, j - i - 1);
      i = j + 1;
    } else {
      const size_t start = i;
      while (i < text.size() && !IsSpace(text[i])) ++i;
      value = text.substr(start, i - start);
    }
    on_pair(key, value);
  }
}

// The FortiGate keys Vigil reads; the first occurrence of each wins.
enum FortiKey {
  kDate,
  kTime,
  kTz,
  kEventTime,
  kSrcIp,
  kSrcPort,
  kDstIp,
  kDstPort,
  kProto,
  kAction,
  kTransIp,
  kTransPort,
  kTranIp,
  kTranPort,
  kHostname,
  kQname,
  kUrl,
  kFortiKeyCount
};
constexpr std::array<std::string_view, kFortiKeyCount> kFortiKeys = {
    "date",   "time",     "tz",       "eventtime", "srcip",   "srcport",
    "dstip",  "dstport",  "proto",    "action",    "transip", "transport",
    "tranip", "tranport", "hostname", "qname",     "url"};

// FortiOS writes eventtime in seconds, milliseconds, microseconds or nanoseconds depending on
// the version; the digit count tells which.
Result<int64_t> FortiEventTime(std::string_view text) {
  if (!IsDigits(text) || text.size() > 20) {
    return FieldError("eventtime", Quote(text) + " is not a decimal Unix time");
  }
  size_t keep = text.size();
  if (text.size() >= 18) {
    keep = text.size() - 9;
  } else if (text.size() >= 15) {
    keep = text.size() - 6;
  } else if (text.size() >= 12) {
    keep = text.size() - 3;
  }
  return ParseEpoch(text.substr(0, keep), "eventtime");
}

// An optional NAT address and port for an endpoint now at (`original`, `original_port`).
// Absent, empty, 0.0.0.0 and :: mean "no translation", and so does a translation to the same
// address and port (PAN-OS repeats the destination when it only translated the source).
Status SetNat(std::string_view ip_text, std::string_view port_text, std::string_view ip_field,
              std::string_view port_field, const std::optional<IpAddress>& original,
              int original_port, std::optional<IpAddress>* ip, int* port) {
  if (ip_text.empty()) return Status::Ok();
  auto parsed = ParseAddress(ip_text, ip_field);
  if (!parsed.ok()) return parsed.status();
  if (IsUnspecified(*parsed)) return Status::Ok();
  int number = 0;
  if (!port_text.empty()) {
    auto port_number = ParsePort(port_text, port_field);
    if (!port_number.ok()) return port_number.status();
    number = *port_number;
  }
  if (*parsed == original && (number == original_port || number == 0)) return Status::Ok();
  *ip = *parsed;
  *port = number;
  return Status::Ok();
}

// PAN-OS CSV columns, 1-based as Palo Alto documents them.
constexpr size_t kPanReceiveTime = 2;
constexpr size_t kPanType = 4;
constexpr size_t kPanSubtype = 5;
constexpr size_t kPanGeneratedTime = 7;
constexpr size_t kPanSource = 8;
constexpr size_t kPanDestination = 9;
constexpr size_t kPanNatSource = 10;
constexpr size_t kPanNatDestination = 11;
constexpr size_t kPanSourcePort = 25;
constexpr size_t kPanDestinationPort = 26;
constexpr size_t kPanNatSourcePort = 27;
constexpr size_t kPanNatDestinationPort = 28;
constexpr size_t kPanProtocol = 30;
constexpr size_t kPanAction = 31;
constexpr size_t kPanUrl = 32;  // THREAT logs: URL/Filename

std::string Column(size_t number) { return "column " + std::to_string(number); }

// "2026/11/21 12:00:01" in the firewall's local time.
Result<int64_t> PanTime(std::string_view text, size_t column, const FileContext& context) {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::string_view clock = text.size() > 11 ? text.substr(11) : std::string_view();
  if (text.size() < 19 || text[10] != ' ' || !ParseYmd(text.substr(0, 10), &year, &month, &day) ||
      !TakeClock(&clock, &hour, &minute, &second) || !clock.empty()) {
    return FieldError(Column(column), Quote(text) + " is not a time like 2026/11/21 12:00:01");
  }
  return MakeTime(year, month, day, hour, minute, second, context.tz_offset_seconds,
                  Column(column));
}

}  // namespace

Result<LogRecord> ParseFortigate(std::string_view line, const FileContext& context) {
  VIGIL_ASSIGN_OR_RETURN(const SyslogHeader header, ParseSyslogHeader(line, context));
  std::array<std::optional<std::string_view>, kFortiKeyCount> values;
  ScanPairs(header.rest, [&](std::string_view key, std::string_view value) {
    for (size_t k = 0; k < kFortiKeys.size(); ++k) {
      if (key == kFortiKeys[k]) {
        if (!values[k]) values[k] = value;
        return;
      }
    }
  });
  const auto get = [&](FortiKey key) { return values[key].value_or(std::string_view()); };
  if (!values[kSrcIp]) return FieldError("srcip", "not a FortiGate log line: no srcip= field");
  if (!values[kDstIp]) return FieldError("dstip", "missing dstip= field");
  LogRecord record;
  VIGIL_ASSIGN_OR_RETURN(record.src, ParseAddress(get(kSrcIp), "srcip"));
  VIGIL_ASSIGN_OR_RETURN(record.dst, ParseAddress(get(kDstIp), "dstip"));
  if (values[kSrcPort]) {
    VIGIL_ASSIGN_OR_RETURN(record.src_port, ParsePort(get(kSrcPort), "srcport"));
  }
  if (values[kDstPort]) {
    VIGIL_ASSIGN_OR_RETURN(record.dst_port, ParsePort(get(kDstPort), "dstport"));
  }
  if (values[kProto]) {
    VIGIL_ASSIGN_OR_RETURN(record.proto, NormalizeProto(get(kProto), "proto"));
  }
  if (values[kAction]) {
    VIGIL_ASSIGN_OR_RETURN(record.action, NormalizeAction(get(kAction), "action"));
  }
  VIGIL_RETURN_IF_ERROR(SetNat(get(kTransIp), get(kTransPort), "transip", "transport", record.src,
                               record.src_port, &record.nat_src, &record.nat_src_port));
  VIGIL_RETURN_IF_ERROR(SetNat(get(kTranIp), get(kTranPort), "tranip", "tranport", record.dst,
                               record.dst_port, &record.nat_dst, &record.nat_dst_port));
  if (values[kHostname] && !get(kHostname).empty()) {
    VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(get(kHostname), "hostname"));
  } else if (values[kQname] && !get(kQname).empty()) {
    VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(get(kQname), "qname"));
  }
  if (values[kUrl]) {
    VIGIL_ASSIGN_OR_RETURN(record.url, CheckedText(get(kUrl), "url"));
  }

  if (values[kDate] && values[kTime]) {
    int year = 0;
    int month = 0;
    int day = 0;
    if (!ParseYmd(get(kDate), &year, &month, &day)) {
      return FieldError("date", Quote(get(kDate)) + " is not a date like 2026-11-21");
    }
    std::string_view clock = get(kTime);
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!TakeClock(&clock, &hour, &minute, &second) || !clock.empty() || hour > 23 || minute > 59 ||
        second > 60) {
      return FieldError("time", Quote(get(kTime)) + " is not a time like 12:00:01");
    }
    int offset = context.tz_offset_seconds;
    if (values[kTz]) {
      std::string_view tz = get(kTz);
      if (!TakeOffset(&tz, &offset) || !tz.empty()) {
        return FieldError("tz", Quote(get(kTz)) + " is not a UTC offset like +0700");
      }
    }
    VIGIL_ASSIGN_OR_RETURN(record.time,
                           MakeTime(year, month, day, hour, minute, second, offset, "date"));
  } else if (values[kEventTime]) {
    VIGIL_ASSIGN_OR_RETURN(record.time, FortiEventTime(get(kEventTime)));
  } else {
    record.time = header.time;
  }
  return record;
}

Result<LogRecord> ParsePaloAlto(std::string_view line, const FileContext& context) {
  VIGIL_ASSIGN_OR_RETURN(const SyslogHeader header, ParseSyslogHeader(line, context));
  // The CSV starts after the last space before its first comma (a syslog host name may precede
  // it; the receive time inside it contains a space, but only after the first comma).
  std::string_view csv = header.rest;
  const size_t first_comma = csv.find(',');
  if (first_comma == std::string_view::npos) {
    return FieldError(Column(kPanType), "not a PAN-OS CSV line: no commas");
  }
  const size_t space = csv.find_last_of(" \t", first_comma);
  if (space != std::string_view::npos) csv.remove_prefix(space + 1);
  const auto fields = SplitFields(csv, ',', kPanUrl + 1, /*quotes=*/true);
  const auto col = [&](size_t number) {
    return number <= fields.size() ? Unquote(fields[number - 1]) : std::string_view();
  };
  if (fields.size() < kPanType) {
    return FieldError(Column(kPanType), "not a PAN-OS CSV line: fewer than 4 columns");
  }
  const std::string_view type = col(kPanType);
  if (type != "TRAFFIC" && type != "THREAT") {
    return FieldError(Column(kPanType), "Type " + Quote(type) + " is not a TRAFFIC or THREAT log");
  }
  if (fields.size() < kPanAction) {
    return FieldError(Column(fields.size() + 1),
                      "missing: the line ends after " + std::to_string(fields.size()) +
                          " columns; a " + std::string(type) + " log has at least 31");
  }
  LogRecord record;
  if (!col(kPanGeneratedTime).empty()) {
    VIGIL_ASSIGN_OR_RETURN(record.time,
                           PanTime(col(kPanGeneratedTime), kPanGeneratedTime, context));
  } else if (!col(kPanReceiveTime).empty()) {
    VIGIL_ASSIGN_OR_RETURN(record.time, PanTime(col(kPanReceiveTime), kPanReceiveTime, context));
  } else {
    record.time = header.time;
  }
  VIGIL_ASSIGN_OR_RETURN(record.src, ParseAddress(col(kPanSource), Column(kPanSource)));
  VIGIL_ASSIGN_OR_RETURN(record.dst, ParseAddress(col(kPanDestination), Column(kPanDestination)));
  VIGIL_ASSIGN_OR_RETURN(record.src_port, ParsePort(col(kPanSourcePort), Column(kPanSourcePort)));
  VIGIL_ASSIGN_OR_RETURN(record.dst_port,
                         ParsePort(col(kPanDestinationPort), Column(kPanDestinationPort)));
  VIGIL_RETURN_IF_ERROR(SetNat(col(kPanNatSource), col(kPanNatSourcePort), Column(kPanNatSource),
                               Column(kPanNatSourcePort), record.src, record.src_port,
                               &record.nat_src, &record.nat_src_port));
  VIGIL_RETURN_IF_ERROR(SetNat(col(kPanNatDestination), col(kPanNatDestinationPort),
                               Column(kPanNatDestination), Column(kPanNatDestinationPort),
                               record.dst, record.dst_port, &record.nat_dst, &record.nat_dst_port));
  VIGIL_ASSIGN_OR_RETURN(record.proto, NormalizeProto(col(kPanProtocol), Column(kPanProtocol)));
  VIGIL_ASSIGN_OR_RETURN(record.action, NormalizeAction(col(kPanAction), Column(kPanAction)));
  if (type == "THREAT" && col(kPanSubtype) == "url" && !col(kPanUrl).empty()) {
    VIGIL_ASSIGN_OR_RETURN(record.url, CheckedText(col(kPanUrl), Column(kPanUrl)));
    const HostPort host = UrlHost(record.url);
    if (!host.host.empty()) {
      VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(host.host, Column(kPanUrl)));
    }
  }
  return record;
}

}  // namespace vigil::logs::detail
