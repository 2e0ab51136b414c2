#include "csv/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace vigil {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Rows = std::vector<std::vector<std::string>>;

struct ReadResult {
  std::vector<CsvRecord> records;
  Status error;
};

ReadResult ReadAll(std::string_view data, char delimiter = 0) {
  ReadResult result;
  CsvReader reader(data, delimiter);
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) {
      result.error = next.status();
      return result;
    }
    if (!next->has_value()) return result;
    result.records.push_back(std::move(**next));
  }
}

Rows FieldsOf(const std::vector<CsvRecord>& records) {
  Rows rows;
  for (const auto& r : records) rows.push_back(r.fields);
  return rows;
}

std::vector<size_t> LinesOf(const std::vector<CsvRecord>& records) {
  std::vector<size_t> lines;
  for (const auto& r : records) lines.push_back(r.line);
  return lines;
}

TEST(CsvReaderTest, ParsesRecordsWithLineNumbers) {
  struct Case {
    std::string name, data;
    Rows rows;
    std::vector<size_t> lines;
  };
  const std::vector<Case> cases = {
      {"empty input", "", {}, {}},
      {"only line ends", "\n\r\n\n", {}, {}},
      {"LF", "a,b,c\n1,2,3\n", {{"a", "b", "c"}, {"1", "2", "3"}}, {1, 2}},
      {"CRLF", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}, {1, 2}},
      {"no final line end", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}, {1, 2}},
      {"final lone CR", "a,b\r", {{"a", "b"}}, {1}},
      {"BOM", "\xEF\xBB\xBFid,name\n1,x\n", {{"id", "name"}, {"1", "x"}}, {1, 2}},
      {"empty lines skipped but counted", "a\n\n\r\nb\n\n", {{"a"}, {"b"}}, {1, 4}},
      {"empty fields", "a,,c\n,\n\"\"\n", {{"a", "", "c"}, {"", ""}, {""}}, {1, 2, 3}},
      {"trailing delimiter", "a,b,\n", {{"a", "b", ""}}, {1}},
      {"spaces are data", " a , b \n", {{" a ", " b "}}, {1}},
      {"quoted delimiter and quotes",
       "\"a,b\",\"say \"\"hi\"\"\",\"\"\"\"\n",
       {{"a,b", "say \"hi\"", "\""}},
       {1}},
      {"multi-line quoted field",
       "id,note\n1,\"line one\nline two\n\"\n2,x\n",
       {{"id", "note"}, {"1", "line one\nline two\n"}, {"2", "x"}},
       {1, 2, 5}},
      {"CRLF inside quotes is data", "\"a\r\nb\"\r\nc\r\n", {{"a\r\nb"}, {"c"}}, {1, 3}},
      {"lone CR inside quotes is data", "\"a\rb\",c\n", {{"a\rb", "c"}}, {1}},
      {"quoted field at end of input", "a,\"b\"", {{"a", "b"}}, {1}},
      {"Vietnamese",
       "Tên,Địa chỉ\nSở Thông tin và Truyền thông,\"Phường Hải Châu, Đà Nẵng\"\n",
       {{"Tên", "Địa chỉ"}, {"Sở Thông tin và Truyền thông", "Phường Hải Châu, Đà Nẵng"}},
       {1, 2}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const ReadResult result = ReadAll(c.data);
    ASSERT_TRUE(result.error.ok()) << result.error.ToString();
    EXPECT_EQ(FieldsOf(result.records), c.rows);
    EXPECT_EQ(LinesOf(result.records), c.lines);
  }
}

TEST(CsvReaderTest, DetectsDelimiterFromTheFirstLine) {
  struct Case {
    std::string data;
    char delimiter;
  };
  const std::vector<Case> cases = {
      {"a,b,c\n", ','},
      {"a;b;c\n1,5;2,5;3\n", ';'},  // Excel with a Vietnamese/European locale
      {"a\tb\tc\n", '\t'},
      {"\xEF\xBB\xBF"
       "Họ tên;Số điện thoại\n",
       ';'},
      {"a,b;c\n", ','},  // ties: ',' then ';' then TAB
      {"a;b\tc\n", ';'},
      {"a;b;c,d\n", ';'},
      {"single\n", ','},
      {"", ','},
      {"\"x;y;z\",w\n", ','},               // delimiters inside quotes do not count
      {"\n\r\na;b\n", ';'},                 // leading empty lines are skipped
      {"a,b\nc;d;e;f\n", ','},              // only the first line counts
      {"\"multi\nline,,,\",x;y;z\n", ';'},  // the first record, not the first physical line
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.data);
    EXPECT_EQ(CsvReader(c.data).delimiter(), c.delimiter);
  }
  EXPECT_THAT(FieldsOf(ReadAll("a;b;c\n1,5;2,5;3\n").records),
              ElementsAre(ElementsAre("a", "b", "c"), ElementsAre("1,5", "2,5", "3")));
}

TEST(CsvReaderTest, ExplicitDelimiter) {
  EXPECT_EQ(CsvReader("a;b", '|').delimiter(), '|');
  EXPECT_THAT(FieldsOf(ReadAll("a|b;c|\"d|e\"\n", '|').records),
              ElementsAre(ElementsAre("a", "b;c", "d|e")));
}

TEST(CsvReaderTest, ErrorsNameTheLineAndStopTheReader) {
  struct Case {
    std::string name, data;
    size_t records_before;  // records returned before the error
    std::string where, message;
    StatusCode code = StatusCode::kInvalidArgument;
  };
  const std::vector<Case> cases = {
      {"unterminated quote", "a,b\n\"open\n\nmore", 1, "line 2",
       "unterminated quoted field: the quote opened on line 2 is never closed"},
      {"unterminated quote in a later field", "a,b\nx,y,\"z", 1, "line 2", "unterminated"},
      {"quote inside unquoted field", "a,b\nc\"d\n", 1, "line 2", "quote inside an unquoted field"},
      {"space before opening quote", "a, \"b\"\n", 0, "line 1", "quote inside an unquoted field"},
      {"text after closing quote", "x\n\"multi\nline\"c,d\n", 1, "line 3",
       "'c' after the closing quote"},
      {"lone CR between records", "a\rb\n", 0, "line 1", "carriage return (CR) without line feed"},
      {"lone CR after quoted field", "\"a\"\rb\n", 0, "line 1", "carriage return (CR)"},
      {"truncated UTF-8", "ok\n\xE1\xBA\n", 1, "line 2", "invalid UTF-8 (byte 0xe1 at byte 1"},
      {"Windows-1258 text", "ok\nPh\xF0\xF4\xECng\n", 1, "line 2",
       "invalid UTF-8 (byte 0xf0 at byte 3 of the line); the file may be in a legacy encoding"},
      {"invalid UTF-8 in a multi-line field", "h\n\"multi\nline \xFF\"\n", 1, "line 3",
       "byte 0xff at byte 6 of the line"},
      {"overlong UTF-8", "\xC0\xAF\n", 0, "line 1", "invalid UTF-8"},
      {"NUL byte", std::string("a,b\nc\0d\n", 8), 1, "line 2", "NUL byte"},
      {"NUL byte in quotes", std::string("\"a\n\0\"\n", 6), 0, "line 2", "NUL byte"},
      {"UTF-16 LE BOM",
       "\xFF\xFE"
       "a\0",
       0, "line 1", "the file is UTF-16"},
      {"UTF-16 BE BOM", "\xFE\xFF\0a", 0, "line 1", "the file is UTF-16"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    CsvReader reader(c.data);
    size_t records = 0;
    Status error;
    while (true) {
      auto next = reader.Next();
      if (!next.ok()) {
        error = next.status();
        break;
      }
      ASSERT_TRUE(next->has_value()) << "no error";
      ++records;
    }
    EXPECT_EQ(records, c.records_before);
    EXPECT_EQ(error.code(), c.code);
    EXPECT_EQ(error.where(), c.where);
    EXPECT_THAT(error.message(), HasSubstr(c.message));
    // Sticky: the reader stays stopped with the same error.
    auto again = reader.Next();
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.status().ToString(), error.ToString());
  }
}

TEST(CsvReaderTest, UnusableDelimiterFailsOnFirstNext) {
  for (char d : {'"', '\n', '\r', '\xC3'}) {
    CsvReader reader("a,b\n", d);
    auto next = reader.Next();
    ASSERT_FALSE(next.ok());
    EXPECT_THAT(next.status().message(), HasSubstr("unusable CSV delimiter"));
  }
}

TEST(CsvReaderTest, RecordSizeLimit) {
  const size_t max = CsvReader::kMaxRecordBytes;
  // Exactly the limit passes, with or without a line end.
  EXPECT_TRUE(ReadAll(std::string(max, 'x')).error.ok());
  for (const std::string end : {"\n", "\r\n"}) {
    const std::string data = std::string(max, 'x') + end + "next\n";
    const ReadResult result = ReadAll(data);
    ASSERT_TRUE(result.error.ok()) << result.error.ToString();
    ASSERT_EQ(result.records.size(), 2u);
    EXPECT_EQ(result.records[0].fields[0].size(), max);
  }
  const std::string quoted = "h\n\"" + std::string(max - 2, 'q') + "\"\r\n";
  EXPECT_TRUE(ReadAll(quoted).error.ok());
  // One byte more fails, naming the line where the record starts.
  for (const std::string& tail :
       std::vector<std::string>{"", "\n", "\r\nmore", std::string(max, 'y')}) {
    const std::string data = "ok\n\n" + std::string(max + 1, 'x') + tail;
    const ReadResult result = ReadAll(data);
    EXPECT_EQ(result.records.size(), 1u);
    EXPECT_EQ(result.error.code(), StatusCode::kResourceExhausted);
    EXPECT_EQ(result.error.where(), "line 3");
    EXPECT_THAT(result.error.message(), HasSubstr("record longer than 1 MiB"));
  }
  // An unterminated quote in a big file stops at the limit instead of reading to the end.
  const std::string runaway = "a\n\"" + std::string(3 * max, 'z');
  const ReadResult result = ReadAll(runaway);
  EXPECT_EQ(result.error.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(result.error.where(), "line 2");
  EXPECT_THAT(result.error.message(), HasSubstr("inside a quoted field opened on line 2"));
}

TEST(CsvReaderTest, FieldCountLimit) {
  const auto row = [](size_t fields) {
    std::string s = "f";
    for (size_t i = 1; i < fields; ++i) s += ",f";
    return s + "\n";
  };
  const ReadResult ok = ReadAll(row(CsvReader::kMaxFields));
  ASSERT_TRUE(ok.error.ok());
  EXPECT_EQ(ok.records[0].fields.size(), CsvReader::kMaxFields);
  const ReadResult too_many = ReadAll("h\n" + row(CsvReader::kMaxFields + 1));
  EXPECT_EQ(too_many.records.size(), 1u);
  EXPECT_EQ(too_many.error.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(too_many.error.where(), "line 2");
  EXPECT_THAT(too_many.error.message(), HasSubstr("more than 1000 fields"));
}

std::string WriteRows(const Rows& rows, char delimiter = ',') {
  std::string out;
  CsvWriter writer(&out, delimiter);
  for (const auto& row : rows) writer.WriteRow(row);
  return out;
}

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  struct Case {
    std::vector<std::string> row;
    std::string written;
    char delimiter = ',';
  };
  const std::vector<Case> cases = {
      {{"a", "b"}, "a,b\r\n"},
      {{"a,b", "c"}, "\"a,b\",c\r\n"},
      {{"a;b", "c"}, "a;b,c\r\n"},
      {{"a;b", "c"}, "\"a;b\";c\r\n", ';'},
      {{"say \"hi\""}, "\"say \"\"hi\"\"\"\r\n"},
      {{"line\nbreak", "cr\r"}, "\"line\nbreak\",\"cr\r\"\r\n"},
      {{" padded "}, " padded \r\n"},
      {{""}, "\"\"\r\n"},  // not an empty line, which a reader skips
      {{"", ""}, ",\r\n"},
      {{}, ""},
      {{"Sở Thông tin và Truyền thông", "Phường Hải Châu"},
       "Sở Thông tin và Truyền thông,Phường Hải Châu\r\n"},
      {{"a\tb"}, "\"a\tb\"\r\n", '\t'},
      // Found by csv_fuzzer: a leading U+FEFF at the start of the output was read back as a BOM.
      {{"\xEF\xBB\xBFx", "y\xEF\xBB\xBF"}, "\"\xEF\xBB\xBFx\",y\xEF\xBB\xBF\r\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.written);
    const std::string written = WriteRows({c.row}, c.delimiter);
    EXPECT_EQ(written, c.written);
    const ReadResult back = ReadAll(written, c.delimiter);
    ASSERT_TRUE(back.error.ok());
    EXPECT_EQ(FieldsOf(back.records), c.row.empty() ? Rows{} : Rows{c.row});
  }
}

TEST(CsvWriterTest, DefusesFormulas) {
  struct Case {
    std::string field, written;
    bool guarded;
    char delimiter = ',';
  };
  const std::vector<Case> cases = {
      {"=1+1", "'=1+1", true},
      {"+1+1", "'+1+1", true},
      {"-1+1", "'-1+1", true},
      {"@SUM(A1:A2)", "'@SUM(A1:A2)", true},
      {"\tx", "'\tx", true},
      {"\rx", "\"'\rx\"", true},
      {"=HYPERLINK(\"http://x\",\"a,b\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\"", true},
      {"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", true},
      {"-", "'-", true},
      {"+", "'+", true},
      {"-e5", "'-e5", true},
      {"-1e", "'-1e", true},
      {"-1 000", "'-1 000", true},
      {"-12", "-12", false},
      {"+84912345678", "+84912345678", false},
      {"-3.5e-2", "-3.5e-2", false},
      {"-7%", "-7%", false},
      {"-1,5", "-1,5", false, ';'},
      {"-1,5", "\"-1,5\"", false},
      {"a=1", "a=1", false},
      {" =1", " =1", false},
      {"", "", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.field);
    EXPECT_EQ(WriteRows({{c.field, "z"}}, c.delimiter),
              c.written + std::string(1, c.delimiter) + "z\r\n");
    EXPECT_EQ(CsvWriter::NeedsFormulaGuard(c.field), c.guarded);
  }
}

TEST(CsvWriterTest, BomAndVietnameseRoundTrip) {
  const Rows rows = {
      {"Đơn vị", "Địa chỉ", "Ghi chú"},
      {"Sở Thông tin và Truyền thông", "Phường Hải Châu, Quận Hải Châu, Đà Nẵng",
       "Liên hệ: \"anh Nguyễn Văn A\"\nSĐT 0905 123 456"},
      {"UBND Phường Hải Châu", "", "-"},
  };
  std::string out;
  CsvWriter::WriteBom(&out);
  CsvWriter writer(&out, ';');
  for (const auto& row : rows) writer.WriteRow(row);
  ASSERT_TRUE(out.starts_with("\xEF\xBB\xBF"));
  const ReadResult result = ReadAll(out);
  ASSERT_TRUE(result.error.ok()) << result.error.ToString();
  Rows expected = rows;
  expected[2][2] = "'-";
  EXPECT_EQ(FieldsOf(result.records), expected);
  EXPECT_EQ(LinesOf(result.records), (std::vector<size_t>{1, 2, 4}));
  EXPECT_EQ(CsvReader(out).delimiter(), ';');
}

// Random rows built from the characters that matter to CSV, written then read back.
TEST(CsvRoundTripTest, RandomRowsSurviveWriteThenRead) {
  const std::vector<std::string> pieces = {
      ",",         ";",           "\t",      "\"",  "\"\"",
      "\r",        "\n",          "\r\n",    " ",   "=",
      "+",         "-",           "@",       "'",   "a",
      "Z",         "0",           "42",      "3.5", "Sở",
      "Thông tin", "Hải Châu",    "Đà Nẵng", "ữ",   "\xF0\x9F\x98\x80",
      "|",         "\xEF\xBB\xBF"};
  std::mt19937 rng(4180);
  for (char delimiter : {',', ';', '\t', '|'}) {
    SCOPED_TRACE(std::string("delimiter ") + delimiter);
    Rows rows;
    for (int r = 0; r < 3000; ++r) {
      std::vector<std::string> row(1 + rng() % 8);
      for (auto& field : row) {
        const size_t n = rng() % 6;
        for (size_t i = 0; i < n; ++i) field += pieces[rng() % pieces.size()];
      }
      rows.push_back(std::move(row));
    }
    std::string out;
    std::vector<size_t> lines;
    CsvWriter writer(&out, delimiter);
    size_t line = 1;
    for (const auto& row : rows) {
      const size_t before = out.size();
      writer.WriteRow(row);
      lines.push_back(line);
      line += static_cast<size_t>(
          std::count(out.begin() + static_cast<ptrdiff_t>(before), out.end(), '\n'));
    }
    const ReadResult result = ReadAll(out, delimiter);
    ASSERT_TRUE(result.error.ok()) << result.error.ToString();
    ASSERT_EQ(result.records.size(), rows.size());
    for (size_t r = 0; r < rows.size(); ++r) {
      std::vector<std::string> expected = rows[r];
      for (auto& f : expected) {
        if (CsvWriter::NeedsFormulaGuard(f)) f = "'" + f;
      }
      ASSERT_EQ(result.records[r].fields, expected) << "row " << r;
      ASSERT_EQ(result.records[r].line, lines[r]) << "row " << r;
    }
  }
}

TEST(CsvHeaderTest, FindsColumnsByLooseName) {
  CsvRecord record{1,
                   {"\xEF\xBB\xBF"
                    "Hostname",
                    " Địa  chỉ IP ", "MAC\xC2\xA0", "Ghi chú"}};
  auto header = CsvHeader::From(record);
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(header->size(), 4u);
  EXPECT_THAT(header->names(), ElementsAre("Hostname", "Địa  chỉ IP", "MAC", "Ghi chú"));
  EXPECT_EQ(header->Index("hostname"), 0u);
  EXPECT_EQ(header->Index("HOSTNAME"), 0u);
  EXPECT_EQ(header->Index("địa chỉ ip"), 1u);
  EXPECT_EQ(header->Index("  ĐỊA CHỈ   IP "), 1u);
  EXPECT_EQ(header->Index("mac"), 2u);
  EXPECT_EQ(header->Index("GHI CHÚ"), 3u);
  EXPECT_EQ(header->Index("ghi chu"), std::nullopt);
  EXPECT_EQ(header->Index("missing"), std::nullopt);
  EXPECT_EQ(header->Index(""), std::nullopt);
}

TEST(CsvHeaderTest, RejectsEmptyAndDuplicateNames) {
  struct Case {
    std::vector<std::string> fields;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"a", "  ", "c"}, "column 2 of the header has no name"},
      {{"\xEF\xBB\xBF"}, "column 1 of the header has no name"},
      {{"ip", "Name", "IP "}, "duplicate column name \"IP\" (columns 1 and 3)"},
      {{"b", "a", "A", "b"}, "duplicate column name \"A\" (columns 2 and 3)"},
      {{"Địa chỉ", "ĐỊA CHỈ"}, "duplicate column name \"ĐỊA CHỈ\" (columns 1 and 2)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    auto header = CsvHeader::From(CsvRecord{7, c.fields});
    ASSERT_FALSE(header.ok());
    EXPECT_EQ(header.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(header.status().where(), "line 7");
    EXPECT_THAT(header.status().message(), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace vigil
