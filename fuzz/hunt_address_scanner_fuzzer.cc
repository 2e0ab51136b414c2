// Feeds arbitrary bytes to the address scanner and checks it against the byte-by-byte reference
// (grepcidr 2.0's rule) for each choice of families, both scan paths, and the line feeds counted:
// any difference aborts.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "hunt/address_scanner_reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto line_feeds = static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
  for (const auto& [v4, v6] : {std::pair{true, true}, {true, false}, {false, true}}) {
    const auto expected = vigil::hunt::Reference(text, v4, v6);
    for (const bool wide : {false, true}) {
      uint64_t counted = 0;
      if (vigil::hunt::ScanSpans(text, v4, v6, wide, &counted) != expected) std::abort();
      if (counted != line_feeds) std::abort();
    }
  }
  return 0;
}
