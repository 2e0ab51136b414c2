// Bytes as /proc/net/{tcp,tcp6,udp,udp6} (the first byte picks IPv4 or IPv6), if_inet6, fib_trie
// and route: no crash, and every parsed socket has printable addresses.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/collect/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool ipv6 = (data[0] & 1) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  vigil::agent::Issues issues;
  for (const auto& entry : vigil::agent::ParseProcNet(text, ipv6, "tcp", issues)) {
    if (entry.local_ip.empty() || entry.remote_ip.empty()) std::abort();
  }
  for (const auto& address : vigil::agent::ParseIfInet6(text, "if_inet6", issues)) {
    if (address.ip.empty() || address.prefix > 128) std::abort();
  }
  (void)vigil::agent::ParseFibTrieLocal(text, "fib_trie", issues);
  (void)vigil::agent::ParseProcRoute(text, "route", issues);
  for (const auto& issue : issues) {
    if (issue.ok() || issue.where().empty()) std::abort();
  }
  return 0;
}
