// Squid access.log, BIND query log, dnsmasq.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "logs/log_record.h"
#include "logs/log_test_util.h"

namespace vigil::logs {
namespace {

using ::testing::HasSubstr;
using testing::Ip;
using testing::kNov21;
using testing::MustFail;
using testing::MustParse;

constexpr auto kSquidF = LogFormat::kSquid;
constexpr auto kBindF = LogFormat::kBind;
constexpr auto kDnsmasqF = LogFormat::kDnsmasq;

struct ErrorCase {
  std::string line, where, message;
};

void ExpectErrors(LogFormat format, const std::vector<ErrorCase>& cases) {
  for (const auto& c : cases) {
    const Status status = MustFail(format, c.line);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.line;
    EXPECT_EQ(status.where(), c.where) << c.line;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.line;
  }
}

// ---- Squid ----

TEST(SquidTest, NativeMiss) {
  const auto r = MustParse(kSquidF,
                           "1763700001.123     45 10.0.0.5 TCP_MISS/200 1234 GET "
                           "http://Evil.Example/x - HIER_DIRECT/198.51.100.7 text/html");
  EXPECT_EQ(r.time, 1763700001);
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
  EXPECT_EQ(r.src_port, 0);
  EXPECT_EQ(r.dst, Ip("198.51.100.7"));
  EXPECT_EQ(r.dst_port, 80);
  EXPECT_EQ(r.proto, "tcp");
  EXPECT_EQ(r.action, "tcp_miss/200");
  EXPECT_EQ(r.name, "evil.example");
  EXPECT_EQ(r.url, "http://Evil.Example/x");
}

TEST(SquidTest, ConnectTunnel) {
  const auto r = MustParse(kSquidF,
                           "1763700002.456   1200 10.0.0.5 TCP_TUNNEL/200 5678 CONNECT "
                           "evil.example:443 jdoe HIER_DIRECT/198.51.100.7 -");
  EXPECT_EQ(r.name, "evil.example");
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.url, "evil.example:443");
  EXPECT_EQ(r.action, "tcp_tunnel/200");
}

TEST(SquidTest, DeniedWithoutPeer) {
  const auto r = MustParse(kSquidF,
                           "1763700003.000      0 10.0.0.6 TCP_DENIED/403 3900 GET "
                           "https://blocked.example/ - HIER_NONE/- text/html");
  EXPECT_EQ(r.action, "tcp_denied/403");
  EXPECT_FALSE(r.dst.has_value());
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.name, "blocked.example");
}

TEST(SquidTest, Ipv6ClientPeerAndUrlLiteral) {
  const auto r = MustParse(kSquidF,
                           "1763700004.001 12 2001:db8:1::5 TCP_MISS/200 512 GET "
                           "http://[2001:db8:2::7]:8080/a - HIER_DIRECT/2001:db8:2::7 text/plain");
  EXPECT_EQ(r.src, Ip("2001:db8:1::5"));
  EXPECT_EQ(r.dst, Ip("2001:db8:2::7"));
  EXPECT_EQ(r.dst_port, 8080);
  EXPECT_EQ(r.name, "2001:db8:2::7");
}

TEST(SquidTest, ErrorTransactionAndMissingTrailingFields) {
  const auto error = MustParse(kSquidF,
                               "1763700005.000 0 10.0.0.5 NONE_NONE/000 0 - "
                               "error:transaction-end-before-headers - HIER_NONE/- -");
  EXPECT_EQ(error.action, "none_none/000");
  EXPECT_EQ(error.name, "");
  EXPECT_EQ(error.url, "error:transaction-end-before-headers");
  const auto short_line =
      MustParse(kSquidF, "1763700006 3 10.0.0.5 TCP_HIT/200 10 GET http://a.example/");
  EXPECT_EQ(short_line.name, "a.example");
  EXPECT_FALSE(short_line.dst.has_value());
}

TEST(SquidTest, ThroughSyslog) {
  const auto r = MustParse(kSquidF,
                           "Nov 21 12:00:01 proxy01 (squid-1)[1234]: 1763700001.123     45 "
                           "10.0.0.5 TCP_MISS/200 1234 GET http://evil.example/x - "
                           "HIER_DIRECT/198.51.100.7 text/html");
  EXPECT_EQ(r.time, 1763700001);  // Squid's own time wins
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
}

TEST(SquidTest, Errors) {
  ExpectErrors(
      kSquidF,
      {
          {"1763700001.123 45 10.0.0.500 TCP_MISS/200 1234 GET http://a/ - HIER_NONE/- -", "client",
           "invalid IP address"},
          {"1763700001.123 45 10.0.0.5 TCP_MISS 1234 GET http://a/ - HIER_NONE/- -", "result",
           "not a result code"},
          {"1763700001.123 45 10.0.0.5 TCP_MISS/200 1234", "method", "missing"},
          {"1763700001.123 45 10.0.0.5 TCP_MISS/200 1234 GET", "url", "missing"},
          {"1763700001.123 45 10.0.0.5 TCP_MISS/200 12x4 GET http://a/", "bytes", "not a number"},
          {"1763700001.123 fast 10.0.0.5 TCP_MISS/200 1 GET http://a/", "elapsed",
           "not a number of milliseconds"},
          {"1763700001.1x3 45 10.0.0.5 TCP_MISS/200 1 GET http://a/", "time", "not Unix seconds"},
          {"99999999999999.1 45 10.0.0.5 TCP_MISS/200 1 GET http://a/", "time", "after the year"},
          {"Nov 21 12:00:01 dnsmasq[1]: query[A] a.example from 10.0.0.5", "time",
           "not a Squid access.log line"},
          {"1763700001.123 45 10.0.0.5 TCP_MISS/200 1 GET http://a/\x01x", "url", "control bytes"},
      });
}

// ---- BIND ----

TEST(BindTest, ModernQueryLog) {
  const auto r = MustParse(kBindF,
                           "21-Nov-2026 12:00:01.123 client @0x7f1a2b3c4d50 10.0.0.5#53012 "
                           "(evil.example): query: evil.example IN A +E(0)K (10.0.0.1)");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
  EXPECT_EQ(r.src_port, 53012);
  EXPECT_EQ(r.dst, Ip("10.0.0.1"));
  EXPECT_EQ(r.dst_port, 0);
  EXPECT_EQ(r.name, "evil.example");
  EXPECT_EQ(r.action, "query");
  EXPECT_EQ(r.proto, "udp");
}

TEST(BindTest, OlderFormsWithoutObjectAddress) {
  const auto nine_ten = MustParse(kBindF,
                                  "21-Nov-2026 12:00:01.123 client 10.0.0.5#53012 (Evil.Example): "
                                  "query: Evil.Example IN AAAA + (10.0.0.1)");
  EXPECT_EQ(nine_ten.name, "evil.example");
  EXPECT_EQ(nine_ten.src_port, 53012);
  EXPECT_EQ(nine_ten.dst, Ip("10.0.0.1"));
  const auto nine_eight = MustParse(kBindF,
                                    "21-Nov-2026 12:00:01.123 client 10.0.0.5#53012: query: "
                                    "evil.example IN A +");
  EXPECT_EQ(nine_eight.src, Ip("10.0.0.5"));
  EXPECT_EQ(nine_eight.name, "evil.example");
  EXPECT_FALSE(nine_eight.dst.has_value());
}

TEST(BindTest, CategoryViewIpv6AndTcp) {
  const auto r = MustParse(kBindF,
                           "21-Nov-2026 12:00:01.123 queries: info: client @0x7f1a2b3c4d50 "
                           "2001:db8:1::5#53012 (evil.example): view internal: query: "
                           "evil.example IN A +ET (2001:db8::53)");
  EXPECT_EQ(r.src, Ip("2001:db8:1::5"));
  EXPECT_EQ(r.dst, Ip("2001:db8::53"));
  EXPECT_EQ(r.proto, "tcp");
  EXPECT_EQ(r.time, kNov21);
}

TEST(BindTest, ThroughSyslogAndDeniedQuery) {
  const auto syslog = MustParse(kBindF,
                                "Nov 21 12:00:01 ns1 named[1234]: client @0x7f1a2b3c4d50 "
                                "10.0.0.5#53012 (evil.example): query: evil.example IN A -E(0)DC "
                                "(10.0.0.1)");
  EXPECT_EQ(syslog.time, kNov21);
  EXPECT_EQ(syslog.name, "evil.example");
  const auto denied = MustParse(kBindF,
                                "21-Nov-2026 12:00:01.123 security: info: client @0x7f1a2b3c4d50 "
                                "10.0.0.5#53012 (evil.example): query (cache) "
                                "'evil.example/A/IN' denied");
  EXPECT_EQ(denied.action, "denied");
  EXPECT_EQ(denied.name, "evil.example");
  EXPECT_EQ(denied.src, Ip("10.0.0.5"));
}

TEST(BindTest, Errors) {
  ExpectErrors(
      kBindF,
      {
          {"21-Nov-2026 12:00:01.123 general: info: zone example/IN: loaded serial 1", "client",
           "no \"client\""},
          {"21-Nov-2026 12:00:01.123 client @0x7f 10.0.0.500#53012 (a): query: a IN A +", "client",
           "invalid IP address"},
          {"21-Nov-2026 12:00:01.123 client @0x7f 10.0.0.5 (a): query: a IN A +", "client",
           "expected ADDRESS#PORT"},
          {"21-Nov-2026 12:00:01.123 client @0x7f 10.0.0.5#99999 (a): query: a IN A +", "client",
           "above 65535"},
          {"21-Nov-2026 12:00:01.123 client @0x7f 10.0.0.5#53012 (evil.example): query: "
           "evil.example",
           "query", "truncated"},
          {"21-Nov-2026 12:00:01.123 client @0x7f 10.0.0.5#53012 (a): query: a IN A + (10.0.0.x)",
           "server", "invalid IP address"},
          {"21-Nov-2026 12:00:01.123 client @0x7f 10.0.0.5#53012: transfer of 'example/IN': AXFR "
           "started",
           "query", "not a query line"},
          {"32-Nov-2026 12:00:01.123 client 10.0.0.5#1: query: a IN A +", "timestamp",
           "does not exist"},
          {"21-Nov-2026 1200:01.123 client 10.0.0.5#1: query: a IN A +", "timestamp",
           "not a time like"},
      });
}

// ---- dnsmasq ----

TEST(DnsmasqTest, QueryForwardedReply) {
  const auto query = MustParse(kDnsmasqF,
                               "Nov 21 12:00:01 dnsmasq[123]: query[A] evil.example "
                               "from 10.0.0.5");
  EXPECT_EQ(query.time, kNov21);
  EXPECT_EQ(query.action, "query");
  EXPECT_EQ(query.name, "evil.example");
  EXPECT_EQ(query.src, Ip("10.0.0.5"));
  EXPECT_FALSE(query.dst.has_value());

  const auto forwarded = MustParse(kDnsmasqF,
                                   "Nov 21 12:00:01 gw01 dnsmasq[123]: forwarded "
                                   "Evil.Example to 8.8.8.8");
  EXPECT_EQ(forwarded.action, "forwarded");
  EXPECT_EQ(forwarded.name, "evil.example");
  EXPECT_EQ(forwarded.dst, Ip("8.8.8.8"));
  EXPECT_FALSE(forwarded.src.has_value());

  const auto reply =
      MustParse(kDnsmasqF, "Nov 21 12:00:01 dnsmasq[123]: reply evil.example is 203.0.113.66");
  EXPECT_EQ(reply.action, "reply");
  EXPECT_EQ(reply.dst, Ip("203.0.113.66"));

  const auto cname =
      MustParse(kDnsmasqF, "Nov 21 12:00:01 dnsmasq[123]: reply www.evil.example is <CNAME>");
  EXPECT_FALSE(cname.dst.has_value());
  EXPECT_EQ(cname.name, "www.evil.example");

  const auto cached =
      MustParse(kDnsmasqF, "Nov 21 12:00:01 dnsmasq[123]: cached evil.example is NXDOMAIN");
  EXPECT_EQ(cached.action, "cached");
  EXPECT_FALSE(cached.dst.has_value());

  const auto config =
      MustParse(kDnsmasqF, "Nov 21 12:00:01 dnsmasq[123]: config router.lan is 192.168.1.1");
  EXPECT_EQ(config.action, "config");
  EXPECT_EQ(config.dst, Ip("192.168.1.1"));
}

TEST(DnsmasqTest, ExtraLoggingIpv6AndPortedServer) {
  const auto extra = MustParse(kDnsmasqF,
                               "Nov 21 12:00:01 dnsmasq[123]: 42 10.0.0.5/53012 query[AAAA] "
                               "evil.example from 10.0.0.5");
  EXPECT_EQ(extra.src, Ip("10.0.0.5"));
  EXPECT_EQ(extra.src_port, 53012);
  EXPECT_EQ(extra.name, "evil.example");
  const auto v6 = MustParse(kDnsmasqF,
                            "Nov 21 12:00:01 dnsmasq[123]: query[A] evil.example from "
                            "2001:db8:1::5");
  EXPECT_EQ(v6.src, Ip("2001:db8:1::5"));
  const auto ported = MustParse(kDnsmasqF,
                                "Nov 21 12:00:01 dnsmasq[123]: forwarded evil.example to "
                                "127.0.0.1#5353");
  EXPECT_EQ(ported.dst, Ip("127.0.0.1"));
  const auto rfc5424 = MustParse(kDnsmasqF,
                                 "<30>1 2026-11-21T12:00:01+07:00 gw01 dnsmasq 123 - - "
                                 "query[A] evil.example from 10.0.0.5");
  EXPECT_EQ(rfc5424.time, kNov21);
  EXPECT_EQ(rfc5424.src, Ip("10.0.0.5"));
}

TEST(DnsmasqTest, Errors) {
  ExpectErrors(
      kDnsmasqF,
      {
          {"Nov 21 12:00:01 dnsmasq-dhcp[123]: DHCPACK(br0) 10.0.0.5 00:11:22:33:44:55 laptop",
           "program", "not a dnsmasq line"},
          {"Nov 21 12:00:01 dnsmasq[123]: started, version 2.89 cachesize 150", "message",
           "not a dnsmasq query"},
          {"Nov 21 12:00:01 dnsmasq[123]: query[A] evil.example from 10.0.0.999", "from",
           "invalid IP address"},
          {"Nov 21 12:00:01 dnsmasq[123]: query[A] evil.example", "from", "expected"},
          {"Nov 21 12:00:01 dnsmasq[123]: forwarded evil.example to 8.8.8", "to",
           "invalid IP address"},
          {"Nov 21 12:00:01 dnsmasq[123]: reply evil.example was 1.2.3.4", "is", "expected"},
          {"Nov 21 12:00:01 dnsmasq[123]: 42 10.0.0.5 query[A] a from 10.0.0.5", "client",
           "expected ADDRESS/PORT"},
          {"Nov 21 12:00:01 dnsmasq[123]: query[A] evil\x7f.example from 10.0.0.5", "name",
           "control bytes"},
      });
}

}  // namespace
}  // namespace vigil::logs
