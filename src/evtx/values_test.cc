#include "evtx/values.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace vigil::evtx::internal {
namespace {

Value Decode(uint8_t type, const std::vector<uint8_t>& bytes) {
  return DecodeSized(type, bytes, 0);
}

std::vector<uint8_t> Utf16(const std::u16string& s) {
  std::vector<uint8_t> out;
  for (char16_t c : s) {
    out.push_back(static_cast<uint8_t>(c));
    out.push_back(static_cast<uint8_t>(c >> 8));
  }
  return out;
}

TEST(ValuesTest, Strings) {
  EXPECT_EQ(Decode(kString, Utf16(u"Vi\u1EC7t Nam")).text, "Vi\xE1\xBB\x87t Nam");
  EXPECT_EQ(Decode(kString, Utf16(u"abc\0def")).text, "abc");           // up to the first NUL
  EXPECT_EQ(Decode(kString, Utf16(u"Advapi  \t\r\n")).text, "Advapi");  // trailing blanks
  EXPECT_EQ(Decode(kString, Utf16(u"  lead")).text, "  lead");
  EXPECT_EQ(Decode(kString, Utf16(u"\U0001F600")).text, "\xF0\x9F\x98\x80");  // surrogate pair
  EXPECT_EQ(Decode(kString, Utf16(u"\xD800x")).text, "\xEF\xBF\xBDx");        // lone surrogate
  EXPECT_EQ(Decode(kString, {'a', 0, 'b'}).text, "a");                        // odd size
  EXPECT_EQ(Decode(kAnsiString, {'a', 0x80, 0xe9, 0, 'z'}).text, "a\xE2\x82\xAC\xC3\xA9");
  EXPECT_FALSE(Decode(kString, Utf16(u"1")).number);
}

TEST(ValuesTest, Integers) {
  EXPECT_EQ(Decode(kInt8, {0xff}).text, "-1");
  EXPECT_EQ(Decode(kUInt8, {0xff}).text, "255");
  EXPECT_EQ(Decode(kInt16, {0x00, 0x80}).text, "-32768");
  EXPECT_EQ(Decode(kUInt16, {0xd0, 0x11}).text, "4560");
  EXPECT_EQ(Decode(kInt32, {0xfe, 0xff, 0xff, 0xff}).text, "-2");
  EXPECT_EQ(Decode(kUInt64, std::vector<uint8_t>(8, 0xff)).text, "18446744073709551615");
  EXPECT_EQ(Decode(kInt64, {0, 0, 0, 0, 0, 0, 0, 0x80}).text, "-9223372036854775808");
  EXPECT_TRUE(Decode(kUInt32, {1, 0, 0, 0}).number);
  EXPECT_EQ(Decode(kHexInt32, {0x20, 0, 0x07, 0x80}).text, "0x80070020");
  EXPECT_EQ(Decode(kHexInt64, {0, 0, 0, 0, 0, 0, 0, 0x80}).text, "0x8000000000000000");
  EXPECT_EQ(Decode(kHexInt64, std::vector<uint8_t>(8, 0)).text, "0x0");
  EXPECT_FALSE(Decode(kHexInt32, {1, 0, 0, 0}).number);
  EXPECT_EQ(Decode(kSizeT, {0x10, 0, 0, 0}).text, "0x10");
  EXPECT_EQ(Decode(kBool, {1, 0, 0, 0}).text, "true");
  EXPECT_EQ(Decode(kBool, {0, 0, 0, 0}).text, "false");
  EXPECT_TRUE(Decode(kBool, {0, 0, 0, 0}).number);
  EXPECT_EQ(Decode(kUInt32, {1, 0}).text, "");  // too short: empty, as a null
}

TEST(ValuesTest, Floats) {
  EXPECT_EQ(Decode(kReal32, {0, 0, 0xc0, 0x3f}).text, "1.5");
  EXPECT_EQ(Decode(kReal64, {0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f}).text, "0.1");
  EXPECT_FALSE(Decode(kReal64, std::vector<uint8_t>(8, 0)).number);
}

TEST(ValuesTest, TimesGuidsSidsBinary) {
  // 2026-04-17T04:14:33.6534143Z
  const uint64_t ft = (1776399273ULL * 10'000'000ULL + 6534143ULL) + 116444736000000000ULL;
  std::vector<uint8_t> b;
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(ft >> (8 * i)));
  EXPECT_EQ(Decode(kFileTime, b).text, "2026-04-17T04:14:33.653414Z");
  EXPECT_EQ(FormatFileTime(0), "1601-01-01T00:00:00.000000Z");
  EXPECT_EQ(FileTimeToUnixNs(116444736000000000ULL), 0);
  EXPECT_EQ(FileTimeToUnixNs(116444736000000001ULL), 100);
  EXPECT_EQ(FileTimeToUnixNs(0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(FileTimeToUnixNs(UINT64_MAX), std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(FormatFileTime(UINT64_MAX).empty());
  // SYSTEMTIME 2024-02-29 (Thursday) 23:59:58.999
  EXPECT_EQ(Decode(kSysTime, {0xe8, 0x07, 2, 0, 4, 0, 29, 0, 23, 0, 59, 0, 58, 0, 0xe7, 0x03}).text,
            "2024-02-29T23:59:58.999000Z");
  EXPECT_EQ(Decode(kGuid, {0x8a, 0x95, 0xcd, 0x11, 0x07, 0xc5, 0xf3, 0x4e, 0xb3, 0xf2, 0x5f, 0xd9,
                           0xdf, 0xbd, 0x2c, 0x78})
                .text,
            "11CD958A-C507-4EF3-B3F2-5FD9DFBD2C78");
  EXPECT_EQ(Decode(kSid, {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0,    0, 1, 0,
                          0, 0, 2, 0, 0, 0, 3, 0, 0,  0, 0xf4, 1, 0, 0})
                .text,
            "S-1-5-21-1-2-3-500");
  EXPECT_EQ(Decode(kSid, {1, 9, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}).text, "S-1-5-18");  // short
  EXPECT_EQ(Decode(kSid, {1, 2}).text, "S-?");
  EXPECT_EQ(Decode(kBinary, {0xde, 0xad, 0x01}).text, "DEAD01");
  EXPECT_EQ(Decode(kBinary, {}).text, "");
}

TEST(ValuesTest, Arrays) {
  const Value strings = Decode(kArrayFlag | kString, Utf16(std::u16string(u"a\0bc\0\0d", 7)));
  ASSERT_TRUE(strings.array);
  ASSERT_EQ(strings.items.size(), 4u);
  EXPECT_EQ(strings.items[1].text, "bc");
  EXPECT_EQ(strings.items[2].text, "");
  EXPECT_EQ(strings.text, "a,bc,,d");
  const Value ints = Decode(kArrayFlag | kUInt16, {1, 0, 2, 0, 3});  // odd byte ignored
  ASSERT_EQ(ints.items.size(), 2u);
  EXPECT_TRUE(ints.items[0].number);
  EXPECT_FALSE(ints.number);
  EXPECT_EQ(ints.text, "1,2");
  EXPECT_TRUE(Decode(kArrayFlag | kInt64, {}).items.empty());
}

TEST(ValuesTest, NestedBinXmlKeepsItsRange) {
  const Value v = DecodeSized(kBinXml, std::vector<uint8_t>(5, 0), 100);
  EXPECT_TRUE(v.binxml);
  EXPECT_EQ(v.binxml_begin, 100u);
  EXPECT_EQ(v.binxml_end, 105u);
  EXPECT_FALSE(DecodeSized(kBinXml, {}, 100).binxml);
}

}  // namespace
}  // namespace vigil::evtx::internal
