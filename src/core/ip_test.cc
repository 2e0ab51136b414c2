#include "core/ip.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace vigil {
namespace {

using ::testing::HasSubstr;

IpAddress Ip(std::string_view text) {
  auto ip = ParseIp(text);
  EXPECT_TRUE(ip.ok()) << text << ": " << ip.status().ToString();
  return ip.ok() ? *ip : IpAddress{};
}

Cidr Net(std::string_view text) {
  auto cidr = ParseCidr(text);
  EXPECT_TRUE(cidr.ok()) << text << ": " << cidr.status().ToString();
  return cidr.ok() ? *cidr : Cidr{};
}

// glibc's inet_pton as an independent oracle for the bytes of valid addresses.
bool SystemParse(const std::string& text, IpAddress* out) {
  *out = IpAddress{};
  out->v6 = text.find(':') != std::string::npos;
  return inet_pton(out->v6 ? AF_INET6 : AF_INET, text.c_str(), out->bytes.data()) == 1;
}

TEST(ParseIpTest, ValidAddressesFormatCanonically) {
  struct Case {
    std::string text, canonical;
  };
  const std::vector<Case> cases = {
      {"0.0.0.0", "0.0.0.0"},
      {"255.255.255.255", "255.255.255.255"},
      {"192.0.2.1", "192.0.2.1"},
      {"10.0.0.10", "10.0.0.10"},
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"2001:DB8::1", "2001:db8::1"},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},     // leftmost of equal runs
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},           // longest run
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // one zero group stays
      {"0:0:0:0:0:0:0:0", "::"},
      {"1:0:0:0:0:0:0:0", "1::"},
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
      {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
      {"fe80::abcd:ef01", "fe80::abcd:ef01"},
      {"FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
      {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
      {"::FFFF:102:304", "::ffff:1.2.3.4"},
      {"0:0:0:0:0:ffff:192.0.2.255", "::ffff:192.0.2.255"},
      {"::1.2.3.4", "::102:304"},
      {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto ip = ParseIp(c.text);
    ASSERT_TRUE(ip.ok()) << ip.status().ToString();
    EXPECT_EQ(FormatIp(*ip), c.canonical);
    EXPECT_EQ(Ip(c.canonical), *ip);
    IpAddress system;
    ASSERT_TRUE(SystemParse(c.text, &system));
    EXPECT_EQ(system, *ip);
  }
}

TEST(ParseIpTest, InvalidAddressesSayWhatIsWrong) {
  struct Case {
    std::string text, message;
  };
  const std::vector<Case> cases = {
      {"", "empty"},
      {"010.1.1.1", "octet 1 (010) has a leading zero, which some tools read as octal; write 10"},
      {"1.2.3.00", "octet 4 (00) has a leading zero"},
      {"1.2.3", "expected 4 dotted octets, got 3"},
      {"1.2.3.", "octet 4 is empty"},
      {"1..2.3", "octet 2 is empty"},
      {"1.2.3.4.5", "more than 4 octets"},
      {"256.1.1.1", "octet 1 (256) is out of range 0-255"},
      {"1.2.3.99999999999999999999", "octet 4 (99999999...) is out of range 0-255"},
      {" 1.2.3.4", "unexpected whitespace at position 1"},
      {"1.2.3.4\n", "unexpected whitespace at position 8"},
      {"1.2.3.a", "unexpected 'a' at position 7"},
      {"1.2.3.-1", "unexpected '-' at position 7"},
      {"1.2.3.4/24", "unexpected '/' at position 8"},
      {"0x1.2.3.4", "unexpected 'x' at position 2"},
      {"1.2.3.4\xC2\xA0", "unexpected byte 0xc2 at position 8"},
      {":::", "':::' is not valid"},
      {"1:::2", "':::' is not valid"},
      {"1::2::3", "\"::\" appears more than once"},
      {"1:2:3:4:5:6:7:8:9", "more than 8 groups"},
      {"1:2:3:4:5:6:7", "expected 8 groups, got 7"},
      {"1:2:3:4:5:6:7:8::", "\"::\" must stand for at least one zero group"},
      {"::1:2:3:4:5:6:7:8", "\"::\" must stand for at least one zero group"},
      {"12345::", "group 1 has more than 4 hex digits"},
      {"fe80::1%eth0", "zone ids"},
      {"fe80::%eth0", "zone ids"},
      {":1::", "starts with a single ':'"},
      {"1:", "ends with a single ':'"},
      {"[::1]", "brackets"},
      {"::ffff:1.2.3.256", "embedded IPv4 address: octet 4 (256) is out of range"},
      {"::ffff:01.2.3.4", "embedded IPv4 address: octet 1 (01) has a leading zero"},
      {"1:2:3:4:5:6:7:1.2.3.4", "too many groups before the embedded IPv4 address"},
      {"::1.2.3.4:5", "embedded IPv4 address: unexpected ':' at position 10"},
      {"1.2.3.4::", "embedded IPv4 address: unexpected ':' at position 8"},
      {"g::", "unexpected 'g' at position 1"},
      {"::g", "unexpected 'g' at position 3"},
      {"::1 ", "unexpected whitespace at position 4"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto ip = ParseIp(c.text);
    ASSERT_FALSE(ip.ok());
    EXPECT_EQ(ip.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(ip.status().message(), HasSubstr("invalid IP address"));
    EXPECT_THAT(ip.status().message(), HasSubstr(c.message));
    IpAddress system;
    // glibc agrees on everything here except the zero-octet forms it also rejects.
    EXPECT_FALSE(SystemParse(c.text, &system));
  }
}

TEST(ParseIpTest, ErrorQuotesLongOrBinaryInputSafely) {
  const std::string long_input(200, '9');
  auto ip = ParseIp(long_input);
  ASSERT_FALSE(ip.ok());
  EXPECT_LT(ip.status().message().size(), 150u);
  auto binary = ParseIp(std::string("1.2\0.3", 6));
  ASSERT_FALSE(binary.ok());
  EXPECT_THAT(binary.status().message(), HasSubstr("\"1.2\\x00.3\""));
}

TEST(ParseIpTest, OrderingIsNumericAndV4BeforeV6) {
  EXPECT_LT(Ip("9.255.255.255"), Ip("10.0.0.0"));
  EXPECT_LT(Ip("255.255.255.255"), Ip("::"));
  EXPECT_NE(Ip("1.2.3.4"), Ip("::ffff:1.2.3.4"));
}

TEST(FormatIpTest, RandomAddressesRoundTripAndMatchInetNtop) {
  std::mt19937 rng(20240601);
  for (int i = 0; i < 5000; ++i) {
    IpAddress ip;
    ip.v6 = i % 3 != 0;
    for (int g = 0; g < (ip.v6 ? 8 : 2); ++g) {
      // Mostly zero groups, so that runs of zeros and their ties are common.
      const unsigned value = rng() % 3 == 0 ? static_cast<unsigned>(rng() % 0x10000) : 0;
      ip.bytes[2 * g] = static_cast<uint8_t>(value >> 8);
      ip.bytes[2 * g + 1] = static_cast<uint8_t>(value);
    }
    const std::string text = FormatIp(ip);
    SCOPED_TRACE(text);
    EXPECT_EQ(Ip(text), ip);
    char system[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(ip.v6 ? AF_INET6 : AF_INET, ip.bytes.data(), system, sizeof system),
              nullptr);
    // glibc also prints ::/96 ("IPv4-compatible", deprecated) in mixed form; RFC 5952 does not.
    const bool v4_compatible = ip.v6 && std::all_of(ip.bytes.begin(), ip.bytes.begin() + 12,
                                                    [](uint8_t b) { return b == 0; });
    if (!v4_compatible) {
      EXPECT_EQ(text, system);
    }
  }
}

TEST(ParseCidrTest, ValidNetworks) {
  struct Case {
    std::string text, canonical;
  };
  const std::vector<Case> cases = {
      {"10.0.0.0/8", "10.0.0.0/8"},
      {"0.0.0.0/0", "0.0.0.0/0"},
      {"1.2.3.4", "1.2.3.4/32"},
      {"1.2.3.4/32", "1.2.3.4/32"},
      {"10.0.0.0/7", "10.0.0.0/7"},
      {"203.0.113.128/25", "203.0.113.128/25"},
      {"2001:db8::/32", "2001:db8::/32"},
      {"2001:DB8:0::/48", "2001:db8::/48"},
      {"::/0", "::/0"},
      {"::1", "::1/128"},
      {"2001:db8::8000/113", "2001:db8::8000/113"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto cidr = ParseCidr(c.text);
    ASSERT_TRUE(cidr.ok()) << cidr.status().ToString();
    EXPECT_EQ(FormatCidr(*cidr), c.canonical);
    EXPECT_EQ(Net(c.canonical), *cidr);
  }
}

TEST(ParseCidrTest, InvalidNetworksSayWhatIsWrong) {
  struct Case {
    std::string text, message;
  };
  const std::vector<Case> cases = {
      {"203.0.113.5/24", "host bits set; did you mean 203.0.113.0/24?"},
      {"10.1.0.0/8", "host bits set; did you mean 10.0.0.0/8?"},
      {"11.0.0.0/7", "host bits set; did you mean 10.0.0.0/7?"},
      {"2001:db8::1/32", "host bits set; did you mean 2001:db8::/32?"},
      {"2001:db8::c000/113", "did you mean 2001:db8::8000/113?"},
      {"1.2.3.4/33", "prefix length \"33\" is out of range for IPv4 (0-32)"},
      {"::/129", "prefix length \"129\" is out of range for IPv6 (0-128)"},
      {"1.2.3.4/99999999999999999999", "is out of range for IPv4"},
      {"1.2.3.4/", "missing prefix length after '/'"},
      {"1.2.3.4/a", "prefix length has unexpected 'a' at position 9"},
      {"1.2.3.4/-1", "prefix length has unexpected '-'"},
      {"1.2.3.4/ 8", "prefix length has unexpected whitespace"},
      {"10.0.0.0/08", "prefix length \"08\" has a leading zero; write /8"},
      {"1.2.3.4/32/1", "prefix length has unexpected '/' at position 11"},
      {"/8", "empty"},
      {"010.0.0.0/8", "octet 1 (010) has a leading zero"},
      {"fe80::/10%eth0", "unexpected '%'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto cidr = ParseCidr(c.text);
    ASSERT_FALSE(cidr.ok());
    EXPECT_EQ(cidr.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(cidr.status().message(), HasSubstr("invalid CIDR"));
    EXPECT_THAT(cidr.status().message(), HasSubstr(c.message));
  }
}

TEST(CidrTest, LastAddress) {
  EXPECT_EQ(FormatIp(LastAddress(ParseCidr("10.0.0.0/8").value())), "10.255.255.255");
  EXPECT_EQ(FormatIp(LastAddress(ParseCidr("192.0.2.7/32").value())), "192.0.2.7");
  EXPECT_EQ(FormatIp(LastAddress(ParseCidr("0.0.0.0/0").value())), "255.255.255.255");
  EXPECT_EQ(FormatIp(LastAddress(ParseCidr("2001:db8::/33").value())),
            "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff");
}

TEST(CidrTest, Contains) {
  struct Case {
    std::string cidr, ip;
    bool contains;
  };
  const std::vector<Case> cases = {
      {"10.0.0.0/8", "10.255.255.255", true},
      {"10.0.0.0/8", "11.0.0.0", false},
      {"10.0.0.0/8", "9.255.255.255", false},
      {"0.0.0.0/0", "203.0.113.9", true},
      {"0.0.0.0/0", "::1", false},
      {"::/0", "::ffff:1.2.3.4", true},
      {"::/0", "1.2.3.4", false},
      {"192.0.2.7/32", "192.0.2.7", true},
      {"192.0.2.7/32", "192.0.2.6", false},
      {"192.0.2.0/31", "192.0.2.1", true},
      {"2001:db8::/33", "2001:db8:7fff::1", true},
      {"2001:db8::/33", "2001:db8:8000::", false},
      {"2001:db8::1/128", "2001:db8::1", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cidr + " " + c.ip);
    EXPECT_EQ(CidrContains(Net(c.cidr), Ip(c.ip)), c.contains);
  }
  // Hand-built values: host bits are ignored, prefixes are clamped.
  EXPECT_TRUE(CidrContains(Cidr{Ip("10.1.2.3"), 8}, Ip("10.9.9.9")));
  EXPECT_TRUE(CidrContains(Cidr{Ip("10.1.2.3"), 99}, Ip("10.1.2.3")));
  EXPECT_TRUE(CidrContains(Cidr{Ip("10.1.2.3"), -5}, Ip("200.1.2.3")));
}

TEST(CidrTest, Overlaps) {
  struct Case {
    std::string a, b;
    bool overlap;
  };
  const std::vector<Case> cases = {
      {"10.0.0.0/8", "10.1.0.0/16", true},
      {"10.0.0.0/16", "10.1.0.0/16", false},
      {"192.168.0.0/23", "192.168.1.0/24", true},
      {"192.168.0.0/24", "192.168.1.0/24", false},
      {"0.0.0.0/0", "::/0", false},
      {"1.2.3.4", "1.2.3.4/32", true},
      {"2001:db8::/32", "2001:db8:ffff::/48", true},
      {"2001:db8::/32", "2001:db9::/32", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.a + " " + c.b);
    EXPECT_EQ(CidrsOverlap(Net(c.a), Net(c.b)), c.overlap);
    EXPECT_EQ(CidrsOverlap(Net(c.b), Net(c.a)), c.overlap);
  }
}

TEST(NormalizeMacTest, AcceptsCommonSpellings) {
  for (const std::string text :
       {"aa:bb:cc:0d:ee:ff", "AA:BB:CC:0D:EE:FF", "aa-bb-cc-0d-ee-ff", "AA-BB-CC-0D-EE-FF",
        "aabb.cc0d.eeff", "AABB.CC0D.EEFF", "aabbcc0deeff", "AaBbCc0DeEfF"}) {
    SCOPED_TRACE(text);
    auto mac = NormalizeMac(text);
    ASSERT_TRUE(mac.ok()) << mac.status().ToString();
    EXPECT_EQ(*mac, "aa:bb:cc:0d:ee:ff");
  }
}

TEST(NormalizeMacTest, RejectsOtherText) {
  struct Case {
    std::string text, message;
  };
  const std::vector<Case> cases = {
      {"", "expected 12 hex digits"},
      {"aa:bb:cc:dd:ee", "expected 12 hex digits"},
      {"aa:bb:cc:dd:ee:ff:00", "expected 12 hex digits"},
      {"aabbccddeef", "expected 12 hex digits"},
      {"aa:bb-cc:dd:ee:ff", "expected ':' (one separator style) but found '-' at position 6"},
      {"aa.bb.cc.dd.ee.ff", "expected ':' or '-' at position 3"},
      {"aabb.ccdd-eeff", "expected '.' (one separator style) but found '-' at position 10"},
      {"gg:bb:cc:dd:ee:ff", "not a hex digit: 'g' at position 1"},
      {"aabbccddeef ", "not a hex digit: whitespace at position 12"},
      {"a:bb:cc:dd:ee:fff", "expected ':' or '-' at position 3"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto mac = NormalizeMac(c.text);
    ASSERT_FALSE(mac.ok());
    EXPECT_THAT(mac.status().message(), HasSubstr("invalid MAC address"));
    EXPECT_THAT(mac.status().message(), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace vigil
