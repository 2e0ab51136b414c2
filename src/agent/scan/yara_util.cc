#include "agent/scan/yara_util.h"

#include <yara.h>

namespace vigil::agent {

Status EnsureYaraInitialized() {
  static const int rc = yr_initialize();
  if (rc != ERROR_SUCCESS) return Internal("yr_initialize failed: " + std::to_string(rc));
  return Status::Ok();
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

}  // namespace vigil::agent
