// The shared helpers: syslog envelopes, times, fields, names.
#include "logs/parse_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "logs/log_test_util.h"

namespace vigil::logs::detail {
namespace {

using testing::Ctx2026;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kNov21;

TEST(SyslogHeaderTest, Forms) {
  struct Case {
    std::string line;
    int64_t time;
    std::string rest;
  };
  const std::vector<Case> cases = {
      {"Nov 21 12:00:01 host prog[1]: msg", kNov21, "host prog[1]: msg"},
      {"Nov  1 12:00:01 host msg", kNov21 - int64_t{20} * 86400, "host msg"},
      {"Nov 21 12:00:01.123456 host msg", kNov21, "host msg"},
      {"Nov 21 2026 12:00:01: %ASA-6-1: x", kNov21, "%ASA-6-1: x"},
      {"<166>Nov 21 2026 12:00:01 fw : %ASA", kNov21, "fw : %ASA"},
      {"2026-11-21T12:00:01.5+07:00 host msg", kNov21, "host msg"},
      {"2026-11-21T05:00:01Z host msg", kNov21, "host msg"},
      {"2026-11-21 12:00:01 host msg", kNov21, "host msg"},
      {"<13>no stamp here", 0, "no stamp here"},
      {"plain text", 0, "plain text"},
      {"<999999>x", 0, "<999999>x"},
      {"Novel idea", 0, "Novel idea"},
  };
  for (const auto& c : cases) {
    const auto header = ParseSyslogHeader(c.line, Ctx2026());
    ASSERT_TRUE(header.ok()) << c.line << ": " << header.status().ToString();
    EXPECT_EQ(header->time, c.time) << c.line;
    EXPECT_EQ(header->rest, c.rest) << c.line;
    EXPECT_FALSE(header->rfc5424);
  }
}

TEST(SyslogHeaderTest, Rfc5424) {
  const auto header = ParseSyslogHeader(
      "<134>1 2026-11-21T12:00:01+07:00 fw.local filterlog 1234 - [meta sequenceId=\"1\" "
      "x=\"a]b\\\"c\"][origin ip=\"10.0.0.1\"] \xEF\xBB\xBFthe message",
      Ctx2026());
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_TRUE(header->rfc5424);
  EXPECT_EQ(header->time, kNov21);
  EXPECT_EQ(header->app, "filterlog");
  EXPECT_EQ(header->rest, "the message");

  const auto nil = ParseSyslogHeader("<14>1 - - app - - - msg", Ctx2026());
  ASSERT_TRUE(nil.ok());
  EXPECT_EQ(nil->time, 0);
  EXPECT_EQ(nil->app, "app");
  EXPECT_EQ(nil->rest, "msg");

  const auto bad_sd = ParseSyslogHeader("<14>1 - h app - - [unterminated msg", Ctx2026());
  ASSERT_FALSE(bad_sd.ok());
  EXPECT_EQ(bad_sd.status().where(), "structured data");
  const auto bad_time = ParseSyslogHeader("<14>1 2026-11-21 h app - - - msg", Ctx2026());
  ASSERT_FALSE(bad_time.ok());
  EXPECT_EQ(bad_time.status().where(), "timestamp");
}

TEST(SyslogHeaderTest, BadStamps) {
  for (const std::string_view line :
       {"Nov 21 12:00 host", "Nov 99 12:00:01 host", "Nov x 12:00:01 host", "Feb 29 12:00:01 h",
        "Nov 21 12:00:01x host", "2026-11-21T12:00:01+0760 host", "2026-02-30T00:00:00Z h",
        "1969-12-31T23:59:59Z h"}) {
    const auto header = ParseSyslogHeader(line, Ctx2026());
    ASSERT_FALSE(header.ok()) << line;
    EXPECT_EQ(header.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(header.status().where(), "timestamp") << line;
  }
}

TEST(SyslogHeaderTest, TakeProgram) {
  const auto check = [](std::string_view line, std::string_view program) -> std::string {
    const auto header = ParseSyslogHeader(line, Ctx2026());
    std::string_view message;
    if (!header.ok() || !TakeProgram(*header, program, &message)) return "<none>";
    return std::string(message);
  };
  EXPECT_EQ(check("Nov 21 12:00:01 dnsmasq[1]: a b", "dnsmasq"), "a b");
  EXPECT_EQ(check("Nov 21 12:00:01 host dnsmasq[1]:   a b", "dnsmasq"), "a b");
  EXPECT_EQ(check("Nov 21 12:00:01 host dnsmasq: a", "dnsmasq"), "a");
  EXPECT_EQ(check("Nov 21 12:00:01 host dnsmasq-dhcp[1]: a", "dnsmasq"), "<none>");
  EXPECT_EQ(check("Nov 21 12:00:01 host other[1]: dnsmasq[1]: a", "dnsmasq"), "<none>");
  EXPECT_EQ(check("Nov 21 12:00:01 host dnsmasq[x]: a", "dnsmasq"), "<none>");
  EXPECT_EQ(check("<30>1 - host dnsmasq 1 - - a", "dnsmasq"), "a");
}

TEST(SyslogHeaderTest, BsdStampParts) {
  std::string_view s = "Nov  1 2026 12:00:01.1234567891: rest";
  ASSERT_TRUE(LooksLikeBsdStamp(s));
  const auto stamp = TakeBsdStamp(&s);
  ASSERT_TRUE(stamp.ok()) << stamp.status().ToString();
  EXPECT_EQ(stamp->year, 2026);
  EXPECT_EQ(stamp->month, 11);
  EXPECT_EQ(stamp->day, 1);
  EXPECT_EQ(stamp->hour, 12);
  EXPECT_EQ(stamp->second, 1);
  EXPECT_EQ(stamp->nanos, 123456789);
  EXPECT_TRUE(stamp->colon);
  EXPECT_EQ(s, " rest");

  std::string_view plain = "Dec 31 23:59:59";
  const auto no_year = TakeBsdStamp(&plain);
  ASSERT_TRUE(no_year.ok());
  EXPECT_EQ(no_year->year, 0);
  EXPECT_EQ(no_year->nanos, 0);
  EXPECT_FALSE(no_year->colon);
  EXPECT_TRUE(plain.empty());

  EXPECT_FALSE(LooksLikeBsdStamp("Novel 1"));
  EXPECT_FALSE(LooksLikeBsdStamp("Nov x"));
  std::string_view bad = "Nov 1 12:00:01x";
  EXPECT_EQ(TakeBsdStamp(&bad).status().where(), "timestamp");

  std::string_view clock = "12:00:01,5Z";
  int hour = 0, minute = 0, second = 0, nanos = -1;
  ASSERT_TRUE(TakeClock(&clock, &hour, &minute, &second, &nanos));
  EXPECT_EQ(nanos, 500000000);
  EXPECT_EQ(clock, "Z");
}

TEST(TimeTest, CivilDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(2026, 11, 21) * 86400 + int64_t{5} * 3600 + 1, kNov21);
  const auto leap = MakeTime(2028, 2, 29, 0, 0, 0, 0, "t");
  EXPECT_TRUE(leap.ok());
  const auto not_leap = MakeTime(2100, 2, 29, 0, 0, 0, 0, "t");
  ASSERT_FALSE(not_leap.ok());
  EXPECT_EQ(not_leap.status().where(), "t");
}

TEST(TimeTest, OffsetsAndEpochs) {
  for (const auto& [text, seconds] : std::vector<std::pair<std::string, int>>{
           {"Z", 0}, {"+07:00", 25200}, {"+0700", 25200}, {"+07", 25200}, {"-05:30", -19800}}) {
    std::string_view s = text;
    int offset = 1;
    ASSERT_TRUE(TakeOffset(&s, &offset)) << text;
    EXPECT_EQ(offset, seconds) << text;
    EXPECT_TRUE(s.empty()) << text;
  }
  for (const std::string_view bad : {"+7", "+07:", "+24:00", "+07:60", "07:00", ""}) {
    std::string_view s = bad;
    int offset = 0;
    EXPECT_FALSE(TakeOffset(&s, &offset) && s.empty()) << bad;
  }
  EXPECT_EQ(*ParseEpoch("1795237201", "ts"), kNov21);
  EXPECT_EQ(*ParseEpoch("1795237201.999999", "ts"), kNov21);
  for (const std::string_view bad : {"", "-1", "1.", ".5", "1e9", "1795237201.5.5", " 1"}) {
    const auto epoch = ParseEpoch(bad, "ts");
    ASSERT_FALSE(epoch.ok()) << bad;
    EXPECT_EQ(epoch.status().where(), "ts");
  }
}

TEST(FieldsTest, SplitFieldsBoundsWorkAndHonoursQuotes) {
  EXPECT_THAT(SplitFields("a,b,,c", ',', 10, false), ElementsAre("a", "b", "", "c"));
  EXPECT_THAT(SplitFields("a,b,c,d", ',', 2, false), ElementsAre("a", "b,c,d"));
  EXPECT_THAT(SplitFields("", ',', 10, false), ElementsAre(""));
  EXPECT_THAT(SplitFields("a,", ',', 10, false), ElementsAre("a", ""));
  EXPECT_THAT(SplitFields("\"x,y\",\"a\"\"b\",c", ',', 10, true),
              ElementsAre("\"x,y\"", "\"a\"\"b\"", "c"));
  EXPECT_THAT(SplitFields("\"unterminated,a,b", ',', 10, true), ElementsAre("\"unterminated,a,b"));
  EXPECT_EQ(Unquote("\"x,y\""), "x,y");
  EXPECT_EQ(Unquote("\""), "\"");
}

TEST(FieldsTest, NamesProtocolsAndUrls) {
  EXPECT_EQ(*NormalizeName("Evil.Example.", "n"), "evil.example");
  EXPECT_EQ(*NormalizeName(".", "n"), ".");
  EXPECT_EQ(*NormalizeName("evil.example..", "n"), "evil.example");  // found by fuzzing
  EXPECT_EQ(*NormalizeName("...", "n"), ".");
  EXPECT_EQ(*NormalizeName("xn--Bcher-kva.example", "n"), "xn--bcher-kva.example");
  EXPECT_EQ(*NormalizeName("Hà-Nội.vn", "n"), "hà-nội.vn");  // only ASCII is folded
  EXPECT_FALSE(NormalizeName("", "n").ok());
  EXPECT_FALSE(NormalizeName("a\nb", "n").ok());
  EXPECT_FALSE(NormalizeName("\xc3", "n").ok());
  EXPECT_FALSE(NormalizeName(std::string(1025, 'a'), "n").ok());

  EXPECT_EQ(*NormalizeProto("TCP", "p"), "tcp");
  EXPECT_EQ(*NormalizeProto("17", "p"), "udp");
  EXPECT_EQ(*NormalizeProto("58", "p"), "icmpv6");
  EXPECT_EQ(*NormalizeProto("IPv6-ICMP", "p"), "icmpv6");
  EXPECT_EQ(*NormalizeProto("253", "p"), "253");
  EXPECT_THAT(NormalizeProto("256", "p").status().message(), HasSubstr("above 255"));

  const auto host = [](std::string_view url) {
    const HostPort hp = UrlHost(url);
    return std::string(hp.host) + "|" + std::to_string(hp.port);
  };
  EXPECT_EQ(host("http://evil.example/x"), "evil.example|80");
  EXPECT_EQ(host("https://user:pw@evil.example:8443/x?y#z"), "evil.example|8443");
  EXPECT_EQ(host("HTTPS://evil.example"), "evil.example|443");
  EXPECT_EQ(host("evil.example:443"), "evil.example|443");
  EXPECT_EQ(host("evil.example/x"), "evil.example|0");
  EXPECT_EQ(host("http://[2001:db8::7]:8080/a"), "2001:db8::7|8080");
  EXPECT_EQ(host("http://[2001:db8::7/a"), "|0");
  EXPECT_EQ(host("ftp://files.example/"), "files.example|21");
  EXPECT_EQ(host("http://evil.example:99999/"), "evil.example|80");
}

}  // namespace
}  // namespace vigil::logs::detail
