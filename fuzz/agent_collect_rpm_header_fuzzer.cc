// Bytes as an rpm header blob (Packages.blob of rpmdb.sqlite): no crash and no read outside the
// blob (ASan), and a header that parses has a name and a "version-release".
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/collect/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view blob(reinterpret_cast<const char*>(data), size);
  auto package = vigil::agent::ParseRpmHeader(blob);
  if (package.ok()) {
    if (package->name.empty() || package->version.find('-') == std::string::npos) std::abort();
  } else if (package.status().where().empty()) {
    std::abort();
  }
  return 0;
}
