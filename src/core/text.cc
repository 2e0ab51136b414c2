#include "core/text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace vigil {
namespace {

// Latin Extended-B (U+0180-U+024F) simple lowercase mappings from UnicodeData.txt, sorted.
struct CaseMapping {
  uint16_t upper;
  uint16_t lower;
};
constexpr CaseMapping kLatinExtendedB[] = {
    {0x181, 0x0253}, {0x182, 0x0183}, {0x184, 0x0185}, {0x186, 0x0254}, {0x187, 0x0188},
    {0x189, 0x0256}, {0x18A, 0x0257}, {0x18B, 0x018C}, {0x18E, 0x01DD}, {0x18F, 0x0259},
    {0x190, 0x025B}, {0x191, 0x0192}, {0x193, 0x0260}, {0x194, 0x0263}, {0x196, 0x0269},
    {0x197, 0x0268}, {0x198, 0x0199}, {0x19C, 0x026F}, {0x19D, 0x0272}, {0x19F, 0x0275},
    {0x1A0, 0x01A1}, {0x1A2, 0x01A3}, {0x1A4, 0x01A5}, {0x1A6, 0x0280}, {0x1A7, 0x01A8},
    {0x1A9, 0x0283}, {0x1AC, 0x01AD}, {0x1AE, 0x0288}, {0x1AF, 0x01B0}, {0x1B1, 0x028A},
    {0x1B2, 0x028B}, {0x1B3, 0x01B4}, {0x1B5, 0x01B6}, {0x1B7, 0x0292}, {0x1B8, 0x01B9},
    {0x1BC, 0x01BD}, {0x1C4, 0x01C6}, {0x1C5, 0x01C6}, {0x1C7, 0x01C9}, {0x1C8, 0x01C9},
    {0x1CA, 0x01CC}, {0x1CB, 0x01CC}, {0x1CD, 0x01CE}, {0x1CF, 0x01D0}, {0x1D1, 0x01D2},
    {0x1D3, 0x01D4}, {0x1D5, 0x01D6}, {0x1D7, 0x01D8}, {0x1D9, 0x01DA}, {0x1DB, 0x01DC},
    {0x1DE, 0x01DF}, {0x1E0, 0x01E1}, {0x1E2, 0x01E3}, {0x1E4, 0x01E5}, {0x1E6, 0x01E7},
    {0x1E8, 0x01E9}, {0x1EA, 0x01EB}, {0x1EC, 0x01ED}, {0x1EE, 0x01EF}, {0x1F1, 0x01F3},
    {0x1F2, 0x01F3}, {0x1F4, 0x01F5}, {0x1F6, 0x0195}, {0x1F7, 0x01BF}, {0x1F8, 0x01F9},
    {0x1FA, 0x01FB}, {0x1FC, 0x01FD}, {0x1FE, 0x01FF}, {0x200, 0x0201}, {0x202, 0x0203},
    {0x204, 0x0205}, {0x206, 0x0207}, {0x208, 0x0209}, {0x20A, 0x020B}, {0x20C, 0x020D},
    {0x20E, 0x020F}, {0x210, 0x0211}, {0x212, 0x0213}, {0x214, 0x0215}, {0x216, 0x0217},
    {0x218, 0x0219}, {0x21A, 0x021B}, {0x21C, 0x021D}, {0x21E, 0x021F}, {0x220, 0x019E},
    {0x222, 0x0223}, {0x224, 0x0225}, {0x226, 0x0227}, {0x228, 0x0229}, {0x22A, 0x022B},
    {0x22C, 0x022D}, {0x22E, 0x022F}, {0x230, 0x0231}, {0x232, 0x0233}, {0x23A, 0x2C65},
    {0x23B, 0x023C}, {0x23D, 0x019A}, {0x23E, 0x2C66}, {0x241, 0x0242}, {0x243, 0x0180},
    {0x244, 0x0289}, {0x245, 0x028C}, {0x246, 0x0247}, {0x248, 0x0249}, {0x24A, 0x024B},
    {0x24C, 0x024D}, {0x24E, 0x024F},
};

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

char AsciiLowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// True when the 8 bytes at p are all ASCII.
bool AllAscii8(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return (word & 0x8080808080808080ull) == 0;
}

bool IsAscii(std::string_view text) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    if (!AllAscii8(text.data() + i)) return false;
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) return false;
  }
  return true;
}

// Length of the well-formed UTF-8 sequence at text[i] (1-4), or 0 if it is not well-formed.
size_t SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  const size_t left = text.size() - i;
  const auto cont = [&](size_t k) { return k < left && (byte(k) & 0xc0) == 0x80; };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    if (left < 2) return 0;
    const unsigned char b1 = byte(1);
    const unsigned char lo = b0 == 0xe0 ? 0xa0 : 0x80;
    const unsigned char hi = b0 == 0xed ? 0x9f : 0xbf;
    return b1 >= lo && b1 <= hi && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (left < 2) return 0;
    const unsigned char b1 = byte(1);
    const unsigned char lo = b0 == 0xf0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xf4 ? 0x8f : 0xbf;
    return b1 >= lo && b1 <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// Simple lowercase mapping for the ranges this file covers; other code points map to themselves.
char32_t LowerCodePoint(char32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
  if (cp >= 0xc0 && cp <= 0xde) return cp == 0xd7 ? cp : cp + 32;
  if (cp >= 0x100 && cp <= 0x17f) {
    if (cp == 0x130) return 'i';
    if (cp == 0x178) return 0xff;
    if ((cp <= 0x12f || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177))) {
      return cp % 2 == 0 ? cp + 1 : cp;
    }
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) {
      return cp % 2 == 1 ? cp + 1 : cp;
    }
    return cp;
  }
  if (cp >= 0x180 && cp <= 0x24f) {
    const auto* end = std::end(kLatinExtendedB);
    const auto* it = std::lower_bound(std::begin(kLatinExtendedB), end, cp,
                                      [](const CaseMapping& m, char32_t c) { return m.upper < c; });
    return it != end && it->upper == cp ? it->lower : cp;
  }
  if (cp >= 0x1e00 && cp <= 0x1eff) {
    if (cp == 0x1e9e) return 0xdf;  // capital sharp s
    if (cp <= 0x1e95 || cp >= 0x1ea0) return cp % 2 == 0 ? cp + 1 : cp;
    return cp;
  }
  return cp;
}

void AppendUtf8(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | cp >> 6));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {  // the mappings above never produce code points beyond the BMP
    out->push_back(static_cast<char>(0xe0 | cp >> 12));
    out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

}  // namespace

size_t Utf8ValidPrefixLength(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size() && AllAscii8(text.data() + i)) {
      i += 8;
      continue;
    }
    const size_t len = SequenceLength(text, i);
    if (len == 0) return i;
    i += len;
  }
  return text.size();
}

bool IsValidUtf8(std::string_view text) { return Utf8ValidPrefixLength(text) == text.size(); }

std::string_view Trim(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && IsAsciiSpace(text[begin])) ++begin;
  while (end > begin && IsAsciiSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLowerChar(c);
  return out;
}

bool EqualsAsciiFoldCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLowerChar(a[i]) != AsciiLowerChar(b[i])) return false;
  }
  return true;
}

size_t FindEither(std::string_view text, char a, char b, size_t from) {
  if (from >= text.size()) return std::string_view::npos;
  const std::string_view rest = text.substr(from);
  size_t end = rest.find(a);
  const size_t other = rest.substr(0, end).find(b);  // only before the first `a`
  if (other != std::string_view::npos) end = other;
  return end == std::string_view::npos ? end : from + end;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    if (end == std::string_view::npos) break;
    pieces.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

std::string Utf8Lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {
      out.push_back(AsciiLowerChar(static_cast<char>(b0)));
      ++i;
      continue;
    }
    const size_t len = SequenceLength(text, i);
    if (len == 2 || (len == 3 && b0 == 0xe1)) {  // U+0080-U+07FF or U+1000-U+1FFF
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      char32_t cp = len == 2 ? (char32_t{b0} & 0x1f) << 6 | (b1 & 0x3f)
                             : (char32_t{b0} & 0x0f) << 12 | char32_t{b1 & 0x3fu} << 6 |
                                   (static_cast<unsigned char>(text[i + 2]) & 0x3f);
      AppendUtf8(&out, LowerCodePoint(cp));
      i += len;
      continue;
    }
    const size_t copy = len == 0 ? 1 : len;  // other code points and invalid bytes as they are
    out.append(text.substr(i, copy));
    i += copy;
  }
  return out;
}

bool ContainsFoldCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (IsAscii(needle) && IsAscii(haystack)) {
    const auto it =
        std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                    [](char a, char b) { return AsciiLowerChar(a) == AsciiLowerChar(b); });
    return it != haystack.end();
  }
  return Utf8Lower(haystack).find(Utf8Lower(needle)) != std::string::npos;
}

std::string QuoteForMessage(std::string_view text, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < max_bytes; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (text.size() > max_bytes) out += "...";
  out += '"';
  return out;
}

bool JsonNestsDeeperThan(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

bool LineSplitter::Next(std::string_view* line) {
  if (rest_.empty()) return false;
  const size_t lf = rest_.find('\n');
  *line = rest_.substr(0, lf);
  rest_ = lf == std::string_view::npos ? std::string_view() : rest_.substr(lf + 1);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  return true;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

}  // namespace vigil
