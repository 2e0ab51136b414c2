// Zeek TSV and JSON, Suricata EVE.
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

constexpr auto kZeek = LogFormat::kZeekTsv;
constexpr auto kZeekJ = LogFormat::kZeekJson;
constexpr auto kEveF = LogFormat::kEve;

const std::vector<std::string> kConnHeader = {
    "#separator \\x09",
    "#set_separator\t,",
    "#empty_field\t(empty)",
    "#unset_field\t-",
    "#path\tconn",
    "#open\t2026-11-21-12-00-00",
    ("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
     "orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
     "orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents"),
    ("#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t"
     "string\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]"),
};

constexpr std::string_view kConnLine =
    "1795237201.123456\tCAbc1234567890\t10.0.0.5\t51234\t198.51.100.7\t443\ttcp\tssl\t1.500000\t"
    "100\t200\tSF\tT\tF\t0\tShADadFf\t10\t600\t9\t700\t(empty)";

FileContext ContextFrom(const std::vector<std::string>& header) {
  FileContext context;
  for (const auto& line : header) EXPECT_TRUE(ObserveHeader(kZeek, line, &context)) << line;
  return context;
}

TEST(ZeekTsvTest, ObserveHeaderReadsFields) {
  const FileContext context = ContextFrom(kConnHeader);
  ASSERT_EQ(context.zeek_fields.size(), 21u);
  EXPECT_EQ(context.zeek_fields[2], "id.orig_h");
  EXPECT_EQ(context.zeek_fields[20], "tunnel_parents");
  FileContext untouched;
  EXPECT_FALSE(ObserveHeader(kZeek, std::string(kConnLine), &untouched));
  EXPECT_FALSE(ObserveHeader(LogFormat::kIptables, "#fields\tts", &untouched));
  EXPECT_TRUE(untouched.zeek_fields.empty());
  EXPECT_TRUE(ObserveHeader(kZeek, "#close\t2026-11-21-13-00-00", nullptr));
}

TEST(ZeekTsvTest, ConnLineWithAndWithoutHeader) {
  for (const FileContext& context : {ContextFrom(kConnHeader), FileContext{}}) {
    const auto r = MustParse(kZeek, kConnLine, context);
    EXPECT_EQ(r.time, kNov21);
    EXPECT_EQ(r.src, Ip("10.0.0.5"));
    EXPECT_EQ(r.src_port, 51234);
    EXPECT_EQ(r.dst, Ip("198.51.100.7"));
    EXPECT_EQ(r.dst_port, 443);
    EXPECT_EQ(r.proto, "tcp");
    EXPECT_EQ(r.action, "sf");
    EXPECT_FALSE(r.nat_src.has_value());
  }
}

TEST(ZeekTsvTest, HeaderLinesAreNotFound) {
  const auto record = ParseLine(kZeek, "#fields\tts\tuid", FileContext{});
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(record.status().where(), "line");
}

TEST(ZeekTsvTest, CustomFieldOrderDnsLog) {
  FileContext context;
  ObserveHeader(kZeek,
                "#fields\tuid\tts\tid.resp_h\tid.resp_p\tid.orig_h\tid.orig_p\tproto\ttrans_id\t"
                "query\tqtype_name\trcode_name",
                &context);
  const auto r = MustParse(kZeek,
                           "Cx1\t1795237201.5\t10.0.0.1\t53\t2001:db8:1::5\t53012\tudp\t1234\t"
                           "Evil.Example.\tA\tNOERROR",
                           context);
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("2001:db8:1::5"));
  EXPECT_EQ(r.src_port, 53012);
  EXPECT_EQ(r.dst, Ip("10.0.0.1"));
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.name, "evil.example");
  EXPECT_EQ(r.action, "");
}

TEST(ZeekTsvTest, HttpLogHostAndUri) {
  FileContext context;
  ObserveHeader(kZeek, "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\thost\turi",
                &context);
  const auto r = MustParse(
      kZeek, "1795237201\tC1\t10.0.0.5\t51234\t198.51.100.7\t80\tevil.example\t/x.php?id=1",
      context);
  EXPECT_EQ(r.name, "evil.example");
  EXPECT_EQ(r.url, "/x.php?id=1");
  EXPECT_EQ(r.proto, "");
}

TEST(ZeekTsvTest, UnsetValues) {
  const auto r =
      MustParse(kZeek,
                "1795237201.000001\tC2\t10.0.0.5\t-\t10.0.0.6\t-\t-\t-\t-\t-\t-\tOTH\t-\t"
                "-\t0\t-\t1\t28\t0\t0\t-",
                FileContext{});
  EXPECT_EQ(r.src_port, 0);
  EXPECT_EQ(r.dst_port, 0);
  EXPECT_EQ(r.proto, "");
  EXPECT_EQ(r.action, "oth");
}

TEST(ZeekTsvTest, Errors) {
  const FileContext conn = ContextFrom(kConnHeader);
  std::string bad_ts(kConnLine);
  bad_ts.replace(0, 17, "yesterday");
  struct Case {
    std::string line, where, message;
  };
  const std::vector<Case> cases = {
      {std::string(kConnLine.substr(0, kConnLine.find("\tSF"))), "fields", "11 tab-separated"},
      {"1795237201\tC\t10.0.0.500\t1\t10.0.0.6\t2\ttcp\t-\t-\t-\t-\tSF\t-\t-\t0\t-\t1\t1\t1\t1\t-",
       "id.orig_h", "invalid IP address"},
      {"1795237201\tC\t-\t1\t10.0.0.6\t2\ttcp\t-\t-\t-\t-\tSF\t-\t-\t0\t-\t1\t1\t1\t1\t-",
       "id.orig_h", "unset"},
      {"1795237201\tC\t10.0.0.5\tx\t10.0.0.6\t2\ttcp\t-\t-\t-\t-\tSF\t-\t-\t0\t-\t1\t1\t1\t1\t-",
       "id.orig_p", "not a decimal"},
      {"1795237201\tC\t10.0.0.5\t1\t10.0.0.6\t2\tt p\t-\t-\t-\t-\tSF\t-\t-\t0\t-\t1\t1\t1\t1\t-",
       "proto", "unexpected characters"},
      {bad_ts, "ts", "not Unix seconds"},
  };
  for (const auto& c : cases) {
    const Status status = MustFail(kZeek, c.line, conn);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.line;
    EXPECT_EQ(status.where(), c.where) << c.line;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.line;
  }
  FileContext files;
  ObserveHeader(kZeek, "#fields\tts\tfuid\tmime_type", &files);
  const Status no_addresses = MustFail(kZeek, "1795237201\tF1\ttext/html", files);
  EXPECT_EQ(no_addresses.where(), "id.orig_h");
  EXPECT_THAT(no_addresses.message(), HasSubstr("no id.orig_h column"));
  const Status too_few = MustFail(kZeek, "1795237201\tC\t10.0.0.5", FileContext{});
  EXPECT_EQ(too_few.where(), "fields");
}

// ---- Zeek JSON ----

TEST(ZeekJsonTest, ConnLine) {
  const auto r =
      MustParse(kZeekJ, R"({"ts":1795237201.123456,"uid":"CAbc123","id.orig_h":"10.0.0.5",)"
                        R"("id.orig_p":51234,"id.resp_h":"198.51.100.7","id.resp_p":443,)"
                        R"("proto":"tcp","service":"ssl","duration":1.5,"conn_state":"SF",)"
                        R"("local_orig":true,"history":"ShADadFf"})");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
  EXPECT_EQ(r.src_port, 51234);
  EXPECT_EQ(r.dst, Ip("198.51.100.7"));
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.proto, "tcp");
  EXPECT_EQ(r.action, "sf");
}

TEST(ZeekJsonTest, IsoTimestampNestedIdAndIpv6) {
  const auto r =
      MustParse(kZeekJ, R"(  {"ts":"2026-11-21T05:00:01.123456Z","uid":"C1","id":{)"
                        R"("orig_h":"2001:db8:1::5","orig_p":53012,"resp_h":"2001:db8::53",)"
                        R"("resp_p":53},"proto":"udp"}  )");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("2001:db8:1::5"));
  EXPECT_EQ(r.dst, Ip("2001:db8::53"));
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.action, "");
}

TEST(ZeekJsonTest, DnsAndHttpLogs) {
  const auto dns = MustParse(kZeekJ, R"({"ts":1795237201,"uid":"C1","id.orig_h":"10.0.0.5",)"
                                     R"("id.orig_p":53012,"id.resp_h":"10.0.0.1","id.resp_p":53,)"
                                     R"("proto":"udp","query":"Evil.Example","qtype_name":"A"})");
  EXPECT_EQ(dns.name, "evil.example");
  const auto http =
      MustParse(kZeekJ, R"({"ts":1795237201,"id.orig_h":"10.0.0.5","id.orig_p":51234,)"
                        R"("id.resp_h":"198.51.100.7","id.resp_p":80,)"
                        R"("host":"evil.example","uri":"/x.php?id=1"})");
  EXPECT_EQ(http.name, "evil.example");
  EXPECT_EQ(http.url, "/x.php?id=1");
  EXPECT_EQ(http.proto, "");
}

TEST(ZeekJsonTest, Errors) {
  struct Case {
    std::string line, where, message;
  };
  const std::vector<Case> cases = {
      {R"({"ts":1795237201,"id.orig_h":"10.0.0.5","id.orig_p":"51234","id.resp_h":"10.0.0.6"})",
       "id.orig_p", "expected a port number, got string"},
      {R"({"ts":1795237201,"id.orig_h":"10.0.0.5","id.orig_p":70000,"id.resp_h":"10.0.0.6"})",
       "id.orig_p", "outside 0-65535"},
      {R"({"ts":1795237201,"id.orig_h":"10.0.0.5","id.orig_p":-1,"id.resp_h":"10.0.0.6"})",
       "id.orig_p", "outside 0-65535"},
      {R"({"ts":true,"id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.6"})", "ts",
       "expected a number, got boolean"},
      {R"({"ts":-5,"id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.6"})", "ts", "out of range"},
      {R"({"ts":"yesterday","id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.6"})", "ts",
       "not an ISO 8601 time"},
      {R"({"ts":1795237201,"id.orig_h":17,"id.resp_h":"10.0.0.6"})", "id.orig_h",
       "expected a string, got number"},
      {R"({"ts":1795237201,"id.orig_h":"10.0.0.5"})", "id.resp_h", "missing"},
      {R"({"timestamp":"2026-11-21T12:00:01+0700","event_type":"flow","src_ip":"10.0.0.5"})",
       "id.orig_h", "not a Zeek log line"},
      {R"({"ts":1795237201,"id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.6","proto":true})", "proto",
       "expected a protocol name, got boolean"},
      {R"({"ts":1795237201,"id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.6","query":"a\u0001b"})",
       "query", "control bytes"},
      {R"({"ts":1795237201,"id.orig_h":"10.0.0.5")", "line", "not a valid JSON object"},
      {R"(["ts",1795237201])", "line", "not a JSON object"},
      {"ts=1795237201", "line", "not a JSON object"},
      {std::string(100, '{') + std::string(100, '}'), "line", "deeper than 64"},
  };
  for (const auto& c : cases) {
    const Status status = MustFail(kZeekJ, c.line);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.line;
    EXPECT_EQ(status.where(), c.where) << c.line;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.line;
  }
}

// ---- Suricata EVE ----

TEST(EveTest, AlertEvent) {
  const auto r = MustParse(
      kEveF,
      R"({"timestamp":"2026-11-21T12:00:01.123456+0700","flow_id":1234567890123456,)"
      R"("in_iface":"eth0","event_type":"alert","src_ip":"10.0.0.5","src_port":51234,)"
      R"("dest_ip":"198.51.100.7","dest_port":443,"proto":"TCP","alert":{"action":"allowed",)"
      R"("gid":1,"signature_id":2024897,"rev":2,"signature":"ET MALWARE Observed C2 Domain",)"
      R"("category":"A Network Trojan was detected","severity":1}})");
  EXPECT_EQ(r.time, kNov21);
  EXPECT_EQ(r.src, Ip("10.0.0.5"));
  EXPECT_EQ(r.src_port, 51234);
  EXPECT_EQ(r.dst, Ip("198.51.100.7"));
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.proto, "tcp");
  EXPECT_EQ(r.action, "alert");
  EXPECT_EQ(r.name, "");
}

TEST(EveTest, DnsVersions) {
  const auto v2 = MustParse(
      kEveF,
      R"({"timestamp":"2026-11-21T12:00:01.000000+0700","event_type":"dns","src_ip":"10.0.0.5",)"
      R"("src_port":53012,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP",)"
      R"("dns":{"type":"query","id":1234,"rrname":"Evil.Example","rrtype":"A","tx_id":0}})");
  EXPECT_EQ(v2.name, "evil.example");
  EXPECT_EQ(v2.action, "dns");
  EXPECT_EQ(v2.proto, "udp");
  const auto v3 = MustParse(
      kEveF,
      R"({"timestamp":"2026-11-21T12:00:01.000000+0700","event_type":"dns","src_ip":"10.0.0.5",)"
      R"("src_port":53012,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"version":3,)"
      R"("type":"request","queries":[{"rrname":"evil.example","rrtype":"A"}]}})");
  EXPECT_EQ(v3.name, "evil.example");
  const auto alert = MustParse(
      kEveF,
      R"({"timestamp":"2026-11-21T12:00:01+0700","event_type":"alert","src_ip":"10.0.0.5",)"
      R"("dest_ip":"10.0.0.1","proto":"UDP","dns":{"query":[{"rrname":"c2.evil.example"}]}})");
  EXPECT_EQ(alert.name, "c2.evil.example");
}

TEST(EveTest, HttpAndTls) {
  const auto http = MustParse(
      kEveF, R"({"timestamp":"2026-11-21T12:00:01.5+0700","event_type":"http","src_ip":"10.0.0.5",)"
             R"("src_port":51234,"dest_ip":"198.51.100.7","dest_port":80,"proto":"TCP","http":{)"
             R"("hostname":"evil.example","url":"/x.php?id=1","http_user_agent":"curl/8.0",)"
             R"("http_method":"GET","status":200,"length":12}})");
  EXPECT_EQ(http.time, kNov21);
  EXPECT_EQ(http.name, "evil.example");
  EXPECT_EQ(http.url, "/x.php?id=1");
  const auto tls = MustParse(
      kEveF, R"({"timestamp":"2026-11-21T05:00:01Z","event_type":"tls","src_ip":"10.0.0.5",)"
             R"("src_port":51234,"dest_ip":"198.51.100.7","dest_port":443,"proto":"TCP",)"
             R"("tls":{"sni":"Evil.Example","version":"TLS 1.3"}})");
  EXPECT_EQ(tls.time, kNov21);
  EXPECT_EQ(tls.name, "evil.example");
}

TEST(EveTest, Ipv6UncompressedAndIcmp) {
  const auto r =
      MustParse(kEveF, R"({"timestamp":"2026-11-21T12:00:01.123456+0700","event_type":"flow",)"
                       R"("src_ip":"2001:0db8:0000:0000:0000:0000:0000:0005",)"
                       R"("dest_ip":"2001:0db8:0000:0000:0000:0000:0000:0007","proto":"IPv6-ICMP",)"
                       R"("icmp_type":128,"icmp_code":0,"flow":{"pkts_toserver":1}})");
  EXPECT_EQ(r.src, Ip("2001:db8::5"));
  EXPECT_EQ(r.dst, Ip("2001:db8::7"));
  EXPECT_EQ(r.proto, "icmpv6");
  EXPECT_EQ(r.src_port, 0);
  EXPECT_EQ(r.action, "flow");
}

TEST(EveTest, Errors) {
  const std::string head = R"({"timestamp":"2026-11-21T12:00:01.123456+0700","event_type":"dns",)";
  struct Case {
    std::string line, where, message;
  };
  const std::vector<Case> cases = {
      {R"({"ts":1795237201,"id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.6"})", "event_type",
       "no event_type"},
      {R"({"timestamp":"21/11/2026","event_type":"dns","src_ip":"10.0.0.5"})", "timestamp",
       "not an ISO 8601 time"},
      {R"({"event_type":"dns","src_ip":"10.0.0.5","dest_ip":"10.0.0.1"})", "timestamp", "missing"},
      {head + R"("dest_ip":"10.0.0.1"})", "src_ip", "missing"},
      {head + R"("src_ip":"10.0.0.5","dest_ip":"10.0.0.1.1"})", "dest_ip", "invalid IP address"},
      {head + R"("src_ip":"10.0.0.5","dest_ip":"10.0.0.1","src_port":"53012"})", "src_port",
       "expected a port number"},
      {head + R"("src_ip":"10.0.0.5","dest_ip":"10.0.0.1","dest_port":53.5})", "dest_port",
       "expected a port number"},
      {head + R"("src_ip":"10.0.0.5","dest_ip":"10.0.0.1","dns":{"rrname":5}})", "dns.rrname",
       "expected a string"},
      {head + R"("src_ip":"10.0.0.5","dest_ip":"10.0.0.1","http":{"url":["/"]}})", "http.url",
       "expected a string"},
      {head + R"("src_ip":"10.0.0.5","dest_ip":"10.0.0.1","tls":{"sni":""}})", "", ""},
      {R"({"timestamp":"2026-11-21T12:00:01+0700","event_type":7})", "event_type",
       "expected a string"},
      {head + R"("src_ip":"10.0.0.5",)", "line", "not a valid JSON object"},
      {"Nov 21 12:00:01 suricata[1]: {\"event_type\":\"dns\"}", "line", "not a JSON object"},
  };
  for (const auto& c : cases) {
    auto record = ParseLine(kEveF, c.line, FileContext{});
    if (c.where.empty()) {  // parses: an empty SNI is simply no name
      EXPECT_TRUE(record.ok()) << c.line;
      continue;
    }
    ASSERT_FALSE(record.ok()) << c.line;
    EXPECT_EQ(record.status().code(), StatusCode::kInvalidArgument) << c.line;
    EXPECT_EQ(record.status().where(), c.where) << c.line;
    EXPECT_THAT(record.status().message(), HasSubstr(c.message)) << c.line;
  }
}

}  // namespace
}  // namespace vigil::logs
