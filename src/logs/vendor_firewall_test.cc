// FortiGate key=value and PAN-OS CSV.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "logs/log_record.h"
#include "logs/log_test_util.h"

namespace vigil::logs {
namespace {

using testing::Ctx2026;
using ::testing::HasSubstr;
using testing::Ip;
using testing::kNov21;
using testing::MustFail;
using testing::MustParse;

constexpr auto kFgt = LogFormat::kFortigate;
constexpr auto kPan = LogFormat::kPaloAlto;

constexpr std::string_view kFortiSnat =
    "date=2026-11-21 time=12:00:01 devname=\"FGT-HQ\" devid=\"FG100FTK19000001\" "
    "eventtime=1795237201123456789 tz=\"+0700\" logid=\"0000000013\" type=\"traffic\" "
    "subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=10.0.0.5 srcport=51234 "
    "srcintf=\"port2\" srcintfrole=\"lan\" dstip=198.51.100.7 dstport=443 dstintf=\"wan1\" "
    "dstintfrole=\"wan\" srccountry=\"Reserved\" dstcountry=\"United States\" sessionid=123456 "
    "proto=6 action=\"close\" policyid=1 policytype=\"policy\" service=\"HTTPS\" "
    "trandisp=\"snat\" transip=203.0.113.5 transport=40001 duration=12 sentbyte=1234 "
    "rcvdbyte=5678 sentpkt=10 rcvdpkt=9 appcat=\"unscanned\"";

TEST(FortigateTest, TrafficLogWithSourceNat) {
  const auto r = MustParse(kFgt, kFortiSnat);
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
  EXPECT_EQ(r.src_port, 51234);
  EXPECT_EQ(r.dst, Ip("198.51.100.7"));
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.proto, "tcp");
  EXPECT_EQ(r.action, "close");
  EXPECT_EQ(r.nat_src, Ip("203.0.113.5"));
  EXPECT_EQ(r.nat_src_port, 40001);
  EXPECT_FALSE(r.nat_dst.has_value());
  EXPECT_EQ(r.nat_dst_port, 0);
}

TEST(FortigateTest, SyslogEnvelopes) {
  const auto pri = MustParse(kFgt, "<189>" + std::string(kFortiSnat));
  EXPECT_EQ(pri.time, kNov21);
  EXPECT_EQ(pri.nat_src, Ip("203.0.113.5"));
  const auto bsd = MustParse(kFgt, "Nov 21 12:00:09 fgt01 " + std::string(kFortiSnat));
  EXPECT_EQ(bsd.time, kNov21);  // the log's own date/time wins over the relay's stamp
  EXPECT_EQ(bsd.src, Ip("10.0.0.5"));
}

TEST(FortigateTest, DestinationNat) {
  const auto r = MustParse(kFgt,
                           "date=2026-11-21 time=12:00:01 tz=\"+0700\" type=\"traffic\" "
                           "subtype=\"forward\" srcip=198.51.100.7 srcport=51234 "
                           "dstip=203.0.113.10 dstport=443 proto=6 action=\"accept\" "
                           "trandisp=\"dnat\" tranip=10.0.0.10 tranport=8443");
  EXPECT_EQ(r.dst, Ip("203.0.113.10"));
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.nat_dst, Ip("10.0.0.10"));
  EXPECT_EQ(r.nat_dst_port, 8443);
  EXPECT_FALSE(r.nat_src.has_value());
  EXPECT_EQ(r.action, "accept");
}

TEST(FortigateTest, Ipv6QuotedValuesAnyOrderAndEventTimeOnly) {
  const auto r = MustParse(kFgt,
                           "action=\"deny\" dstport=\"53\" srcip=\"2001:db8:1::5\"  proto=\"17\" "
                           "eventtime=1795237201 dstip=\"2001:db8:2::7\"   srcport=\"53012\" "
                           "policyid=0 msg=\"Denied by forward policy check (policy 0)\"");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("2001:db8:1::5"));
  EXPECT_EQ(r.dst, Ip("2001:db8:2::7"));
  EXPECT_EQ(r.src_port, 53012);
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.proto, "udp");
  EXPECT_EQ(r.action, "deny");
}

TEST(FortigateTest, EventTimeUnits) {
  for (const std::string_view eventtime :
       {"1795237201", "1795237201123", "1795237201123456", "1795237201123456789"}) {
    const auto r =
        MustParse(kFgt, "eventtime=" + std::string(eventtime) + " srcip=10.0.0.1 dstip=10.0.0.2");
    EXPECT_EQ(r.time, kNov21) << eventtime;
  }
}

TEST(FortigateTest, TimeZoneFromFieldOrContext) {
  const auto west = MustParse(kFgt,
                              "date=2026-11-21 time=00:00:01 tz=\"-0500\" srcip=10.0.0.1 "
                              "dstip=10.0.0.2");
  EXPECT_EQ(west.time, kNov21);  // 00:00:01 -05:00 = 05:00:01Z
  FileContext utc = Ctx2026();
  utc.tz_offset_seconds = 0;
  const auto no_tz =
      MustParse(kFgt, "date=2026-11-21 time=05:00:01 srcip=10.0.0.1 dstip=10.0.0.2", utc);
  EXPECT_EQ(no_tz.time, kNov21);
  const auto default_tz =
      MustParse(kFgt, "date=2026-11-21 time=12:00:01 srcip=10.0.0.1 dstip=10.0.0.2");
  EXPECT_EQ(default_tz.time, kNov21);  // +07:00 by default
}

TEST(FortigateTest, IcmpWithoutPortsAndWebFilterFields) {
  const auto icmp = MustParse(kFgt,
                              "date=2026-11-21 time=12:00:01 srcip=10.0.0.5 dstip=8.8.8.8 proto=1 "
                              "action=\"accept\"");
  EXPECT_EQ(icmp.proto, "icmp");
  EXPECT_EQ(icmp.src_port, 0);
  EXPECT_EQ(icmp.dst_port, 0);

  const auto web = MustParse(kFgt,
                             "date=2026-11-21 time=12:00:01 logid=\"0316013056\" type=\"utm\" "
                             "subtype=\"webfilter\" srcip=10.0.0.5 srcport=51234 "
                             "dstip=198.51.100.7 dstport=80 proto=6 action=\"blocked\" "
                             "hostname=\"Evil.Example\" url=\"/x.php?id=1&a=b c\"");
  EXPECT_EQ(web.name, "evil.example");
  EXPECT_EQ(web.url, "/x.php?id=1&a=b c");
  EXPECT_EQ(web.action, "blocked");

  const auto dns = MustParse(kFgt,
                             "date=2026-11-21 time=12:00:01 type=\"utm\" subtype=\"dns\" "
                             "srcip=10.0.0.5 dstip=10.0.0.1 qname=\"evil.example\" "
                             "action=\"block\"");
  EXPECT_EQ(dns.name, "evil.example");
}

TEST(FortigateTest, UnspecifiedNatAddressMeansNone) {
  const auto r = MustParse(kFgt,
                           "date=2026-11-21 time=12:00:01 srcip=10.0.0.5 srcport=1 "
                           "dstip=10.0.0.6 dstport=2 transip=0.0.0.0 transport=0");
  EXPECT_FALSE(r.nat_src.has_value());
  EXPECT_EQ(r.nat_src_port, 0);
}

TEST(FortigateTest, Errors) {
  struct Case {
    std::string line, where, message;
  };
  const std::vector<Case> cases = {
      {"date=2026-11-21 time=12:00:01 dstip=10.0.0.2", "srcip", "no srcip"},
      {"date=2026-11-21 time=12:00:01 srcip=10.0.0.1", "dstip", "missing"},
      {"srcip=10.0.0.300 dstip=10.0.0.2", "srcip", "invalid IP address"},
      {"srcip=\"10.0.0.1 dstip=10.0.0.2", "dstip", "missing"},  // unterminated quote eats the rest
      {"srcip=10.0.0.1 dstip=10.0.0.2 dstport=abc", "dstport", "not a decimal"},
      {"srcip=10.0.0.1 dstip=10.0.0.2 srcport=65536", "srcport", "above 65535"},
      {"srcip=10.0.0.1 dstip=10.0.0.2 proto=300", "proto", "above 255"},
      {"srcip=10.0.0.1 dstip=10.0.0.2 transip=203.0.113", "transip", "invalid IP address"},
      {"srcip=10.0.0.1 dstip=10.0.0.2 tranip=10.0.0.9 tranport=x", "tranport", "not a decimal"},
      {"date=2026-11-21 time=12:00:01 tz=\"+25:00\" srcip=10.0.0.1 dstip=10.0.0.2", "tz",
       "not a UTC offset"},
      {"date=2026-13-01 time=12:00:01 srcip=10.0.0.1 dstip=10.0.0.2", "date", "month 13"},
      {"date=21/11/2026 time=12:00:01 srcip=10.0.0.1 dstip=10.0.0.2", "date", "not a date"},
      {"date=2026-11-21 time=24:00:01 srcip=10.0.0.1 dstip=10.0.0.2", "time", "not a time"},
      {"eventtime=17952x srcip=10.0.0.1 dstip=10.0.0.2", "eventtime", "not a decimal"},
      {"Nov 21 12:00:01 fw %ASA-6-302013: Built", "srcip", "not a FortiGate"},
  };
  for (const auto& c : cases) {
    const Status status = MustFail(kFgt, c.line);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.line;
    EXPECT_EQ(status.where(), c.where) << c.line;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.line;
  }
}

// ---- PAN-OS ----

// Columns 1-31 of a PAN-OS 10.x TRAFFIC log and a tail of later columns.
std::string PanTraffic(std::string_view src, std::string_view dst, std::string_view nat_src,
                       std::string_view nat_dst, std::string_view ports) {
  return "1,2026/11/21 12:00:02,012801012345,TRAFFIC,end,2561,2026/11/21 12:00:01," +
         std::string(src) + "," + std::string(dst) + "," + std::string(nat_src) + "," +
         std::string(nat_dst) +
         ",\"Allow, Outbound\",corp\\jdoe,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,"
         "Log-Forward,2026/11/21 12:00:01,123456,1," +
         std::string(ports) +
         ",0x40041c,tcp,allow,6543,1234,5309,22,2026/11/21 11:59:30,30,"
         "computer-and-internet-info,,7253419119627122716,0x8000000000000000,"
         "10.0.0.0-10.255.255.255,United States,,12,10,tcp-fin,0,0,0,0,,PA-3220,from-policy,,,0,,"
         "0,,N/A,0,0,0,0";
}

TEST(PaloAltoTest, TrafficWithSourceNatAndSyslogHost) {
  const auto r = MustParse(
      kPan, "Nov 21 12:00:03 PA-3220 " + PanTraffic("10.0.0.5", "198.51.100.7", "203.0.113.5",
                                                    "198.51.100.7", "51234,443,40001,443"));
  EXPECT_EQ(r.time, kNov21);  // Generated Time (column 7), not Receive Time or the relay's stamp
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
  EXPECT_EQ(r.dst, Ip("198.51.100.7"));
  EXPECT_EQ(r.src_port, 51234);
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.nat_src, Ip("203.0.113.5"));
  EXPECT_EQ(r.nat_src_port, 40001);
  EXPECT_FALSE(r.nat_dst.has_value());  // same as the destination: no translation
  EXPECT_EQ(r.nat_dst_port, 0);
  EXPECT_EQ(r.proto, "tcp");
  EXPECT_EQ(r.action, "allow");
}

TEST(PaloAltoTest, DestinationNatWithoutSyslogEnvelope) {
  const auto r = MustParse(
      kPan, PanTraffic("198.51.100.7", "203.0.113.10", "0.0.0.0", "10.0.0.10", "51234,443,0,8443"));
  EXPECT_EQ(r.src, Ip("198.51.100.7"));
  EXPECT_EQ(r.dst, Ip("203.0.113.10"));
  EXPECT_FALSE(r.nat_src.has_value());
  EXPECT_EQ(r.nat_src_port, 0);
  EXPECT_EQ(r.nat_dst, Ip("10.0.0.10"));
  EXPECT_EQ(r.nat_dst_port, 8443);
}

TEST(PaloAltoTest, Ipv6AndRfc5424) {
  const auto r = MustParse(
      kPan, "<14>1 2026-11-21T12:00:03+07:00 PA-3220 - - - - " +
                PanTraffic("2001:db8:1::5", "2001:db8:2::7", "::", "::", "51234,443,0,0"));
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("2001:db8:1::5"));
  EXPECT_EQ(r.dst, Ip("2001:db8:2::7"));
  EXPECT_FALSE(r.nat_src.has_value());
  EXPECT_FALSE(r.nat_dst.has_value());
}

TEST(PaloAltoTest, EmptyFutureUseAndMissingGeneratedTime) {
  std::string line = PanTraffic("10.0.0.5", "198.51.100.7", "", "", "1,2,0,0");
  line.erase(0, 1);  // ",2026/11/21 12:00:02,..." (FUTURE_USE empty)
  const size_t generated = line.find(",2026/11/21 12:00:01,");
  line.erase(generated + 1, 19);  // Generated Time empty: Receive Time is used
  const auto r = MustParse(kPan, "Nov 21 12:00:03 PA-3220 " + line);
  EXPECT_EQ(r.time, kNov21 + 1);
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
  EXPECT_EQ(r.dst_port, 2);
}

TEST(PaloAltoTest, ThreatUrlLog) {
  const auto r = MustParse(
      kPan,
      "1,2026/11/21 12:00:01,012801012345,THREAT,url,2561,2026/11/21 12:00:01,10.0.0.5,"
      "198.51.100.7,203.0.113.5,198.51.100.7,Allow-Outbound,,,web-browsing,vsys1,trust,untrust,"
      "ethernet1/2,ethernet1/1,Log-Forward,2026/11/21 12:00:01,123456,1,51234,80,40001,80,"
      "0x40b000,tcp,block-url,\"Evil.Example/x.php?id=1\",(9999),malware,informational,"
      "client-to-server,7253419119627122717,0x0,10.0.0.0-10.255.255.255,United States,,text/html");
  EXPECT_EQ(r.action, "block-url");
  EXPECT_EQ(r.url, "Evil.Example/x.php?id=1");
  EXPECT_EQ(r.name, "evil.example");
  EXPECT_EQ(r.nat_src, Ip("203.0.113.5"));
}

TEST(PaloAltoTest, Errors) {
  const std::string good =
      PanTraffic("10.0.0.5", "198.51.100.7", "203.0.113.5", "198.51.100.7", "51234,443,40001,443");
  struct Case {
    std::string line, where, message;
  };
  const std::vector<Case> cases = {
      {"1,2026/11/21 12:00:01,012801012345,SYSTEM,general,,2026/11/21 12:00:01,,general,,0,0,"
       "general,informational,\"User admin logged in\"",
       "column 4", "not a TRAFFIC or THREAT"},
      {good.substr(0, good.find(",Log-Forward")), "column 21", "ends after 20 columns"},
      {PanTraffic("10.0.0.500", "198.51.100.7", "", "", "1,2,0,0"), "column 8",
       "invalid IP address"},
      {PanTraffic("10.0.0.5", "", "", "", "1,2,0,0"), "column 9", "missing IP address"},
      {PanTraffic("10.0.0.5", "198.51.100.7", "203.0.113.x", "", "1,2,0,0"), "column 10",
       "invalid IP address"},
      {PanTraffic("10.0.0.5", "198.51.100.7", "", "", "x,2,0,0"), "column 25", "not a decimal"},
      {PanTraffic("10.0.0.5", "198.51.100.7", "203.0.113.5", "", "1,2,99999,0"), "column 27",
       "above 65535"},
      {"1,2026/11/21 12:00:01,012801012345,TRAFFIC,end,2561,2026-11-21T12:00:01,10.0.0.5," +
           good.substr(good.find(",198.51.100.7") + 1),
       "column 7", "not a time"},
      {"Nov 21 12:00:01 PA-3220 no commas here", "column 4", "no commas"},
      {"Nov 21 12:00:01 gw01 kernel: a,b", "column 4", "fewer than 4"},
  };
  for (const auto& c : cases) {
    const Status status = MustFail(kPan, c.line);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.line;
    EXPECT_EQ(status.where(), c.where) << c.line;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.line;
  }
}

}  // namespace
}  // namespace vigil::logs
