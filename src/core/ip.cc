#include "core/ip.h"

#include <algorithm>
#include <cstring>

#include "core/text.h"

namespace vigil {
namespace {

constexpr size_t kMaxQuoted = 64;  // how much of a bad input an error message repeats

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendHexByte(std::string* out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

// `text` in double quotes for a message (core/text.h).
std::string Quote(std::string_view text) { return QuoteForMessage(text, kMaxQuoted); }

// "'x' at position 3" / "whitespace at position 1" / "byte 0xc3 at position 2": the byte at
// `pos`, with its 1-based position counted from `offset` bytes before `text`.
std::string DescribeAt(std::string_view text, size_t pos, size_t offset = 0) {
  const auto c = static_cast<unsigned char>(text[pos]);
  std::string out;
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
    out = "whitespace";
  } else if (c > 0x20 && c < 0x7f) {
    out = "'";
    out.push_back(static_cast<char>(c));
    out += "'";
  } else {
    out = "byte 0x";
    AppendHexByte(&out, c);
  }
  return out + " at position " + std::to_string(offset + pos + 1);
}

// Parses exactly four decimal octets filling `text` (which starts `offset` bytes into the input,
// for messages). On failure sets *error and returns false.
bool ParseV4(std::string_view text, uint8_t* out, std::string* error, size_t offset = 0) {
  const auto octet_name = [](int octet) { return "octet " + std::to_string(octet + 1); };
  size_t pos = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (pos == text.size()) {
        *error = "expected 4 dotted octets, got " + std::to_string(octet);
        return false;
      }
      if (text[pos] != '.') {
        *error = "unexpected " + DescribeAt(text, pos, offset);
        return false;
      }
      ++pos;
    }
    const size_t start = pos;
    unsigned value = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
      if (value <= 255) value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      ++pos;
    }
    const size_t len = pos - start;
    if (len == 0) {
      if (pos == text.size() || text[pos] == '.') {
        *error = octet_name(octet) + " is empty";
      } else {
        *error = "unexpected " + DescribeAt(text, pos, offset);
      }
      return false;
    }
    if (value > 255) {
      *error = octet_name(octet) + " (" +
               std::string(text.substr(start, std::min<size_t>(len, 8))) +
               (len > 8 ? "...)" : ")") + " is out of range 0-255";
      return false;
    }
    if (len > 1 && text[start] == '0') {
      *error = octet_name(octet) + " (" + std::string(text.substr(start, len)) +
               ") has a leading zero, which some tools read as octal; write " +
               std::to_string(value);
      return false;
    }
    out[octet] = static_cast<uint8_t>(value);
  }
  if (pos != text.size()) {
    *error =
        text[pos] == '.' ? "more than 4 octets" : "unexpected " + DescribeAt(text, pos, offset);
    return false;
  }
  return true;
}

// Parses RFC 4291 text (no zone id) into 16 bytes. On failure sets *error and returns false.
bool ParseV6(std::string_view text, uint8_t* out, std::string* error) {
  uint16_t groups[8] = {};
  int count = 0;
  int gap = -1;  // index in `groups` where "::" stands, or -1
  size_t pos = 0;
  const size_t n = text.size();
  if (text[0] == ':') {
    if (n < 2 || text[1] != ':') {
      *error = "starts with a single ':'";
      return false;
    }
    gap = 0;
    pos = 2;
  }
  while (pos < n) {
    const size_t start = pos;
    unsigned value = 0;
    while (pos < n && HexValue(text[pos]) >= 0) {
      value = (value << 4 | static_cast<unsigned>(HexValue(text[pos]))) & 0xfffffu;
      ++pos;
    }
    if (pos < n && text[pos] == '.') {  // embedded IPv4 in the last 32 bits
      if (count > 6) {
        *error = "too many groups before the embedded IPv4 address";
        return false;
      }
      uint8_t v4[4];
      std::string v4_error;
      if (!ParseV4(text.substr(start), v4, &v4_error, start)) {
        *error = "embedded IPv4 address: " + v4_error;
        return false;
      }
      groups[count++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      break;
    }
    if (pos == start) {
      if (text[pos] == ':') {
        *error = gap >= 0 && start >= 2 && text[start - 1] == ':' && text[start - 2] == ':'
                     ? "':::' is not valid"
                     : "empty group (\"::\" may appear only once)";
      } else if (text[pos] == '%') {
        *error = "zone ids (\"%eth0\") are not supported";
      } else {
        *error = "unexpected " + DescribeAt(text, pos);
      }
      return false;
    }
    if (pos - start > 4) {
      *error = "group " + std::to_string(count + 1) + " has more than 4 hex digits";
      return false;
    }
    if (count == 8) {
      *error = "more than 8 groups";
      return false;
    }
    groups[count++] = static_cast<uint16_t>(value);
    if (pos == n) break;
    if (text[pos] != ':') {
      *error = text[pos] == '%' ? "zone ids (\"%eth0\") are not supported"
                                : "unexpected " + DescribeAt(text, pos);
      return false;
    }
    ++pos;
    if (pos == n) {
      *error = "ends with a single ':'";
      return false;
    }
    if (text[pos] == ':') {
      if (gap >= 0) {
        *error = "\"::\" appears more than once";
        return false;
      }
      gap = count;
      ++pos;
    }
  }
  if (gap < 0 && count != 8) {
    *error = "expected 8 groups, got " + std::to_string(count);
    return false;
  }
  if (gap >= 0 && count > 7) {
    *error = "\"::\" must stand for at least one zero group, but there are already 8";
    return false;
  }
  std::memset(out, 0, 16);
  const int tail = gap < 0 ? 0 : count - gap;  // groups after "::"
  const int head = count - tail;
  for (int i = 0; i < head; ++i) {
    out[2 * static_cast<size_t>(i)] = static_cast<uint8_t>(groups[i] >> 8);
    out[2 * static_cast<size_t>(i) + 1] = static_cast<uint8_t>(groups[i]);
  }
  for (int i = 0; i < tail; ++i) {
    const int dst = 8 - tail + i;
    out[2 * static_cast<size_t>(dst)] = static_cast<uint8_t>(groups[head + i] >> 8);
    out[2 * static_cast<size_t>(dst) + 1] = static_cast<uint8_t>(groups[head + i]);
  }
  return true;
}

// Shared by ParseIp and ParseCidr; *error is set only on failure.
bool ParseIpInto(std::string_view text, IpAddress* ip, std::string* error) {
  *ip = IpAddress{};
  if (text.empty()) {
    *error = "empty";
    return false;
  }
  if (text.find(':') != std::string_view::npos) {
    ip->v6 = true;
    if (text.front() == '[') {
      *error = "brackets are not part of an address";
      return false;
    }
    return ParseV6(text, ip->bytes.data(), error);
  }
  return ParseV4(text, ip->bytes.data(), error);
}

int MaxPrefix(const IpAddress& ip) { return ip.v6 ? 128 : 32; }

// True when the first `bits` bits of a and b are equal.
bool PrefixEqual(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  const int whole = bits / 8;
  if (std::memcmp(a.data(), b.data(), static_cast<size_t>(whole)) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

int ClampPrefix(const Cidr& cidr) { return std::clamp(cidr.prefix, 0, MaxPrefix(cidr.base)); }

void AppendV4(std::string* out, const uint8_t* b) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out->push_back('.');
    out->append(std::to_string(b[i]));
  }
}

}  // namespace

Result<IpAddress> ParseIp(std::string_view text) {
  IpAddress ip;
  std::string error;
  if (!ParseIpInto(text, &ip, &error)) {
    return InvalidArgument("invalid IP address " + Quote(text) + ": " + error);
  }
  return ip;
}

std::string FormatIp(const IpAddress& ip) {
  std::string out;
  const uint8_t* b = ip.bytes.data();
  if (!ip.v6) {
    AppendV4(&out, b);
    return out;
  }
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMappedPrefix, 12) == 0) {
    out = "::ffff:";
    AppendV4(&out, b + 12);
    return out;
  }
  unsigned groups[8];
  for (int i = 0; i < 8; ++i)
    groups[i] = static_cast<unsigned>(b[2 * static_cast<size_t>(i)] << 8 |
                                      b[2 * static_cast<size_t>(i) + 1]);
  int best = -1, best_len = 1;  // RFC 5952 4.2.2: a single zero group is not shortened
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best + best_len) out.push_back(':');
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned digit = groups[i] >> shift & 15;
      if (digit != 0 || started || shift == 0) {
        out.push_back(kHex[digit]);
        started = true;
      }
    }
  }
  return out;
}

Result<Cidr> ParseCidr(std::string_view text) {
  Cidr cidr;
  std::string error;
  const size_t slash = text.find('/');
  if (!ParseIpInto(text.substr(0, slash), &cidr.base, &error)) {
    return InvalidArgument("invalid CIDR " + Quote(text) + ": " + error);
  }
  const int max = MaxPrefix(cidr.base);
  if (slash == std::string_view::npos) {
    cidr.prefix = max;
    return cidr;
  }
  const std::string_view digits = text.substr(slash + 1);
  const char* family = cidr.base.v6 ? "IPv6" : "IPv4";
  if (digits.empty()) {
    return InvalidArgument("invalid CIDR " + Quote(text) + ": missing prefix length after '/'");
  }
  int prefix = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (!IsDigit(digits[i])) {
      return InvalidArgument("invalid CIDR " + Quote(text) + ": prefix length has unexpected " +
                             DescribeAt(text, slash + 1 + i));
    }
    if (prefix <= max) prefix = prefix * 10 + (digits[i] - '0');
  }
  if (prefix > max) {
    return InvalidArgument("invalid CIDR " + Quote(text) + ": prefix length " +
                           Quote(digits.substr(0, 8)) + " is out of range for " + family + " (0-" +
                           std::to_string(max) + ")");
  }
  if (digits.size() > 1 && digits[0] == '0') {
    return InvalidArgument("invalid CIDR " + Quote(text) + ": prefix length " + Quote(digits) +
                           " has a leading zero; write /" + std::to_string(prefix));
  }
  cidr.prefix = prefix;
  Cidr network = cidr;
  const int whole = prefix / 8;
  if (prefix % 8 != 0) network.base.bytes[whole] &= static_cast<uint8_t>(0xff << (8 - prefix % 8));
  for (int i = (prefix + 7) / 8; i < 16; ++i) network.base.bytes[i] = 0;
  if (network.base != cidr.base) {
    return InvalidArgument("invalid CIDR " + Quote(text) + ": host bits set; did you mean " +
                           FormatCidr(network) + "?");
  }
  return cidr;
}

std::string FormatCidr(const Cidr& cidr) {
  return FormatIp(cidr.base) + "/" + std::to_string(cidr.prefix);
}

IpAddress LastAddress(const Cidr& cidr) {
  IpAddress last = cidr.base;
  const int bits = MaxPrefix(cidr.base);
  for (int bit = ClampPrefix(cidr); bit < bits; ++bit) {
    last.bytes[static_cast<size_t>(bit / 8)] |= static_cast<uint8_t>(0x80 >> (bit % 8));
  }
  return last;
}

bool CidrContains(const Cidr& cidr, const IpAddress& ip) {
  if (cidr.base.v6 != ip.v6) return false;
  return PrefixEqual(cidr.base.bytes, ip.bytes, ClampPrefix(cidr));
}

bool CidrsOverlap(const Cidr& a, const Cidr& b) {
  if (a.base.v6 != b.base.v6) return false;
  return PrefixEqual(a.base.bytes, b.base.bytes, std::min(ClampPrefix(a), ClampPrefix(b)));
}

Result<std::string> NormalizeMac(std::string_view text) {
  const auto fail = [&](const std::string& why) -> Status {
    return InvalidArgument("invalid MAC address " + Quote(text) + ": " + why);
  };
  constexpr const char* kLayouts =
      "expected 12 hex digits as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or "
      "aabbccddeeff";
  // The layout is known from the length; then every separator must match the first.
  char sep = 0;
  size_t sep_every = 0;  // a separator after every N hex digits
  if (text.size() == 17) {
    sep = text[2];
    sep_every = 2;
    if (sep != ':' && sep != '-') return fail("expected ':' or '-' at position 3");
  } else if (text.size() == 14) {
    sep = '.';
    sep_every = 4;
    if (text[4] != '.') return fail(kLayouts);
  } else if (text.size() != 12) {
    return fail(kLayouts);
  }
  std::string out;
  out.reserve(17);
  size_t digits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool sep_here = sep != 0 && (i + 1) % (sep_every + 1) == 0;
    if (sep_here) {
      if (text[i] != sep) {
        return fail(std::string("expected '") + sep + "' (one separator style) but found " +
                    DescribeAt(text, i));
      }
      continue;
    }
    if (HexValue(text[i]) < 0) return fail("not a hex digit: " + DescribeAt(text, i));
    if (digits > 0 && digits % 2 == 0) out.push_back(':');
    out.push_back(static_cast<char>(text[i] | 0x20));  // digits are unchanged by | 0x20
    ++digits;
  }
  return out;
}

}  // namespace vigil
