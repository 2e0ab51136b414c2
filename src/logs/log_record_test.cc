// Format names, dispatch, detection, and robustness of every parser on hostile input.
#include "logs/log_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/text.h"
#include "logs/log_test_util.h"

namespace vigil::logs {
namespace {

using testing::Ctx2026;
using ::testing::ElementsAre;

// Realistic lines of each format, used for detection and as seeds for the robustness tests.
const std::map<LogFormat, std::vector<std::string>>& Samples() {
  static const auto* samples = new std::map<LogFormat, std::vector<std::string>>{
      {LogFormat::kIptables,
       {"Nov 21 12:00:01 gw01 kernel: [123456.789012] [UFW BLOCK] IN=eth0 OUT= "
        "MAC=00:16:3e:aa:bb:cc:00:16:3e:dd:ee:ff:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=60 "
        "TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 RES=0x00 "
        "SYN URGP=0",
        "2026-11-21T12:00:01.123456+07:00 gw01 kernel: FW-DROP-OUT: IN=eth1 OUT=eth0 "
        "SRC=2001:db8:1::5 DST=2001:db8:2::7 LEN=80 TC=0 HOPLIMIT=63 FLOWLBL=1 PROTO=UDP "
        "SPT=53012 DPT=53 LEN=40",
        "Nov  1 09:05:03 gw01 kernel: DROP IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.5 LEN=88 "
        "PROTO=ICMP TYPE=3 CODE=3 [SRC=203.0.113.5 DST=198.51.100.7 LEN=60 PROTO=UDP SPT=53 "
        "DPT=40000 LEN=40 ]"}},
      {LogFormat::kPfsense,
       {"Nov 21 12:00:01 filterlog[12345]: 5,,,1000000103,igb0,match,block,in,4,0x0,,64,12345,0,"
        "DF,6,tcp,60,198.51.100.7,203.0.113.5,51234,22,0,S,1234567890,,64240,,mss",
        "Nov 21 12:00:01 pfsense.home.arpa filterlog[12345]: 77,,,1770001466,igb1,match,pass,out,"
        "6,0x00,0x00000,64,udp,17,40,2001:db8:1::5,2001:4860:4860::8888,53012,53,40",
        "<134>1 2026-11-21T12:00:01+07:00 OPNsense.localdomain filterlog 51234 - [meta "
        "sequenceId=\"42\"] 96,,,fae559338f65e11c53669fc3642c93c2,vtnet0,match,pass,out,4,0x0,,64,"
        "0,0,DF,17,udp,72,10.0.0.5,1.1.1.1,53012,53,52"}},
      {LogFormat::kFortigate,
       {"date=2026-11-21 time=12:00:01 devname=\"FGT-HQ\" tz=\"+0700\" logid=\"0000000013\" "
        "type=\"traffic\" subtype=\"forward\" srcip=10.0.0.5 srcport=51234 dstip=198.51.100.7 "
        "dstport=443 proto=6 action=\"close\" trandisp=\"snat\" transip=203.0.113.5 "
        "transport=40001",
        "<189>date=2026-11-21 time=12:00:02 type=\"traffic\" srcip=2001:db8:1::5 srcport=53012 "
        "dstip=2001:db8:2::7 dstport=53 proto=17 action=\"deny\"",
        "Nov 21 12:00:03 fgt01 date=2026-11-21 time=12:00:03 srcip=198.51.100.7 srcport=51234 "
        "dstip=203.0.113.10 dstport=443 proto=6 action=\"accept\" tranip=10.0.0.10 "
        "tranport=8443"}},
      {LogFormat::kAsa,
       {"Nov 21 2026 12:00:01: %ASA-6-302013: Built outbound TCP connection 123456 for "
        "outside:198.51.100.7/443 (198.51.100.7/443) to inside:10.1.1.5/51234 "
        "(203.0.113.5/40001)",
        "Nov 21 2026 12:00:31: %ASA-6-302014: Teardown TCP connection 123456 for "
        "outside:198.51.100.7/443 to inside:10.1.1.5/51234 duration 0:00:30 bytes 1234 TCP FINs",
        "Nov 21 2026 12:00:01: %ASA-6-305011: Built dynamic TCP translation from "
        "inside:10.1.1.5/51234 to outside:203.0.113.5/40001",
        "Nov 21 2026 12:00:01: %ASA-6-106100: access-list outside_access_in denied udp "
        "outside/2001:db8:2::7(53) -> inside/2001:db8:1::5(53012) hit-cnt 1 first hit [0x0, 0x0]"}},
      {LogFormat::kPaloAlto,
       {"Nov 21 12:00:03 PA-3220 1,2026/11/21 12:00:02,012801012345,TRAFFIC,end,2561,2026/11/21 "
        "12:00:01,10.0.0.5,198.51.100.7,203.0.113.5,198.51.100.7,\"Allow, Outbound\",corp\\jdoe,,"
        "ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,Log-Forward,2026/11/21 12:00:01,123456,1,"
        "51234,443,40001,443,0x40041c,tcp,allow,6543,1234,5309,22,2026/11/21 11:59:30,30,any,,"
        "7253419119627122716,0x8000000000000000,10.0.0.0-10.255.255.255,United States,,12,10,"
        "tcp-fin",
        "1,2026/11/21 12:00:02,012801012345,TRAFFIC,drop,2561,2026/11/21 12:00:01,2001:db8:2::7,"
        "2001:db8:1::5,::,::,deny-all,,,not-applicable,vsys1,untrust,trust,ethernet1/1,,"
        "Log-Forward,2026/11/21 12:00:01,0,1,51234,22,0,0,0x0,tcp,deny,60,60,0,1"}},
      {LogFormat::kZeekTsv,
       {"#separator \\x09", "#path\tconn",
        ("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\t"
         "duration\torig_bytes\tresp_bytes\tconn_state"),
        ("#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\t"
         "count\tstring"),
        "1795237201.123456\tCAbc1\t10.0.0.5\t51234\t198.51.100.7\t443\ttcp\tssl\t1.5\t100\t200\tSF",
        "1795237202.000001\tC2\t2001:db8:1::5\t53012\t2001:db8::53\t53\tudp\tdns\t0.01\t40\t80\tSF",
        "1795237203.5\tCAbc3\t10.0.0.5\t8\t198.51.100.7\t0\ticmp\t-\t-\t-\t-\tOTH"}},
      {LogFormat::kZeekJson,
       {R"({"ts":1795237201.123456,"uid":"CAbc1","id.orig_h":"10.0.0.5","id.orig_p":51234,)"
        R"("id.resp_h":"198.51.100.7","id.resp_p":443,"proto":"tcp","conn_state":"SF"})",
        R"({"ts":"2026-11-21T05:00:02.000001Z","uid":"CAbc2","id.orig_h":"2001:db8:1::5",)"
        R"("id.orig_p":53012,"id.resp_h":"2001:db8::53","id.resp_p":53,"proto":"udp",)"
        R"("query":"evil.example"})"}},
      {LogFormat::kEve,
       {R"({"timestamp":"2026-11-21T12:00:01.123456+0700","flow_id":1,"event_type":"alert",)"
        R"("src_ip":"10.0.0.5","src_port":51234,"dest_ip":"198.51.100.7","dest_port":443,)"
        R"("proto":"TCP","alert":{"action":"allowed","signature_id":2024897}})",
        R"({"timestamp":"2026-11-21T12:00:01.123456+0700","event_type":"dns",)"
        R"("src_ip":"2001:0db8:0000:0000:0000:0000:0000:0005","src_port":53012,)"
        R"("dest_ip":"2001:db8::53","dest_port":53,"proto":"UDP","dns":{"type":"query",)"
        R"("rrname":"evil.example","rrtype":"A"}})",
        R"({"timestamp":"2026-11-21T12:00:01+0700","event_type":"tls","src_ip":"10.0.0.5",)"
        R"("src_port":51235,"dest_ip":"198.51.100.7","dest_port":443,"proto":"TCP",)"
        R"("tls":{"sni":"evil.example"}})"}},
      {LogFormat::kSquid,
       {"1763700001.123     45 10.0.0.5 TCP_MISS/200 1234 GET http://evil.example/x - "
        "HIER_DIRECT/198.51.100.7 text/html",
        "1763700002.456   1200 10.0.0.5 TCP_TUNNEL/200 5678 CONNECT evil.example:443 jdoe "
        "HIER_DIRECT/198.51.100.7 -",
        "1763700004.001 12 2001:db8:1::5 TCP_DENIED/403 512 GET http://[2001:db8:2::7]:8080/a - "
        "HIER_NONE/- text/html"}},
      {LogFormat::kBind,
       {"21-Nov-2026 12:00:01.123 client @0x7f1a2b3c4d50 10.0.0.5#53012 (evil.example): query: "
        "evil.example IN A +E(0)K (10.0.0.1)",
        "21-Nov-2026 12:00:02.456 queries: info: client @0x7f1a2b3c4d50 2001:db8:1::5#53012 "
        "(evil.example): view internal: query: evil.example IN AAAA +ET (2001:db8::53)",
        "21-Nov-2026 12:00:03.789 client 10.0.0.6#40000: query: good.example IN A +"}},
      {LogFormat::kDnsmasq,
       {"Nov 21 12:00:01 dnsmasq[123]: query[A] evil.example from 10.0.0.5",
        "Nov 21 12:00:01 dnsmasq[123]: forwarded evil.example to 8.8.8.8",
        "Nov 21 12:00:01 dnsmasq[123]: reply evil.example is 203.0.113.66",
        "Nov 21 12:00:02 dnsmasq[123]: 42 2001:db8:1::5/53012 query[AAAA] evil.example from "
        "2001:db8:1::5"}},
  };
  return *samples;
}

std::vector<std::string_view> Views(const std::vector<std::string>& lines) {
  return {lines.begin(), lines.end()};
}

TEST(LogFormatTest, NamesRoundTrip) {
  std::vector<std::string_view> names;
  for (const LogFormat format : AllLogFormats()) {
    names.push_back(LogFormatName(format));
    EXPECT_EQ(ParseLogFormatName(LogFormatName(format)), format);
  }
  EXPECT_THAT(names, ElementsAre("generic", "iptables", "pfsense", "fortigate", "asa", "paloalto",
                                 "zeek", "zeek-json", "eve", "squid", "bind", "dnsmasq"));
  EXPECT_EQ(ParseLogFormatName("Zeek"), std::nullopt);
  EXPECT_EQ(ParseLogFormatName(""), std::nullopt);
  EXPECT_EQ(ParseLogFormatName("suricata"), std::nullopt);
}

TEST(ParseLineTest, GenericNeverFailsAndFillsNothing) {
  for (const std::string_view line : {std::string(), std::string("anything 10.0.0.1 at all"),
                                      std::string({'\xff', '\xfe', '\0'})}) {
    auto record = ParseLine(LogFormat::kGeneric, line, FileContext{});
    ASSERT_TRUE(record.ok());
    EXPECT_EQ(record->time, 0);
    EXPECT_FALSE(record->src.has_value());
    EXPECT_FALSE(record->dst.has_value());
    EXPECT_TRUE(record->proto.empty());
  }
}

TEST(ParseLineTest, EmptyLinesAndCrlf) {
  for (const LogFormat format : AllLogFormats()) {
    if (format == LogFormat::kGeneric) continue;
    for (const std::string_view empty : {"", "   ", "\r", " \t \r"}) {
      const auto record = ParseLine(format, empty, FileContext{});
      ASSERT_FALSE(record.ok()) << LogFormatName(format);
      EXPECT_EQ(record.status().code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(record.status().where(), "line");
    }
  }
  // A Windows line end is tolerated.
  const auto r = testing::MustParse(LogFormat::kDnsmasq,
                                    "Nov 21 12:00:01 dnsmasq[123]: query[A] evil.example from "
                                    "10.0.0.5\r");
  EXPECT_EQ(r.src, testing::Ip("10.0.0.5"));
}

TEST(ParseLineTest, EverySampleParsesOnlyAsItsOwnFormat) {
  for (const auto& [format, lines] : Samples()) {
    for (const LogFormat other : AllLogFormats()) {
      if (other == LogFormat::kGeneric) continue;
      FileContext context = Ctx2026();
      for (const std::string& line : lines) {
        if (ObserveHeader(other, line, &context)) continue;
        const auto record = ParseLine(other, line, context);
        if (other == format) {
          EXPECT_TRUE(record.ok())
              << LogFormatName(format) << ": " << record.status().ToString() << "\n  " << line;
        } else {
          EXPECT_FALSE(record.ok()) << LogFormatName(format) << " line parsed as "
                                    << LogFormatName(other) << ":\n  " << line;
        }
      }
    }
  }
}

TEST(DetectLogFormatTest, DetectsEachFormat) {
  for (const auto& [format, lines] : Samples()) {
    const auto views = Views(lines);
    EXPECT_EQ(DetectLogFormat(views), format) << LogFormatName(format);
  }
}

TEST(DetectLogFormatTest, MixedSamples) {
  const auto& asa = Samples().at(LogFormat::kAsa);
  const auto& dnsmasq = Samples().at(LogFormat::kDnsmasq);
  // Three ASA lines, one unsupported ASA message, one dnsmasq line, blank lines: ASA (3 of 5).
  std::vector<std::string> mixed = {asa[0],
                                    "",
                                    asa[1],
                                    ("Nov 21 2026 12:00:01: %ASA-5-111008: User 'enable_15' "
                                     "executed the 'write memory' command."),
                                    "   ",
                                    asa[2],
                                    dnsmasq[0]};
  EXPECT_EQ(DetectLogFormat(Views(mixed)), LogFormat::kAsa);

  // Exactly half is enough.
  std::vector<std::string> half = {dnsmasq[0], dnsmasq[1], "garbage", "more garbage"};
  EXPECT_EQ(DetectLogFormat(Views(half)), LogFormat::kDnsmasq);

  // Less than half is not.
  std::vector<std::string> minority = {dnsmasq[0], "garbage", "more garbage", "noise"};
  EXPECT_EQ(DetectLogFormat(Views(minority)), LogFormat::kGeneric);

  // Two formats: the one with more parsed lines wins.
  std::vector<std::string> two = {dnsmasq[0], asa[0], asa[1], asa[2], dnsmasq[1]};
  EXPECT_EQ(DetectLogFormat(Views(two)), LogFormat::kAsa);

  // A Zeek conn.log whose #fields reorders the columns: only the header makes it parse.
  std::vector<std::string> zeek = {
      "#fields\tid.orig_h\tid.resp_h\tts\tproto",
      "10.0.0.5\t198.51.100.7\t1795237201.1\ttcp",
      "10.0.0.6\t198.51.100.8\t1795237202.1\tudp",
  };
  EXPECT_EQ(DetectLogFormat(Views(zeek)), LogFormat::kZeekTsv);
}

TEST(DetectLogFormatTest, NothingToGoOn) {
  EXPECT_EQ(DetectLogFormat({}), LogFormat::kGeneric);
  std::vector<std::string> blank = {"", "  ", "#only a comment"};
  EXPECT_EQ(DetectLogFormat(Views(blank)), LogFormat::kGeneric);
  std::vector<std::string> prose = {"The quick brown fox", "jumps over 10.0.0.1",
                                    "and 2001:db8::1"};
  EXPECT_EQ(DetectLogFormat(Views(prose)), LogFormat::kGeneric);
  std::vector<std::string> json = {R"({"a":1})", R"({"src":"10.0.0.1"})"};
  EXPECT_EQ(DetectLogFormat(Views(json)), LogFormat::kGeneric);
}

// Invariants every parser keeps on every input: errors name a field and say why; records hold
// ports in range and strings that are valid UTF-8 without control bytes.
void CheckInvariants(LogFormat format, std::string_view line, const FileContext& context) {
  const auto record = ParseLine(format, line, context);
  if (!record.ok()) {
    const Status& status = record.status();
    EXPECT_TRUE(status.code() == StatusCode::kInvalidArgument ||
                (status.code() == StatusCode::kNotFound && format == LogFormat::kZeekTsv))
        << status.ToString();
    EXPECT_FALSE(status.where().empty()) << LogFormatName(format) << ": " << status.ToString();
    EXPECT_FALSE(status.message().empty());
    EXPECT_LE(status.message().size(), 600u) << LogFormatName(format);
    return;
  }
  for (const int port :
       {record->src_port, record->dst_port, record->nat_src_port, record->nat_dst_port}) {
    EXPECT_TRUE(port >= 0 && port <= 65535);
  }
  for (const std::string* text : {&record->proto, &record->action, &record->name, &record->url}) {
    EXPECT_TRUE(IsValidUtf8(*text)) << LogFormatName(format);
    for (const char c : *text) {
      EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << LogFormatName(format);
    }
  }
  EXPECT_EQ(record->proto, AsciiLower(record->proto));
  EXPECT_EQ(record->action, AsciiLower(record->action));
  EXPECT_GE(record->time, 0);
}

TEST(RobustnessTest, EveryTruncationOfEverySample) {
  for (const auto& [format, lines] : Samples()) {
    FileContext context = Ctx2026();
    for (const std::string& line : lines) {
      if (ObserveHeader(format, line, &context)) continue;
      for (size_t length = 0; length <= line.size(); ++length) {
        CheckInvariants(format, std::string_view(line).substr(0, length), context);
      }
    }
  }
}

TEST(RobustnessTest, RandomMutationsOfSamples) {
  std::mt19937 random(20261121);
  const std::string alphabet =
      std::string(" ,:;=/#\t\"'()[]{}<>%@.-0123456789abcdefxyzIN\\\x7f\xc3\xff") + '\0';
  for (const auto& [format, lines] : Samples()) {
    FileContext context = Ctx2026();
    for (const std::string& line : lines) {
      if (ObserveHeader(format, line, &context)) continue;
      for (int round = 0; round < 300; ++round) {
        std::string mutated = line;
        const int edits = 1 + static_cast<int>(random() % 4);
        for (int e = 0; e < edits && !mutated.empty(); ++e) {
          const size_t at = random() % mutated.size();
          const char c = alphabet[random() % alphabet.size()];
          switch (random() % 3) {
            case 0:
              mutated[at] = c;
              break;
            case 1:
              mutated.insert(mutated.begin() + static_cast<ptrdiff_t>(at), c);
              break;
            default:
              mutated.erase(at, 1 + random() % 8);
              break;
          }
        }
        for (const LogFormat any : AllLogFormats()) CheckInvariants(any, mutated, context);
      }
    }
  }
}

TEST(RobustnessTest, BinaryGarbage) {
  std::mt19937 random(7);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(random() % 300, '\0');
    for (char& c : bytes) c = static_cast<char>(random() % 256);
    for (const LogFormat format : AllLogFormats()) CheckInvariants(format, bytes, Ctx2026());
  }
}

// Multi-megabyte lines finish quickly (work is linear in the line) and fail with a field error,
// or parse when the huge part is just a long value.
TEST(RobustnessTest, FourMegabyteLines) {
  constexpr size_t kSize = 4u << 20;
  const std::vector<std::string> huge = {
      std::string(kSize, 'A'),
      std::string(kSize, ' '),
      std::string(kSize, ','),
      std::string(kSize, '\t'),
      std::string(kSize, '{'),
      std::string(kSize, '['),
      std::string(kSize, '"'),
      std::string(kSize, '%'),
      [&] {
        std::string s;
        while (s.size() < kSize) s += "IN=eth0 ";
        return s;
      }(),
      [&] {
        std::string s;
        while (s.size() < kSize) s += "%ASA-6-302013: ";
        return s;
      }(),
      [&] {
        std::string s;
        while (s.size() < kSize) s += "srcip=\"10.0.0.1 ";
        return s;
      }(),
      [&] {
        std::string s = "{\"a\":\"";
        s.append(kSize, 'x');
        return s + "\"}";
      }(),
      "Nov 21 12:00:01 gw01 kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 " +
          std::string(kSize, 'X'),
      "1763700001.123 45 10.0.0.5 TCP_MISS/200 1234 GET http://evil.example/" +
          std::string(kSize, 'x') + " - HIER_DIRECT/198.51.100.7 text/html",
      "Nov 21 12:00:01 dnsmasq[123]: query[A] " + std::string(kSize, 'a') + " from 10.0.0.5",
  };
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& line : huge) {
    for (const LogFormat format : AllLogFormats()) CheckInvariants(format, line, Ctx2026());
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(30));

  // A huge URL is kept; a huge DNS name is refused.
  const auto squid = ParseLine(LogFormat::kSquid, huge[13], Ctx2026());
  ASSERT_TRUE(squid.ok()) << squid.status().ToString();
  EXPECT_GT(squid->url.size(), kSize);
  const auto dnsmasq = ParseLine(LogFormat::kDnsmasq, huge[14], Ctx2026());
  ASSERT_FALSE(dnsmasq.ok());
  EXPECT_EQ(dnsmasq.status().where(), "name");
  // The iptables line with trailing junk still parses.
  EXPECT_TRUE(ParseLine(LogFormat::kIptables, huge[12], Ctx2026()).ok());
}

TEST(RobustnessTest, HugeZeekHeader) {
  FileContext context;
  std::string header = "#fields";
  for (int i = 0; i < 100000; ++i) header += "\tf" + std::to_string(i);
  EXPECT_TRUE(ObserveHeader(LogFormat::kZeekTsv, header, &context));
  EXPECT_EQ(context.zeek_fields.size(), 100000u);
  const Status status = testing::MustFail(LogFormat::kZeekTsv, "1\t2\t3", context);
  EXPECT_EQ(status.where(), "fields");
}

}  // namespace
}  // namespace vigil::logs
