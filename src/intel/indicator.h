// Indicators of compromise as lists deliver them: addresses, networks, ranges, domains, URLs and
// file hashes, each with the metadata a national botnet list or a threat feed carries.
//
// An Indicator keeps the entry exactly as written (`value`), so that a match can be reported in
// the list's own terms, and its parsed form for matching. Times are Unix seconds; 0 means
// "unknown" (or, for `expires`, "never"). Nothing here throws; parsers return Result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/status.h"

namespace vigil::intel {

enum class IndicatorKind {
  kIp,            // one address: "203.0.113.5", "2001:db8::5"
  kCidr,          // "203.0.113.0/24"
  kRange,         // "203.0.113.10-203.0.113.20" (inclusive, same family, first <= last)
  kDomain,        // exact name: "evil.example" (matches that name only)
  kDomainSuffix,  // "*.evil.example" or ".evil.example": the name and every subdomain
  kUrl,           // "http://evil.example/path" (scheme http, https, ftp; compared normalised)
  kMd5,           // 32 hex digits
  kSha1,          // 40 hex digits
  kSha256,        // 64 hex digits
};

std::string_view IndicatorKindName(IndicatorKind kind);  // "ip", "cidr", "range", "domain", ...

struct Indicator {
  IndicatorKind kind = IndicatorKind::kIp;
  std::string value;  // as written in the source, trimmed

  // Parsed form. Address kinds: the inclusive range [first, last] (one address: first == last).
  // Name kinds: lower-case, no trailing dot, IDNA left as given; URL: normalised as by
  // NormalizeUrl; hashes: lower-case hex.
  IpAddress first, last;
  std::string key;

  std::string source;      // list or feed name, e.g. "VNCERT 2026-11" or the file name
  int64_t first_seen = 0;  // Unix seconds; for a botnet list, the listed time
  int64_t last_seen = 0;
  int64_t expires = 0;  // entries with 0 < expires <= now do not match; 0 = never
  std::string family;   // botnet or malware family ("Mirai", "Emotet")
  int port = 0;         // the listed address's (source) port; 0 = not given
  int confidence = -1;  // 0-100; -1 = not given
  std::vector<std::string> tags;
  bool allow = false;  // an allow-list entry: suppresses matches instead of producing them

  // Botnet-list columns used by NAT attribution and reports.
  std::optional<IpAddress> dest_ip;  // C2 / sinkhole address the host talked to
  int dest_port = 0;
  std::string isp;  // "Nhà mạng"

  bool is_address() const {
    return kind == IndicatorKind::kIp || kind == IndicatorKind::kCidr ||
           kind == IndicatorKind::kRange;
  }
};

// Classifies and parses one entry: an address, CIDR, "a-b" range, domain ("evil.example"),
// domain suffix ("*.evil.example", ".evil.example"), URL (with scheme) or hash (by length:
// 32/40/64 hex digits). Surrounding whitespace is ignored. Fills kind, value, first/last and key
// only. Errors (kInvalidArgument) say why: "host bits set; did you mean 203.0.113.0/24?",
// "range ends before it starts", "not an IP address, network, domain, URL or hash".
Result<Indicator> ParseIndicator(std::string_view text);

// Lower-cases scheme and host, drops a default port (:80 for http, :443 for https), a fragment
// and a trailing "/" on an empty path. "HTTP://Evil.Example:80/a?b#c" -> "http://evil.example/a?b".
Result<std::string> NormalizeUrl(std::string_view url);

// Lower-cases and strips one trailing dot; fails unless the name is a plausible DNS name
// (labels of 1-63 letters, digits, '-' or '_', total <= 253, at least two labels).
Result<std::string> NormalizeDomain(std::string_view name);

}  // namespace vigil::intel
