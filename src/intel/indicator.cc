#include "intel/indicator.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/text.h"

namespace vigil::intel {
namespace {

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

bool AllHex(std::string_view text) { return std::all_of(text.begin(), text.end(), IsHex); }

bool IsLabelChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

Indicator Make(IndicatorKind kind, std::string_view value) {
  Indicator indicator;
  indicator.kind = kind;
  indicator.value = std::string(value);
  return indicator;
}

Result<Indicator> ParseAddressKind(std::string_view text) {
  if (const size_t dash = text.find('-'); dash != std::string_view::npos) {
    auto first = ParseIp(Trim(text.substr(0, dash)));
    if (!first.ok()) return InvalidArgument("range start: " + first.status().message());
    auto last = ParseIp(Trim(text.substr(dash + 1)));
    if (!last.ok()) return InvalidArgument("range end: " + last.status().message());
    if (first.value().v6 != last.value().v6) {
      return InvalidArgument("range mixes IPv4 and IPv6");
    }
    if (last.value() < first.value()) return InvalidArgument("range ends before it starts");
    Indicator indicator = Make(IndicatorKind::kRange, text);
    indicator.first = first.value();
    indicator.last = last.value();
    return indicator;
  }
  if (text.find('/') != std::string_view::npos) {
    auto cidr = ParseCidr(text);
    if (!cidr.ok()) return cidr.status();
    Indicator indicator = Make(IndicatorKind::kCidr, text);
    indicator.first = cidr.value().base;
    indicator.last = LastAddress(cidr.value());
    return indicator;
  }
  auto ip = ParseIp(text);
  if (!ip.ok()) return ip.status();
  Indicator indicator = Make(IndicatorKind::kIp, text);
  indicator.first = indicator.last = ip.value();
  return indicator;
}

// Looks like an address, network or range: only hex digits, '.', ':', '/', '-' and spaces around
// a range dash, and at least one '.' or ':' (so "deadbeef..." hashes and names are excluded).
bool LooksLikeAddress(std::string_view text) {
  bool separator = false;
  bool letters_only_hex = true;
  for (const char c : text) {
    if (c == '.' || c == ':') {
      separator = true;
    } else if (!(IsHex(c) || c == '/' || c == '-' || c == ' ')) {
      letters_only_hex = false;
    }
  }
  if (!separator || !letters_only_hex) return false;
  // "cafe.be" is a domain: IPv4 text has no letters, IPv6 text has a ':'.
  const bool has_colon = text.find(':') != std::string_view::npos;
  const bool has_letter = std::any_of(text.begin(), text.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
  });
  return has_colon || !has_letter;
}

}  // namespace

std::string_view IndicatorKindName(IndicatorKind kind) {
  switch (kind) {
    case IndicatorKind::kIp:
      return "ip";
    case IndicatorKind::kCidr:
      return "cidr";
    case IndicatorKind::kRange:
      return "range";
    case IndicatorKind::kDomain:
      return "domain";
    case IndicatorKind::kDomainSuffix:
      return "domain-suffix";
    case IndicatorKind::kUrl:
      return "url";
    case IndicatorKind::kMd5:
      return "md5";
    case IndicatorKind::kSha1:
      return "sha1";
    case IndicatorKind::kSha256:
      return "sha256";
  }
  return "unknown";
}

Result<std::string> NormalizeDomain(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return InvalidArgument("empty domain name");
  if (name.size() > 253) return InvalidArgument("domain name longer than 253 characters");
  std::string out = AsciiLower(name);
  size_t labels = 0;
  for (const std::string_view label : Split(out, '.')) {
    if (label.empty()) return InvalidArgument("empty label in domain name");
    if (label.size() > 63) return InvalidArgument("domain label longer than 63 characters");
    if (!std::all_of(label.begin(), label.end(), IsLabelChar)) {
      return InvalidArgument("domain names hold only letters, digits, '-' and '_'");
    }
    ++labels;
  }
  if (labels < 2) return InvalidArgument("a domain name needs at least two labels");
  return out;
}

Result<std::string> NormalizeUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return InvalidArgument("URL without scheme");
  const std::string scheme = AsciiLower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https" && scheme != "ftp") {
    return InvalidArgument("URL scheme must be http, https or ftp");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const size_t path_start = std::min(rest.find_first_of("/?"), rest.size());
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = rest.substr(path_start);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  if (authority.empty()) return InvalidArgument("URL without host");
  std::string host = AsciiLower(authority);
  const std::string default_port = scheme == "http" ? ":80" : scheme == "https" ? ":443" : ":21";
  if (host.size() > default_port.size() && host.ends_with(default_port)) {
    host.resize(host.size() - default_port.size());  // "[2001:db8::1]:80" keeps its brackets
  }
  if (path == "/") path = {};
  if (std::any_of(path.begin(), path.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
    return InvalidArgument("URL contains spaces or control characters");
  }
  return scheme + "://" + host + std::string(path);
}

Result<Indicator> ParseIndicator(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return InvalidArgument("empty entry");
  if (text.find("://") != std::string_view::npos) {
    auto url = NormalizeUrl(text);
    if (!url.ok()) return url.status();
    Indicator indicator = Make(IndicatorKind::kUrl, text);
    indicator.key = std::move(url.value());
    return indicator;
  }
  if (LooksLikeAddress(text)) return ParseAddressKind(text);
  if (AllHex(text) && (text.size() == 32 || text.size() == 40 || text.size() == 64)) {
    Indicator indicator = Make(text.size() == 32   ? IndicatorKind::kMd5
                               : text.size() == 40 ? IndicatorKind::kSha1
                                                   : IndicatorKind::kSha256,
                               text);
    indicator.key = AsciiLower(text);
    return indicator;
  }
  IndicatorKind kind = IndicatorKind::kDomain;
  std::string_view name = text;
  if (name.starts_with("*.")) {
    kind = IndicatorKind::kDomainSuffix;
    name.remove_prefix(2);
  } else if (name.starts_with('.')) {
    kind = IndicatorKind::kDomainSuffix;
    name.remove_prefix(1);
  }
  auto normalized = NormalizeDomain(name);
  if (!normalized.ok()) {
    if (kind == IndicatorKind::kDomain && name.find('.') == std::string_view::npos) {
      return InvalidArgument("not an IP address, network, domain, URL or hash");
    }
    return normalized.status();
  }
  Indicator indicator = Make(kind, text);
  indicator.key = std::move(normalized.value());
  return indicator;
}

}  // namespace vigil::intel
