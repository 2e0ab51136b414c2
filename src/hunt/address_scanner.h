// Finds IPv4 and IPv6 addresses in log text exactly where grepcidr 2.0 looks for them, so that
// `vigil hunt` and grepcidr report the same lines for the same list.
//
// The rule (grepcidr 2.0's "hints", applied left to right with no overlap):
//   * IPv4 (when wanted): at a digit followed by '.' within the next three bytes, the field is the
//     run of [A-Za-z0-9.] starting there; it is an address when it is exactly a dotted quad
//     (inet_pton: four decimal octets 0-255, no leading zeros). Either way the scan resumes after
//     the field.
//   * IPv6 (when wanted, and no IPv4 hint here): at "::" followed by a hex digit, or at one to four
//     hex digits followed by ':', the field is the run of [A-Za-z0-9.:]; it is an address when
//     inet_pton(AF_INET6) accepts all of it. The scan resumes after the field.
//   * Otherwise the scan moves on by one byte. Nothing crosses a line feed.
// So "SRC=10.0.0.1" and "[2001:db8::1]:80" yield addresses, while "10.0.0.1a",
// "4.3.2.1.in-addr.arpa" and "v1.2.3.4.5" do not. Whether IPv4 and IPv6 are wanted follows the
// list (grepcidr scans for a family only when it has patterns of it); the choice changes what an
// IPv6-looking field swallows, and that is part of grepcidr's behaviour too.
//
// ScanAddresses jumps between '.' / ':' bytes with SSE2 and runs the byte rule only near them.
#pragma once

#include <arpa/inet.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vigil::hunt {

struct AddressHit {
  size_t begin = 0, end = 0;  // byte offsets of the address text
  bool v6 = false;
  uint32_t v4 = 0;                  // host byte order
  std::array<uint8_t, 16> bytes{};  // IPv6, network order
};

namespace scanner_detail {

inline constexpr auto kFieldV4 = [] {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = table[c - 'a' + 'A'] = true;
  table['.'] = true;
  return table;
}();
inline constexpr auto kFieldV6 = [] {
  auto table = kFieldV4;
  table[':'] = true;
  return table;
}();
inline constexpr auto kHex = [] {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'f'; ++c) table[c] = table[c - 'a' + 'A'] = true;
  return table;
}();

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Strict dotted quad over exactly [p, p + n): inet_pton(AF_INET) semantics.
inline bool ParseV4(const char* p, size_t n, uint32_t* out) {
  if (n < 7 || n > 15) return false;
  uint32_t value = 0;
  const char* end = p + n;
  for (int octet = 0; octet < 4; ++octet) {
    if (p == end || !IsDigit(*p)) return false;
    uint32_t part = static_cast<uint32_t>(*p++ - '0');
    int digits = 1;
    while (p != end && IsDigit(*p)) {
      if (part == 0 || ++digits > 3) return false;  // leading zero, or too long
      part = part * 10 + static_cast<uint32_t>(*p++ - '0');
    }
    if (part > 255) return false;
    value = value << 8 | part;
    if (octet < 3) {
      if (p == end || *p != '.') return false;
      ++p;
    }
  }
  if (p != end) return false;
  *out = value;
  return true;
}

// Cheap necessary conditions for inet_pton(AF_INET6) before calling it: at most 45 bytes, and
// either "::" with at most 8 colons, or exactly 7 colons, or 6 colons and an embedded IPv4.
inline bool ParseV6(const char* p, size_t n, uint8_t* out) {
  if (n < 2 || n > 45) return false;
  int colons = 0;
  bool dot = false, double_colon = false;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == ':') {
      if (++colons > 8) return false;  // e.g. a MAC address chain
      if (i > 0 && p[i - 1] == ':') double_colon = true;
    } else if (p[i] == '.') {
      dot = true;
    } else if (!kHex[static_cast<unsigned char>(p[i])]) {
      return false;
    }
  }
  if (double_colon ? colons > 8 : !(colons == 7 || (colons == 6 && dot))) return false;
  char text[46];
  std::memcpy(text, p, n);
  text[n] = '\0';
  return inet_pton(AF_INET6, text, out) == 1;
}

// Length of the field starting at `from`: the run of [A-Za-z0-9.] (and ':' when `colon`).
inline size_t FieldLength(const char* data, size_t from, size_t size, bool colon) {
  size_t end = from;
#if defined(__SSE2__)
  // Classify 16 bytes at a time; bytes >= 0x80 are negative as signed chars and fail every range.
  const __m128i digit_lo = _mm_set1_epi8('0' - 1),
                digit_hi = _mm_set1_epi8(colon ? ':' + 1 : '9' + 1);
  const __m128i alpha_lo = _mm_set1_epi8('a' - 1), alpha_hi = _mm_set1_epi8('z' + 1);
  const __m128i case_bit = _mm_set1_epi8(0x20), dot = _mm_set1_epi8('.');
  for (; end + 16 <= size; end += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + end));
    const __m128i lower = _mm_or_si128(v, case_bit);
    const __m128i in = _mm_or_si128(
        _mm_or_si128(
            _mm_and_si128(_mm_cmpgt_epi8(v, digit_lo), _mm_cmplt_epi8(v, digit_hi)),
            _mm_and_si128(_mm_cmpgt_epi8(lower, alpha_lo), _mm_cmplt_epi8(lower, alpha_hi))),
        _mm_cmpeq_epi8(v, dot));
    const unsigned outside = ~static_cast<unsigned>(_mm_movemask_epi8(in)) & 0xffffu;
    if (outside != 0) return end + static_cast<size_t>(__builtin_ctz(outside)) - from;
  }
#endif
  const auto& field = colon ? kFieldV6 : kFieldV4;
  while (end < size && field[static_cast<unsigned char>(data[end])]) ++end;
  return end - from;
}

// First offset >= from holding '.' (or ':' when `colons`), or size.
inline size_t NextSeparator(const char* data, size_t from, size_t size, bool colons) {
  if (!colons) {
    const void* hit = std::memchr(data + from, '.', size - from);
    return hit == nullptr ? size : static_cast<size_t>(static_cast<const char*>(hit) - data);
  }
  size_t i = from;
#if defined(__SSE2__)
  const __m128i dot = _mm_set1_epi8('.');
  const __m128i colon = _mm_set1_epi8(':');
  for (; i + 16 <= size; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const int mask =
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, colon)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < size; ++i) {
    if (data[i] == '.' || data[i] == ':') return i;
  }
  return size;
}

}  // namespace scanner_detail

// Calls visit(const AddressHit&) for every address in `text`, in order. `text` may hold many
// lines. Returns early if visit returns false.
template <typename Visit>
void ScanAddresses(std::string_view text, bool want_v4, bool want_v6, Visit&& visit) {
  using namespace scanner_detail;
  if (!want_v4 && !want_v6) return;
  const char* data = text.data();
  const size_t size = text.size();
  // Bytes past the end read as a line feed, which no rule accepts.
  auto at = [data, size](size_t i) { return i < size ? data[i] : '\n'; };
  AddressHit hit;
  size_t p = 0;
  while (p < size) {
    const size_t q = NextSeparator(data, p, size, want_v6);
    if (q == size) return;
    if (q > p + 4) p = q - 4;  // no rule can fire more than four bytes before a separator
    while (p <= q) {
      const char c = data[p];
      if (want_v4 && IsDigit(c) && (at(p + 1) == '.' || at(p + 2) == '.' || at(p + 3) == '.')) {
        const size_t n = FieldLength(data, p, size, false);
        if (ParseV4(data + p, n, &hit.v4)) {
          hit.begin = p;
          hit.end = p + n;
          hit.v6 = false;
          if (!visit(static_cast<const AddressHit&>(hit))) return;
        }
        p += n;
        continue;
      }
      if (want_v6) {
        const auto hex = [&](size_t i) { return kHex[static_cast<unsigned char>(at(i))]; };
        const bool hint =
            (c == ':' && at(p + 1) == ':' && hex(p + 2)) ||
            (hex(p) && (at(p + 1) == ':' ||
                        (hex(p + 1) && (at(p + 2) == ':' ||
                                        (hex(p + 2) && (at(p + 3) == ':' ||
                                                        (hex(p + 3) && at(p + 4) == ':')))))));
        if (hint) {
          const size_t n = FieldLength(data, p, size, true);
          if (ParseV6(data + p, n, hit.bytes.data())) {
            hit.begin = p;
            hit.end = p + n;
            hit.v6 = true;
            if (!visit(static_cast<const AddressHit&>(hit))) return;
          }
          p += n;
          continue;
        }
      }
      ++p;
    }
  }
}

}  // namespace vigil::hunt
