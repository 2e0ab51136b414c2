#include "intel/indicator_set.h"

#include <gtest/gtest.h>

#include <random>

namespace vigil::intel {
namespace {

Indicator Entry(std::string_view text, bool allow = false, int64_t expires = 0) {
  auto parsed = ParseIndicator(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
  Indicator entry = parsed.value();
  entry.allow = allow;
  entry.expires = expires;
  return entry;
}

std::string Hit(const IndicatorSet& set, std::string_view ip) {
  auto parsed = ParseIp(ip);
  EXPECT_TRUE(parsed.ok()) << ip;
  const IndicatorRef hit = set.MatchIp(parsed.value());
  return hit ? std::string(hit.value()) : "-";
}

TEST(IndicatorSet, MostSpecificEntryWinsAcrossNestedNetworks) {
  const auto set = IndicatorSet::Build(
      {Entry("10.0.0.0/8"), Entry("10.1.0.0/16"), Entry("10.1.2.3"), Entry("10.1.2.0/24")}, 0);
  EXPECT_EQ(Hit(set, "10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(Hit(set, "10.1.2.4"), "10.1.2.0/24");
  EXPECT_EQ(Hit(set, "10.1.3.4"), "10.1.0.0/16");
  EXPECT_EQ(Hit(set, "10.200.0.1"), "10.0.0.0/8");
  EXPECT_EQ(Hit(set, "10.255.255.255"), "10.0.0.0/8");
  EXPECT_EQ(Hit(set, "11.0.0.0"), "-");
  EXPECT_EQ(Hit(set, "9.255.255.255"), "-");
}

TEST(IndicatorSet, EqualSpansReportTheEntryGivenFirst) {
  const auto set = IndicatorSet::Build({Entry("192.0.2.0/24"), Entry("192.0.2.0-192.0.2.255")}, 0);
  EXPECT_EQ(Hit(set, "192.0.2.77"), "192.0.2.0/24");
}

TEST(IndicatorSet, RangesAndTheEdgesOfTheAddressSpace) {
  const auto set = IndicatorSet::Build(
      {Entry("0.0.0.0/32"), Entry("255.255.255.255"), Entry("1.2.3.250-1.2.4.5")}, 0);
  EXPECT_EQ(Hit(set, "0.0.0.0"), "0.0.0.0/32");
  EXPECT_EQ(Hit(set, "0.0.0.1"), "-");
  EXPECT_EQ(Hit(set, "255.255.255.255"), "255.255.255.255");
  EXPECT_EQ(Hit(set, "255.255.255.254"), "-");
  EXPECT_EQ(Hit(set, "1.2.3.249"), "-");
  EXPECT_EQ(Hit(set, "1.2.3.250"), "1.2.3.250-1.2.4.5");
  EXPECT_EQ(Hit(set, "1.2.4.5"), "1.2.3.250-1.2.4.5");
  EXPECT_EQ(Hit(set, "1.2.4.6"), "-");
}

TEST(IndicatorSet, AllowListPunchesHolesInAnyBlockEntry) {
  const auto set = IndicatorSet::Build(
      {Entry("203.0.113.0/24"), Entry("203.0.113.5"), Entry("203.0.113.0/28", true)}, 0);
  EXPECT_EQ(Hit(set, "203.0.113.5"), "-");  // allow wins even over a more specific entry
  EXPECT_EQ(Hit(set, "203.0.113.15"), "-");
  EXPECT_EQ(Hit(set, "203.0.113.16"), "203.0.113.0/24");
  EXPECT_EQ(set.active(), 2u);
}

TEST(IndicatorSet, EntriesShareMetadataAndKeepTheirText) {
  std::vector<Indicator> entries;
  for (const char* text : {"192.0.2.1", "192.0.2.2", "198.51.100.0/24"}) {
    entries.push_back(Entry(text));
    entries.back().source = "firehol_level1.netset";
    entries.back().family = "Mirai";
  }
  entries.back().family = "Emotet";
  const auto set = IndicatorSet::Build(entries, 0);
  const IndicatorRef a = set.MatchIp(ParseIp("192.0.2.1").value());
  const IndicatorRef b = set.MatchIp(ParseIp("192.0.2.2").value());
  const IndicatorRef c = set.MatchIp(ParseIp("198.51.100.9").value());
  EXPECT_EQ(a.value(), "192.0.2.1");
  EXPECT_EQ(b.value(), "192.0.2.2");
  EXPECT_EQ(&a.meta(), &b.meta());  // one record for identical metadata
  EXPECT_EQ(a.meta().source, "firehol_level1.netset");
  EXPECT_EQ(c.meta().family, "Emotet");
  EXPECT_EQ(c.meta().kind, IndicatorKind::kCidr);
  EXPECT_EQ(set.size(), 3u);
}

TEST(IndicatorSet, ExpiredEntriesDoNotMatch) {
  const auto set = IndicatorSet::Build(
      {Entry("198.51.100.1", false, 1000), Entry("198.51.100.2", false, 3000)}, 2000);
  EXPECT_EQ(Hit(set, "198.51.100.1"), "-");
  EXPECT_EQ(Hit(set, "198.51.100.2"), "198.51.100.2");
  EXPECT_EQ(set.expired(), 1u);
}

TEST(IndicatorSet, Ipv6NetworksAndFamiliesStayApart) {
  const auto set = IndicatorSet::Build(
      {Entry("2001:db8::/32"), Entry("2001:db8:1::/48"), Entry("::/0", true), Entry("1.2.3.4"),
       Entry("2001:db8:1::1"), Entry("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120")},
      0);
  // ::/0 is an allow entry covering all of IPv6: nothing IPv6 matches, IPv4 still does.
  EXPECT_EQ(Hit(set, "2001:db8::1"), "-");
  EXPECT_EQ(Hit(set, "1.2.3.4"), "1.2.3.4");
  const auto block = IndicatorSet::Build(
      {Entry("2001:db8::/32"), Entry("2001:db8:1::/48"), Entry("2001:db8:1::1"),
       Entry("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120"), Entry("::ffff:1.2.3.4")},
      0);
  EXPECT_EQ(Hit(block, "2001:db8::1"), "2001:db8::/32");
  EXPECT_EQ(Hit(block, "2001:db8:1::1"), "2001:db8:1::1");
  EXPECT_EQ(Hit(block, "2001:db8:1::2"), "2001:db8:1::/48");
  EXPECT_EQ(Hit(block, "2001:db9::"), "-");
  EXPECT_EQ(Hit(block, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120");
  EXPECT_EQ(Hit(block, "1.2.3.4"), "-");  // the IPv4-mapped entry is an IPv6 value
  EXPECT_EQ(Hit(block, "::ffff:1.2.3.4"), "::ffff:1.2.3.4");
}

TEST(IndicatorSet, DomainsExactSuffixAndAllowed) {
  const auto set =
      IndicatorSet::Build({Entry("evil.example"), Entry("*.c2.example"), Entry(".cdn.example"),
                           Entry("good.cdn.example", true), Entry("*.safe.c2.example", true)},
                          0);
  ASSERT_TRUE(set.MatchDomain("EVIL.example."));
  EXPECT_EQ(set.MatchDomain("EVIL.example.").value(), "evil.example");
  EXPECT_FALSE(set.MatchDomain("www.evil.example"));  // exact entries only match exactly
  EXPECT_EQ(set.MatchDomain("c2.example").value(), "*.c2.example");
  EXPECT_EQ(set.MatchDomain("a.b.c2.example").value(), "*.c2.example");
  EXPECT_FALSE(set.MatchDomain("xc2.example"));
  EXPECT_EQ(set.MatchDomain("x.cdn.example").value(), ".cdn.example");
  EXPECT_FALSE(set.MatchDomain("good.cdn.example"));
  EXPECT_FALSE(set.MatchDomain("a.safe.c2.example"));
}

TEST(IndicatorSet, UrlsAndHashes) {
  const auto set = IndicatorSet::Build(
      {Entry("HTTP://Evil.Example:80/a?b"), Entry("D41D8CD98F00B204E9800998ECF8427E")}, 0);
  EXPECT_TRUE(set.MatchUrl("http://evil.example/a?b"));
  EXPECT_TRUE(set.MatchHash("d41d8cd98f00b204e9800998ecf8427e"));
  EXPECT_FALSE(set.MatchHash("d41d8cd98f00b204e9800998ecf8427f"));
}

// Every lookup agrees with a brute-force scan over the entries (narrowest span, then first).
TEST(IndicatorSet, AgreesWithBruteForceOnRandomNestedLists) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<Indicator> entries;
    for (int i = 0; i < 200; ++i) {
      // Addresses in 10.0.0.0/14 so that entries overlap often.
      const uint32_t base = 0x0a000000u | (rng() & 0x3ffffu);
      const int prefix = 14 + static_cast<int>(rng() % 19);
      const uint32_t mask = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
      const uint32_t net = base & mask;
      auto dotted = [](uint32_t a) {
        return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
               std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
      };
      std::string text = dotted(net);
      if (prefix < 32 || rng() % 2 == 0) text += "/" + std::to_string(prefix);
      // Rounds 0-6: CIDRs only (nested or disjoint); 7-13: with crossing ranges; 14-19: with
      // allow entries. The three take different paths through Build.
      if (round >= 7 && round < 14 && rng() % 5 == 0) {
        text = dotted(base) + "-" + dotted(base + static_cast<uint32_t>(rng() % 5000));
      }
      entries.push_back(Entry(text, round >= 14 && rng() % 10 == 0));
    }
    const auto set = IndicatorSet::Build(entries, 0);
    for (int probe = 0; probe < 2000; ++probe) {
      const uint32_t address = 0x0a000000u | (rng() & 0x3ffffu);
      const Indicator* expected = nullptr;
      bool allowed = false;
      for (const Indicator& entry : entries) {
        IpAddress ip;
        for (int b = 0; b < 4; ++b) ip.bytes[b] = static_cast<uint8_t>(address >> (24 - 8 * b));
        if (ip < entry.first || entry.last < ip) continue;
        if (entry.allow) {
          allowed = true;
          continue;
        }
        auto span = [](const Indicator& e) {
          uint32_t f = 0, l = 0;
          for (int b = 0; b < 4; ++b) {
            f = f << 8 | e.first.bytes[b];
            l = l << 8 | e.last.bytes[b];
          }
          return l - f;
        };
        if (expected == nullptr || span(entry) < span(*expected)) expected = &entry;
      }
      const IndicatorRef got = set.MatchV4(address);
      const std::string want = allowed || expected == nullptr ? "-" : expected->value;
      ASSERT_EQ(got ? std::string(got.value()) : "-", want) << "address " << address;
    }
  }
}

// The batched lookups give exactly the single lookups' answers, over nested, wide and allowed
// entries, for batches of every length (the stages work on groups of addresses).
TEST(IndicatorSet, BatchLookupsAgreeWithSingleLookups) {
  std::mt19937 rng(11);
  std::vector<Indicator> entries;
  auto dotted = [](uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
           std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
  };
  for (int i = 0; i < 3000; ++i) {
    const uint32_t base = 0x0a000000u | (rng() & 0xfffffu);
    const int prefix = 12 + static_cast<int>(rng() % 21);
    const uint32_t mask = ~(0xffffffffu >> prefix);
    entries.push_back(Entry(dotted(base & mask) + "/" + std::to_string(prefix), rng() % 20 == 0));
  }
  for (int i = 0; i < 300; ++i) {
    std::string text = "2001:db8:" + std::to_string(rng() % 50) + "::" + std::to_string(rng() % 9);
    if (rng() % 2 == 0) text += "/" + std::to_string(48 + rng() % 81);
    auto parsed = ParseIndicator(text);
    if (parsed.ok()) entries.push_back(std::move(parsed).value());
  }
  const auto set = IndicatorSet::Build(entries, 0);
  for (size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{33}, size_t{1000}, size_t{5000}}) {
    std::vector<uint32_t> v4(count);
    for (uint32_t& a : v4) a = 0x0a000000u | (rng() & 0xfffffu);
    std::vector<uint32_t> ids(count, 0);
    set.MatchV4Batch(v4.data(), count, ids.data());
    for (size_t i = 0; i < count; ++i) {
      const IndicatorRef one = set.MatchV4(v4[i]);
      ASSERT_EQ(ids[i], one ? one.id() : IndicatorSet::kNone) << "v4 " << dotted(v4[i]);
    }
    std::vector<uint8_t> v6(16 * count, 0);
    for (size_t i = 0; i < count; ++i) {
      auto ip =
          ParseIp("2001:db8:" + std::to_string(rng() % 50) + "::" + std::to_string(rng() % 9));
      ASSERT_TRUE(ip.ok());
      std::copy(ip->bytes.begin(), ip->bytes.end(), v6.begin() + static_cast<ptrdiff_t>(16 * i));
    }
    std::vector<uint32_t> ids6(count, 0);
    set.MatchV6Batch(v6.data(), count, ids6.data());
    for (size_t i = 0; i < count; ++i) {
      const IndicatorRef one = set.MatchV6(v6.data() + 16 * i);
      ASSERT_EQ(ids6[i], one ? one.id() : IndicatorSet::kNone) << "v6 #" << i;
    }
  }
}

TEST(Indicator, ParsesEveryKindAndExplainsRejections) {
  EXPECT_EQ(Entry("1.2.3.4").kind, IndicatorKind::kIp);
  EXPECT_EQ(Entry(" 10.0.0.0/8 ").kind, IndicatorKind::kCidr);
  EXPECT_EQ(Entry("1.2.3.4 - 1.2.3.9").kind, IndicatorKind::kRange);
  EXPECT_EQ(Entry("2001:db8::/32").kind, IndicatorKind::kCidr);
  EXPECT_EQ(Entry("cafe.be").kind, IndicatorKind::kDomain);
  EXPECT_EQ(Entry("*.cafe.be").kind, IndicatorKind::kDomainSuffix);
  EXPECT_EQ(Entry("https://x.example:443/").key, "https://x.example");
  EXPECT_EQ(Entry(std::string(40, 'a')).kind, IndicatorKind::kSha1);
  EXPECT_EQ(Entry(std::string(64, 'F')).key, std::string(64, 'f'));
  EXPECT_EQ(ParseIndicator("10.0.0.1/8").status().message(),
            "invalid CIDR \"10.0.0.1/8\": host bits set; did you mean 10.0.0.0/8?");
  EXPECT_EQ(ParseIndicator("1.2.3.9-1.2.3.4").status().message(), "range ends before it starts");
  EXPECT_EQ(ParseIndicator("hello").status().message(),
            "not an IP address, network, domain, URL or hash");
  EXPECT_FALSE(ParseIndicator("1.2.3.4-2001:db8::1").ok());
  EXPECT_FALSE(ParseIndicator("").ok());
  EXPECT_FALSE(ParseIndicator("ftp://").ok());
}

}  // namespace
}  // namespace vigil::intel
