#include "intel/xlsx.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "intel/import.h"
#include "intel/xlsx_test_util.h"

namespace vigil::intel {
namespace {

using testing::Date;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Inline;
using testing::N;
using testing::S;
using testing::XlsxBuilder;
using testing::Zip;

// Every row as "number: cell|cell|...", numbers marked with '#'.
std::vector<std::string> Dump(const XlsxReader& reader) {
  std::vector<std::string> rows;
  const Status status = reader.ForEachRow([&](const SheetRow& row) {
    size_t width = row.cells.size();
    while (width > 0 && row.cells[width - 1].text.empty()) --width;
    std::string line = std::to_string(row.number) + ":";
    for (size_t i = 0; i < width; ++i) {
      line += (row.cells[i].number ? "#" : "") + row.cells[i].text + "|";
    }
    rows.push_back(line);
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return rows;
}

TEST(XlsxReaderTest, ReadsTheFirstSheetThroughRelationships) {
  const std::string xlsx = XlsxBuilder()
                               .Row(2, {S("IP"), Inline("Thời gian"), N("8080")})
                               .Row(5, {S("203.0.113.5"), Date("46347.5")}, 2)
                               .Build();
  auto reader = XlsxReader::Open(xlsx);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->sheet_name(), "Danh sách");  // not the sheet called "Other" at rId1
  EXPECT_FALSE(reader->date1904());
  EXPECT_THAT(Dump(*reader),
              ElementsAre("2:IP|Thời gian|#8080|", "5:||203.0.113.5|2026-11-21 12:00:00|"));
}

TEST(XlsxReaderTest, StopsWhenTheVisitorSaysSo) {
  const std::string xlsx = XlsxBuilder().Row(1, {S("a")}).Row(2, {S("b")}).Row(3, {S("c")}).Build();
  auto reader = XlsxReader::Open(xlsx);
  ASSERT_TRUE(reader.ok());
  int seen = 0;
  EXPECT_TRUE(reader->ForEachRow([&](const SheetRow&) { return ++seen < 2; }).ok());
  EXPECT_EQ(seen, 2);
}

// A workbook from hand-written parts: sheet XML and optional styles.
std::string Workbook(const std::string& sheet_data, const std::string& styles = "",
                     const std::string& strings = "") {
  const std::string main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  std::vector<std::pair<std::string, std::string>> parts = {
      {"xl/workbook.xml", "<workbook xmlns=\"" + main +
                              "\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\" "
                              "xmlns:r=\"r\"/></sheets></workbook>"},
      {"xl/worksheets/sheet1.xml",
       "<worksheet xmlns=\"" + main + "\"><sheetData>" + sheet_data + "</sheetData></worksheet>"}};
  if (!styles.empty()) parts.emplace_back("xl/styles.xml", styles);
  if (!strings.empty()) parts.emplace_back("xl/sharedStrings.xml", strings);
  return Zip(parts);
}

TEST(XlsxReaderTest, DefaultPartsCellTypesAndNumberFormats) {
  const std::string styles =
      "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"0.00&quot;d&quot;\"/>"
      "<numFmt numFmtId=\"165\" formatCode=\"[$-42A]d mmmm yyyy\"/></numFmts>"
      "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"
      "<xf numFmtId=\"14\"/></cellXfs></styleSheet>";
  const std::string cells =
      "<row><c><v>1</v></c><c t=\"b\"><v>1</v></c><c t=\"str\"><v>formula</v></c>"
      "<c t=\"e\"><v>#N/A</v></c><c s=\"1\"><v>46347</v></c><c s=\"2\"><v>46347</v></c>"
      "<c s=\"3\"><v>46347.25</v></c><c s=\"9\"><v>7</v></c><c s=\"3\"><v>abc</v></c></row>"
      "<row r=\"4\"><c r=\"XFD4\"><v>far right</v></c><c r=\"B4\" t=\"s\"><v>0</v></c></row>";
  auto reader = XlsxReader::Open(Workbook(cells, styles, "<sst><si><t>shared</t></si></sst>"));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_THAT(Dump(*reader),
              ElementsAre("1:#1|TRUE|formula|#N/A|#46347|2026-11-21|2026-11-21 06:00:00|#7|#abc|",
                          "4:|shared|"));
}

TEST(XlsxReaderTest, MissingSharedStringIsAnError) {
  auto reader = XlsxReader::Open(Workbook("<row r=\"3\"><c r=\"A3\" t=\"s\"><v>5</v></c></row>"));
  ASSERT_TRUE(reader.ok());
  const Status status = reader->ForEachRow([](const SheetRow&) { return true; });
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("row 3: cell A3 refers to a missing shared string"));
}

TEST(XlsxReaderTest, Limits) {
  const std::string xlsx = XlsxBuilder().Row(1, {S("IP")}).Build();
  auto small = XlsxReader::Open(xlsx, 512);
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(XlsxReader::Open(xlsx, 64 << 10).ok());
}

TEST(XlsxReaderTest, MalformedParts) {
  struct Case {
    std::string name;
    std::string data;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"empty", "", "too short"},
      {"no sheets", Zip({{"xl/workbook.xml", "<workbook><sheets/></workbook>"}}), "no worksheet"},
      {"bad xml", Zip({{"xl/workbook.xml", "<workbook><sheets>"}}), "not well-formed XML"},
      {"missing sheet",
       Zip({{"xl/workbook.xml", "<workbook><sheets><sheet r:id=\"x\"/></sheets></workbook>"}}),
       "xl/worksheets/sheet1.xml) is missing"},
      {"not a worksheet",
       Zip({{"xl/workbook.xml", "<workbook><sheets><sheet/></sheets></workbook>"},
            {"xl/worksheets/sheet1.xml", "<chartsheet/>"}}),
       "is not a worksheet"},
  };
  for (const auto& c : cases) {
    auto reader = XlsxReader::Open(c.data);
    ASSERT_FALSE(reader.ok()) << c.name;
    EXPECT_THAT(reader.status().message(), HasSubstr(c.message)) << c.name;
  }
}

TEST(XlsxReaderTest, SerialDates) {
  EXPECT_EQ(FormatCivilSeconds(*ExcelSerialToCivilSeconds(46347.34409722222, false)),
            "2026-11-21 08:15:30");
  EXPECT_EQ(FormatCivilSeconds(*ExcelSerialToCivilSeconds(44885.34409722222, true)),
            "2026-11-21 08:15:30");
  EXPECT_EQ(FormatCivilSeconds(*ExcelSerialToCivilSeconds(25569, false)), "1970-01-01");
  EXPECT_EQ(FormatCivilSeconds(*ExcelSerialToCivilSeconds(2958465.99999, false)),
            "9999-12-31 23:59:59");
  EXPECT_FALSE(ExcelSerialToCivilSeconds(0, false).ok());
  EXPECT_FALSE(ExcelSerialToCivilSeconds(2958466, false).ok());
  EXPECT_FALSE(ExcelSerialToCivilSeconds(-1, false).ok());
}

// The fuzz seeds are written by Python's zipfile (src/intel/testdata/make_xlsx_seeds.py): a
// second ZIP and XML writer besides libzip and the builder above.
TEST(XlsxReaderTest, ReadsWorkbookWrittenByPython) {
  const char* root = std::getenv("VIGIL_SOURCE_DIR");
  if (root == nullptr) GTEST_SKIP() << "VIGIL_SOURCE_DIR not set";
  const std::string dir = std::string(root) + "/fuzz/corpus/intel_xlsx_fuzzer/";
  std::ifstream in(dir + "vncert.xlsx", std::ios::binary);
  ASSERT_TRUE(in) << dir;
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ImportOptions options;
  options.strict = false;
  options.now = 1795000000;
  auto report = ImportBytes("vncert.xlsx", data, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::vector<std::string> values;
  for (const auto& indicator : report->indicators) values.push_back(indicator.value);
  EXPECT_THAT(values, ElementsAre("203.0.113.5", "203.0.113.6", "2001:db8::7"));
  EXPECT_EQ(report->indicators[0].family, "Mirai");
  EXPECT_EQ(report->issues.size(), 1u);

  std::ifstream prefixed(dir + "prefixed_inline_only.xlsx", std::ios::binary);
  const std::string data2((std::istreambuf_iterator<char>(prefixed)),
                          std::istreambuf_iterator<char>());
  auto report2 = ImportBytes("p.xlsx", data2, options);
  ASSERT_TRUE(report2.ok()) << report2.status().ToString();
  ASSERT_EQ(report2->indicators.size(), 1u);
  EXPECT_EQ(report2->indicators[0].family, "Emotet");
}

}  // namespace
}  // namespace vigil::intel
