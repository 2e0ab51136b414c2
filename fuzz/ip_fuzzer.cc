// Fuzzes ParseIp, ParseCidr and NormalizeMac, and checks (abort() on violation) that canonical
// text re-parses to the same value, that parsing agrees with glibc's inet_pton, and that the
// CIDR predicates are consistent.
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/ip.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckIp(std::string_view text) {
  auto ip = vigil::ParseIp(text);
  // Differential check against glibc, which is equally strict (no leading zeros, no zone ids).
  if (text.find('\0') == std::string_view::npos) {
    const std::string c_text(text);
    vigil::IpAddress system;
    system.v6 = c_text.find(':') != std::string::npos;
    const bool system_ok =
        inet_pton(system.v6 ? AF_INET6 : AF_INET, c_text.c_str(), system.bytes.data()) == 1;
    Check(system_ok == ip.ok());
    if (system_ok) Check(system == *ip);
  }
  if (!ip.ok()) {
    Check(ip.status().code() == vigil::StatusCode::kInvalidArgument);
    Check(!ip.status().message().empty());
    return;
  }
  const std::string canonical = vigil::FormatIp(*ip);
  auto again = vigil::ParseIp(canonical);
  Check(again.ok() && *again == *ip);
  Check(vigil::FormatIp(*again) == canonical);
  // A bare address is a CIDR of one address.
  auto single = vigil::ParseCidr(text);
  Check(single.ok() && single->base == *ip && single->prefix == (ip->v6 ? 128 : 32));
}

void CheckCidr(std::string_view text) {
  auto cidr = vigil::ParseCidr(text);
  if (!cidr.ok()) {
    Check(!cidr.status().message().empty());
    return;
  }
  Check(cidr->prefix >= 0 && cidr->prefix <= (cidr->base.v6 ? 128 : 32));
  const std::string canonical = vigil::FormatCidr(*cidr);
  auto again = vigil::ParseCidr(canonical);
  Check(again.ok() && again->base == cidr->base && again->prefix == cidr->prefix);
  Check(vigil::CidrContains(*cidr, cidr->base));
  Check(vigil::CidrsOverlap(*cidr, *cidr));
  vigil::Cidr wider = *cidr;
  if (wider.prefix > 0) --wider.prefix;
  Check(vigil::CidrsOverlap(wider, *cidr) && vigil::CidrsOverlap(*cidr, wider));
  // The last address of the network is inside; the one after it is not (unless it wraps).
  vigil::IpAddress last = cidr->base;
  const int bits = cidr->base.v6 ? 128 : 32;
  for (int bit = cidr->prefix; bit < bits; ++bit) last.bytes[bit / 8] |= 0x80 >> (bit % 8);
  Check(vigil::CidrContains(*cidr, last));
  vigil::IpAddress next = last;
  int i = bits / 8 - 1;
  while (i >= 0 && ++next.bytes[i] == 0) --i;
  if (i >= 0) Check(!vigil::CidrContains(*cidr, next));
}

void CheckMac(std::string_view text) {
  auto mac = vigil::NormalizeMac(text);
  if (!mac.ok()) {
    Check(!mac.status().message().empty());
    return;
  }
  Check(mac->size() == 17);
  auto again = vigil::NormalizeMac(*mac);
  Check(again.ok() && *again == *mac);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckIp(text);
  CheckCidr(text);
  CheckMac(text);
  return 0;
}
