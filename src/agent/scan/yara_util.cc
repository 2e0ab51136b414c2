#include "agent/scan/yara_util.h"

#include <yara.h>

namespace vigil::agent {

Status EnsureYaraInitialized() {
  static const int rc = yr_initialize();
  if (rc != ERROR_SUCCESS) return Internal("yr_initialize failed: " + std::to_string(rc));
  return Status::Ok();
}

}  // namespace vigil::agent
