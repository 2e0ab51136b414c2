// iptables/nftables kernel log and pfSense/OPNsense filterlog.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

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

constexpr auto kIpt = LogFormat::kIptables;
constexpr auto kPf = LogFormat::kPfsense;

TEST(IptablesTest, UfwBlockWithSyslogStamp) {
  const auto r = MustParse(
      kIpt,
      "Nov 21 12:00:01 gw01 kernel: [123456.789012] [UFW BLOCK] IN=eth0 OUT= "
      "MAC=00:16:3e:aa:bb:cc:00:16:3e:dd:ee:ff:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=60 "
      "TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 RES=0x00 "
      "SYN URGP=0");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("198.51.100.7"));
  EXPECT_EQ(r.dst, Ip("203.0.113.5"));
  EXPECT_EQ(r.src_port, 51234);
  EXPECT_EQ(r.dst_port, 22);
  EXPECT_EQ(r.proto, "tcp");
  EXPECT_EQ(r.action, "block");
  EXPECT_FALSE(r.nat_src.has_value());
  EXPECT_FALSE(r.nat_dst.has_value());
  EXPECT_TRUE(r.name.empty());
}

TEST(IptablesTest, JournaldIsoStampWithFraction) {
  const auto r =
      MustParse(kIpt,
                "2026-11-21T12:00:01.123456+07:00 gw01 kernel: FW-DROP-OUT: IN=eth1 OUT=eth0 "
                "SRC=10.0.0.5 DST=198.51.100.7 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=UDP "
                "SPT=53012 DPT=53 LEN=32");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
  EXPECT_EQ(r.dst, Ip("198.51.100.7"));
  EXPECT_EQ(r.src_port, 53012);
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.proto, "udp");
  EXPECT_EQ(r.action, "drop");
}

TEST(IptablesTest, IsoStampInUtcAndWithoutColonInOffset) {
  const auto utc = MustParse(kIpt,
                             "2026-11-21T05:00:01Z gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 "
                             "DST=10.0.0.2 PROTO=TCP SPT=1 DPT=2");
  EXPECT_EQ(utc.time, kNov21);
  const auto compact = MustParse(kIpt,
                                 "2026-11-21T12:00:01+0700 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 "
                                 "DST=10.0.0.2 PROTO=TCP SPT=1 DPT=2");
  EXPECT_EQ(compact.time, kNov21);
}

TEST(IptablesTest, Ipv6) {
  const auto r = MustParse(
      kIpt,
      "Nov 21 12:00:01 gw01 kernel: [   42.000001] ACCEPT6 IN=eth0 OUT=eth1 "
      "MAC=00:16:3e:aa:bb:cc:00:16:3e:dd:ee:ff:86:dd SRC=2001:db8:1::5 DST=2001:db8:2::7 LEN=80 "
      "TC=0 HOPLIMIT=63 FLOWLBL=123456 PROTO=TCP SPT=443 DPT=51234 WINDOW=510 RES=0x00 ACK URGP=0");
  EXPECT_EQ(r.src, Ip("2001:db8:1::5"));
  EXPECT_EQ(r.dst, Ip("2001:db8:2::7"));
  EXPECT_EQ(r.src_port, 443);
  EXPECT_EQ(r.dst_port, 51234);
  EXPECT_EQ(r.action, "accept");

  const auto icmp6 = MustParse(kIpt,
                               "Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=fe80::1 DST=ff02::1 "
                               "LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=134 CODE=0");
  EXPECT_EQ(icmp6.proto, "icmpv6");
  EXPECT_EQ(icmp6.src_port, 0);
}

TEST(IptablesTest, IcmpErrorQuotesInnerPacketWhichIsIgnored) {
  const auto r = MustParse(
      kIpt,
      "Nov  1 09:05:03 gw01 kernel: [5.5] DROP IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.5 "
      "LEN=88 TOS=0x00 PREC=0xC0 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=203.0.113.5 "
      "DST=198.51.100.7 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=2 PROTO=UDP SPT=53 DPT=40000 LEN=40 "
      "] ");
  EXPECT_EQ(r.src, Ip("198.51.100.7"));
  EXPECT_EQ(r.dst, Ip("203.0.113.5"));
  EXPECT_EQ(r.proto, "icmp");
  EXPECT_EQ(r.src_port, 0);
  EXPECT_EQ(r.dst_port, 0);
  EXPECT_EQ(r.time, kNov21 - int64_t{20} * 86400 - (2 * 3600 + 54 * 60 + 58));  // Nov 1 09:05:03
}

TEST(IptablesTest, NftablesPrefixWithoutTrailingSpaceAndNumericProto) {
  const auto r = MustParse(kIpt,
                           "Nov 21 12:00:01 gw01 kernel: nft-dropIN=eth0 OUT= MAC= "
                           "SRC=198.51.100.7 DST=203.0.113.5 LEN=64 TTL=50 ID=1 PROTO=47");
  EXPECT_EQ(r.action, "drop");
  EXPECT_EQ(r.proto, "gre");
  EXPECT_EQ(r.src, Ip("198.51.100.7"));
}

TEST(IptablesTest, WithoutSyslogStampHasNoTimeAndNoAction) {
  const auto r = MustParse(kIpt,
                           "[ 1234.5] IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 "
                           "PROTO=TCP SPT=1 DPT=2");
  EXPECT_EQ(r.time, 0);
  EXPECT_EQ(r.action, "");
  EXPECT_EQ(r.dst_port, 2);
}

TEST(IptablesTest, Rfc5424Envelope) {
  const auto r = MustParse(kIpt,
                           "<4>1 2026-11-21T05:00:01Z gw01 kernel - - - [UFW ALLOW] IN=eth0 OUT= "
                           "SRC=10.0.0.1 DST=10.0.0.2 PROTO=UDP SPT=68 DPT=67");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.action, "allow");
  EXPECT_EQ(r.proto, "udp");
}

TEST(IptablesTest, OddSpacingAndFieldOrder) {
  const auto r = MustParse(kIpt,
                           "Nov 21 12:00:01 gw01 kernel:   IN=eth0   OUT=eth1  DPT=443   "
                           "PROTO=tcp SPT=1234  DST=10.0.0.6    SRC=10.0.0.5  ");
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
  EXPECT_EQ(r.dst, Ip("10.0.0.6"));
  EXPECT_EQ(r.src_port, 1234);
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.proto, "tcp");
}

TEST(IptablesTest, YearAndZoneComeFromContext) {
  constexpr std::string_view kLine =
      "Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2";
  FileContext utc = Ctx2026();
  utc.tz_offset_seconds = 0;
  EXPECT_EQ(MustParse(kIpt, kLine, utc).time, kNov21 + int64_t{7} * 3600);
  FileContext y2025 = Ctx2026();
  y2025.year = 2025;
  EXPECT_EQ(MustParse(kIpt, kLine, y2025).time, 1763701201);  // 2025-11-21T05:00:01Z

  // year 0: the current UTC year.
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const int year = static_cast<int>(std::chrono::year_month_day(now).year());
  FileContext current;
  const auto r = MustParse(kIpt, kLine, current);
  const auto day = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds(std::chrono::seconds(r.time))));
  EXPECT_EQ(static_cast<int>(day.year()), year);
}

TEST(IptablesTest, Errors) {
  struct Case {
    std::string line, where, message;
  };
  const std::vector<Case> cases = {
      {"Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= DST=10.0.0.1 PROTO=TCP", "SRC", "missing"},
      {"Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 PROTO=TCP", "DST", "missing"},
      {"Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.256 DST=10.0.0.1", "SRC",
       "invalid IP address"},
      {"Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 PROTO=TCP SPT=70000 "
       "DPT=1",
       "SPT", "above 65535"},
      {"Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 PROTO=TCP SPT=1 "
       "DPT=-1",
       "DPT", "not a decimal"},
      {"Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 PROTO=T\x01P", "PROTO",
       "unexpected characters"},
      {"Nov 31 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2", "timestamp",
       "does not exist"},
      {"Nov 21 25:00:01 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2", "timestamp",
       "out of range"},
      {"2026-11-21T12:00:01+99:00 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2", "timestamp",
       "UTC offset"},
      {"Nov 21 12:00:01 dnsmasq[123]: query[A] evil.example from 10.0.0.5", "IN",
       "not a netfilter"},
      // truncated in the middle of DST
      {"Nov 21 12:00:01 gw01 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:16 SRC=198.51.100.7 "
       "DST=203.0",
       "DST", "invalid IP address"},
      {"Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=" + std::string("\xff\x00\x01", 3) +
           " DST=10.0.0.2",
       "SRC", "invalid IP address"},
  };
  for (const auto& c : cases) {
    const Status status = MustFail(kIpt, c.line);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.line;
    EXPECT_EQ(status.where(), c.where) << c.line;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.line;
  }
}

// ---- pfSense / OPNsense ----

TEST(PfsenseTest, Ipv4TcpBlockWithoutHostName) {
  const auto r = MustParse(
      kPf,
      "Nov 21 12:00:01 filterlog[12345]: 5,,,1000000103,igb0,match,block,in,4,0x0,,64,12345,0,DF,"
      "6,tcp,60,198.51.100.7,203.0.113.5,51234,22,0,S,1234567890,,64240,,mss;sackOK;TS;nop;wscale");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("198.51.100.7"));
  EXPECT_EQ(r.dst, Ip("203.0.113.5"));
  EXPECT_EQ(r.src_port, 51234);
  EXPECT_EQ(r.dst_port, 22);
  EXPECT_EQ(r.proto, "tcp");
  EXPECT_EQ(r.action, "block");
}

TEST(PfsenseTest, HostNameAndOldTagWithoutPid) {
  const auto r = MustParse(kPf,
                           "Nov 21 12:00:01 pfsense.home.arpa filterlog: 9,,,1000000003,em1,match,"
                           "pass,out,4,0x0,,63,0,0,DF,17,udp,76,10.0.0.5,1.1.1.1,53012,53,56");
  EXPECT_EQ(r.action, "pass");
  EXPECT_EQ(r.proto, "udp");
  EXPECT_EQ(r.dst, Ip("1.1.1.1"));
  EXPECT_EQ(r.dst_port, 53);
}

TEST(PfsenseTest, Ipv6Udp) {
  const auto r =
      MustParse(kPf,
                "Nov 21 12:00:01 filterlog[12345]: 77,,,1770001466,igb1,match,pass,out,"
                "6,0x00,0x00000,64,udp,17,40,2001:db8:1::5,2001:4860:4860::8888,53012,53,"
                "40");
  EXPECT_EQ(r.src, Ip("2001:db8:1::5"));
  EXPECT_EQ(r.dst, Ip("2001:4860:4860::8888"));
  EXPECT_EQ(r.src_port, 53012);
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.proto, "udp");
  EXPECT_EQ(r.action, "pass");
}

TEST(PfsenseTest, Ipv6Icmp6HasNoPorts) {
  const auto r = MustParse(kPf,
                           "Nov 21 12:00:01 filterlog[12345]: 4,,,1000000101,igb0,match,block,in,6,"
                           "0x00,0x00000,255,ipv6-icmp,58,32,fe80::1,ff02::1,datalength=32");
  EXPECT_EQ(r.proto, "icmpv6");
  EXPECT_EQ(r.src_port, 0);
}

TEST(PfsenseTest, IcmpHasNoPorts) {
  const auto r = MustParse(kPf,
                           "Nov 21 12:00:01 filterlog[12345]: 5,,,1000000103,igb0,match,block,in,4,"
                           "0x0,,64,0,0,none,1,icmp,84,198.51.100.7,203.0.113.5,request,4242,1");
  EXPECT_EQ(r.proto, "icmp");
  EXPECT_EQ(r.src_port, 0);
  EXPECT_EQ(r.dst_port, 0);
  EXPECT_EQ(r.src, Ip("198.51.100.7"));
}

TEST(PfsenseTest, EmptyProtocolTextFallsBackToNumber) {
  const auto r = MustParse(kPf,
                           "Nov 21 12:00:01 filterlog[1]: 5,,,1,igb0,match,block,in,4,0x0,,64,0,0,"
                           "none,47,,84,198.51.100.7,203.0.113.5,datalength=64");
  EXPECT_EQ(r.proto, "gre");
}

TEST(PfsenseTest, OpnsenseRfc5424WithStructuredData) {
  const auto r = MustParse(
      kPf,
      "<134>1 2026-11-21T12:00:01+07:00 OPNsense.localdomain filterlog 51234 - "
      "[meta sequenceId=\"42\"] 96,,,fae559338f65e11c53669fc3642c93c2,vtnet0,match,pass,out,4,"
      "0x0,,64,0,0,DF,17,udp,72,10.0.0.5,1.1.1.1,53012,53,52");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.action, "pass");
}

TEST(PfsenseTest, PfsenseRfc5424WithoutStructuredData) {
  const auto r = MustParse(kPf,
                           "<134>1 2026-11-21T12:00:01.123456+07:00 pfSense.home.arpa filterlog "
                           "12345 - - 5,,,1000000103,igb0,match,block,in,4,0x0,,64,1,0,DF,6,tcp,"
                           "60,198.51.100.7,203.0.113.5,51234,443,0,S,1,,64240,,mss");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.dst_port, 443);
}

TEST(PfsenseTest, BareCsvWithoutEnvelope) {
  const auto r = MustParse(kPf,
                           "5,,,1000000103,igb0,match,block,in,4,0x0,,64,1,0,DF,6,tcp,60,"
                           "198.51.100.7,203.0.113.5,51234,443,0,S,1,,64240,,mss");
  EXPECT_EQ(r.time, 0);
  EXPECT_EQ(r.src, Ip("198.51.100.7"));
}

TEST(PfsenseTest, Errors) {
  const std::string head = "Nov 21 12:00:01 filterlog[12345]: 5,,,1000000103,igb0,match,block,in,";
  struct Case {
    std::string line, where, message;
  };
  const std::vector<Case> cases = {
      {head + "5,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.5,51234,22", "ipversion",
       "neither 4 nor 6"},
      {head + "4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7", "dst", "missing"},
      {head + "4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.5", "srcport", "missing"},
      {head + "4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.5,51234", "dstport", "missing"},
      {head + "4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.x,203.0.113.5,1,2", "src",
       "invalid IP address"},
      {head + "4,0x0,,64,0,0,DF,tcp,6,60,198.51.100.7,203.0.113.5,1,2", "protonum", "not a number"},
      {head + "4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.5,1,99999", "dstport",
       "above 65535"},
      {head + "6,0x00,0x00000,64,udp,17,40,10.0.0.5,2001:db8::1,1,2", "src",
       "does not match IP version 6"},
      {"Nov 21 12:00:01 filterlog[12345]: 5,,,1000000103,igb0", "reason", "missing"},
      {"Nov 21 12:00:01 filterlog[12345]: x,,,1,igb0,match,block,in,4", "rulenr", "not a number"},
      {"Nov 21 12:00:01 sshd[1]: Accepted publickey for root", "filterlog", "no \"filterlog:\""},
      {"Nov 21 12:00:01 filterlog[12345]: 5,,,1,igb0,match,bl ock,in,4,0x0,,64,0,0,DF,6,tcp,60,"
       "198.51.100.7,203.0.113.5,1,2",
       "action", "unexpected characters"},
  };
  for (const auto& c : cases) {
    const Status status = MustFail(kPf, c.line);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.line;
    EXPECT_EQ(status.where(), c.where) << c.line;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.line;
  }
}

}  // namespace
}  // namespace vigil::logs
