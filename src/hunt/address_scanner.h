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
// ScanAddresses classifies 64-byte chunks with AVX-512BW when the CPU has it; otherwise it jumps
// between '.' / ':' bytes with SSE2 and runs the byte rule only near them.
#pragma once

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
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

// Whether this CPU can run the wide scan below (AVX-512BW), checked once.
inline bool WideScanAvailable() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool available = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi") &&
           __builtin_cpu_supports("bmi2");
  }();
  return available;
#else
  return false;
#endif
}

// The wide scan: 64-byte chunks classified with AVX-512BW (one compare per class gives a 64-bit
// mask), used when the CPU has it (checked once at run time); otherwise only the loop in
// ScanAddresses runs. Each chunk is classified once (its masks then also serve as the look-ahead
// of the chunk before), hint positions come out of the masks with shifts, field ends with a
// count of trailing zeros, and most fields that cannot be addresses (times, MAC chains, kernel
// timestamps) are rejected from dot and colon counts before any byte is parsed.
#if defined(__x86_64__) && defined(__GNUC__)
#define VIGIL_WIDE_SCAN 1
#define VIGIL_WIDE_TARGET __attribute__((target("avx512f,avx512bw,popcnt,bmi,bmi2,lzcnt")))

// Bit i describes byte i of a 64-byte chunk.
struct ChunkMasks {
  uint64_t digit = 0, af = 0, alpha = 0, dot = 0, colon = 0;
  uint64_t hex() const { return digit | af; }
  uint64_t field(bool colons) const {  // [A-Za-z0-9.], and ':' for IPv6 fields
    return digit | alpha | dot | (colons ? colon : 0);
  }
};

VIGIL_WIDE_TARGET inline ChunkMasks Classify(const char* data) {
  const __m512i v = _mm512_loadu_si512(data);
  const __m512i lower = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
  const __m512i from_a = _mm512_sub_epi8(lower, _mm512_set1_epi8('a'));
  ChunkMasks m;
  m.digit = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('0')),
                                   _mm512_set1_epi8(10));
  m.af = _mm512_cmplt_epu8_mask(from_a, _mm512_set1_epi8(6));
  m.alpha = _mm512_cmplt_epu8_mask(from_a, _mm512_set1_epi8(26));
  m.dot = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('.'));
  m.colon = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(':'));
  return m;
}

// Bit i of the result: bit i + k of the 128-bit mask hi:lo (1 <= k <= 4).
inline uint64_t Ahead(uint64_t lo, uint64_t hi, int k) { return lo >> k | hi << (64 - k); }

// Bits [from, to) of a 64-bit mask, 0 <= from <= to <= 64.
inline uint64_t Range(unsigned from, unsigned to) {
  const uint64_t below_to = to >= 64 ? ~uint64_t{0} : (uint64_t{1} << to) - 1;
  return below_to & (~uint64_t{0} << from);
}

// The wide scan over whole chunks while a chunk and the next lie inside the text; returns the
// offset where the byte loop carries on, or `size` if visit stopped the scan.
template <bool V4, bool V6, typename Visit>
VIGIL_WIDE_TARGET size_t ScanChunks(const char* data, size_t size, AddressHit* hit,
                                    Visit& visit) {
  size_t p = 0;  // the next offset grepcidr's loop would look at
  if (size < 128) return 0;
  size_t base = 0;
  ChunkMasks m = Classify(data);
  while (base + 128 <= size) {
    const ChunkMasks next = Classify(data + base + 64);
    // Every hint needs a '.' or ':' at most four bytes on (most chunks of long lines have none).
    if (((m.dot | m.colon) | ((next.dot | next.colon) << 60)) == 0) {
      base += 64;
      m = next;
      if (p < base) p = base;
      continue;
    }
    uint64_t v4 = 0, v6 = 0;
    if (V4) {  // a digit followed by '.' within the next three bytes
      v4 = m.digit &
           (Ahead(m.dot, next.dot, 1) | Ahead(m.dot, next.dot, 2) | Ahead(m.dot, next.dot, 3));
    }
    if (V6) {  // "::" and a hex digit, or one to four hex digits and ':'
      const uint64_t hex = m.hex(), next_hex = next.hex();
      const uint64_t c1 = Ahead(m.colon, next.colon, 1), c2 = Ahead(m.colon, next.colon, 2),
                     c3 = Ahead(m.colon, next.colon, 3), c4 = Ahead(m.colon, next.colon, 4);
      const uint64_t h1 = Ahead(hex, next_hex, 1), h2 = Ahead(hex, next_hex, 2),
                     h3 = Ahead(hex, next_hex, 3);
      v6 = (m.colon & c1 & h2) | (hex & (c1 | (h1 & (c2 | (h2 & (c3 | (h3 & c4)))))));
    }
    uint64_t hints = (v4 | v6) & (~uint64_t{0} << (p - base));  // p - base < 64 here
    while (hints != 0) {
      const auto i = static_cast<unsigned>(__builtin_ctzll(hints));
      const size_t at = base + i;
      const bool is_v4 = V4 && ((v4 >> i) & 1) != 0;  // IPv4 first, as grepcidr
      // The field: the run of field bytes from `at`, through the next chunk if need be.
      size_t n = 0;
      if (const uint64_t outside = ~m.field(!is_v4) >> i; outside != 0) {
        n = static_cast<size_t>(__builtin_ctzll(outside));
      } else if (const uint64_t outside_next = ~next.field(!is_v4); outside_next != 0) {
        n = 64 - i + static_cast<size_t>(__builtin_ctzll(outside_next));
      } else {
        n = 128 - i + FieldLength(data, base + 128, size, !is_v4);
      }
      // Necessary conditions first, from the masks (the field ends before byte 128 here).
      bool found = false;
      if (n <= (is_v4 ? 15 : 45)) {
        const auto end = static_cast<unsigned>(i + n);
        const uint64_t lo = Range(i, std::min(end, 64u));
        const uint64_t hi = end > 64 ? Range(0, end - 64) : 0;
        auto count = [lo, hi](uint64_t first, uint64_t second) {
          return __builtin_popcountll(first & lo) + __builtin_popcountll(second & hi);
        };
        const int dots = count(m.dot, next.dot);
        if (is_v4) {
          found = n >= 7 && dots == 3 && count(m.alpha, next.alpha) == 0 &&
                  ParseV4(data + at, n, &hit->v4);
        } else {
          const int colons = count(m.colon, next.colon);
          const bool double_colon =
              count(m.colon & Ahead(m.colon, next.colon, 1), next.colon & (next.colon >> 1)) > 0;
          const bool non_hex = count(m.alpha & ~m.af, next.alpha & ~next.af) > 0;
          found = !non_hex && colons <= 8 &&
                  (double_colon || colons == 7 || (colons == 6 && dots > 0)) &&
                  ParseV6(data + at, n, hit->bytes.data());
        }
      }
      if (found) {
        hit->begin = at;
        hit->end = at + n;
        hit->v6 = !is_v4;
        if (!visit(static_cast<const AddressHit&>(*hit))) return size;
      }
      p = at + n;
      if (p >= base + 64) break;
      hints &= ~uint64_t{0} << (p - base);
    }
    base += 64;
    if (p >= base + 64) {  // a long field: carry on after it
      base = p;
      if (base + 128 > size) break;
      m = Classify(data + base);
    } else {
      m = next;
    }
    if (p < base) p = base;
  }
  return p;
}
#endif

}  // namespace scanner_detail

// Calls visit(const AddressHit&) for every address in `text`, in order. `text` may hold many
// lines. Returns early if visit returns false. `wide`: use the AVX-512 chunk scan (only when
// WideScanAvailable(); tests compare both ways).
template <typename Visit>
void ScanAddresses(std::string_view text, bool want_v4, bool want_v6, bool wide, Visit&& visit) {
  using namespace scanner_detail;
  if (!want_v4 && !want_v6) return;
  const char* data = text.data();
  const size_t size = text.size();
  // Bytes past the end read as a line feed, which no rule accepts.
  auto at = [data, size](size_t i) { return i < size ? data[i] : '\n'; };
  AddressHit hit;
  size_t p = 0;
  wide = wide && WideScanAvailable();
#if defined(VIGIL_WIDE_SCAN)
  if (wide) {
    if (want_v4 && want_v6) {
      p = ScanChunks<true, true>(data, size, &hit, visit);
    } else if (want_v4) {
      p = ScanChunks<true, false>(data, size, &hit, visit);
    } else {
      p = ScanChunks<false, true>(data, size, &hit, visit);
    }
  }
#endif
  // The rest (or all, without the wide scan): from separator to separator, the byte rule near
  // each.
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

template <typename Visit>
void ScanAddresses(std::string_view text, bool want_v4, bool want_v6, Visit&& visit) {
  ScanAddresses(text, want_v4, want_v6, scanner_detail::WideScanAvailable(),
                std::forward<Visit>(visit));
}

}  // namespace vigil::hunt
