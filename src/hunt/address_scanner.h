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
// ScanAddresses classifies 64-byte chunks with AVX-512BW when the CPU has it and the text is dense
// in separators; otherwise it jumps between '.' / ':' bytes with SSE2 and runs the byte rule only
// near them. Both paths report the same addresses (address_scanner_test.cc checks each), and both
// count line feeds as they pass them, so each address comes with its line number and the text's
// line count needs no second pass over memory that has left the cache.
#pragma once

#include <arpa/inet.h>

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
  uint64_t line = 0;          // line feeds before `begin`: the 0-based line of the address
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

// Line feeds in [data, data + size). SSE2: byte-wise counters (compare results are -1) summed
// with SAD every 255 vectors, so no popcount instruction is needed.
inline uint64_t LineFeeds(const char* data, size_t size) {
  uint64_t count = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  while (i + 16 <= size) {
    __m128i counters = _mm_setzero_si128();
    for (int round = 0; round < 255 && i + 16 <= size; ++round, i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
      counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(v, nl));
    }
    const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
    count += static_cast<uint64_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<uint64_t>(_mm_cvtsi128_si32(_mm_srli_si128(sums, 8)));
  }
#endif
  for (; i < size; ++i) count += data[i] == '\n' ? 1 : 0;
  return count;
}

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

// First offset >= from holding '.' (or ':' when `colons`), or size; adds the line feeds before
// it (from `from` on) to *lines.
inline size_t NextSeparator(const char* data, size_t from, size_t size, bool colons,
                            uint64_t* lines) {
  size_t i = from;
#if defined(__SSE2__)
  const __m128i dot = _mm_set1_epi8('.');
  const __m128i colon = _mm_set1_epi8(colons ? ':' : '.');
  const __m128i feed = _mm_set1_epi8('\n');
  for (; i + 16 <= size; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const auto separators = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, colon))));
    auto feeds = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, feed)));
    if (separators != 0) {
      const auto at = static_cast<unsigned>(__builtin_ctz(separators));
      feeds &= (1u << at) - 1;
      if (feeds != 0) *lines += static_cast<uint64_t>(__builtin_popcount(feeds));
      return i + at;
    }
    if (feeds != 0) *lines += static_cast<uint64_t>(__builtin_popcount(feeds));
  }
#endif
  for (; i < size; ++i) {
    if (data[i] == '.' || (colons && data[i] == ':')) return i;
    if (data[i] == '\n') ++*lines;
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
// mask), used when the CPU has it (checked once at run time) and PreferWideScan says so;
// otherwise only the loop in ScanAddresses runs. Each chunk is classified once (its masks then also
// serve as the look-ahead of the chunk before), hint positions come out of the masks with shifts,
// field ends with a count of trailing zeros, and most fields that cannot be addresses (times, MAC
// chains, kernel timestamps) are rejected from dot and colon counts before any byte is parsed.
#if defined(__x86_64__) && defined(__GNUC__)
#define VIGIL_WIDE_SCAN 1
#define VIGIL_WIDE_TARGET __attribute__((target("avx512f,avx512bw,popcnt,bmi,bmi2,lzcnt")))

// Bit i describes byte i of a 64-byte chunk.
struct ChunkMasks {
  uint64_t digit = 0, af = 0, alpha = 0, dot = 0, colon = 0, newline = 0;
  uint64_t hex() const { return digit | af; }
};

// The separators and line feeds of data[0, 64) only: enough to skip the chunk when it and the
// next have no separator.
VIGIL_WIDE_TARGET inline ChunkMasks Separators(const char* data) {
  const __m512i v = _mm512_loadu_si512(data);
  ChunkMasks m;
  m.dot = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('.'));
  m.colon = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(':'));
  m.newline = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
  return m;
}

// The other classes of data[0, 64), into *m.
VIGIL_WIDE_TARGET inline void Classify(const char* data, ChunkMasks* m) {
  const __m512i v = _mm512_loadu_si512(data);
  const __m512i from_a =
      _mm512_sub_epi8(_mm512_or_si512(v, _mm512_set1_epi8(0x20)), _mm512_set1_epi8('a'));
  m->digit =
      _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('0')), _mm512_set1_epi8(10));
  m->af = _mm512_cmplt_epu8_mask(from_a, _mm512_set1_epi8(6));
  m->alpha = _mm512_cmplt_epu8_mask(from_a, _mm512_set1_epi8(26));
}

// Bit i of the result: bit i + k of the 128-bit mask hi:lo (1 <= k <= 4).
inline uint64_t Ahead(uint64_t lo, uint64_t hi, int k) { return lo >> k | hi << (64 - k); }

// Bits i to i + 63 of the 128-bit mask hi:lo (0 <= i < 64).
inline uint64_t Window(uint64_t lo, uint64_t hi, unsigned i) {
  return lo >> i | (hi << 1) << (63 - i);  // no branch for i == 0
}

// How ParseDottedDigits arranges the digits of a dotted quad with octets of lengths (a, b, c, d),
// each 1 to 3, at index (a - 1) * 27 + (b - 1) * 9 + (c - 1) * 3 + (d - 1): a byte shuffle that
// puts octet k's hundreds, tens and ones at bytes 4k + 1, 4k + 2, 4k + 3 (0x80: a zero byte), and
// the least value each octet may have without a leading zero (10 for two digits, 100 for three).
struct QuadPattern {
  alignas(16) std::array<uint8_t, 16> shuffle;
  alignas(16) std::array<uint32_t, 4> least;
};
inline constexpr auto kQuadPatterns = [] {
  std::array<QuadPattern, 81> patterns{};
  for (unsigned index = 0; index < 81; ++index) {
    QuadPattern& pattern = patterns[index];
    unsigned start = 0;
    for (size_t k = 0; k < 4; ++k) {
      const unsigned length = index / (k == 0 ? 27 : k == 1 ? 9 : k == 2 ? 3 : 1) % 3 + 1;
      const unsigned last = start + length - 1;
      pattern.shuffle[4 * k] = 0x80;
      pattern.shuffle[4 * k + 1] = static_cast<uint8_t>(length >= 3 ? last - 2 : 0x80);
      pattern.shuffle[4 * k + 2] = static_cast<uint8_t>(length >= 2 ? last - 1 : 0x80);
      pattern.shuffle[4 * k + 3] = static_cast<uint8_t>(last);
      pattern.least[k] = length == 3 ? 100 : length == 2 ? 10 : 0;
      start = last + 2;  // past the dot
    }
  }
  return patterns;
}();

// ParseV4 for a field known to be digits and exactly three dots (the first three set bits of
// `dots`, counted from p), 7 to 15 bytes, with at least 16 readable bytes at p: octets of one to
// three digits, no leading zero, at most 255. The octet lengths pick a QuadPattern; one shuffle
// lines the digits up and two multiply-adds give the four octets at once, so there is no branch
// per octet (octet lengths vary from address to address, and mispredicted branches cost the most).
VIGIL_WIDE_TARGET inline bool ParseDottedDigits(const char* p, size_t n, uint64_t dots,
                                                uint32_t* out) {
  const auto d1 = static_cast<unsigned>(__builtin_ctzll(dots));
  dots &= dots - 1;
  const auto d2 = static_cast<unsigned>(__builtin_ctzll(dots));
  dots &= dots - 1;
  const auto d3 = static_cast<unsigned>(__builtin_ctzll(dots));
  // Octet lengths less one; each must be 0 to 2.
  const unsigned a = d1 - 1, b = d2 - d1 - 2, c = d3 - d2 - 2,
                 d = static_cast<unsigned>(n) - d3 - 2;
  if ((static_cast<int>(a > 2) | static_cast<int>(b > 2) | static_cast<int>(c > 2) |
       static_cast<int>(d > 2)) != 0) {
    return false;
  }
  const QuadPattern& pattern = kQuadPatterns[((a * 3 + b) * 3 + c) * 3 + d];
  const __m128i digits =
      _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), _mm_set1_epi8('0'));
  const __m128i placed =
      _mm_shuffle_epi8(digits, _mm_load_si128(reinterpret_cast<const __m128i*>(&pattern.shuffle)));
  // Per octet: (0 * 0 + 100 * hundreds) and (10 * tens + ones), then their sum.
  const __m128i pairs = _mm_maddubs_epi16(placed, _mm_set1_epi32(0x010a6400));
  const __m128i octets = _mm_madd_epi16(pairs, _mm_set1_epi16(1));
  const __m128i least = _mm_load_si128(reinterpret_cast<const __m128i*>(&pattern.least));
  const __m128i wrong =
      _mm_or_si128(_mm_cmpgt_epi32(octets, _mm_set1_epi32(255)), _mm_cmplt_epi32(octets, least));
  if (_mm_movemask_epi8(wrong) != 0) return false;
  const __m128i bytes = _mm_packus_epi16(_mm_packus_epi32(octets, octets), _mm_setzero_si128());
  *out = __builtin_bswap32(static_cast<uint32_t>(_mm_cvtsi128_si32(bytes)));
  return true;
}

// The wide scan over whole chunks while a chunk and the next lie inside the text; returns the
// offset where the byte loop carries on, or `size` if visit stopped the scan, and sets *lines to
// the line feeds before that offset. Line feeds are counted from the chunks' masks: every byte
// before the returned offset lies in a chunk that was left, or in a field (which has none).
template <bool V4, bool V6, typename Visit>
VIGIL_WIDE_TARGET size_t ScanChunks(const char* data, size_t size, AddressHit* hit, Visit& visit,
                                    uint64_t* lines) {
  size_t p = 0;  // the next offset grepcidr's loop would look at
  *lines = 0;
  if (size < 128) return 0;
  uint64_t line_feeds = 0;  // before `base`
  size_t base = 0;
  ChunkMasks m = Separators(data);
  bool classified = false;  // whether m has more than its separators
  while (base + 128 <= size) {
    ChunkMasks next = Separators(data + base + 64);
    // Every hint needs a '.' or ':' at most four bytes on (most chunks of long lines have none).
    if (((m.dot | m.colon) | ((next.dot | next.colon) << 60)) == 0) {
      line_feeds += static_cast<uint64_t>(__builtin_popcountll(m.newline));
      base += 64;
      m = next;
      classified = false;
      if (p < base) p = base;
      continue;
    }
    if (!classified) Classify(data + base, &m);
    Classify(data + base + 64, &next);
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
      // Bit k of window(x): byte at + k of the mask x of this chunk and the next.
      auto window = [i](uint64_t here, uint64_t ahead) { return Window(here, ahead, i); };
      const uint64_t colon = window(m.colon, next.colon), dot = window(m.dot, next.dot);
      const uint64_t alpha = window(m.alpha, next.alpha);
      const uint64_t field = window(m.digit, next.digit) | alpha | dot | (is_v4 ? 0 : colon);
      // The field: the run of field bytes from `at`. Whether it can be an address is decided
      // from the masks with one branch (the conditions ParseV4 and ParseV6 check first), because
      // which hints succeed varies from field to field and mispredicted branches cost the most.
      size_t n = 0;
      bool plausible = false;
      if (field != ~uint64_t{0}) {
        n = static_cast<size_t>(__builtin_ctzll(~field));
        const uint64_t in = _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(n));
        const int dots = __builtin_popcountll(dot & in);
        const int colons = __builtin_popcountll(colon & in);
        const bool v4_plausible = static_cast<int>(n >= 7) & static_cast<int>(n <= 15) &
                                  static_cast<int>(dots == 3) & static_cast<int>((alpha & in) == 0);
        const uint64_t non_hex = window(m.alpha & ~m.af, next.alpha & ~next.af) & in;
        const bool double_colon = (colon & (colon >> 1) & in) != 0;
        const bool v6_plausible = static_cast<int>(n <= 45) & static_cast<int>(non_hex == 0) &
                                  static_cast<int>(colons <= 8) &
                                  (static_cast<int>(double_colon) | static_cast<int>(colons == 7) |
                                   (static_cast<int>(colons == 6) & static_cast<int>(dots > 0)));
        plausible = is_v4 ? v4_plausible : v6_plausible;
      } else {  // 64 bytes or more: too long for an address
        n = 64 + FieldLength(data, at + 64, size, !is_v4);
      }
      bool found = false;
      if (plausible) {
        found = is_v4 ? ParseDottedDigits(data + at, n, dot, &hit->v4)
                      : ParseV6(data + at, n, hit->bytes.data());
      }
      if (found) {
        hit->begin = at;
        hit->end = at + n;
        hit->line =
            line_feeds + static_cast<uint64_t>(__builtin_popcountll(_bzhi_u64(m.newline, i)));
        hit->v6 = !is_v4;
        if (!visit(static_cast<const AddressHit&>(*hit))) return size;
      }
      p = at + n;
      if (p >= base + 64) break;
      hints &= ~uint64_t{0} << (p - base);
    }
    line_feeds += static_cast<uint64_t>(__builtin_popcountll(m.newline));
    base += 64;
    if (p >= base + 64) {  // a long field: carry on after it
      base = p;
      if (base + 128 > size) break;
      m = Separators(data + base);
      classified = false;
    } else {
      m = next;
      classified = true;
    }
    if (p < base) p = base;
  }
  *lines = line_feeds;
  return p;
}
#endif

}  // namespace scanner_detail

// Calls visit(const AddressHit&) for every address in `text`, in order, and returns the number of
// line feeds in `text`. `text` may hold many lines. Stops early if visit returns false (the count
// is then meaningless). `wide`: use the AVX-512 chunk scan (only when WideScanAvailable(); tests
// compare both ways).
template <typename Visit>
uint64_t ScanAddresses(std::string_view text, bool want_v4, bool want_v6, bool wide,
                       Visit&& visit) {
  using namespace scanner_detail;
  const char* data = text.data();
  const size_t size = text.size();
  if (!want_v4 && !want_v6) return LineFeeds(data, size);
  // Bytes past the end read as a line feed, which no rule accepts.
  auto at = [data, size](size_t i) { return i < size ? data[i] : '\n'; };
  AddressHit hit;
  size_t p = 0;
  uint64_t lines = 0;  // line feeds before p, or before the separator NextSeparator found
  wide = wide && WideScanAvailable();
#if defined(VIGIL_WIDE_SCAN)
  if (wide) {
    if (want_v4 && want_v6) {
      p = ScanChunks<true, true>(data, size, &hit, visit, &lines);
    } else if (want_v4) {
      p = ScanChunks<true, false>(data, size, &hit, visit, &lines);
    } else {
      p = ScanChunks<false, true>(data, size, &hit, visit, &lines);
    }
  }
#endif
  // The rest (or all, without the wide scan): from separator to separator, the byte rule near
  // each. NextSeparator counts the line feeds it passes; the byte rule only revisits bytes it
  // passed (before q), and fields hold none, so an address's line is the count at its separator.
  while (p < size) {
    const size_t q = NextSeparator(data, p, size, want_v6, &lines);
    if (q == size) break;
    if (q > p + 4) p = q - 4;  // no rule can fire more than four bytes before a separator
    while (p <= q) {
      const char c = data[p];
      if (want_v4 && IsDigit(c) && (at(p + 1) == '.' || at(p + 2) == '.' || at(p + 3) == '.')) {
        const size_t n = FieldLength(data, p, size, false);
        if (ParseV4(data + p, n, &hit.v4)) {
          hit.begin = p;
          hit.end = p + n;
          hit.line = lines;
          hit.v6 = false;
          if (!visit(static_cast<const AddressHit&>(hit))) return lines;
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
            hit.line = lines;
            hit.v6 = true;
            if (!visit(static_cast<const AddressHit&>(hit))) return lines;
          }
          p += n;
          continue;
        }
      }
      ++p;
    }
  }
  return lines;
}

// Whether the wide scan pays for `text`: it classifies every chunk, which beats jumping from
// separator to separator only where separators are dense (iptables lines: about 370 per 4 KiB;
// FortiGate lines: about 76, where jumping is 25% faster). Judged on the first 4 KiB.
inline bool PreferWideScan(std::string_view text) {
  const std::string_view sample = text.substr(0, 4096);
  size_t separators = 0;
  for (const char c : sample) separators += (c == '.' || c == ':') ? 1 : 0;
  return separators * 64 >= sample.size() * 3;  // three or more per 64 bytes
}

template <typename Visit>
uint64_t ScanAddresses(std::string_view text, bool want_v4, bool want_v6, Visit&& visit) {
  return ScanAddresses(text, want_v4, want_v6,
                       scanner_detail::WideScanAvailable() && PreferWideScan(text),
                       std::forward<Visit>(visit));
}

}  // namespace vigil::hunt
