// Packet-filter logs: the Linux kernel's netfilter log (iptables LOG, nftables log) and the
// pfSense/OPNsense filterlog CSV.
#include <array>
#include <string>

#include "core/text.h"
#include "logs/parse_util.h"

namespace vigil::logs::detail {
namespace {

constexpr size_t kMaxIfaceName = 16;  // IFNAMSIZ, including the NUL

// Start of the netfilter fields: an "IN=" followed by an interface name (possibly empty), spaces
// and "OUT=". The log prefix may be glued to it ("DROPIN=eth0" when the prefix has no trailing
// space), so this does not require a token boundary.
size_t FindNetfilterStart(std::string_view text) {
  size_t pos = text.find("IN=");
  while (pos != std::string_view::npos) {
    size_t end = pos + 3;
    while (end < text.size() && end - pos - 3 < kMaxIfaceName && !IsSpace(text[end])) ++end;
    if (end < text.size() && IsSpace(text[end]) &&
        SkipSpaces(text.substr(end)).starts_with("OUT=")) {
      return pos;
    }
    pos = text.find("IN=", pos + 1);
  }
  return std::string_view::npos;
}

// The action a log prefix names ("[UFW BLOCK]" -> "block", "FW-DROP-IN: " -> "drop"); "" when it
// names none.
std::string ActionFromPrefix(std::string_view prefix) {
  static constexpr std::array<std::string_view, 13> kWords = {
      "accept", "accepted", "allow", "allowed", "pass", "drop",  "dropped",
      "reject", "rejected", "block", "blocked", "deny", "denied"};
  size_t i = 0;
  while (i < prefix.size()) {
    while (i < prefix.size() && !IsAsciiAlpha(prefix[i])) ++i;
    const size_t start = i;
    while (i < prefix.size() && IsAsciiAlpha(prefix[i])) ++i;
    if (i - start < 3 || i - start > 8) continue;
    std::string word = AsciiLower(prefix.substr(start, i - start));
    for (const std::string_view known : kWords) {
      if (word == known) return word;
    }
  }
  return "";
}

// pfSense/OPNsense field names (OPNsense's filterlog description.txt), for where().
constexpr std::array<std::string_view, 9> kFilterCommon = {"rulenr", "subrulenr", "anchorname",
                                                           "label",  "interface", "reason",
                                                           "action", "dir",       "ipversion"};
constexpr std::array<std::string_view, 13> kFilterV4 = {
    "tos",       "ecn",    "ttl", "id",  "offset",  "flags",  "protonum",
    "protoname", "length", "src", "dst", "srcport", "dstport"};
constexpr std::array<std::string_view, 10> kFilterV6 = {
    "class",  "flow", "hoplimit", "protoname", "protonum",
    "length", "src",  "dst",      "srcport",   "dstport"};

}  // namespace

Result<LogRecord> ParseIptables(std::string_view line, const FileContext& context) {
  VIGIL_ASSIGN_OR_RETURN(const SyslogHeader header, ParseSyslogHeader(line, context));
  const std::string_view text = header.rest;
  const size_t start = FindNetfilterStart(text);
  if (start == std::string_view::npos) {
    return FieldError("IN", "not a netfilter log line: no \"IN=... OUT=\" fields");
  }
  LogRecord record;
  record.time = header.time;
  // The prefix sits between "kernel: [uptime]" and IN=.
  std::string_view prefix = text.substr(0, start);
  if (const size_t kernel = prefix.find("kernel:"); kernel != std::string_view::npos) {
    prefix.remove_prefix(kernel + 7);
  }
  prefix = SkipSpaces(prefix);
  if (prefix.starts_with('[')) {  // the kernel's uptime stamp "[ 1234.567890]"
    const size_t close = prefix.find(']');
    const std::string_view uptime = close == std::string_view::npos
                                        ? std::string_view()
                                        : SkipSpaces(prefix.substr(1, close - 1));
    const size_t dot = uptime.find('.');
    if (dot != std::string_view::npos && IsDigits(uptime.substr(0, dot)) &&
        IsDigits(uptime.substr(dot + 1))) {
      prefix.remove_prefix(close + 1);
    }
  }
  record.action = ActionFromPrefix(prefix);

  // KEY=VALUE tokens; a bracketed group (the packet quoted inside an ICMP error) is skipped.
  std::string_view src, dst, proto, spt, dpt;
  bool have_src = false, have_dst = false, have_proto = false, have_spt = false, have_dpt = false;
  std::string_view rest = text.substr(start);
  int depth = 0;
  while (true) {
    const std::string_view token = NextToken(&rest);
    if (token.empty()) break;
    if (token.front() == '[') ++depth;
    if (depth > 0) {
      if (token.back() == ']') --depth;
      continue;
    }
    const size_t eq = token.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = token.substr(0, eq);
    const std::string_view value = token.substr(eq + 1);
    if (key == "SRC" && !have_src) {
      src = value;
      have_src = true;
    } else if (key == "DST" && !have_dst) {
      dst = value;
      have_dst = true;
    } else if (key == "PROTO" && !have_proto) {
      proto = value;
      have_proto = true;
    } else if (key == "SPT" && !have_spt) {
      spt = value;
      have_spt = true;
    } else if (key == "DPT" && !have_dpt) {
      dpt = value;
      have_dpt = true;
    }
  }
  if (!have_src) return FieldError("SRC", "missing SRC= field");
  if (!have_dst) return FieldError("DST", "missing DST= field");
  VIGIL_ASSIGN_OR_RETURN(record.src, ParseAddress(src, "SRC"));
  VIGIL_ASSIGN_OR_RETURN(record.dst, ParseAddress(dst, "DST"));
  if (have_proto) {
    VIGIL_ASSIGN_OR_RETURN(record.proto, NormalizeProto(proto, "PROTO"));
  }
  if (have_spt) {
    VIGIL_ASSIGN_OR_RETURN(record.src_port, ParsePort(spt, "SPT"));
  }
  if (have_dpt) {
    VIGIL_ASSIGN_OR_RETURN(record.dst_port, ParsePort(dpt, "DPT"));
  }
  return record;
}

Result<LogRecord> ParsePfsense(std::string_view line, const FileContext& context) {
  VIGIL_ASSIGN_OR_RETURN(const SyslogHeader header, ParseSyslogHeader(line, context));
  std::string_view csv;
  if (!TakeProgram(header, "filterlog", &csv)) {
    // The bare CSV (as pfSense keeps it on disk without a syslog envelope) starts with a rule
    // number.
    if (header.time != 0 || header.rest.empty() || !IsDigit(header.rest.front())) {
      return FieldError("filterlog", "not a filterlog line: no \"filterlog:\" tag");
    }
    csv = header.rest;
  }
  const auto fields = SplitFields(csv, ',', 32, /*quotes=*/false);
  const auto field_at = [&](size_t index, std::string_view name) -> Result<std::string_view> {
    if (index >= fields.size()) {
      return FieldError(
          name, "missing: the line ends after " + std::to_string(fields.size()) + " fields");
    }
    return fields[index];
  };
  if (fields.size() < kFilterCommon.size()) {
    return FieldError(kFilterCommon[fields.size()],
                      "missing: the line ends after " + std::to_string(fields.size()) + " fields");
  }
  if (!IsDigits(fields[0])) {
    return FieldError("rulenr", "rule number " + Quote(fields[0]) + " is not a number");
  }
  const std::string_view version = fields[8];
  if (version != "4" && version != "6") {
    return FieldError("ipversion", "IP version " + Quote(version) + " is neither 4 nor 6");
  }
  LogRecord record;
  record.time = header.time;
  VIGIL_ASSIGN_OR_RETURN(record.action, NormalizeAction(fields[6], "action"));

  const bool v4 = version == "4";
  const size_t base = kFilterCommon.size();
  const auto name_of = [&](size_t offset) { return v4 ? kFilterV4[offset] : kFilterV6[offset]; };
  const size_t protonum_at = v4 ? 6 : 4;
  const size_t protoname_at = v4 ? 7 : 3;
  const size_t src_at = v4 ? 9 : 6;  // then dst, srcport, dstport

  VIGIL_ASSIGN_OR_RETURN(const std::string_view protonum,
                         field_at(base + protonum_at, name_of(protonum_at)));
  VIGIL_ASSIGN_OR_RETURN(const std::string_view protoname,
                         field_at(base + protoname_at, name_of(protoname_at)));
  const auto number = ParseDecimal(protonum);
  if (!number || *number > 255) {
    return FieldError(name_of(protonum_at),
                      "protocol number " + Quote(protonum) + " is not a number 0-255");
  }
  if (protoname.empty()) {
    record.proto = ProtoName(*number);
  } else {
    VIGIL_ASSIGN_OR_RETURN(record.proto, NormalizeProto(protoname, name_of(protoname_at)));
  }
  VIGIL_ASSIGN_OR_RETURN(const std::string_view src, field_at(base + src_at, name_of(src_at)));
  VIGIL_ASSIGN_OR_RETURN(const std::string_view dst,
                         field_at(base + src_at + 1, name_of(src_at + 1)));
  VIGIL_ASSIGN_OR_RETURN(record.src, ParseAddress(src, name_of(src_at)));
  VIGIL_ASSIGN_OR_RETURN(record.dst, ParseAddress(dst, name_of(src_at + 1)));
  if (record.src->v6 != !v4 || record.dst->v6 != !v4) {
    return FieldError(record.src->v6 != !v4 ? name_of(src_at) : name_of(src_at + 1),
                      "address family does not match IP version " + std::string(version));
  }
  if (*number == 6 || *number == 17) {  // TCP and UDP carry ports
    VIGIL_ASSIGN_OR_RETURN(const std::string_view spt,
                           field_at(base + src_at + 2, name_of(src_at + 2)));
    VIGIL_ASSIGN_OR_RETURN(const std::string_view dpt,
                           field_at(base + src_at + 3, name_of(src_at + 3)));
    VIGIL_ASSIGN_OR_RETURN(record.src_port, ParsePort(spt, name_of(src_at + 2)));
    VIGIL_ASSIGN_OR_RETURN(record.dst_port, ParsePort(dpt, name_of(src_at + 3)));
  }
  return record;
}

}  // namespace vigil::logs::detail
