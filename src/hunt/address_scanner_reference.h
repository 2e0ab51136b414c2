// The byte-by-byte reference for address_scanner.h, for tests and the fuzzer only: grepcidr
// 2.0's scan_with_hints transcribed one line at a time with the C library's inet_pton. Slow and
// obviously faithful; ScanAddresses must report exactly the same spans.
#pragma once

#include <arpa/inet.h>

#include <cctype>
#include <string>
#include <vector>

#include "hunt/address_scanner.h"

namespace vigil::hunt {

struct Span {
  size_t begin, end;
  bool v6;
  uint64_t line;  // 0-based
  bool operator==(const Span&) const = default;
};

// `wide`: whether ScanAddresses may use its AVX-512 chunk scan (when the CPU has it). With
// `line_feeds`, also what ScanAddresses counted.
inline std::vector<Span> ScanSpans(std::string_view text, bool v4, bool v6, bool wide = true,
                                   uint64_t* line_feeds = nullptr) {
  std::vector<Span> spans;
  const uint64_t counted = ScanAddresses(text, v4, v6, wide && scanner_detail::WideScanAvailable(),
                                         [&](const AddressHit& hit) {
                                           spans.push_back({hit.begin, hit.end, hit.v6, hit.line});
                                           return true;
                                         });
  if (line_feeds != nullptr) *line_feeds = counted;
  return spans;
}

// grepcidr 2.0's scan_with_hints, transcribed byte by byte over one line at a time with the C
// library's inet_pton: the reference the fast scanner must agree with.
inline std::vector<Span> Reference(const std::string& text, bool v4, bool v6) {
  std::vector<Span> spans;
  size_t line_start = 0;
  uint64_t line_index = 0;
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    const std::string line = text.substr(line_start, line_end - line_start);
    auto at = [&](size_t i) { return i < line.size() ? line[i] : '\0'; };
    auto hex = [&](size_t i) { return std::isxdigit(static_cast<unsigned char>(at(i))) != 0; };
    auto span = [&](size_t p, bool colon) {
      size_t n = 0;
      while (p + n < line.size() && (std::isalnum(static_cast<unsigned char>(line[p + n])) ||
                                     line[p + n] == '.' || (colon && line[p + n] == ':'))) {
        ++n;
      }
      return n;
    };
    for (size_t p = 0; p < line.size(); ++p) {
      if (v4 && std::isdigit(static_cast<unsigned char>(at(p))) &&
          (at(p + 1) == '.' || at(p + 2) == '.' || at(p + 3) == '.')) {
        const size_t n = span(p, false);
        unsigned char out[4];
        if (n <= 15 && inet_pton(AF_INET, line.substr(p, n).c_str(), out) == 1) {
          spans.push_back({line_start + p, line_start + p + n, false, line_index});
        }
        p += n - 1;
        continue;
      }
      if (v6 && ((at(p) == ':' && at(p + 1) == ':' && hex(p + 2)) || (hex(p) && at(p + 1) == ':') ||
                 (hex(p) && hex(p + 1) && at(p + 2) == ':') ||
                 (hex(p) && hex(p + 1) && hex(p + 2) && at(p + 3) == ':') ||
                 (hex(p) && hex(p + 1) && hex(p + 2) && hex(p + 3) && at(p + 4) == ':'))) {
        const size_t n = span(p, true);
        unsigned char out[16];
        if (n <= 45 && inet_pton(AF_INET6, line.substr(p, n).c_str(), out) == 1) {
          spans.push_back({line_start + p, line_start + p + n, true, line_index});
        }
        p += n - 1;
        continue;
      }
    }
    line_start = line_end + 1;
    ++line_index;
  }
  return spans;
}

}  // namespace vigil::hunt
