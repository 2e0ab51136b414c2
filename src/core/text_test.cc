#include "core/text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil {
namespace {

using ::testing::ElementsAre;

std::string Encode(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | cp >> 6));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | cp >> 12));
    out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | cp >> 18));
    out.push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
  return out;
}

TEST(Utf8Test, ValidAndInvalidSequences) {
  struct Case {
    std::string text;
    size_t valid_prefix;
  };
  const std::vector<Case> cases = {
      {"", 0},
      {"plain ascii, longer than eight bytes", 36},
      {"Sở Thông tin và Truyền thông", 35},
      {"\xF0\x9F\x98\x80 emoji", 10},
      {"\xEF\xBB\xBF", 3},      // BOM is a valid code point
      {"\xF4\x8F\xBF\xBF", 4},  // U+10FFFF
      {"\xED\x9F\xBF", 3},      // U+D7FF, just below the surrogates
      {"\xC0\xAF", 0},          // overlong '/'
      {"\xC1\xBF", 0},          // overlong
      {"\xE0\x80\xAF", 0},      // overlong
      {"\xE0\x9F\xBF", 0},      // overlong
      {"\xF0\x8F\xBF\xBF", 0},  // overlong
      {"\xED\xA0\x80", 0},      // surrogate U+D800
      {"\xF4\x90\x80\x80", 0},  // above U+10FFFF
      {"\xF5\x80\x80\x80", 0},
      {"\x80", 0},  // lone continuation byte
      {"\xFF", 0},
      {"ab\xC3", 2},  // truncated at the end
      {"abc\xE1\xBA", 3},
      {"abcdefghij\xFFxyz", 10},  // after the 8-byte fast path
      {"Ph\xC6\xB0\xE1\xBB\x9Dng \xE1\xBA", 10},
      {"\xC3\x28", 0},                 // bad continuation
      {std::string("nul\0ok", 6), 6},  // NUL is valid UTF-8
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(Utf8ValidPrefixLength(c.text), c.valid_prefix);
    EXPECT_EQ(IsValidUtf8(c.text), c.valid_prefix == c.text.size());
  }
}

TEST(Utf8Test, EveryScalarValueIsValidAndEverySurrogateIsNot) {
  for (char32_t cp = 0; cp <= 0x10FFFF; cp += cp < 0x20000 ? 1 : 97) {
    const std::string s = Encode(cp);
    EXPECT_EQ(IsValidUtf8(s), cp < 0xD800 || cp > 0xDFFF) << std::hex << static_cast<uint32_t>(cp);
  }
}

TEST(TrimTest, AsciiWhitespaceOnly) {
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t\r\n\v\f"), "");
  EXPECT_EQ(Trim("  a b  "), "a b");
  EXPECT_EQ(Trim("\tHải Châu\r\n"), "Hải Châu");
  EXPECT_EQ(Trim("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");  // NBSP is not ASCII
}

TEST(AsciiLowerTest, OnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Hello, WORLD 123"), "hello, world 123");
  EXPECT_EQ(AsciiLower("ĐÀ NẴNG"), "ĐÀ nẴng");
  EXPECT_TRUE(EqualsAsciiFoldCase("AND", "and"));
  EXPECT_TRUE(EqualsAsciiFoldCase("", ""));
  EXPECT_FALSE(EqualsAsciiFoldCase("and", "an"));
  EXPECT_FALSE(EqualsAsciiFoldCase("ĐÀ", "đà"));  // ASCII only
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(SplitTest, KeepsEmptyPieces) {
  EXPECT_THAT(Split("a,b,c", ','), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Split("a,,b", ','), ElementsAre("a", "", "b"));
  EXPECT_THAT(Split(",", ','), ElementsAre("", ""));
  EXPECT_THAT(Split("", ','), ElementsAre(""));
  EXPECT_THAT(Split("no separator", ','), ElementsAre("no separator"));
  EXPECT_THAT(Split("Hải Châu;Đà Nẵng;", ';'), ElementsAre("Hải Châu", "Đà Nẵng", ""));
}

TEST(Utf8LowerTest, Examples) {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {"ABC xyz 123", "abc xyz 123"},
      {"ĐÀ NẴNG", "đà nẵng"},
      {"SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "sở thông tin và truyền thông"},
      {"PHƯỜNG HẢI CHÂU", "phường hải châu"},
      {"AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ",
       "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"},
      {"ÀÉÎÕÜ ÇÑ ×", "àéîõü çñ ×"},        // Latin-1; × has no case
      {"ŁÓDŹ ŽŠČ ĲĿ Ÿ", "łódź žšč ĳŀ ÿ"},  // Latin Extended-A
      {"İ", "i"},                          // simple mapping, shorter result
      {"ǄǅǇǈ ƏƟ Ⱥ", "ǆǆǉǉ əɵ ⱥ"},          // Latin Extended-B, Ⱥ grows to 3 bytes
      {"ẞ Ḁ Ỹ", "ß ḁ ỹ"},                  // Latin Extended Additional
      {"ΣΑΣ ЖУК", "ΣΑΣ ЖУК"},              // outside the covered ranges
      {"A\xFF"
       "B\xE1\xBA",
       "a\xFF"
       "b\xE1\xBA"},  // invalid bytes pass through
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(Utf8Lower(c.in), c.out);
  }
}

TEST(Utf8LowerTest, IdempotentAndValidOverTheCoveredPlane) {
  for (char32_t cp = 1; cp < 0x3000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const std::string once = Utf8Lower(Encode(cp));
    EXPECT_TRUE(IsValidUtf8(once)) << std::hex << static_cast<uint32_t>(cp);
    EXPECT_EQ(Utf8Lower(once), once) << std::hex << static_cast<uint32_t>(cp);
  }
}

TEST(ContainsFoldCaseTest, Table) {
  struct Case {
    std::string haystack, needle;
    bool found;
  };
  const std::vector<Case> cases = {
      {"ĐÀ NẴNG", "đà nẵng", true},
      {"Thành phố ĐÀ NẴNG, Việt Nam", "Đà Nẵng", true},
      {"Sở Thông tin và Truyền thông", "THÔNG TIN VÀ TRUYỀN", true},
      {"Phường Hải Châu", "HẢI CHÂU", true},
      {"Phường Hải Châu", "hai chau", false},  // diacritics are letters, not decoration
      {"Phường Hải Châu", "phuong", false},
      {"Hello World", "WORLD", true},
      {"Hello World", "worlds", false},
      {"İP", "ip", true},
      {"abc", "", true},
      {"", "", true},
      {"", "a", false},
      {"ab", "abc", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.haystack + " / " + c.needle);
    EXPECT_EQ(ContainsFoldCase(c.haystack, c.needle), c.found);
  }
}

}  // namespace
TEST(LineSplitterTest, SplitsAtLfDropsCrAndKeepsALastLineWithoutLf) {
  auto lines = [](std::string_view text) {
    std::vector<std::string> out;
    LineSplitter splitter(text);
    for (std::string_view line; splitter.Next(&line);) out.emplace_back(line);
    return out;
  };
  EXPECT_EQ(lines("a\r\n\nb\nc"), (std::vector<std::string>{"a", "", "b", "c"}));
  EXPECT_EQ(lines("a\n"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(lines("\n"), (std::vector<std::string>{""}));
  EXPECT_TRUE(lines("").empty());
  EXPECT_EQ(lines("x\r"), (std::vector<std::string>{"x"}));
}

TEST(FindEither, FirstOfTwoBytesFromAPosition) {
  using std::string_view;
  const string_view text("ab\ncd\0ef\n", 9);
  EXPECT_EQ(FindEither(text, '\n', '\0'), 2u);
  EXPECT_EQ(FindEither(text, '\0', '\n'), 2u);
  EXPECT_EQ(FindEither(text, '\n', '\0', 3), 5u);  // the NUL before the next newline
  EXPECT_EQ(FindEither(text, '\n', 'x', 3), 8u);
  EXPECT_EQ(FindEither(text, 'x', 'y'), string_view::npos);
  EXPECT_EQ(FindEither(text, 'x', 'f'), 7u);  // only the second byte occurs
  EXPECT_EQ(FindEither(text, '\n', '\0', 9), string_view::npos);
  EXPECT_EQ(FindEither("", 'a', 'b'), string_view::npos);
}

}  // namespace vigil
