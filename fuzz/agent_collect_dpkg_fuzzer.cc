// Bytes as /var/lib/dpkg/status through the dpkg status parser: no crash, every record has a
// package name and a status, and every issue names the file and a line.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/collect/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  vigil::agent::Issues issues;
  for (const auto& record : vigil::agent::ParseDpkgStatus(text, "status", issues)) {
    if (record.name.empty() || record.status.empty() || record.line == 0) std::abort();
  }
  for (const auto& issue : issues) {
    if (issue.ok() || issue.where().rfind("status:", 0) != 0) std::abort();
  }
  return 0;
}
