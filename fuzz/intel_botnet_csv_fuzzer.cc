// Fuzzes the botnet-list CSV importer (header detection, column mapping, dates); every fourth input
// also with an explicit positional mapping, leniently and strictly; the checks are in
// intel_import_check.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "intel_import_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  vigil::intel::ImportOptions options;
  options.format = vigil::intel::ListFormat::kBotnetCsv;
  if (input.size() % 4 == 3) {
    options.columns = {{vigil::intel::Column::kIp, "#1"}, {vigil::intel::Column::kTime, "#2"}};
  }
  vigil::fuzz::CheckImport(input, options);
  return 0;
}
