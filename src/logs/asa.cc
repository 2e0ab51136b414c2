// Cisco ASA (and FTD/PIX) connection, translation and access-list syslog messages.
#include <string>

#include "logs/parse_util.h"

namespace vigil::logs::detail {
namespace {

constexpr size_t kMaxIfaceName = 64;
constexpr int kMaxParenGroups = 4;

struct Endpoint {
  IpAddress ip;
  int port = 0;
  std::optional<IpAddress> mapped;  // the "(mapped-address/mapped-port)" that follows
  int mapped_port = 0;
};

// Consumes "ADDR" or "ADDR/PORT" (the address ends at '/', ' ', '(' or the end).
Result<Endpoint> TakeAddrPort(std::string_view* text, std::string_view field) {
  std::string_view s = SkipSpaces(*text);
  size_t end = 0;
  while (end < s.size() && s[end] != '/' && s[end] != ' ' && s[end] != '(' && s[end] != ')') {
    ++end;
  }
  Endpoint endpoint;
  VIGIL_ASSIGN_OR_RETURN(endpoint.ip, ParseAddress(s.substr(0, end), field));
  s.remove_prefix(end);
  if (Consume(&s, "/")) {
    size_t digits = 0;
    while (digits < s.size() && IsDigit(s[digits])) ++digits;
    VIGIL_ASSIGN_OR_RETURN(endpoint.port, ParsePort(s.substr(0, digits), field));
    s.remove_prefix(digits);
  }
  *text = s;
  return endpoint;
}

// Consumes "IFACE:ADDR[/PORT]" and the parenthesised groups after it: the first group that is
// an address is the mapped address; others (identity-firewall users) are skipped. Interface
// names may contain spaces ("NP Identity Ifc") but never ':'.
Result<Endpoint> TakeIfaceEndpoint(std::string_view* text, std::string_view field) {
  std::string_view s = SkipSpaces(*text);
  const size_t colon = s.substr(0, kMaxIfaceName).find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return FieldError(field, "expected INTERFACE:ADDRESS/PORT, got " + Quote(s.substr(0, 40)));
  }
  s.remove_prefix(colon + 1);
  VIGIL_ASSIGN_OR_RETURN(Endpoint endpoint, TakeAddrPort(&s, field));
  for (int group = 0; group < kMaxParenGroups; ++group) {
    std::string_view t = SkipSpaces(s);
    if (t.empty() || t.front() != '(') break;
    const size_t close = t.find(')');
    if (close == std::string_view::npos) break;
    std::string_view inside = t.substr(1, close - 1);
    if (!endpoint.mapped && !inside.empty() && (IsDigit(inside.front()) || inside.front() == ':')) {
      auto mapped = TakeAddrPort(&inside, std::string("mapped ") + std::string(field));
      if (!mapped.ok()) return mapped.status();
      endpoint.mapped = mapped->ip;
      endpoint.mapped_port = mapped->port;
    }
    s = t.substr(close + 1);
  }
  *text = s;
  return endpoint;
}

// Expects the next token to be `word`.
Status Expect(std::string_view* text, std::string_view word) {
  const std::string_view token = NextToken(text);
  if (token != word) {
    return FieldError("message", "expected \"" + std::string(word) + "\", got " + Quote(token));
  }
  return Status::Ok();
}

bool Differs(const Endpoint& e) {
  return e.mapped && (*e.mapped != e.ip || e.mapped_port != e.port);
}

// Fills src/dst/nat_* from the two ends of a connection. The initiator is the "to" (higher
// security) side for outbound connections and the "for" side for inbound ones. src is the
// initiator's real address and nat_src its mapped one; the initiator addressed the responder
// by the responder's mapped address (dst), which the firewall translated to its real one
// (nat_dst). nat_* are set only when the translation changed something.
void MapConnection(bool outbound, const Endpoint& for_side, const Endpoint& to_side,
                   LogRecord* record) {
  const Endpoint& initiator = outbound ? to_side : for_side;
  const Endpoint& responder = outbound ? for_side : to_side;
  record->src = initiator.ip;
  record->src_port = initiator.port;
  if (Differs(initiator)) {
    record->nat_src = initiator.mapped;
    record->nat_src_port = initiator.mapped_port;
  }
  if (Differs(responder)) {
    record->dst = responder.mapped;
    record->dst_port = responder.mapped_port;
    record->nat_dst = responder.ip;
    record->nat_dst_port = responder.port;
  } else {
    record->dst = responder.ip;
    record->dst_port = responder.port;
  }
}

Status TakeProto(std::string_view* text, LogRecord* record) {
  std::string_view token = NextToken(text);
  if (token == "protocol") token = NextToken(text);  // "Deny protocol 47 src ..."
  auto proto = NormalizeProto(token, "protocol");
  if (!proto.ok()) return proto.status();
  record->proto = std::move(*proto);
  return Status::Ok();
}

Status TakeAction(std::string_view* text, LogRecord* record) {
  auto action = NormalizeAction(NextToken(text), "action");
  if (!action.ok()) return action.status();
  record->action = std::move(*action);
  return Status::Ok();
}

// After "Built", the direction: true for outbound. Other actions do not say it and are read as
// outbound (the "to" side initiated), which is how most connections through a firewall start.
Result<bool> TakeDirection(std::string_view* body, const LogRecord& record) {
  if (record.action != "built") return true;
  const std::string_view direction = NextToken(body);
  if (direction != "inbound" && direction != "outbound") {
    return FieldError("direction", Quote(direction) + " is neither inbound nor outbound");
  }
  return direction == "outbound";
}

// 302013/302015 "Built {inbound|outbound} TCP connection ID for A (mA) to B (mB)" and
// 302014/302016 "Teardown TCP connection ID for A to B duration ...". Teardown messages do not
// say the direction: they are read as outbound (the "to" side initiated), which is how most
// connections through a firewall start.
Status ParseConnection(std::string_view body, LogRecord* record) {
  VIGIL_RETURN_IF_ERROR(TakeAction(&body, record));
  if (record->action != "built" && record->action != "teardown") {
    return FieldError("action", Quote(record->action) + " is neither Built nor Teardown");
  }
  VIGIL_ASSIGN_OR_RETURN(const bool outbound, TakeDirection(&body, *record));
  VIGIL_RETURN_IF_ERROR(TakeProto(&body, record));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "connection"));
  NextToken(&body);  // connection id
  VIGIL_RETURN_IF_ERROR(Expect(&body, "for"));
  VIGIL_ASSIGN_OR_RETURN(const Endpoint for_side, TakeIfaceEndpoint(&body, "for"));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "to"));
  VIGIL_ASSIGN_OR_RETURN(const Endpoint to_side, TakeIfaceEndpoint(&body, "to"));
  MapConnection(outbound, for_side, to_side, record);
  return Status::Ok();
}

// 302020/302021 "Built {inbound|outbound} ICMP connection for faddr F/0 gaddr G/0 laddr L/0"
// and "Teardown ICMP connection for faddr ...": foreign (outside), global (the local host's
// mapped address) and local (inside) addresses. ICMP ids are not kept as ports.
Status ParseIcmpConnection(std::string_view body, LogRecord* record) {
  VIGIL_RETURN_IF_ERROR(TakeAction(&body, record));
  VIGIL_ASSIGN_OR_RETURN(const bool outbound, TakeDirection(&body, *record));
  VIGIL_RETURN_IF_ERROR(TakeProto(&body, record));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "connection"));
  std::string_view peek = body;
  if (NextToken(&peek) == "for") body = peek;
  VIGIL_RETURN_IF_ERROR(Expect(&body, "faddr"));
  VIGIL_ASSIGN_OR_RETURN(Endpoint foreign, TakeAddrPort(&body, "faddr"));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "gaddr"));
  VIGIL_ASSIGN_OR_RETURN(const Endpoint global, TakeAddrPort(&body, "gaddr"));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "laddr"));
  VIGIL_ASSIGN_OR_RETURN(Endpoint local, TakeAddrPort(&body, "laddr"));
  foreign.port = 0;
  local.port = 0;
  local.mapped = global.ip;
  MapConnection(outbound, foreign, local, record);
  record->src_port = record->dst_port = record->nat_src_port = record->nat_dst_port = 0;
  return Status::Ok();
}

// 305009-305012 "Built|Teardown {dynamic|static} [TCP|UDP|ICMP] translation from
// inside:10.1.1.5/51234 to outside:203.0.113.5/40001": src and its mapped nat_src.
Status ParseTranslation(std::string_view body, LogRecord* record) {
  VIGIL_RETURN_IF_ERROR(TakeAction(&body, record));
  if (record->action != "built" && record->action != "teardown") {
    return FieldError("action", Quote(record->action) + " is neither Built nor Teardown");
  }
  const std::string_view kind = NextToken(&body);
  if (kind != "dynamic" && kind != "static") {
    return FieldError("message", Quote(kind) + " is neither dynamic nor static");
  }
  std::string_view peek = body;
  if (NextToken(&peek) != "translation") VIGIL_RETURN_IF_ERROR(TakeProto(&body, record));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "translation"));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "from"));
  VIGIL_ASSIGN_OR_RETURN(const Endpoint real, TakeIfaceEndpoint(&body, "from"));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "to"));
  VIGIL_ASSIGN_OR_RETURN(const Endpoint mapped, TakeIfaceEndpoint(&body, "to"));
  const bool icmp = record->proto == "icmp" || record->proto == "icmpv6";
  record->src = real.ip;
  record->src_port = icmp ? 0 : real.port;
  if (mapped.ip != real.ip || mapped.port != real.port) {
    record->nat_src = mapped.ip;
    record->nat_src_port = icmp ? 0 : mapped.port;
  }
  return Status::Ok();
}

// 106023 "Deny tcp src outside:A/p dst inside:B/p by access-group ..." and 106014 "Deny
// inbound icmp src outside:A dst inside:B (type 8, code 0)".
Status ParseDenySrcDst(std::string_view body, LogRecord* record) {
  VIGIL_RETURN_IF_ERROR(TakeAction(&body, record));
  std::string_view peek = body;
  const std::string_view maybe_direction = NextToken(&peek);
  if (maybe_direction == "inbound" || maybe_direction == "outbound") body = peek;
  VIGIL_RETURN_IF_ERROR(TakeProto(&body, record));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "src"));
  VIGIL_ASSIGN_OR_RETURN(const Endpoint src, TakeIfaceEndpoint(&body, "src"));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "dst"));
  VIGIL_ASSIGN_OR_RETURN(const Endpoint dst, TakeIfaceEndpoint(&body, "dst"));
  record->src = src.ip;
  record->src_port = src.port;
  record->dst = dst.ip;
  record->dst_port = dst.port;
  return Status::Ok();
}

// "IFACE/ADDR(PORT)" as 106100 writes it.
Result<Endpoint> ParseAclEndpoint(std::string_view token, std::string_view field) {
  const size_t slash = token.find('/');
  const size_t open = token.find('(');
  if (slash == std::string_view::npos || open == std::string_view::npos || open < slash ||
      token.back() != ')') {
    return FieldError(field, "expected INTERFACE/ADDRESS(PORT), got " + Quote(token));
  }
  Endpoint endpoint;
  VIGIL_ASSIGN_OR_RETURN(endpoint.ip,
                         ParseAddress(token.substr(slash + 1, open - slash - 1), field));
  VIGIL_ASSIGN_OR_RETURN(endpoint.port,
                         ParsePort(token.substr(open + 1, token.size() - open - 2), field));
  return endpoint;
}

// 106100 "access-list ACL {permitted|denied|est-allowed} tcp outside/A(p) -> inside/B(p) ...".
Status ParseAccessList(std::string_view body, LogRecord* record) {
  VIGIL_RETURN_IF_ERROR(Expect(&body, "access-list"));
  NextToken(&body);  // ACL name
  VIGIL_RETURN_IF_ERROR(TakeAction(&body, record));
  VIGIL_RETURN_IF_ERROR(TakeProto(&body, record));
  VIGIL_ASSIGN_OR_RETURN(const Endpoint src, ParseAclEndpoint(NextToken(&body), "source"));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "->"));
  VIGIL_ASSIGN_OR_RETURN(const Endpoint dst, ParseAclEndpoint(NextToken(&body), "destination"));
  const bool icmp = record->proto == "icmp" || record->proto == "icmpv6";
  record->src = src.ip;
  record->src_port = icmp ? 0 : src.port;  // ICMP puts type and code in the parentheses
  record->dst = dst.ip;
  record->dst_port = icmp ? 0 : dst.port;
  return Status::Ok();
}

// 106001 "Inbound TCP connection denied from A/p to B/p flags ...", 106006/106007 "Deny inbound
// UDP from A/p to B/p ...", 106015 "Deny TCP (no connection) from A/p to B/p flags ...".
Status ParseFromTo(std::string_view body, int proto_token, std::string_view action,
                   LogRecord* record) {
  std::string_view tokens = body;
  for (int i = 0; i < proto_token; ++i) NextToken(&tokens);
  VIGIL_RETURN_IF_ERROR(TakeProto(&tokens, record));
  record->action = std::string(action);
  const size_t from = FindWord(body, "from ");
  if (from == std::string_view::npos) return FieldError("from", "missing \"from\"");
  body.remove_prefix(from + 5);
  VIGIL_ASSIGN_OR_RETURN(const Endpoint src, TakeAddrPort(&body, "from"));
  VIGIL_RETURN_IF_ERROR(Expect(&body, "to"));
  VIGIL_ASSIGN_OR_RETURN(const Endpoint dst, TakeAddrPort(&body, "to"));
  record->src = src.ip;
  record->src_port = src.port;
  record->dst = dst.ip;
  record->dst_port = dst.port;
  return Status::Ok();
}

// Finds "%ASA-6-302013: " (or %FTD-, %PIX-, and "%ASA-session-6-..."); sets the message id and
// the body after it.
bool FindAsaTag(std::string_view text, uint64_t* id, std::string_view* body) {
  size_t pos = text.find('%');
  while (pos != std::string_view::npos) {
    std::string_view s = text.substr(pos + 1);
    if (Consume(&s, "ASA-") || Consume(&s, "FTD-") || Consume(&s, "PIX-")) {
      if (!s.empty() && IsAsciiAlpha(s.front())) {  // an optional class: "%ASA-session-6-..."
        const size_t dash = s.substr(0, 16).find('-');
        if (dash != std::string_view::npos) s.remove_prefix(dash + 1);
      }
      if (s.size() >= 9 && IsDigit(s[0]) && s[1] == '-' && IsDigits(s.substr(2, 6)) &&
          s[8] == ':') {
        *id = *ParseDecimal(s.substr(2, 6));
        *body = SkipSpaces(s.substr(9));
        return true;
      }
    }
    pos = text.find('%', pos + 1);
  }
  return false;
}

}  // namespace

Result<LogRecord> ParseAsa(std::string_view line, const FileContext& context) {
  VIGIL_ASSIGN_OR_RETURN(const SyslogHeader header, ParseSyslogHeader(line, context));
  uint64_t id = 0;
  std::string_view body;
  if (!FindAsaTag(header.rest, &id, &body)) {
    return FieldError("message id", "not a Cisco ASA line: no \"%ASA-n-NNNNNN:\" tag");
  }
  LogRecord record;
  record.time = header.time;
  Status status;
  switch (id) {
    case 302013:
    case 302014:
    case 302015:
    case 302016:
      status = ParseConnection(body, &record);
      break;
    case 302020:
    case 302021:
      status = ParseIcmpConnection(body, &record);
      break;
    case 305009:
    case 305010:
    case 305011:
    case 305012:
      status = ParseTranslation(body, &record);
      break;
    case 106014:
    case 106023:
      status = ParseDenySrcDst(body, &record);
      break;
    case 106100:
      status = ParseAccessList(body, &record);
      break;
    case 106001:
      status = ParseFromTo(body, 1, "denied", &record);
      break;
    case 106006:
    case 106007:
      status = ParseFromTo(body, 2, "deny", &record);
      break;
    case 106015:
      status = ParseFromTo(body, 1, "deny", &record);
      break;
    default:
      return FieldError("message id", "ASA message " + std::to_string(id) +
                                          " is not a connection, translation or access-list "
                                          "message");
  }
  if (!status.ok()) return status;
  return record;
}

}  // namespace vigil::logs::detail
