#include "evtx/values.h"

#include <charconv>
#include <cstring>
#include <limits>

#include "evtx/bytes.h"

namespace vigil::evtx::internal {

std::string Hex(uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  int shift = 60;
  while (shift > 0 && ((v >> shift) & 0xf) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) out.push_back(kDigits[(v >> shift) & 0xf]);
  return out;
}
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

template <typename T>
void AppendInt(T v, std::string* out) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, res.ptr);
}

void AppendHexPrefixed(uint64_t v, std::string* out) {
  char buf[16];
  int n = 0;
  do {
    buf[n++] = kHexLower[v & 0xf];
    v >>= 4;
  } while (v != 0);
  out->append("0x");
  while (n > 0) out->push_back(buf[--n]);
}

void AppendDigits(uint64_t v, int width, std::string* out) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = n; i < width; ++i) out->push_back('0');
  while (n > 0) out->push_back(buf[--n]);
}

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

void AppendDateTime(int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                    unsigned second, uint32_t micros, std::string* out) {
  if (year < 0) {
    out->push_back('-');
    year = -year;
  }
  AppendDigits(static_cast<uint64_t>(year), 4, out);
  out->push_back('-');
  AppendDigits(month, 2, out);
  out->push_back('-');
  AppendDigits(day, 2, out);
  out->push_back('T');
  AppendDigits(hour, 2, out);
  out->push_back(':');
  AppendDigits(minute, 2, out);
  out->push_back(':');
  AppendDigits(second, 2, out);
  out->push_back('.');
  AppendDigits(micros, 6, out);
  out->push_back('Z');
}

void AppendFileTime(uint64_t ft, std::string* out) {
  // FILETIME epoch (1601-01-01) is 134774 days before the Unix epoch.
  const uint64_t total_seconds = ft / 10'000'000;
  const auto micros = static_cast<uint32_t>((ft % 10'000'000) / 10);
  const int64_t days = static_cast<int64_t>(total_seconds / 86400) - 134774;
  const uint64_t sod = total_seconds % 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  AppendDateTime(y, m, d, static_cast<unsigned>(sod / 3600), static_cast<unsigned>(sod / 60 % 60),
                 static_cast<unsigned>(sod % 60), micros, out);
}

void AppendSysTime(const uint8_t* p, std::string* out) {
  // year, month, day-of-week, day, hour, minute, second, milliseconds: eight u16.
  AppendDateTime(Le16(p), Le16(p + 2), Le16(p + 6), Le16(p + 8), Le16(p + 10), Le16(p + 12),
                 static_cast<uint32_t>(Le16(p + 14)) * 1000, out);
}

void AppendGuid(const uint8_t* p, std::string* out) {
  static constexpr int kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    const uint8_t b = p[kOrder[i]];
    out->push_back(kHexUpper[b >> 4]);
    out->push_back(kHexUpper[b & 0xf]);
  }
}

void AppendBinary(std::span<const uint8_t> bytes, std::string* out) {
  out->reserve(out->size() + bytes.size() * 2);
  for (uint8_t b : bytes) {
    out->push_back(kHexUpper[b >> 4]);
    out->push_back(kHexUpper[b & 0xf]);
  }
}

void AppendSid(std::span<const uint8_t> bytes, std::string* out) {
  if (bytes.size() < 8) {
    out->append("S-?");
    return;
  }
  uint64_t authority = 0;
  for (int i = 2; i < 8; ++i) authority = (authority << 8) | bytes[i];
  out->append("S-");
  AppendInt(static_cast<unsigned>(bytes[0]), out);
  out->push_back('-');
  AppendInt(authority, out);
  const size_t subs = bytes[1];
  for (size_t i = 0; i < subs && 8 + 4 * i + 4 <= bytes.size(); ++i) {
    out->push_back('-');
    AppendInt(Le32(bytes.data() + 8 + 4 * i), out);
  }
}

template <typename F>
void AppendFloat(F v, std::string* out) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, res.ptr);
}

// Renders one scalar of a fixed-size type from exactly FixedSize(type) bytes at p.
void DecodeFixed(uint8_t type, const uint8_t* p, Value* v) {
  std::string* out = &v->text;
  switch (type) {
    case kInt8:
      AppendInt(static_cast<int8_t>(p[0]), out);
      v->number = true;
      break;
    case kUInt8:
      AppendInt(static_cast<unsigned>(p[0]), out);
      v->number = true;
      break;
    case kInt16:
      AppendInt(static_cast<int16_t>(Le16(p)), out);
      v->number = true;
      break;
    case kUInt16:
      AppendInt(Le16(p), out);
      v->number = true;
      break;
    case kInt32:
      AppendInt(static_cast<int32_t>(Le32(p)), out);
      v->number = true;
      break;
    case kUInt32:
      AppendInt(Le32(p), out);
      v->number = true;
      break;
    case kInt64:
      AppendInt(static_cast<int64_t>(Le64(p)), out);
      v->number = true;
      break;
    case kUInt64:
      AppendInt(Le64(p), out);
      v->number = true;
      break;
    case kReal32: {
      float f;
      std::memcpy(&f, p, 4);
      AppendFloat(f, out);
      break;
    }
    case kReal64: {
      double d;
      std::memcpy(&d, p, 8);
      AppendFloat(d, out);
      break;
    }
    case kBool:
      out->append(Le32(p) != 0 ? "true" : "false");
      v->number = true;
      break;
    case kGuid:
      AppendGuid(p, out);
      break;
    case kFileTime:
      AppendFileTime(Le64(p), out);
      break;
    case kSysTime:
      AppendSysTime(p, out);
      break;
    case kHexInt32:
      AppendHexPrefixed(Le32(p), out);
      break;
    case kHexInt64:
      AppendHexPrefixed(Le64(p), out);
      break;
    default:
      break;
  }
}

// Unicode White_Space (all in the BMP), as Rust's str::trim_end.
bool IsUnicodeSpace(uint32_t cu) {
  return (cu >= 0x09 && cu <= 0x0d) || cu == 0x20 || cu == 0x85 || cu == 0xa0 || cu == 0x1680 ||
         (cu >= 0x2000 && cu <= 0x200a) || cu == 0x2028 || cu == 0x2029 || cu == 0x202f ||
         cu == 0x205f || cu == 0x3000;
}

void JoinItems(Value* v) {
  for (size_t i = 0; i < v->items.size(); ++i) {
    if (i > 0) v->text.push_back(',');
    v->text.append(v->items[i].text);
  }
}

// Windows-1252 (the evtx crate's default ANSI code page): 0x80-0x9F differ from Latin-1.
void AppendAnsi(std::span<const uint8_t> bytes, std::string* out) {
  static constexpr uint16_t k80[32] = {
      0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
      0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
      0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178};
  for (uint8_t b : bytes) {
    if (b == 0) break;
    AppendUtf8(b >= 0x80 && b < 0xa0 ? k80[b - 0x80] : b, out);
  }
}

}  // namespace

size_t FixedSize(uint8_t type) {
  switch (type) {
    case kInt8:
    case kUInt8:
      return 1;
    case kInt16:
    case kUInt16:
      return 2;
    case kInt32:
    case kUInt32:
    case kReal32:
    case kBool:
    case kHexInt32:
      return 4;
    case kInt64:
    case kUInt64:
    case kReal64:
    case kFileTime:
    case kHexInt64:
      return 8;
    case kGuid:
    case kSysTime:
      return 16;
    default:
      return 0;
  }
}

void AppendUtf16(const uint8_t* p, size_t units, bool stop_at_nul, std::string* out) {
  // Writes into room for the worst case (3 bytes per unit), then trims.
  const size_t old_size = out->size();
  out->resize(old_size + units * 3);
  char* const begin = out->data() + old_size;
  char* w = begin;
  for (size_t i = 0; i < units; ++i) {
    uint32_t cu = Le16(p + 2 * i);
    if (cu < 0x80) {
      if (cu == 0 && stop_at_nul) break;
      *w++ = static_cast<char>(cu);
      continue;
    }
    if (cu < 0x800) {
      *w++ = static_cast<char>(0xc0 | (cu >> 6));
      *w++ = static_cast<char>(0x80 | (cu & 0x3f));
      continue;
    }
    if (cu >= 0xd800 && cu <= 0xdbff && i + 1 < units) {
      const uint32_t lo = Le16(p + 2 * (i + 1));
      if (lo >= 0xdc00 && lo <= 0xdfff) {  // a pair: 4 bytes for 2 units
        const uint32_t cp = 0x10000 + ((cu - 0xd800) << 10) + (lo - 0xdc00);
        *w++ = static_cast<char>(0xf0 | (cp >> 18));
        *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        *w++ = static_cast<char>(0x80 | (cp & 0x3f));
        ++i;
        continue;
      }
    }
    if (cu >= 0xd800 && cu <= 0xdfff) cu = 0xfffd;
    *w++ = static_cast<char>(0xe0 | (cu >> 12));
    *w++ = static_cast<char>(0x80 | ((cu >> 6) & 0x3f));
    *w++ = static_cast<char>(0x80 | (cu & 0x3f));
  }
  out->resize(old_size + static_cast<size_t>(w - begin));
}

std::string FormatFileTime(uint64_t filetime) {
  std::string out;
  AppendFileTime(filetime, &out);
  return out;
}

int64_t FileTimeToUnixNs(uint64_t filetime) {
  constexpr uint64_t kEpochDelta = 116444736000000000ULL;  // 1601 -> 1970 in 100 ns
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (filetime >= kEpochDelta) {
    const uint64_t ticks = filetime - kEpochDelta;
    if (ticks > static_cast<uint64_t>(kMax / 100)) return kMax;
    return static_cast<int64_t>(ticks) * 100;
  }
  const uint64_t before = kEpochDelta - filetime;
  if (before > static_cast<uint64_t>(kMax / 100)) return std::numeric_limits<int64_t>::min();
  return -static_cast<int64_t>(before) * 100;
}

Value DecodeSized(uint8_t type, std::span<const uint8_t> bytes, uint32_t offset) {
  Value v;
  const uint8_t base = type & 0x7f;
  if ((type & kArrayFlag) != 0) {
    v.array = true;
    if (base == kString) {
      const size_t units = bytes.size() / 2;
      size_t start = 0;
      for (size_t i = 0; i <= units; ++i) {
        if (i == units || Le16(bytes.data() + 2 * i) == 0) {
          if (i == units && i == start) break;  // no trailing unterminated item
          Value item;
          AppendUtf16(bytes.data() + 2 * start, i - start, false, &item.text);
          v.items.push_back(std::move(item));
          start = i + 1;
        }
      }
    } else if (base == kSizeT || base == kSid || base == kAnsiString || base == kBinary) {
      // No fixed item size: render the whole as binary (rare in practice).
      AppendBinary(bytes, &v.text);
      v.array = false;
      return v;
    } else if (const size_t size = FixedSize(base); size != 0) {
      for (size_t i = 0; i + size <= bytes.size(); i += size) {
        Value item;
        DecodeFixed(base, bytes.data() + i, &item);
        v.items.push_back(std::move(item));
      }
    }
    JoinItems(&v);
    return v;
  }
  switch (base) {
    case kNull:
      return v;
    case kString: {
      // Up to the first NUL, without trailing white space (as Rust evtx since 0.8.5).
      size_t units = 0;
      while (units < bytes.size() / 2 && Le16(bytes.data() + 2 * units) != 0) ++units;
      while (units > 0 && IsUnicodeSpace(Le16(bytes.data() + 2 * (units - 1)))) --units;
      AppendUtf16(bytes.data(), units, false, &v.text);
      return v;
    }
    case kAnsiString:
      AppendAnsi(bytes, &v.text);
      return v;
    case kBinary:
    case kEvtHandle:
    case kEvtXml:
      AppendBinary(bytes, &v.text);
      return v;
    case kSid:
      if (!bytes.empty()) AppendSid(bytes, &v.text);
      return v;
    case kSizeT:
      if (bytes.size() == 4) AppendHexPrefixed(Le32(bytes.data()), &v.text);
      if (bytes.size() == 8) AppendHexPrefixed(Le64(bytes.data()), &v.text);
      return v;
    case kBinXml:
      v.binxml = !bytes.empty();
      v.binxml_begin = offset;
      v.binxml_end = offset + static_cast<uint32_t>(bytes.size());
      return v;
    default:
      break;
  }
  const size_t size = FixedSize(base);
  if (size != 0 && bytes.size() >= size) DecodeFixed(base, bytes.data(), &v);
  return v;
}

}  // namespace vigil::evtx::internal
