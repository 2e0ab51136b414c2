// Feeds arbitrary bytes to the address scanner and checks it against the byte-by-byte reference
// (grepcidr 2.0's rule) for each choice of families: any difference aborts.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "hunt/address_scanner_reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto [v4, v6] : {std::pair{true, true}, {true, false}, {false, true}}) {
    if (vigil::hunt::ScanSpans(text, v4, v6) != vigil::hunt::Reference(text, v4, v6)) std::abort();
  }
  return 0;
}
