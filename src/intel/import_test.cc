#include "intel/import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "intel/import_internal.h"
#include "intel/xlsx_test_util.h"

namespace vigil::intel {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::vigil::intel::testing;  // NOLINT(google-build-using-namespace)

int64_t Utc(int y, unsigned m, unsigned d, int64_t hh = 0, int64_t mm = 0, int64_t ss = 0) {
  const std::chrono::sys_days day{std::chrono::year(y) / std::chrono::month(m) /
                                  std::chrono::day(d)};
  return day.time_since_epoch().count() * 86400 + hh * 3600 + mm * 60 + ss;
}

const int64_t kNow = Utc(2026, 11, 25, 3, 0, 0);

ImportOptions Options(bool strict, ListFormat format = ListFormat::kAuto) {
  ImportOptions options;
  options.strict = strict;
  options.format = format;
  options.now = kNow;
  return options;
}

ImportReport Lenient(std::string_view name, std::string_view data,
                     ListFormat format = ListFormat::kAuto) {
  auto report = ImportBytes(name, data, Options(false, format));
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return report.ok() ? std::move(report).value() : ImportReport{};
}

std::vector<std::string> Values(const ImportReport& report) {
  std::vector<std::string> values;
  for (const auto& indicator : report.indicators) values.push_back(indicator.value);
  return values;
}

std::vector<std::string> IssueAt(const ImportReport& report) {
  std::vector<std::string> where;
  for (const auto& issue : report.issues) {
    where.push_back(std::to_string(issue.line) + ":" + issue.field);
  }
  return where;
}

// ---- botnet CSV

constexpr std::string_view kVncertCsv =
    "DANH SÁCH ĐỊA CHỈ IP THAM GIA MẠNG BOTNET THÁNG 11/2026,,,,,,,,,\n"
    "(Kèm theo Công văn số 1234/CATP-PA05),,,,,,,,,\n"
    ",,,,,,,,,\n"
    "STT,Tỉnh/TP,Đơn vị,Địa chỉ IP,Thời gian phát hiện,Tên mạng botnet,Cổng,IP đích,Cổng đích,"
    "Nhà mạng\n"
    "1,Sông Xanh,Sở Y tế,203.0.113.5,21/11/2026 08:15:30,Mirai,23,198.51.100.7,8080,VNPT\n"
    "2,Sông Xanh,UBND xã Tân Phú,203.0.113.9,20/11/2026 23:05,Mozi,,,,Viettel\n"
    "3,Sông Xanh,Sở Giáo dục,2001:db8::25,19/11/2026,Gafgyt,2323,198.51.100.8:443,,FPT\n"
    "Tổng cộng: 3 địa chỉ,,,,,,,,,\n";

TEST(BotnetCsvTest, ReadsVietnameseListWithTitleRows) {
  const ImportReport report = Lenient("/data/botnet-11-2026.csv", kVncertCsv);
  EXPECT_EQ(report.format, ListFormat::kBotnetCsv);
  ASSERT_EQ(report.indicators.size(), 3u);
  EXPECT_EQ(report.records, 3);  // the footer has nothing in a mapped column
  EXPECT_TRUE(report.issues.empty());

  const Indicator& first = report.indicators[0];
  EXPECT_EQ(first.kind, IndicatorKind::kIp);
  EXPECT_EQ(first.value, "203.0.113.5");
  EXPECT_EQ(first.first_seen, Utc(2026, 11, 21, 1, 15, 30));  // 08:15:30 at +07:00
  EXPECT_EQ(first.last_seen, first.first_seen);
  EXPECT_EQ(first.family, "Mirai");
  EXPECT_EQ(first.port, 23);
  ASSERT_TRUE(first.dest_ip.has_value());
  EXPECT_EQ(FormatIp(*first.dest_ip), "198.51.100.7");
  EXPECT_EQ(first.dest_port, 8080);
  EXPECT_EQ(first.isp, "VNPT");
  EXPECT_EQ(first.source, "botnet-11-2026.csv");
  EXPECT_EQ(first.confidence, -1);

  EXPECT_EQ(report.indicators[1].first_seen, Utc(2026, 11, 20, 16, 5, 0));
  EXPECT_EQ(report.indicators[1].port, 0);
  EXPECT_FALSE(report.indicators[1].dest_ip.has_value());
  const Indicator& v6 = report.indicators[2];
  EXPECT_EQ(v6.first_seen, Utc(2026, 11, 18, 17, 0, 0));
  EXPECT_TRUE(v6.first.v6);
  EXPECT_EQ(v6.dest_port, 443);  // from "198.51.100.8:443"

  EXPECT_EQ(report.columns.at(Column::kIp), "Địa chỉ IP");
  EXPECT_EQ(report.columns.at(Column::kTime), "Thời gian phát hiện");
  EXPECT_EQ(report.columns.at(Column::kDestPort), "Cổng đích");
  EXPECT_EQ(report.columns.at(Column::kIsp), "Nhà mạng");
  EXPECT_EQ(report.columns.size(), 7u);  // STT, Tỉnh/TP and Đơn vị are ignored
}

TEST(BotnetCsvTest, ReadsEnglishHeadersWithZonesCidrsAndRanges) {
  const std::string csv =
      "IP Address,Timestamp,Malware Family,Source Port,Destination IP,Destination Port,ISP,Tags,"
      "Confidence\n"
      "198.51.100.23,2026-11-21T01:15:30Z,Emotet,49152,203.0.113.200,443,AS45899 VNPT,"
      "\"botnet, c2\",85\n"
      "198.51.100.0/28,2026-11-21 08:15:30+07:00,Mirai,,,,,,high\n"
      "198.51.100.40 - 198.51.100.50,2026-11-21 08:15:30,Mirai,,,,,,\n"
      "2001:db8::/48,2026-11-21T03:15:30.250+02:00,Mirai,,,,,,40%\n";
  const ImportReport report = Lenient("list.csv", csv);
  ASSERT_EQ(report.indicators.size(), 4u) << (report.issues.empty() ? "" : report.issues[0].reason);
  for (const auto& indicator : report.indicators) {
    EXPECT_EQ(indicator.first_seen, Utc(2026, 11, 21, 1, 15, 30)) << indicator.value;
  }
  EXPECT_EQ(report.indicators[0].tags, (std::vector<std::string>{"botnet", "c2"}));
  EXPECT_EQ(report.indicators[0].confidence, 85);
  EXPECT_EQ(report.indicators[0].port, 49152);
  EXPECT_EQ(report.indicators[0].isp, "AS45899 VNPT");
  EXPECT_EQ(report.indicators[1].kind, IndicatorKind::kCidr);
  EXPECT_EQ(report.indicators[1].confidence, 85);  // "high"
  EXPECT_EQ(report.indicators[2].kind, IndicatorKind::kRange);
  EXPECT_EQ(FormatIp(report.indicators[2].last), "198.51.100.50");
  EXPECT_EQ(report.indicators[3].confidence, 40);
}

TEST(BotnetCsvTest, FindsSemicolonHeaderBelowATitleWithoutSeparators) {
  const std::string csv =
      "Danh sách IP botnet tháng 11/2026\n"
      "IP;Thời gian;Mã độc;Cổng\n"
      "203.0.113.5;21-11-2026 08:15:30;Mirai;23\n"
      "203.0.113.6;21.11.2026;Mozi;\n";
  const ImportReport report = Lenient("list.txt", csv);
  EXPECT_EQ(report.format, ListFormat::kBotnetCsv);
  ASSERT_EQ(report.indicators.size(), 2u);
  EXPECT_EQ(report.indicators[0].family, "Mirai");
  EXPECT_EQ(report.indicators[0].first_seen, Utc(2026, 11, 21, 1, 15, 30));
  EXPECT_EQ(report.indicators[1].first_seen, Utc(2026, 11, 20, 17, 0, 0));
}

TEST(BotnetCsvTest, HandlesBomCrlfAndTabs) {
  const std::string csv =
      "\xEF\xBB\xBFip\tthời gian\tbotnet\r\n"
      "203.0.113.5\t2026-11-21 08:15:30\tMirai\r\n"
      "\r\n"
      "203.0.113.6\t2026-11-21 08:15\tMirai\r\n";
  const ImportReport report = Lenient("list.tsv", csv);
  EXPECT_EQ(report.format, ListFormat::kBotnetCsv);
  ASSERT_EQ(report.indicators.size(), 2u);
  EXPECT_EQ(report.indicators[1].first_seen, Utc(2026, 11, 21, 1, 15, 0));
  EXPECT_EQ(report.columns.at(Column::kIp), "ip");
}

TEST(BotnetCsvTest, ExplicitMappingOverridesDetection) {
  ImportOptions options = Options(false, ListFormat::kBotnetCsv);
  options.columns = {{Column::kIp, "host"}, {Column::kTime, "Seen at"}, {Column::kFamily, "#4"}};
  const std::string csv =
      "IP,Host,Seen at,Kind\n"
      "192.0.2.1,203.0.113.5,21/11/2026,Mirai\n";
  auto report = ImportBytes("list.csv", csv, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->indicators.size(), 1u);
  EXPECT_EQ(report->indicators[0].value, "203.0.113.5");
  EXPECT_EQ(report->indicators[0].family, "Mirai");
  EXPECT_EQ(report->indicators[0].first_seen, Utc(2026, 11, 20, 17, 0, 0));
  EXPECT_EQ(report->columns.at(Column::kIp), "Host");
  EXPECT_EQ(report->columns.at(Column::kFamily), "Kind");
}

TEST(BotnetCsvTest, PositionalMappingWithoutHeaderRow) {
  ImportOptions options = Options(true, ListFormat::kBotnetCsv);
  options.columns = {{Column::kIp, "#1"}, {Column::kFamily, "#2"}};
  const std::string csv = "Danh sách gửi kèm\n203.0.113.5,Mirai\n203.0.113.6,Mozi\n";
  auto report = ImportBytes("list.csv", csv, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_THAT(Values(*report), ElementsAre("203.0.113.5", "203.0.113.6"));
  EXPECT_EQ(report->indicators[1].family, "Mozi");
  EXPECT_EQ(report->columns.at(Column::kIp), "#1");

  options.columns[Column::kTime] = "Thời gian";  // a name, but there is no header row
  auto named = ImportBytes("list.csv", csv, options);
  ASSERT_FALSE(named.ok());
  EXPECT_THAT(named.status().message(), HasSubstr("no header row"));
}

TEST(BotnetCsvTest, MissingExplicitColumnIsAnError) {
  ImportOptions options = Options(false, ListFormat::kBotnetCsv);
  options.columns = {{Column::kTime, "Ngày giờ"}};
  auto report = ImportBytes("list.csv", "IP,Time\n203.0.113.5,21/11/2026\n", options);
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("\"Ngày giờ\" (time) is not in the header"));
  EXPECT_EQ(report.status().where(), "list.csv:1");
}

constexpr std::string_view kBadRows =
    "IP,Thời gian,Cổng,Độ tin cậy\n"
    "203.0.113.5,21/11/2026,80,50\n"
    "not-an-ip,21/11/2026,80,50\n"
    "203.0.113.6,32/11/2026,80,50\n"
    "203.0.113.7,21/11/2026,99999,50\n"
    "203.0.113.8,21/11/2026,80,200\n"
    "evil.example,21/11/2026,,\n"
    "203.0.113.1/24,21/11/2026,,\n"
    ",21/11/2026,80,\n"
    "203.0.113.9:8080,,,\n";

TEST(BotnetCsvTest, LenientReportsEachBadRowWithLineAndField) {
  const ImportReport report = Lenient("list.csv", kBadRows);
  EXPECT_THAT(Values(report), ElementsAre("203.0.113.5", "203.0.113.9"));
  EXPECT_EQ(report.indicators[1].port, 8080);
  EXPECT_EQ(report.records, 9);
  EXPECT_EQ(report.rejected, 7);
  EXPECT_THAT(IssueAt(report),
              ElementsAre("3:IP", "4:Thời gian", "5:Cổng", "6:Độ tin cậy", "7:IP", "8:IP", "9:IP"));
  EXPECT_EQ(report.issues[0].file, "list.csv");
  EXPECT_THAT(report.issues[1].reason, HasSubstr("not a calendar date"));
  EXPECT_THAT(report.issues[4].reason, HasSubstr("not a domain"));
  EXPECT_THAT(report.issues[5].reason, HasSubstr("did you mean 203.0.113.0/24"));
  EXPECT_THAT(report.issues[6].reason, HasSubstr("empty IP address"));
}

TEST(BotnetCsvTest, StrictStopsAtTheFirstBadRow) {
  auto report = ImportBytes("list.csv", kBadRows, Options(true));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(report.status().where(), "list.csv:3:IP");
  EXPECT_THAT(report.status().message(), HasSubstr("not an IP address"));
}

TEST(BotnetCsvTest, KeepsAtMostMaxIssuesButCountsAll) {
  ImportOptions options = Options(false);
  options.max_issues = 2;
  auto report = ImportBytes("list.csv", kBadRows, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->issues.size(), 2u);
  EXPECT_EQ(report->rejected, 7);
}

TEST(BotnetCsvTest, SkipsRepeatedHeadersAndBlankRows) {
  const std::string csv =
      "STT,IP,Botnet\n1,203.0.113.5,Mirai\n,,\nSTT,IP,Botnet\n2,203.0.113.6,Mirai\n3,,\n";
  const ImportReport report = Lenient("list.csv", csv);
  EXPECT_THAT(Values(report), ElementsAre("203.0.113.5", "203.0.113.6"));
  EXPECT_EQ(report.records, 2);
  EXPECT_TRUE(report.issues.empty());
}

TEST(BotnetCsvTest, NoHeaderIsAnErrorInBothModes) {
  for (const bool strict : {true, false}) {
    auto report = ImportBytes("list.csv", "a,b\n1,2\n", Options(strict, ListFormat::kBotnetCsv));
    ASSERT_FALSE(report.ok());
    EXPECT_THAT(report.status().message(), HasSubstr("no header row naming an IP column"));
  }
  auto report = ImportBytes("list.csv", "", Options(false, ListFormat::kBotnetCsv));
  EXPECT_FALSE(report.ok());
}

TEST(BotnetCsvTest, CsvSyntaxErrorAfterHeaderIsAnIssue) {
  const std::string csv = "IP,Botnet\n203.0.113.5,Mirai\n203.0.113.6,\"Mi\"rai\n203.0.113.7,x\n";
  const ImportReport report = Lenient("list.csv", csv);
  EXPECT_THAT(Values(report), ElementsAre("203.0.113.5"));
  EXPECT_THAT(IssueAt(report), ElementsAre("3:"));
  auto strict = ImportBytes("list.csv", csv, Options(true));
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().where(), "list.csv:3");
}

TEST(BotnetCsvTest, Windows1258TextIsAFileErrorBeforeTheHeader) {
  auto report = ImportBytes("list.csv", "\xd0\xe3\x61 ch\xec IP\n203.0.113.5\n",
                            Options(false, ListFormat::kBotnetCsv));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().where(), "list.csv:1");
}

// ---- expiry, allow, source

TEST(ImportExpiryTest, TtlCountsFromLastSeenOrNow) {
  ImportOptions options = Options(false);
  options.ttl_seconds = int64_t{10} * 86400;
  const std::string csv = "IP,Time\n203.0.113.5,01/11/2026\n203.0.113.6,20/11/2026\n203.0.113.7,\n";
  auto report = ImportBytes("list.csv", csv, options);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->indicators.size(), 3u);
  EXPECT_EQ(report->indicators[0].expires, Utc(2026, 10, 31, 17) + int64_t{10} * 86400);
  EXPECT_EQ(report->indicators[1].expires, Utc(2026, 11, 19, 17) + int64_t{10} * 86400);
  EXPECT_EQ(report->indicators[2].expires, kNow + int64_t{10} * 86400);
  EXPECT_EQ(report->expired, 1);  // the first expired on 11 November, but is still returned

  options.ttl_seconds = 0;  // never expire
  auto forever = ImportBytes("list.csv", csv, options);
  ASSERT_TRUE(forever.ok());
  EXPECT_EQ(forever->indicators[0].expires, 0);
  EXPECT_EQ(forever->expired, 0);
}

TEST(ImportExpiryTest, AllowAndSource) {
  ImportOptions options = Options(true);
  options.allow = true;
  options.source = "VNCERT 2026-11";
  auto report = ImportBytes("C:\\lists\\ok.txt", "203.0.113.5\n", options);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->indicators[0].allow);
  EXPECT_EQ(report->indicators[0].source, "VNCERT 2026-11");
  options.source.clear();
  report = ImportBytes("C:\\lists\\ok.txt", "203.0.113.5\n", options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->indicators[0].source, "ok.txt");
}

// ---- XLSX

TEST(BotnetXlsxTest, ReadsSharedStringsInlineStringsAndDateSerials) {
  const std::string xlsx =
      XlsxBuilder()
          .Row(1, {S("DANH SÁCH IP BOTNET THÁNG 11/2026")})
          .Row(3,
               {S("STT"), S("Địa chỉ IP"), S("Thời gian"), S("Mã độc"), S("Cổng"), S("Nhà mạng")})
          .Row(4, {N("1"), S("203.0.113.5"), Date("46347.34409722222"), Rich("Mirai"), N("23"),
                   Inline("VNPT")})
          .Row(5, {N("2"), Inline("203.0.113.6"), CustomDate("46346.961805555555"), S("Mozi"),
                   N("8080"), S("Viettel")})
          .Row(7, {N("3"), S("203.0.113.7"), N("46345"), S("Gafgyt")})
          .Row(8, {N("4"), S("bad ip"), S("21/11/2026 08:00"), S("Mirai")})
          .Row(9, {N("5"), S("2001:db8::7"), S("21/11/2026 08:00"), S("Mirai")})
          .Row(11, {S("Tổng cộng: 5")})
          .Build();
  const ImportReport report = Lenient("botnet.xlsx", xlsx);
  EXPECT_EQ(report.format, ListFormat::kBotnetXlsx);
  EXPECT_THAT(Values(report),
              ElementsAre("203.0.113.5", "203.0.113.6", "203.0.113.7", "2001:db8::7"));
  EXPECT_THAT(IssueAt(report), ElementsAre("8:Địa chỉ IP"));
  EXPECT_EQ(report.records, 5);
  const auto& list = report.indicators;
  EXPECT_EQ(list[0].first_seen, Utc(2026, 11, 21, 1, 15, 30));
  EXPECT_EQ(list[0].family, "Mirai");  // rich text runs joined, phonetic run left out
  EXPECT_EQ(list[0].port, 23);
  EXPECT_EQ(list[0].isp, "VNPT");
  EXPECT_EQ(list[1].first_seen, Utc(2026, 11, 20, 16, 5, 0));
  EXPECT_EQ(list[1].port, 8080);
  EXPECT_EQ(list[2].first_seen, Utc(2026, 11, 18, 17, 0, 0));  // unstyled serial in Time column
  EXPECT_EQ(list[3].first_seen, Utc(2026, 11, 21, 1, 0, 0));

  auto strict = ImportBytes("botnet.xlsx", xlsx, Options(true));
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().where(), "botnet.xlsx:8:Địa chỉ IP");
}

TEST(BotnetXlsxTest, Date1904Workbooks) {
  const std::string xlsx = XlsxBuilder()
                               .Date1904()
                               .Row(1, {S("IP"), S("Time")})
                               .Row(2, {S("203.0.113.5"), Date("44885.34409722222")})
                               .Row(3, {S("203.0.113.6"), N("44885.34409722222")})
                               .Build();
  const ImportReport report = Lenient("list.xlsx", xlsx);
  ASSERT_EQ(report.indicators.size(), 2u);
  EXPECT_EQ(report.indicators[0].first_seen, Utc(2026, 11, 21, 1, 15, 30));
  EXPECT_EQ(report.indicators[1].first_seen, Utc(2026, 11, 21, 1, 15, 30));
}

TEST(BotnetXlsxTest, RefusesZipBombs) {
  std::string xlsx = XlsxBuilder().Row(1, {S("IP")}).Row(2, {S("203.0.113.5")}).Build();
  // Declare 300 MiB for the first central-directory entry.
  const size_t central = xlsx.find(std::string_view("PK\x01\x02", 4));
  ASSERT_NE(central, std::string::npos);
  const uint32_t huge = 300u << 20;
  for (size_t i = 0; i < 4; ++i) xlsx[central + 24 + i] = static_cast<char>(huge >> (8 * i));
  auto report = ImportBytes("bomb.xlsx", xlsx, Options(false));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(report.status().message(), HasSubstr("256 MiB"));
  EXPECT_EQ(report.status().where(), "bomb.xlsx");
}

TEST(BotnetXlsxTest, BrokenWorkbooksAreErrorsNotCrashes) {
  const std::string xlsx = XlsxBuilder().Row(1, {S("IP")}).Row(2, {S("203.0.113.5")}).Build();
  for (size_t cut = 0; cut < xlsx.size(); cut += 7) {
    auto report = ImportBytes("list.xlsx", xlsx.substr(0, cut), Options(false));
    EXPECT_FALSE(report.ok()) << cut;
  }
  std::string flipped = xlsx;
  for (size_t i = 40; i < flipped.size(); i += 97) flipped[i] = static_cast<char>(~flipped[i]);
  const auto damaged = ImportBytes("list.xlsx", flipped, Options(false));
  if (damaged.ok()) {
    EXPECT_LE(damaged->indicators.size(), 1u);
  }
  auto not_zip = ImportBytes("list.xlsx", "IP\n203.0.113.5\n", Options(false));
  ASSERT_FALSE(not_zip.ok());
  EXPECT_THAT(not_zip.status().message(), HasSubstr("not a readable XLSX"));
  auto old_xls = ImportBytes(
      "list.xls", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") + std::string(600, '\0'),
      Options(false));
  ASSERT_FALSE(old_xls.ok());
  EXPECT_THAT(old_xls.status().message(), HasSubstr("save it as .xlsx"));
  auto no_workbook = ImportBytes("list.xlsx", Zip({{"hello.txt", "hi"}}), Options(false));
  ASSERT_FALSE(no_workbook.ok());
  EXPECT_THAT(no_workbook.status().message(), HasSubstr("xl/workbook.xml"));
}

// ---- plain text

constexpr std::string_view kPlain =
    "#\n"
    "# firehol_level1.netset\n"
    "# ipv4 hash:net ipset\n"
    "203.0.113.5\n"
    "198.51.100.0/24   # trailing comment\n"
    "; semicolon comment\n"
    "2001:db8::/32 ; trailing semicolon comment\r\n"
    "\n"
    "evil.example\n"
    "*.bad.example\n"
    "http://evil.example/path?a=1;b=2#frag\n"
    "D41D8CD98F00B204E9800998ECF8427E\n"
    "999.1.1.1\n"
    "203.0.113.10-203.0.113.20";

TEST(PlainTest, ReadsEveryKindWithComments) {
  const ImportReport report = Lenient("firehol_level1.netset", kPlain);
  EXPECT_EQ(report.format, ListFormat::kPlain);
  EXPECT_THAT(Values(report),
              ElementsAre("203.0.113.5", "198.51.100.0/24", "2001:db8::/32", "evil.example",
                          "*.bad.example", "http://evil.example/path?a=1;b=2#frag",
                          "D41D8CD98F00B204E9800998ECF8427E", "203.0.113.10-203.0.113.20"));
  EXPECT_EQ(report.indicators[6].key, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(report.indicators[5].kind, IndicatorKind::kUrl);
  EXPECT_EQ(report.records, 9);
  EXPECT_THAT(IssueAt(report), ElementsAre("13:"));

  auto strict = ImportBytes("firehol_level1.netset", kPlain, Options(true));
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().where(), "firehol_level1.netset:13");
}

std::string TempPath(const std::string& name) { return ::testing::TempDir() + name; }

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

TEST(PlainTest, ImportFileStreamsLargeListsAndLongLines) {
  std::string data = "# big list\n";
  for (int i = 0; i < 40000; ++i) {
    data += "10." + std::to_string(i / 65536) + "." + std::to_string((i / 256) % 256) + "." +
            std::to_string(i % 256) + (i % 3 == 0 ? "\r\n" : "\n");
    if (i == 20000) data += std::string(3 << 20, 'a') + "\n";  // line 20003: 3 MiB
  }
  const std::string path = TempPath("vigil_plain_list.txt");
  WriteFile(path, data);
  auto from_file = ImportFile(path, Options(false));
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(from_file->format, ListFormat::kPlain);
  EXPECT_EQ(from_file->indicators.size(), 40000u);
  EXPECT_EQ(from_file->records, 40001);
  EXPECT_THAT(IssueAt(*from_file), ElementsAre("20003:"));
  EXPECT_THAT(from_file->issues[0].reason, HasSubstr("longer than 1 MiB"));
  EXPECT_EQ(from_file->indicators.back().value, "10.0.156.63");
  EXPECT_EQ(from_file->indicators.back().source, "vigil_plain_list.txt");

  const ImportReport from_bytes = Lenient(path, data);
  EXPECT_EQ(Values(from_bytes), Values(*from_file));
  EXPECT_EQ(IssueAt(from_bytes), IssueAt(*from_file));
  std::remove(path.c_str());
}

TEST(PlainTest, ImportFileMissingFile) {
  auto report = ImportFile(TempPath("does-not-exist.txt"), Options(false));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kNotFound);
}

TEST(PlainTest, ImportFileReadsWholeFormats) {
  const std::string path = TempPath("vigil_botnet.csv");
  WriteFile(path, std::string(kBadRows));
  auto report = ImportFile(path, Options(false));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->format, ListFormat::kBotnetCsv);
  EXPECT_EQ(report->indicators.size(), 2u);
  ASSERT_FALSE(report->issues.empty());
  EXPECT_EQ(report->issues[0].file, path);
  auto strict = ImportFile(path, Options(true));
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().where(), path + ":3:IP");
  std::remove(path.c_str());
}

// ---- Spamhaus DROP

TEST(SpamhausTest, ReadsDropText) {
  const std::string drop =
      "; Spamhaus DROP List 2026/11/21 - (c) 2026 The Spamhaus Project SLU\n"
      "; https://www.spamhaus.org/drop/drop.txt\n"
      "; Last-Modified: Fri, 20 Nov 2026 16:00:00 GMT\n"
      "; Expires: Sat, 21 Nov 2026 17:30:00 GMT\n"
      "1.10.16.0/20 ; SBL256894\n"
      "1.19.0.0/16 ; SBL434604\n"
      "2.56.192.0/22;SBL459831\n"
      "999.0.0.0/8 ; SBL1\n"
      "2001:db8::/32\n";
  const ImportReport report = Lenient("drop.txt", drop);
  EXPECT_EQ(report.format, ListFormat::kSpamhausDrop);
  EXPECT_THAT(Values(report),
              ElementsAre("1.10.16.0/20", "1.19.0.0/16", "2.56.192.0/22", "2001:db8::/32"));
  EXPECT_EQ(report.indicators[0].tags, std::vector<std::string>{"SBL256894"});
  EXPECT_EQ(report.indicators[2].tags, std::vector<std::string>{"SBL459831"});
  EXPECT_TRUE(report.indicators[3].tags.empty());
  EXPECT_THAT(IssueAt(report), ElementsAre("8:cidr"));
}

TEST(SpamhausTest, ReadsDropJsonLines) {
  const std::string drop =
      "{\"cidr\":\"1.10.16.0/20\",\"sblid\":\"SBL256894\",\"rir\":\"apnic\"}\n"
      "{\"cidr\":\"2001:db8::/32\",\"sblid\":\"SBL1\",\"rir\":\"ripencc\"}\n"
      "{\"sblid\":\"SBL2\"}\n"
      "not json\n"
      "{\"cidr\":\"evil.example\",\"sblid\":\"SBL3\"}\n"
      "{\"type\":\"metadata\",\"timestamp\":1795000000,\"size\":5,\"records\":5,"
      "\"copyright\":\"(c) 2026 The Spamhaus Project SLU\"}\n";
  const ImportReport report = Lenient("drop_v4.json", drop);
  EXPECT_EQ(report.format, ListFormat::kSpamhausDropJson);
  EXPECT_THAT(Values(report), ElementsAre("1.10.16.0/20", "2001:db8::/32"));
  EXPECT_EQ(report.indicators[1].tags, std::vector<std::string>{"SBL1"});
  EXPECT_EQ(report.records, 5);
  EXPECT_THAT(IssueAt(report), ElementsAre("3:cidr", "4:", "5:cidr"));
  EXPECT_THAT(report.issues[1].reason, HasSubstr("invalid JSON"));
}

// ---- Feodo

constexpr std::string_view kFeodo =
    "################################################################\n"
    "# abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)          #\n"
    "# Last updated: 2026-11-21 06:02:11 UTC                        #\n"
    "#                                                              #\n"
    "# Terms Of Use: https://feodotracker.abuse.ch/blocklist/       #\n"
    "# For questions please contact feodotracker [at] abuse.ch      #\n"
    "################################################################\n"
    "#\n"
    "# \"first_seen_utc\",\"dst_ip\",\"dst_port\",\"c2_status\",\"last_online\",\"malware\"\n"
    "\"2026-10-02 11:41:03\",\"203.0.113.50\",\"443\",\"online\",\"2026-11-21\",\"QakBot\"\n"
    "\"2026-09-15 08:00:00\",\"198.51.100.77\",\"8080\",\"offline\",\"2026-11-01\",\"Emotet\"\n"
    "\"2026-09-15 08:00:00\",\"not-an-ip\",\"8080\",\"offline\",\"2026-11-01\",\"Emotet\"\n"
    "# \"Number of entries: 3\"\n";

TEST(FeodoTest, ReadsC2List) {
  const ImportReport report = Lenient("ipblocklist.csv", kFeodo);
  EXPECT_EQ(report.format, ListFormat::kFeodoCsv);
  EXPECT_THAT(Values(report), ElementsAre("203.0.113.50", "198.51.100.77"));
  const Indicator& qakbot = report.indicators[0];
  EXPECT_EQ(qakbot.port, 443);
  EXPECT_EQ(qakbot.family, "QakBot");
  EXPECT_EQ(qakbot.first_seen, Utc(2026, 10, 2, 11, 41, 3));
  EXPECT_EQ(qakbot.last_seen, Utc(2026, 11, 21));
  EXPECT_THAT(qakbot.tags, ElementsAre("c2", "c2:online"));
  EXPECT_THAT(IssueAt(report), ElementsAre("12:dst_ip"));
  EXPECT_EQ(report.records, 3);
}

TEST(FeodoTest, HeaderlessAndOldStyleLists) {
  const ImportReport plain =
      Lenient("feodo.csv",
              "\"2026-10-02 11:41:03\",\"203.0.113.50\",\"443\",\"online\",\"2026-11-21\","
              "\"QakBot\"\n",
              ListFormat::kFeodoCsv);
  ASSERT_EQ(plain.indicators.size(), 1u);
  EXPECT_EQ(plain.indicators[0].family, "QakBot");
  const ImportReport old = Lenient("feodo.csv",
                                   "Firstseen,DstIP,DstPort,LastOnline,Malware\n"
                                   "2021-01-17 07:44:46,51.75.175.2,443,2021-02-01,Dridex\n",
                                   ListFormat::kFeodoCsv);
  ASSERT_EQ(old.indicators.size(), 1u);
  EXPECT_EQ(old.indicators[0].family, "Dridex");
  EXPECT_EQ(old.indicators[0].last_seen, Utc(2021, 2, 1));
}

// ---- STIX

constexpr std::string_view kStix = R"({"type":"bundle","id":"bundle--5d0092c5","objects":[
 {"type":"malware","spec_version":"2.1","id":"malware--m1","name":"Mirai","is_family":true},
 {"type":"indicator","spec_version":"2.1","id":"indicator--a","name":"Mirai C2",
  "pattern":"[ipv4-addr:value = '203.0.113.5'] OR [ipv4-addr:value = '198.51.100.0/24']",
  "pattern_type":"stix","valid_from":"2026-11-01T00:00:00Z","valid_until":"2027-05-01T00:00:00.000Z",
  "indicator_types":["malicious-activity"],"confidence":80},
 {"type":"relationship","id":"relationship--r1","relationship_type":"indicates",
  "source_ref":"indicator--a","target_ref":"malware--m1"},
 {"type":"indicator","id":"indicator--b","name":"Emotet loader",
  "pattern":"[file:hashes.'SHA-256' = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855' OR file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
  "valid_from":"2026-11-02T00:00:00Z","labels":["malicious-activity","emotet"]},
 {"type":"indicator","id":"indicator--c",
  "pattern":"([domain-name:value = 'evil.example' AND url:value = 'http://evil.example/gate.php']) WITHIN 300 SECONDS",
  "pattern_type":"stix","valid_from":"2026-11-03T00:00:00Z"},
 {"type":"indicator","id":"indicator--d","pattern":"[process:name = 'evil.exe']",
  "pattern_type":"stix","valid_from":"2026-11-03T00:00:00Z"},
 {"type":"indicator","id":"indicator--e","pattern":"rule x { condition: true }",
  "pattern_type":"yara","valid_from":"2026-11-03T00:00:00Z"},
 {"type":"indicator","id":"indicator--f","pattern":"[ipv4-addr:value = '203.0.113.5'",
  "pattern_type":"stix","valid_from":"2026-11-03T00:00:00Z"},
 {"type":"indicator","id":"indicator--g",
  "pattern":"[ipv6-addr:value = '2001:db8::5' OR file:hashes.\"SHA-1\" = 'da39a3ee5e6b4b0d3255bfef95601890afd80709' OR network-traffic:dst_port = 443]",
  "valid_from":"2026-11-03T00:00:00Z"},
 {"type":"indicator","id":"indicator--h","pattern":"[ipv4-addr:value = 'evil.example']",
  "valid_from":"2026-11-03T00:00:00Z","revoked":false},
 {"type":"indicator","id":"indicator--i","pattern":"[ipv4-addr:value = '192.0.2.1']",
  "valid_from":"2026-11-03T00:00:00Z","revoked":true}
]})";

TEST(StixTest, ReadsIndicatorsOfABundle) {
  const ImportReport report = Lenient("bundle.json", kStix);
  EXPECT_EQ(report.format, ListFormat::kStix);
  EXPECT_THAT(Values(report),
              ElementsAre("203.0.113.5", "198.51.100.0/24",
                          "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                          "d41d8cd98f00b204e9800998ecf8427e", "evil.example",
                          "http://evil.example/gate.php", "2001:db8::5",
                          "da39a3ee5e6b4b0d3255bfef95601890afd80709"));
  const Indicator& c2 = report.indicators[0];
  EXPECT_EQ(c2.family, "Mirai");  // from the "indicates" relationship, not the name
  EXPECT_EQ(c2.first_seen, Utc(2026, 11, 1));
  EXPECT_EQ(c2.expires, Utc(2027, 5, 1));
  EXPECT_EQ(c2.confidence, 80);
  EXPECT_THAT(c2.tags, ElementsAre("malicious-activity"));
  EXPECT_EQ(report.indicators[1].kind, IndicatorKind::kCidr);
  EXPECT_EQ(report.indicators[2].kind, IndicatorKind::kSha256);
  EXPECT_EQ(report.indicators[2].family, "Emotet loader");
  EXPECT_THAT(report.indicators[2].tags, ElementsAre("malicious-activity", "emotet"));
  EXPECT_EQ(report.indicators[3].kind, IndicatorKind::kMd5);
  EXPECT_EQ(report.indicators[4].kind, IndicatorKind::kDomain);
  EXPECT_EQ(report.indicators[5].kind, IndicatorKind::kUrl);
  EXPECT_EQ(report.indicators[7].kind, IndicatorKind::kSha1);
  EXPECT_EQ(report.indicators[4].expires, kNow + ImportOptions().ttl_seconds);

  EXPECT_EQ(report.records, 7);
  EXPECT_EQ(report.skipped, 2);  // the YARA pattern and the revoked indicator
  EXPECT_THAT(IssueAt(report),
              ElementsAre("0:objects[5].pattern", "0:objects[7].pattern", "0:objects[9].pattern"));
  EXPECT_THAT(report.issues[0].reason, HasSubstr("unsupported pattern"));
  EXPECT_THAT(report.issues[1].reason, HasSubstr("malformed STIX pattern"));
  EXPECT_THAT(report.issues[2].reason, HasSubstr("not a valid value for ipv4-addr:value"));

  auto strict = ImportBytes("bundle.json", kStix, Options(true));
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().where(), "bundle.json:0:objects[5].pattern");
}

TEST(StixTest, ExpiredIndicatorsAreCounted) {
  const std::string bundle =
      R"({"type":"bundle","objects":[{"type":"indicator","pattern":"[ipv4-addr:value = '203.0.113.5']",)"
      R"("valid_from":"2026-01-01T00:00:00Z","valid_until":"2026-02-01T00:00:00Z"}]})";
  const ImportReport report = Lenient("bundle.json", bundle);
  ASSERT_EQ(report.indicators.size(), 1u);
  EXPECT_EQ(report.expired, 1);
}

TEST(StixTest, BadDocumentsAreErrors) {
  for (const std::string_view text :
       {"{\"type\":\"bundle\"}", "{\"type\":\"bundle\",\"objects\":{}}", "[1,2]",
        "{\"a\":", "\"text\"", ""}) {
    auto report = ImportBytes("bundle.json", text, Options(false, ListFormat::kStix));
    EXPECT_FALSE(report.ok()) << text;
  }
  auto truncated = ImportBytes("bundle.json", "{\"type\":\"bundle\",\n\"objects\":[",
                               Options(false, ListFormat::kStix));
  ASSERT_FALSE(truncated.ok());
  EXPECT_THAT(truncated.status().message(), HasSubstr("line 2"));
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto nested = ImportBytes("bundle.json", deep, Options(false, ListFormat::kStix));
  ASSERT_FALSE(nested.ok());
  EXPECT_THAT(nested.status().message(), HasSubstr("nested deeper"));
}

TEST(StixTest, BadMetadataIsAnIssue) {
  const std::string bundle =
      R"({"type":"bundle","objects":[)"
      R"({"type":"indicator","pattern":"[ipv4-addr:value = '203.0.113.5']","valid_from":"yesterday"},)"
      R"({"type":"indicator","pattern":"[ipv4-addr:value = '203.0.113.6']","confidence":"high"},)"
      R"({"type":"indicator","pattern":42},)"
      R"({"type":"indicator","pattern":"[ipv4-addr:value ISSUBSET '203.0.113.0/24']"}]})";
  const ImportReport report = Lenient("bundle.json", bundle);
  EXPECT_THAT(Values(report), ElementsAre("203.0.113.0/24"));
  EXPECT_THAT(IssueAt(report), ElementsAre("0:objects[0].valid_from", "0:objects[1].confidence",
                                           "0:objects[2].pattern"));
}

// ---- MISP

constexpr std::string_view kMispCsv =
    "uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,"
    "object_uuid,object_name,object_meta_category\n"
    "5f0c0a5e-1,1234,Network activity,ip-dst,203.0.113.5,C2,1,20261115,,"
    "\"tlp:white,misp-galaxy:malpedia=\"\"Mirai\"\"\",,,\n"
    "5f0c0a5e-2,1234,Network activity,ip-dst|port,198.51.100.9|8443,,1,20261115,,,,,\n"
    "5f0c0a5e-3,1234,Network activity,domain|ip,evil.example|203.0.113.77,,0,20261115,,,,,\n"
    "5f0c0a5e-4,1234,Payload delivery,filename|md5,dropper.exe|d41d8cd98f00b204e9800998ecf8427e,"
    ",1,20261115,,,,,\n"
    "5f0c0a5e-5,1234,Other,text,Some free text,,0,20261115,,,,,\n"
    "5f0c0a5e-6,1234,Network activity,ip-src,not-an-ip,,1,20261115,,,,,\n"
    "5f0c0a5e-7,1234,Network activity,url,http://evil.example/a,,1,20261115,,,,,\n"
    "5f0c0a5e-8,1234,Network activity,ip-src,evil.example,,1,20261115,,,,,\n";

TEST(MispTest, ReadsCsvExport) {
  const ImportReport report = Lenient("misp.csv", kMispCsv);
  EXPECT_EQ(report.format, ListFormat::kMispCsv);
  EXPECT_THAT(Values(report),
              ElementsAre("203.0.113.5", "198.51.100.9", "evil.example", "203.0.113.77",
                          "d41d8cd98f00b204e9800998ecf8427e", "http://evil.example/a"));
  const Indicator& c2 = report.indicators[0];
  EXPECT_THAT(c2.tags, ElementsAre("Network activity", "ip-dst", "tlp:white",
                                   "misp-galaxy:malpedia=\"Mirai\""));
  EXPECT_EQ(c2.family, "Mirai");
  EXPECT_EQ(c2.first_seen, Utc(2026, 11, 15));
  EXPECT_EQ(report.indicators[1].port, 8443);
  EXPECT_EQ(report.indicators[4].kind, IndicatorKind::kMd5);
  EXPECT_EQ(report.records, 7);
  EXPECT_EQ(report.skipped, 1);
  EXPECT_THAT(IssueAt(report), ElementsAre("7:value", "9:value"));
  EXPECT_THAT(report.issues[1].reason, HasSubstr("does not fit MISP type \"ip-src\""));
}

constexpr std::string_view kMispEvent = R"({"Event":{
  "info":"Mirai campaign against routers","date":"2026-11-15",
  "Tag":[{"name":"tlp:green"},{"name":"misp-galaxy:botnet=\"Mirai\""}],
  "Attribute":[
    {"type":"ip-dst","category":"Network activity","value":"203.0.113.5","to_ids":true,"timestamp":"1795000000"},
    {"type":"comment","category":"Other","value":"seen in honeypot"},
    {"type":"domain","category":"Network activity","value":"bad..example"},
    {"type":"sha256","category":"Payload delivery","value":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855","deleted":true},
    {"type":"hostname","category":"Network activity","value":"cnc.evil.example",
     "first_seen":"2026-11-10T00:00:00.000000+00:00","Tag":[{"name":"kill-chain:c2"}]},
    {"type":"ip-src","value":42}
  ],
  "Object":[{"name":"ip-port","Attribute":[
    {"type":"ip-dst","object_relation":"ip","value":"198.51.100.9"},
    {"type":"port","object_relation":"dst-port","value":"23"}]}]}})";

TEST(MispTest, ReadsEventJson) {
  const ImportReport report = Lenient("event.json", kMispEvent);
  EXPECT_EQ(report.format, ListFormat::kMispJson);
  EXPECT_THAT(Values(report), ElementsAre("203.0.113.5", "cnc.evil.example", "198.51.100.9"));
  const Indicator& ip = report.indicators[0];
  EXPECT_EQ(ip.first_seen, Utc(2026, 11, 15));
  EXPECT_EQ(ip.last_seen, 1795000000);
  EXPECT_EQ(ip.family, "Mirai");
  EXPECT_THAT(ip.tags, ElementsAre("Network activity", "ip-dst", "tlp:green",
                                   "misp-galaxy:botnet=\"Mirai\""));
  const Indicator& host = report.indicators[1];
  EXPECT_EQ(host.first_seen, Utc(2026, 11, 10));
  EXPECT_THAT(host.tags, ElementsAre("Network activity", "hostname", "kill-chain:c2", "tlp:green",
                                     "misp-galaxy:botnet=\"Mirai\""));
  EXPECT_EQ(report.records, 5);
  EXPECT_EQ(report.skipped, 3);  // comment, deleted sha256, port
  EXPECT_THAT(IssueAt(report),
              ElementsAre("0:Event.Attribute[2].value", "0:Event.Attribute[5].value"));

  auto strict = ImportBytes("event.json", kMispEvent, Options(true));
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().where(), "event.json:0:Event.Attribute[2].value");
}

TEST(MispTest, ReadsBareAttributesArraysAndResponses) {
  const ImportReport bare =
      Lenient("a.json", R"({"Attribute":[{"type":"ip-src","value":"203.0.113.5"}]})");
  EXPECT_THAT(Values(bare), ElementsAre("203.0.113.5"));
  const ImportReport array =
      Lenient("a.json", R"([{"Event":{"Attribute":[{"type":"domain","value":"a.example"}]}},)"
                        R"( {"Event":{"Attribute":[{"type":"ip-dst","value":"bad"}]}}, 7])");
  EXPECT_THAT(Values(array), ElementsAre("a.example"));
  EXPECT_THAT(IssueAt(array), ElementsAre("0:[1].Event.Attribute[0].value", "0:[2]"));
  const ImportReport response = Lenient(
      "a.json",
      R"({"response":[{"Event":{"Attribute":[{"type":"url","value":"https://x.example/"}]}}]})");
  EXPECT_THAT(Values(response), ElementsAre("https://x.example/"));
  const ImportReport search = Lenient(
      "a.json",
      R"({"response":{"Attribute":[{"type":"md5","value":"d41d8cd98f00b204e9800998ecf8427e"}]}})");
  EXPECT_EQ(search.indicators.size(), 1u);
  auto neither = ImportBytes("a.json", R"({"foo":1})", Options(false, ListFormat::kMispJson));
  EXPECT_FALSE(neither.ok());
}

// ---- detection and names

TEST(DetectTest, ByExtensionAndContent) {
  struct Case {
    std::string_view name;
    std::string head;
    ListFormat want;
  };
  const std::vector<Case> cases = {
      {"list.xlsx", "", ListFormat::kBotnetXlsx},
      {"list.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", ListFormat::kBotnetXlsx},
      {"download", std::string("PK\x03\x04\x14\x00", 6), ListFormat::kBotnetXlsx},
      {"bundle.json", std::string(kStix.substr(0, 200)), ListFormat::kStix},
      {"event.json", std::string(kMispEvent), ListFormat::kMispJson},
      {"drop_v4.json", "{\"cidr\":\"1.10.16.0/20\",\"sblid\":\"SBL256894\",\"rir\":\"apnic\"}\n",
       ListFormat::kSpamhausDropJson},
      {"drop.txt", "; Spamhaus DROP List\n1.10.16.0/20 ; SBL256894\n", ListFormat::kSpamhausDrop},
      {"ipblocklist.csv", std::string(kFeodo), ListFormat::kFeodoCsv},
      {"export.csv", std::string(kMispCsv), ListFormat::kMispCsv},
      {"botnet.csv", std::string(kVncertCsv), ListFormat::kBotnetCsv},
      {"botnet.txt", "IP;Thời gian\n203.0.113.5;21/11/2026\n", ListFormat::kBotnetCsv},
      {"firehol_level1.netset", "#\n# IP list\n#\n203.0.113.5\n", ListFormat::kPlain},
      {"list.csv", "203.0.113.5\n", ListFormat::kBotnetCsv},
      {"list", "203.0.113.5\n", ListFormat::kPlain},
      {"other.json", "{\"x\":1}", ListFormat::kStix},
      {"", "", ListFormat::kPlain},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ListFormatName(DetectListFormat(c.name, c.head)), ListFormatName(c.want)) << c.name;
  }
}

TEST(DetectTest, FormatAndColumnNamesRoundTrip) {
  for (const ListFormat format :
       {ListFormat::kAuto, ListFormat::kBotnetCsv, ListFormat::kBotnetXlsx, ListFormat::kPlain,
        ListFormat::kSpamhausDrop, ListFormat::kSpamhausDropJson, ListFormat::kFeodoCsv,
        ListFormat::kStix, ListFormat::kMispCsv, ListFormat::kMispJson}) {
    auto parsed = ParseListFormat(ListFormatName(format));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, format);
  }
  EXPECT_EQ(*ParseListFormat("CSV"), ListFormat::kBotnetCsv);
  EXPECT_FALSE(ParseListFormat("pdf").ok());
  for (int i = 0; i <= static_cast<int>(Column::kConfidence); ++i) {
    auto parsed = ParseColumn(ColumnName(static_cast<Column>(i)));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(static_cast<int>(*parsed), i);
  }
  EXPECT_FALSE(ParseColumn("colour").ok());
}

// ---- helpers

TEST(ImportHelpersTest, FoldHeader) {
  using internal::FoldHeader;
  EXPECT_EQ(FoldHeader("  Thời gian phát hiện (GMT+7) "), "thoi gian phat hien");
  EXPECT_EQ(FoldHeader("ĐỊA CHỈ IP"), "dia chi ip");
  EXPECT_EQ(FoldHeader("Tỉnh/TP"), "tinh tp");
  EXPECT_EQ(FoldHeader("C&C"), "c&c");
  EXPECT_EQ(FoldHeader("Source_IP*"), "source ip");
  EXPECT_EQ(FoldHeader("Đi\xcc\xa3\x61 chi\xcc\x89 IP"), "dia chi ip");  // decomposed marks
  EXPECT_EQ(FoldHeader("Nhà\xc2\xa0mạng"), "nha mang");
  EXPECT_EQ(FoldHeader("\xff IP"), "ip");
}

TEST(ImportHelpersTest, ParseListTime) {
  const int tz = 7 * 3600;
  struct Case {
    std::string_view text;
    int64_t want;
  };
  const std::vector<Case> good = {
      {"21/11/2026 08:15:30", Utc(2026, 11, 21, 1, 15, 30)},
      {"21/11/2026 08:15", Utc(2026, 11, 21, 1, 15, 0)},
      {"21/11/2026", Utc(2026, 11, 20, 17)},
      {"1/2/2026 8:05", Utc(2026, 2, 1, 1, 5)},
      {"21-11-2026 08:15:30", Utc(2026, 11, 21, 1, 15, 30)},
      {"21.11.2026", Utc(2026, 11, 20, 17)},
      {"2026-11-21 08:15:30", Utc(2026, 11, 21, 1, 15, 30)},
      {"2026/11/21 08:15:30", Utc(2026, 11, 21, 1, 15, 30)},
      {"2026-11-21T01:15:30Z", Utc(2026, 11, 21, 1, 15, 30)},
      {"2026-11-21T01:15:30.123456Z", Utc(2026, 11, 21, 1, 15, 30)},
      {"2026-11-21T08:15:30+07:00", Utc(2026, 11, 21, 1, 15, 30)},
      {"2026-11-21T08:15:30+0700", Utc(2026, 11, 21, 1, 15, 30)},
      {"2026-11-20T20:15:30-05:00", Utc(2026, 11, 21, 1, 15, 30)},
      {"2026-11-21 01:15:30 UTC", Utc(2026, 11, 21, 1, 15, 30)},
      {"2026-11-21 08:15:30 GMT+7", Utc(2026, 11, 21, 1, 15, 30)},
      {"08:15:30 21/11/2026", Utc(2026, 11, 21, 1, 15, 30)},
      {"20261121", Utc(2026, 11, 20, 17)},
      {"1795000000", 1795000000},
      {"1795000000123", 1795000000},
      {"46347.34409722222", Utc(2026, 11, 21, 1, 15, 30)},
  };
  for (const auto& c : good) {
    auto got = internal::ParseListTime(c.text, tz);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().message();
    EXPECT_EQ(*got, c.want) << c.text;
  }
  for (const std::string_view bad :
       {"", "yesterday", "32/11/2026", "21/13/2026", "29/02/2026", "21/11/26", "2026-11-21 25:00",
        "2026-11-21 08:61", "21/11/2026 08:15:30 +99:00", "2026-11-21T08:15:30 junk", "0", "-5",
        "1e400", "11/21/2026"}) {
    EXPECT_FALSE(internal::ParseListTime(bad, tz).ok()) << bad;
  }
}

TEST(ImportHelpersTest, PortsConfidenceTags) {
  EXPECT_EQ(*internal::ParsePort("443"), 443);
  EXPECT_EQ(*internal::ParsePort(" 8080.0 "), 8080);
  EXPECT_FALSE(internal::ParsePort("")->has_value());
  EXPECT_FALSE(internal::ParsePort("65536").ok());
  EXPECT_FALSE(internal::ParsePort("-1").ok());
  EXPECT_FALSE(internal::ParsePort("80.5").ok());
  EXPECT_EQ(*internal::ParseConfidence("Trung bình"), 50);
  EXPECT_EQ(*internal::ParseConfidence("Cao"), 85);
  EXPECT_EQ(*internal::ParseConfidence("100%"), 100);
  EXPECT_FALSE(internal::ParseConfidence("101").ok());
  EXPECT_THAT(internal::SplitTags(" a, b;a | c ,,"), ElementsAre("a", "b", "c"));
  EXPECT_EQ(internal::Quote(std::string("a\x01\xff\"b")), "\"a\\x01\\xff\\\"b\"");
}

// ---- robustness: truncated and random input never crashes, and reports stay consistent

void CheckConsistent(const Result<ImportReport>& report, size_t max_issues) {
  if (!report.ok()) {
    EXPECT_FALSE(report.status().message().empty());
    return;
  }
  EXPECT_LE(report->issues.size(), max_issues);
  EXPECT_GE(report->rejected, static_cast<int64_t>(report->issues.size()));
  EXPECT_GE(report->records, report->rejected);
  for (const auto& indicator : report->indicators) EXPECT_FALSE(indicator.value.empty());
}

TEST(ImportRobustnessTest, TruncatedAndRandomInput) {
  const std::string xlsx = XlsxBuilder().Row(1, {S("IP")}).Row(2, {S("203.0.113.5")}).Build();
  const std::vector<std::string> samples = {
      std::string(kVncertCsv), std::string(kBadRows), std::string(kPlain),     std::string(kFeodo),
      std::string(kStix),      std::string(kMispCsv), std::string(kMispEvent), xlsx};
  const std::vector<ListFormat> formats = {ListFormat::kAuto,         ListFormat::kBotnetCsv,
                                           ListFormat::kBotnetXlsx,   ListFormat::kPlain,
                                           ListFormat::kSpamhausDrop, ListFormat::kSpamhausDropJson,
                                           ListFormat::kFeodoCsv,     ListFormat::kStix,
                                           ListFormat::kMispCsv,      ListFormat::kMispJson};
  std::mt19937 random(20261121);
  for (const ListFormat format : formats) {
    ImportOptions options = Options(false, format);
    options.max_issues = 3;
    for (const std::string& sample : samples) {
      for (size_t cut = 0; cut < sample.size(); cut += 1 + cut / 16) {
        CheckConsistent(ImportBytes("in", sample.substr(0, cut), options), options.max_issues);
      }
      std::string mutated = sample;
      for (int round = 0; round < 30; ++round) {
        mutated[random() % mutated.size()] = static_cast<char>(random() % 256);
        CheckConsistent(ImportBytes("in", mutated, options), options.max_issues);
      }
    }
    for (int round = 0; round < 30; ++round) {
      std::string noise(random() % 2000, '\0');
      for (char& c : noise) c = static_cast<char>(random() % 256);
      CheckConsistent(ImportBytes("in", noise, options), options.max_issues);
    }
  }
}

}  // namespace
}  // namespace vigil::intel
