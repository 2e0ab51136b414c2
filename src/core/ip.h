// IP addresses, CIDR blocks and MAC addresses: strict parsing, canonical formatting.
//
// Parsers take untrusted text (indicator lists, log lines, API bodies) and return a Result whose
// error message says what is wrong ("octet 1 has a leading zero ..."). They never allocate on the
// success path and never throw. IPv4 and IPv6 are distinct families: an IPv4-mapped IPv6 address
// (::ffff:1.2.3.4) is an IPv6 value and does not equal 1.2.3.4. All functions are thread-safe.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil {

// An IPv4 or IPv6 address. IPv4 uses bytes[0..3] (network order) and leaves the rest zero, so
// that the defaulted comparisons order all IPv4 before all IPv6 and numerically within a family.
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>
  auto operator<=>(const IpAddress&) const = default;
};

// Parses a dotted quad ("192.0.2.1": exactly four decimal octets 0-255, no leading zeros, no
// whitespace) or RFC 4291 IPv6 text ("2001:db8::1", "::", "::ffff:192.0.2.1"; hex digits in either
// case). Rejects zone ids ("fe80::1%eth0"), brackets, prefixes and surrounding whitespace.
// Errors are kInvalidArgument with a message naming the problem.
Result<IpAddress> ParseIp(std::string_view text);

// Canonical text: dotted quad for IPv4; RFC 5952 for IPv6 (lower case, no leading zeros, the
// longest run of two or more zero groups shortened to "::", leftmost on a tie). IPv4-mapped
// addresses (::ffff:0:0/96) use the mixed form "::ffff:192.0.2.1". ParseIp(FormatIp(a)) == a.
std::string FormatIp(const IpAddress& ip);

// A network: base address plus prefix length (0-32 for IPv4, 0-128 for IPv6). Values built by
// ParseCidr have no host bits set in `base`; the functions below also accept values that do.
struct Cidr {
  IpAddress base;
  int prefix = 0;
  auto operator<=>(const Cidr&) const = default;
};

// Parses "10.0.0.0/8" or "2001:db8::/32"; a bare address means /32 or /128. The prefix is a
// decimal number without sign or leading zeros. Host bits set is an error whose message suggests
// the network: "host bits set; did you mean 203.0.113.0/24?".
Result<Cidr> ParseCidr(std::string_view text);

// "10.0.0.0/8"; always includes the prefix, even /32 and /128. Host bits are printed as stored.
std::string FormatCidr(const Cidr& cidr);

// The network's last address: `base` with every host bit set (10.0.0.0/8 -> 10.255.255.255).
IpAddress LastAddress(const Cidr& cidr);

// True when `ip` lies in `cidr`. Always false across families (IPv4 vs IPv6).
bool CidrContains(const Cidr& cidr, const IpAddress& ip);

// True when the two networks share at least one address (one contains the other).
// Always false across families.
bool CidrsOverlap(const Cidr& a, const Cidr& b);

// Accepts "aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff" (Cisco) and "aabbccddeeff",
// hex digits in either case, one separator style per address; returns "aa:bb:cc:dd:ee:ff".
Result<std::string> NormalizeMac(std::string_view text);

}  // namespace vigil
