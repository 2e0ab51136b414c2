// Fuzzes the STIX 2.1 bundle importer (JSON and the pattern parser), leniently and strictly; the
// checks are in intel_import_check.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "intel_import_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  vigil::intel::ImportOptions options;
  options.format = vigil::intel::ListFormat::kStix;
  vigil::fuzz::CheckImport(input, options);
  return 0;
}
