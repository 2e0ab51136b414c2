// Fuzzes the abuse.ch Feodo Tracker CSV importer; see intel_import_check.h for the checks.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "intel_import_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  vigil::intel::ImportOptions options;
  options.format = vigil::intel::ListFormat::kFeodoCsv;
  vigil::fuzz::CheckImport(input, options);
  return 0;
}
