// Proxy and DNS server logs: Squid native access.log, BIND query log, dnsmasq.
#include <string>

#include "logs/parse_util.h"

namespace vigil::logs::detail {
namespace {

// "1763700001.123" as Squid writes its time column.
bool LooksLikeEpoch(std::string_view token) {
  const size_t dot = token.find('.');
  return dot != std::string_view::npos && IsDigits(token.substr(0, dot)) &&
         IsDigits(token.substr(dot + 1));
}

// BIND's own stamp "21-Nov-2026 12:00:01.123" (local time) at the start of *text.
bool LooksLikeBindTime(std::string_view text) {
  return text.size() >= 20 && IsDigit(text[0]) && IsDigit(text[1]) && text[2] == '-' &&
         MonthFromName(text.substr(3, 3)) != 0 && text[6] == '-';
}

Result<int64_t> TakeBindTime(std::string_view* text, const FileContext& context) {
  std::string_view s = *text;
  const auto day = ParseDecimal(s.substr(0, 2));
  const int month = MonthFromName(s.substr(3, 3));
  const auto year = ParseDecimal(s.substr(7, 4));
  std::string_view clock = s.size() > 12 ? s.substr(12) : std::string_view();
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!day || !year || s[11] != ' ' || !TakeClock(&clock, &hour, &minute, &second)) {
    return FieldError("timestamp",
                      Quote(s.substr(0, 24)) + " is not a time like 21-Nov-2026 12:00:01.123");
  }
  VIGIL_ASSIGN_OR_RETURN(const int64_t time,
                         MakeTime(static_cast<int>(*year), month, static_cast<int>(*day), hour,
                                  minute, second, context.tz_offset_seconds, "timestamp"));
  *text = clock;
  return time;
}

// "ADDR#PORT" (BIND) or "ADDR/PORT" (dnsmasq extra logging).
Status SplitAddressPort(std::string_view text, char sep, std::string_view field,
                        LogRecord* record) {
  const size_t at = text.rfind(sep);
  if (at == std::string_view::npos) {
    return FieldError(field, "expected ADDRESS" + std::string(1, sep) + "PORT, got " + Quote(text));
  }
  auto ip = ParseAddress(text.substr(0, at), field);
  if (!ip.ok()) return ip.status();
  auto port = ParsePort(text.substr(at + 1), field);
  if (!port.ok()) return port.status();
  record->src = *ip;
  record->src_port = *port;
  return Status::Ok();
}

}  // namespace

Result<LogRecord> ParseSquid(std::string_view line, const FileContext& context) {
  std::string_view s = SkipSpaces(line);
  if (s.empty() || !IsDigit(s.front())) {
    // Forwarded through syslog: "Nov 21 12:00:01 proxy (squid-1)[123]: 1763700001.123 ...".
    VIGIL_ASSIGN_OR_RETURN(const SyslogHeader header, ParseSyslogHeader(line, context));
    s = header.rest;
    for (int skipped = 0; skipped < 3; ++skipped) {
      std::string_view peek = s;
      if (LooksLikeEpoch(NextToken(&peek))) break;
      NextToken(&s);
    }
  }
  const std::string_view time = NextToken(&s);
  const std::string_view elapsed = NextToken(&s);
  const std::string_view client = NextToken(&s);
  const std::string_view code = NextToken(&s);
  const std::string_view bytes = NextToken(&s);
  const std::string_view method = NextToken(&s);
  const std::string_view url = NextToken(&s);
  NextToken(&s);  // user (rfc931 or authenticated)
  const std::string_view hierarchy = NextToken(&s);

  LogRecord record;
  if (!LooksLikeEpoch(time) && !IsDigits(time)) {
    return FieldError("time",
                      "not a Squid access.log line: " + Quote(time) + " is not Unix seconds");
  }
  VIGIL_ASSIGN_OR_RETURN(record.time, ParseEpoch(time, "time"));
  if (!IsDigits(elapsed) && !(elapsed.starts_with('-') && IsDigits(elapsed.substr(1)))) {
    return FieldError("elapsed", Quote(elapsed) + " is not a number of milliseconds");
  }
  VIGIL_ASSIGN_OR_RETURN(record.src, ParseAddress(client, "client"));
  if (code.find('/') == std::string_view::npos) {
    return FieldError("result", Quote(code) + " is not a result code like TCP_MISS/200");
  }
  VIGIL_ASSIGN_OR_RETURN(record.action, NormalizeAction(code, "result"));
  if (!IsDigits(bytes)) return FieldError("bytes", Quote(bytes) + " is not a number");
  if (method.empty()) return FieldError("method", "missing: the line ends after bytes");
  if (url.empty()) return FieldError("url", "missing: the line ends after the method");
  VIGIL_ASSIGN_OR_RETURN(record.url, CheckedText(url, "url"));
  record.proto = "tcp";
  if (method == "CONNECT" || url.find("://") != std::string_view::npos) {
    const HostPort host = UrlHost(url);
    if (!host.host.empty()) {
      VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(host.host, "url"));
    }
    record.dst_port = host.port;
  }
  // "HIER_DIRECT/198.51.100.7": the server Squid talked to, when it logged an address.
  if (const size_t slash = hierarchy.find('/'); slash != std::string_view::npos) {
    if (auto peer = ParseIp(hierarchy.substr(slash + 1)); peer.ok()) record.dst = *peer;
  }
  return record;
}

Result<LogRecord> ParseBind(std::string_view line, const FileContext& context) {
  LogRecord record;
  std::string_view rest;
  const std::string_view trimmed = SkipSpaces(line);
  if (LooksLikeBindTime(trimmed)) {
    rest = trimmed;
    VIGIL_ASSIGN_OR_RETURN(record.time, TakeBindTime(&rest, context));
  } else {
    VIGIL_ASSIGN_OR_RETURN(const SyslogHeader header, ParseSyslogHeader(line, context));
    record.time = header.time;
    rest = header.rest;
  }
  const size_t client_at = FindWord(rest, "client ");
  if (client_at == std::string_view::npos) {
    return FieldError("client", "not a BIND query log line: no \"client\"");
  }
  std::string_view s = rest.substr(client_at + 7);
  std::string_view token = NextToken(&s);
  if (token.starts_with("@0x")) token = NextToken(&s);  // the client object's address
  const bool ends_here = token.ends_with(':');
  if (ends_here) token.remove_suffix(1);
  VIGIL_RETURN_IF_ERROR(SplitAddressPort(token, '#', "client", &record));
  s = SkipSpaces(s);
  if (!ends_here && s.starts_with('(')) {  // "(qname):"
    const size_t close = s.find("):");
    if (close == std::string_view::npos) return FieldError("client", "unterminated \"(name):\"");
    s = SkipSpaces(s.substr(close + 2));
  }
  if (Consume(&s, "view ")) {  // "view internal: "
    const size_t colon = s.find(": ");
    if (colon == std::string_view::npos) return FieldError("view", "unterminated view name");
    s = SkipSpaces(s.substr(colon + 2));
  }
  if (Consume(&s, "query: ")) {
    const std::string_view qname = NextToken(&s);
    const std::string_view qclass = NextToken(&s);
    const std::string_view qtype = NextToken(&s);
    const std::string_view flags = NextToken(&s);
    if (qname.empty() || qclass.empty() || qtype.empty()) {
      return FieldError("query", "truncated: expected NAME CLASS TYPE FLAGS");
    }
    VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(qname, "query"));
    record.action = "query";
    record.proto = flags.find('T') != std::string_view::npos ? "tcp" : "udp";
    s = SkipSpaces(s);
    if (s.starts_with('(')) {  // the server address the query arrived on
      const size_t close = s.find(')');
      if (close == std::string_view::npos)
        return FieldError("server", "unterminated \"(address)\"");
      VIGIL_ASSIGN_OR_RETURN(record.dst, ParseAddress(s.substr(1, close - 1), "server"));
    }
    return record;
  }
  // Security category: "query (cache) 'evil.example/A/IN' denied".
  if (s.starts_with("query ") || s.starts_with("query(")) {
    const size_t open = s.find('\'');
    const size_t close = open == std::string_view::npos ? open : s.find('\'', open + 1);
    if (close == std::string_view::npos) {
      return FieldError("query", "expected 'NAME/TYPE/CLASS' after \"query\"");
    }
    const std::string_view quoted = s.substr(open + 1, close - open - 1);
    const size_t slash = quoted.find('/');
    VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(quoted.substr(0, slash), "query"));
    std::string_view after = s.substr(close + 1);
    const std::string_view verdict = NextToken(&after);
    VIGIL_ASSIGN_OR_RETURN(record.action, NormalizeAction(verdict, "query"));
    return record;
  }
  return FieldError("query", "not a query line: expected \"query:\" after the client");
}

Result<LogRecord> ParseDnsmasq(std::string_view line, const FileContext& context) {
  VIGIL_ASSIGN_OR_RETURN(const SyslogHeader header, ParseSyslogHeader(line, context));
  std::string_view s;
  if (!TakeProgram(header, "dnsmasq", &s)) {
    return FieldError("program", "not a dnsmasq line: no \"dnsmasq[pid]:\" tag");
  }
  LogRecord record;
  record.time = header.time;
  // log-queries=extra prefixes a query serial number and the client's ADDRESS/PORT.
  std::string_view peek = s;
  if (IsDigits(NextToken(&peek))) {
    const std::string_view client = NextToken(&peek);
    VIGIL_RETURN_IF_ERROR(SplitAddressPort(client, '/', "client", &record));
    s = peek;
  }
  const std::string_view verb = NextToken(&s);
  const std::string_view name = NextToken(&s);
  const std::string_view link = NextToken(&s);
  const std::string_view address = NextToken(&s);
  if (verb.starts_with("query[") && verb.ends_with(']')) {
    if (link != "from") return FieldError("from", "expected \"query[TYPE] NAME from ADDRESS\"");
    VIGIL_ASSIGN_OR_RETURN(record.src, ParseAddress(address, "from"));
    record.action = "query";
  } else if (verb == "forwarded") {
    if (link != "to") return FieldError("to", "expected \"forwarded NAME to ADDRESS\"");
    const std::string_view server = address.substr(0, address.find('#'));
    VIGIL_ASSIGN_OR_RETURN(record.dst, ParseAddress(server, "to"));
    record.action = "forwarded";
  } else if (verb == "reply" || verb == "cached" || verb == "config") {
    if (link != "is")
      return FieldError("is", "expected \"" + std::string(verb) + " NAME is ANSWER\"");
    // The answer is an address, or <CNAME>, NXDOMAIN, NODATA...: only addresses are kept.
    if (auto answer = ParseIp(address); answer.ok()) record.dst = *answer;
    record.action = std::string(verb);
  } else {
    return FieldError(
        "message", "not a dnsmasq query, forwarded, reply, cached or config line: " + Quote(verb));
  }
  VIGIL_ASSIGN_OR_RETURN(record.name, NormalizeName(name, "name"));
  return record;
}

}  // namespace vigil::logs::detail
