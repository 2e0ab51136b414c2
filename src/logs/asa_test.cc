// Cisco ASA syslog messages.
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

constexpr auto kAsa = LogFormat::kAsa;

TEST(AsaTest, BuiltOutboundTcpInsideHostIsSourceAndItsMappedAddressIsNatSource) {
  FileContext y2025 = Ctx2026();
  y2025.year = 2025;  // the stamp carries its own year
  const auto r = MustParse(kAsa,
                           "Nov 21 2026 12:00:01: %ASA-6-302013: Built outbound TCP connection "
                           "123456 for outside:198.51.100.7/443 (198.51.100.7/443) to "
                           "inside:10.1.1.5/51234 (203.0.113.5/40001)",
                           y2025);
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.action, "built");
  EXPECT_EQ(r.proto, "tcp");
  EXPECT_EQ(r.src, Ip("10.1.1.5"));
  EXPECT_EQ(r.src_port, 51234);
  EXPECT_EQ(r.nat_src, Ip("203.0.113.5"));
  EXPECT_EQ(r.nat_src_port, 40001);
  EXPECT_EQ(r.dst, Ip("198.51.100.7"));
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_FALSE(r.nat_dst.has_value());
  EXPECT_EQ(r.nat_dst_port, 0);
}

TEST(AsaTest, BuiltInboundToPublishedServerInitiatorIsSource) {
  const auto r = MustParse(kAsa,
                           "Nov 21 12:00:01 fw01 %ASA-6-302013: Built inbound TCP connection "
                           "123457 for outside:198.51.100.7/51234 (198.51.100.7/51234) to "
                           "dmz:10.2.2.10/443 (203.0.113.10/443)");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("198.51.100.7"));
  EXPECT_EQ(r.src_port, 51234);
  EXPECT_FALSE(r.nat_src.has_value());
  // The client addressed the public (mapped) address; the firewall translated it to the server.
  EXPECT_EQ(r.dst, Ip("203.0.113.10"));
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.nat_dst, Ip("10.2.2.10"));
  EXPECT_EQ(r.nat_dst_port, 443);
}

TEST(AsaTest, BuiltOutboundUdpIpv6WithoutStamp) {
  const auto r = MustParse(kAsa,
                           "%ASA-6-302015: Built outbound UDP connection 99 for "
                           "outside:2001:4860:4860::8888/53 (2001:4860:4860::8888/53) to "
                           "inside:2001:db8:1::5/53012 (2001:db8:1::5/53012)");
  EXPECT_EQ(r.time, 0);
  EXPECT_EQ(r.proto, "udp");
  EXPECT_EQ(r.src, Ip("2001:db8:1::5"));
  EXPECT_EQ(r.src_port, 53012);
  EXPECT_FALSE(r.nat_src.has_value());
  EXPECT_EQ(r.dst, Ip("2001:4860:4860::8888"));
  EXPECT_EQ(r.dst_port, 53);
}

TEST(AsaTest, TeardownIsReadAsOutbound) {
  const auto tcp = MustParse(kAsa,
                             "<166>Nov 21 2026 12:00:01: %ASA-6-302014: Teardown TCP connection "
                             "123456 for outside:198.51.100.7/443 to inside:10.1.1.5/51234 "
                             "duration 0:00:30 bytes 1234 TCP FINs");
  EXPECT_EQ(tcp.time, kNov21);
  EXPECT_EQ(tcp.action, "teardown");
  EXPECT_EQ(tcp.src, Ip("10.1.1.5"));
  EXPECT_EQ(tcp.src_port, 51234);
  EXPECT_EQ(tcp.dst, Ip("198.51.100.7"));
  EXPECT_EQ(tcp.dst_port, 443);
  EXPECT_FALSE(tcp.nat_src.has_value());

  const auto udp = MustParse(kAsa,
                             "Nov 21 2026 12:00:01 fw01 : %ASA-6-302016: Teardown UDP connection "
                             "456 for outside:8.8.8.8/53 to inside:10.1.1.5/53012 duration 0:00:01 "
                             "bytes 120 (LOCAL\\jdoe)");
  EXPECT_EQ(udp.proto, "udp");
  EXPECT_EQ(udp.src, Ip("10.1.1.5"));
  EXPECT_EQ(udp.dst, Ip("8.8.8.8"));
  EXPECT_EQ(udp.time, kNov21);
}

TEST(AsaTest, InterfaceNamesWithSpacesAndUsers) {
  const auto r = MustParse(kAsa,
                           "%ASA-6-302013: Built inbound TCP connection 8 for "
                           "inside:10.1.1.2/12523 (10.1.1.2/12523) to NP Identity "
                           "Ifc:10.1.1.1/22 (10.1.1.1/22)");
  EXPECT_EQ(r.src, Ip("10.1.1.2"));
  EXPECT_EQ(r.src_port, 12523);
  EXPECT_EQ(r.dst, Ip("10.1.1.1"));
  EXPECT_EQ(r.dst_port, 22);

  const auto user = MustParse(kAsa,
                              "%ASA-6-302013: Built outbound TCP connection 9 for "
                              "outside:198.51.100.7/80(198.51.100.7/80) (LOCAL\\web) to "
                              "inside:10.1.1.5/50000 (203.0.113.5/50000) (LOCAL\\jdoe)");
  EXPECT_EQ(user.src, Ip("10.1.1.5"));
  EXPECT_EQ(user.nat_src, Ip("203.0.113.5"));
  EXPECT_EQ(user.nat_src_port, 50000);
  EXPECT_EQ(user.dst, Ip("198.51.100.7"));
}

TEST(AsaTest, FtdAndPixTags) {
  for (const std::string_view tag :
       {"%FTD-6-302013:", "%PIX-6-302013:", "%ASA-session-6-302013:"}) {
    const auto r = MustParse(kAsa, std::string(tag) +
                                       " Built outbound TCP connection 1 for "
                                       "outside:198.51.100.7/443 (198.51.100.7/443) to "
                                       "inside:10.1.1.5/51234 (203.0.113.5/51234)");
    EXPECT_EQ(r.src, Ip("10.1.1.5")) << tag;
    EXPECT_EQ(r.nat_src, Ip("203.0.113.5")) << tag;
    EXPECT_EQ(r.nat_src_port, 51234) << tag;
  }
}

TEST(AsaTest, IcmpConnection) {
  const auto r = MustParse(kAsa,
                           "Nov 21 2026 12:00:01: %ASA-6-302020: Built outbound ICMP connection "
                           "for faddr 8.8.8.8/0 gaddr 203.0.113.5/512 laddr 10.1.1.5/512 type 8 "
                           "code 0");
  EXPECT_EQ(r.proto, "icmp");
  EXPECT_EQ(r.src, Ip("10.1.1.5"));
  EXPECT_EQ(r.nat_src, Ip("203.0.113.5"));
  EXPECT_EQ(r.dst, Ip("8.8.8.8"));
  EXPECT_EQ(r.src_port, 0);
  EXPECT_EQ(r.nat_src_port, 0);

  const auto in = MustParse(kAsa,
                            "%ASA-6-302021: Teardown ICMP connection for faddr 198.51.100.7/0 "
                            "gaddr 203.0.113.10/0 laddr 10.2.2.10/0 type 0 code 0");
  EXPECT_EQ(in.action, "teardown");
  EXPECT_EQ(in.src, Ip("10.2.2.10"));
  EXPECT_EQ(in.dst, Ip("198.51.100.7"));
}

TEST(AsaTest, Translations) {
  const auto built = MustParse(kAsa,
                               "Nov 21 2026 12:00:01: %ASA-6-305011: Built dynamic TCP translation "
                               "from inside:10.1.1.5/51234 to outside:203.0.113.5/40001");
  EXPECT_EQ(built.action, "built");
  EXPECT_EQ(built.proto, "tcp");
  EXPECT_EQ(built.src, Ip("10.1.1.5"));
  EXPECT_EQ(built.src_port, 51234);
  EXPECT_EQ(built.nat_src, Ip("203.0.113.5"));
  EXPECT_EQ(built.nat_src_port, 40001);
  EXPECT_FALSE(built.dst.has_value());

  const auto teardown = MustParse(kAsa,
                                  "Nov 21 2026 12:00:01: %ASA-6-305012: Teardown dynamic UDP "
                                  "translation from inside:10.1.1.5/53012 to "
                                  "outside:203.0.113.5/40002 duration 0:00:31");
  EXPECT_EQ(teardown.action, "teardown");
  EXPECT_EQ(teardown.proto, "udp");
  EXPECT_EQ(teardown.nat_src_port, 40002);

  const auto icmp = MustParse(kAsa,
                              "%ASA-6-305011: Built dynamic ICMP translation from "
                              "inside:10.1.1.5/1 to outside:203.0.113.5/21505");
  EXPECT_EQ(icmp.proto, "icmp");
  EXPECT_EQ(icmp.src_port, 0);
  EXPECT_EQ(icmp.nat_src, Ip("203.0.113.5"));
  EXPECT_EQ(icmp.nat_src_port, 0);

  const auto static_nat = MustParse(kAsa,
                                    "%ASA-6-305009: Built static translation from "
                                    "dmz:10.2.2.10 to outside:203.0.113.10");
  EXPECT_EQ(static_nat.src, Ip("10.2.2.10"));
  EXPECT_EQ(static_nat.nat_src, Ip("203.0.113.10"));
  EXPECT_EQ(static_nat.proto, "");

  const auto user = MustParse(kAsa,
                              "%ASA-6-305011: Built dynamic TCP translation from "
                              "inside:10.1.1.5/51234(LOCAL\\jdoe) to outside:203.0.113.5/40001");
  EXPECT_EQ(user.src_port, 51234);
  EXPECT_EQ(user.nat_src_port, 40001);
}

TEST(AsaTest, AccessListMessages) {
  const auto deny = MustParse(kAsa,
                              "Nov 21 2026 12:00:01: %ASA-4-106023: Deny tcp src "
                              "outside:198.51.100.7/51234 dst inside:10.1.1.5/445 by access-group "
                              "\"outside_access_in\" [0x0, 0x0]");
  EXPECT_EQ(deny.action, "deny");
  EXPECT_EQ(deny.proto, "tcp");
  EXPECT_EQ(deny.src, Ip("198.51.100.7"));
  EXPECT_EQ(deny.src_port, 51234);
  EXPECT_EQ(deny.dst, Ip("10.1.1.5"));
  EXPECT_EQ(deny.dst_port, 445);

  const auto icmp = MustParse(kAsa,
                              "%ASA-4-106023: Deny icmp src outside:198.51.100.7 dst "
                              "inside:10.1.1.5 (type 8, code 0) by access-group "
                              "\"outside_access_in\" [0x0, 0x0]");
  EXPECT_EQ(icmp.proto, "icmp");
  EXPECT_EQ(icmp.dst, Ip("10.1.1.5"));
  EXPECT_EQ(icmp.dst_port, 0);

  const auto gre = MustParse(kAsa,
                             "%ASA-4-106023: Deny protocol 47 src outside:198.51.100.7 dst "
                             "inside:10.1.1.5 by access-group \"outside_access_in\" [0x0, 0x0]");
  EXPECT_EQ(gre.proto, "gre");

  const auto inbound = MustParse(kAsa,
                                 "%ASA-3-106014: Deny inbound icmp src outside:198.51.100.7 dst "
                                 "inside:10.1.1.5 (type 8, code 0)");
  EXPECT_EQ(inbound.src, Ip("198.51.100.7"));

  const auto permitted = MustParse(kAsa,
                                   "Nov 21 2026 12:00:01: %ASA-6-106100: access-list "
                                   "outside_access_in permitted tcp outside/198.51.100.7(51234) -> "
                                   "inside/10.1.1.5(443) hit-cnt 1 first hit [0x91c26a3, 0x0]");
  EXPECT_EQ(permitted.action, "permitted");
  EXPECT_EQ(permitted.src, Ip("198.51.100.7"));
  EXPECT_EQ(permitted.src_port, 51234);
  EXPECT_EQ(permitted.dst, Ip("10.1.1.5"));
  EXPECT_EQ(permitted.dst_port, 443);

  const auto denied6 = MustParse(kAsa,
                                 "%ASA-4-106100: access-list inside_in denied udp "
                                 "inside/2001:db8:1::5(53012) -> outside/2001:db8:2::7(53) "
                                 "hit-cnt 3 300-second interval [0x0, 0x0]");
  EXPECT_EQ(denied6.action, "denied");
  EXPECT_EQ(denied6.src, Ip("2001:db8:1::5"));
  EXPECT_EQ(denied6.dst_port, 53);

  const auto no_conn = MustParse(kAsa,
                                 "%ASA-6-106015: Deny TCP (no connection) from 198.51.100.7/443 to "
                                 "10.1.1.5/51234 flags RST  on interface outside");
  EXPECT_EQ(no_conn.action, "deny");
  EXPECT_EQ(no_conn.proto, "tcp");
  EXPECT_EQ(no_conn.src_port, 443);
  EXPECT_EQ(no_conn.dst, Ip("10.1.1.5"));

  const auto inbound_tcp = MustParse(kAsa,
                                     "%ASA-2-106001: Inbound TCP connection denied from "
                                     "198.51.100.7/51234 to 10.1.1.5/23 flags SYN  on interface "
                                     "outside");
  EXPECT_EQ(inbound_tcp.action, "denied");
  EXPECT_EQ(inbound_tcp.dst_port, 23);

  const auto udp = MustParse(kAsa,
                             "%ASA-2-106006: Deny inbound UDP from 198.51.100.7/53 to "
                             "10.1.1.5/53012 on interface outside");
  EXPECT_EQ(udp.proto, "udp");
  EXPECT_EQ(udp.src_port, 53);
}

TEST(AsaTest, Errors) {
  struct Case {
    std::string line, where, message;
  };
  const std::vector<Case> cases = {
      {"Nov 21 2026 12:00:01: %ASA-5-111008: User 'enable_15' executed the 'write memory' "
       "command.",
       "message id", "111008 is not a connection"},
      {"Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2", "message id",
       "not a Cisco ASA line"},
      {"%ASA-6-302013: Built outbound TCP connection 1 for outside:198.51.100.7/443 "
       "(198.51.100.7/443) to",
       "to", "expected INTERFACE:ADDRESS/PORT"},
      {"%ASA-6-302013: Built outbound TCP connection 1 for outside:198.51.100.999/443 "
       "(198.51.100.7/443) to inside:10.1.1.5/1 (10.1.1.5/1)",
       "for", "invalid IP address"},
      {"%ASA-6-302013: Built outbound TCP connection 1 for outside:198.51.100.7/99999 "
       "(198.51.100.7/443) to inside:10.1.1.5/1 (10.1.1.5/1)",
       "for", "above 65535"},
      {"%ASA-6-302013: Built outbound TCP connection 1 for outside:198.51.100.7/443 "
       "(198.51.100.7/x) to inside:10.1.1.5/1 (10.1.1.5/1)",
       "mapped for", "missing port"},
      {"%ASA-6-302013: Built sideways TCP connection 1 for outside:198.51.100.7/443", "direction",
       "neither inbound nor outbound"},
      {"%ASA-6-302013: Built outbound TCP link 1 for outside:198.51.100.7/443", "message",
       "expected \"connection\""},
      {"%ASA-6-302013: Built outbound TC\x01P connection 1", "protocol", "unexpected characters"},
      {"%ASA-6-305011: Built dynamic TCP translation from inside:10.1.1.5/51234", "message",
       "expected \"to\""},
      {"%ASA-6-106100: access-list outside_in permitted tcp outside/198.51.100.7 -> "
       "inside/10.1.1.5(443) hit-cnt 1",
       "source", "expected INTERFACE/ADDRESS(PORT)"},
      {"%ASA-4-106023: Deny tcp src outside:198.51.100.7/51234 by access-group \"x\"", "message",
       "expected \"dst\""},
      {"Nov 21 2026 25:00:01: %ASA-6-302013: Built", "timestamp", "out of range"},
  };
  for (const auto& c : cases) {
    const Status status = MustFail(kAsa, c.line);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.line;
    EXPECT_EQ(status.where(), c.where) << c.line;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.line;
  }
}

}  // namespace
}  // namespace vigil::logs
