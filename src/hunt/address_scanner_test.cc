#include "hunt/address_scanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "hunt/address_scanner_reference.h"

namespace vigil::hunt {
namespace {

// Both ways (the AVX-512 chunk scan when this CPU has it, and the portable loop), which must agree.
// Each also counts the text's line feeds.
std::vector<Span> Scan(std::string_view text, bool v4 = true, bool v6 = true) {
  const auto line_feeds = static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
  uint64_t portable_count = 0, wide_count = 0;
  std::vector<Span> portable = ScanSpans(text, v4, v6, false, &portable_count);
  EXPECT_EQ(ScanSpans(text, v4, v6, true, &wide_count), portable)
      << "wide scan differs on \"" << text << "\"";
  EXPECT_EQ(portable_count, line_feeds);
  EXPECT_EQ(wide_count, line_feeds);
  return portable;
}

std::vector<std::string> Texts(std::string_view text, bool v4 = true, bool v6 = true) {
  std::vector<std::string> out;
  for (const Span& s : Scan(text, v4, v6)) out.emplace_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

TEST(AddressScanner, FindsAddressesWhereGrepcidrDoes) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Texts("SRC=10.0.0.1 DST=192.0.2.7 LEN=60"), (V{"10.0.0.1", "192.0.2.7"}));
  EXPECT_EQ(Texts("a1.2.3.4 x.1.2.3.4 a.b1.2.3.4"), (V{"1.2.3.4", "1.2.3.4", "1.2.3.4"}));
  EXPECT_EQ(Texts("1.2.3.4a 5a1.2.3.4 5.1.2.3.4 4.3.2.1.in-addr.arpa 01.2.3.4 1.2.3.256"), V{});
  EXPECT_EQ(Texts("1.2.3.4:80 1.2.3.4/24 (1.2.3.4) 1.2.3.4_"),
            (V{"1.2.3.4", "1.2.3.4", "1.2.3.4", "1.2.3.4"}));
  EXPECT_EQ(Texts("[2001:db8::1]:80 fe80::1%eth0 x2001:db8::2"),
            (V{"2001:db8::1", "fe80::1", "2001:db8::2"}));
  EXPECT_EQ(Texts("12:00:01 MAC=00:16:3e:5c:1a:2b:00:16:3e:aa:bb:cc:08:00 2001:db8::1:"), V{});
  EXPECT_EQ(Texts("::ffff:1.2.3.4"), (V{"::ffff:1.2.3.4"}));
  EXPECT_EQ(Texts("::ffff:1.2.3.4", true, false), (V{"1.2.3.4"}));  // no IPv6 in the list
  EXPECT_EQ(Texts("ab:1.2.3.4", true, true), V{});  // grepcidr's IPv6 field swallows it
  EXPECT_EQ(Texts("ab:1.2.3.4", true, false), (V{"1.2.3.4"}));
  EXPECT_EQ(Texts("1234.5.6.7"), (V{"234.5.6.7"}));  // grepcidr's hint starts inside numbers
}

TEST(AddressScanner, NothingCrossesALineFeed) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Texts("x 5\n.1.2.3.4\n2001:db8::\n1"), (V{"1.2.3.4", "2001:db8::"}));
  EXPECT_EQ(Texts("1.2.3\n.4"), V{});
}

TEST(AddressScanner, HandlesEdgesOfTheBuffer) {
  EXPECT_TRUE(Scan("").empty());
  EXPECT_TRUE(Scan("1").empty());
  EXPECT_EQ(Scan("1.2.3.4").size(), 1u);
  EXPECT_EQ(Scan("::1").size(), 1u);
  const std::string zeros(1 << 20, '0');
  EXPECT_TRUE(Scan(zeros + "." + zeros).empty());  // a field far too long for an address
}

// Dotted quads of every octet-length pattern, with and without leading zeros and octets over
// 255, in text long and dense enough for the chunk scan's quad parser.
TEST(AddressScanner, ParsesEveryShapeOfDottedQuad) {
  std::mt19937 rng(4);
  auto octet = [&rng] {
    std::string digits;
    const unsigned length = 1 + rng() % 3;
    for (unsigned d = 0; d < length; ++d) digits.push_back(static_cast<char>('0' + rng() % 10));
    return digits;
  };
  for (int round = 0; round < 300; ++round) {
    std::string text;
    while (text.size() < 400) {
      text += "SRC=" + octet() + "." + octet() + "." + octet() + "." + octet() + " DPT=80 ";
    }
    ASSERT_EQ(Scan(text, true, false), Reference(text, true, false)) << text;
    ASSERT_EQ(Scan(text), Reference(text, true, true)) << text;
  }
}

// Between `min` and `max` - 1 pieces, each a seed (one in three) or a character of `alphabet`.
std::string RandomText(std::mt19937& rng, const std::string& alphabet,
                       const std::vector<std::string>& seeds, int min, int max) {
  std::string text;
  const int pieces = min + static_cast<int>(rng() % static_cast<unsigned>(max - min));
  for (int i = 0; i < pieces; ++i) {
    if (rng() % 3 == 0) {
      text += seeds[rng() % seeds.size()];
    } else {
      text.push_back(alphabet[rng() % alphabet.size()]);
    }
  }
  return text;
}

// The property that matters: the fast scanner reports exactly what the byte-by-byte reference
// reports, on random text dense in digits, dots, colons, hex letters and line feeds.
TEST(AddressScanner, AgreesWithTheReferenceOnRandomText) {
  std::mt19937 rng(2026);
  const std::string alphabet = "0123456789012345678901.....::::abcdefxyz/ -_[]\n\t";
  const std::vector<std::string> seeds = {"10.0.0.1",        "255.255.255.255", "2001:db8::1", "::",
                                          "::ffff:10.1.2.3", "1:2:3:4:5:6:7:8", "fe80::"};
  for (int round = 0; round < 3000; ++round) {
    const std::string text = RandomText(rng, alphabet, seeds, 1, 40);
    for (const auto& [v4, v6] : {std::pair{true, true}, {true, false}, {false, true}}) {
      ASSERT_EQ(Scan(text, v4, v6), Reference(text, v4, v6))
          << "v4=" << v4 << " v6=" << v6 << " text=\"" << text << "\"";
    }
  }
}

// The same on long texts, where the scanner classifies 64-byte chunks: fields and hints straddle
// chunk boundaries at every offset, and long fields make it skip chunks.
TEST(AddressScanner, AgreesWithTheReferenceAcrossChunks) {
  if (!scanner_detail::WideScanAvailable()) {
    std::printf("no AVX-512BW here: only the portable scan is checked\n");
  }
  std::mt19937 rng(21);
  const std::string alphabet = "0123456789012345678901.....::::abcdefxyzABCF/ -_[]=\n\t\x80\xff";
  const std::vector<std::string> seeds = {"10.0.0.1",
                                          "255.255.255.255",
                                          "2001:db8::1",
                                          "::",
                                          "::ffff:10.1.2.3",
                                          "1:2:3:4:5:6:7:8",
                                          "fe80::",
                                          "MAC=00:16:3e:5c:1a:2b:00:16:3e:aa:bb",
                                          "12:00:01",
                                          "[123456.789012]",
                                          std::string(70, 'a'),
                                          std::string(130, '7') + ".1",
                                          "1.2.3.4.5",
                                          "abcd:",
                                          "1.2.3.4::1",
                                          "01.2.3.4",
                                          "1.02.3.4",
                                          "1.2.3.04",
                                          "1.2.3.256",
                                          "999.1.1.1",
                                          "0.0.0.0",
                                          "100.200.250.255",
                                          "1.2..3.4",
                                          "1.2.3.",
                                          "1.2.3.4444",
                                          "300.1.1.1",
                                          "12.34.56.78"};
  for (int round = 0; round < 400; ++round) {
    const std::string text = RandomText(rng, alphabet, seeds, 100, 500);
    for (const auto& [v4, v6] : {std::pair{true, true}, {true, false}, {false, true}}) {
      ASSERT_EQ(Scan(text, v4, v6), Reference(text, v4, v6))
          << "v4=" << v4 << " v6=" << v6 << " text=\"" << text << "\"";
    }
  }
  // Log lines shifted by every offset within a chunk.
  const std::string lines =
      "Nov 21 08:15:01 fw01 kernel: [123456.789012] DROP-IN IN=eth0 OUT= "
      "MAC=00:16:3e:5c:1a:2b:00:16:3e:aa:bb:cc:08:00 SRC=203.0.113.9 DST=10.0.1.5 LEN=60 "
      "TOS=0x00 PREC=0x00 TTL=50 ID=54321 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=29200 RES=0x00 "
      "SYN URGP=0\nNov 21 08:15:01 fw01 kernel: [123456.789013] ACCEPT-OUT IN=eth1 OUT=eth0 "
      "MAC=00:16:3e:5c:1a:2b:00:16:3e:aa:bb:cc:86:dd SRC=2400:cb00:1:2::3 DST=fe80::1 LEN=60\n";
  for (size_t shift = 0; shift < 130; ++shift) {
    std::string text(shift, 'x');
    text.append(lines).append(lines);
    for (const auto& [v4, v6] : {std::pair{true, true}, {true, false}, {false, true}}) {
      ASSERT_EQ(Scan(text, v4, v6), Reference(text, v4, v6)) << "shift " << shift;
    }
  }
}

}  // namespace
}  // namespace vigil::hunt
