// Test helper: builds small .xlsx workbooks in memory with libzip, so tests need no binary
// fixtures. Cells are shared strings, inline strings, numbers or date-styled numbers.
#pragma once

#include <zip.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::intel::testing {

struct XCell {
  enum class Kind { kShared, kInline, kNumber, kDate, kCustomDate, kRich };
  Kind kind = Kind::kShared;
  std::string text;
};

inline XCell S(std::string text) { return {XCell::Kind::kShared, std::move(text)}; }
inline XCell Inline(std::string text) { return {XCell::Kind::kInline, std::move(text)}; }
inline XCell N(std::string number) { return {XCell::Kind::kNumber, std::move(number)}; }
// A serial number styled with built-in format 22 ("m/d/yyyy h:mm").
inline XCell Date(std::string serial) { return {XCell::Kind::kDate, std::move(serial)}; }
// A serial number styled with custom format 164 ("dd/mm/yyyy hh:mm:ss").
inline XCell CustomDate(std::string serial) {
  return {XCell::Kind::kCustomDate, std::move(serial)};
}
// A shared string stored as two rich-text runs, split in the middle.
inline XCell Rich(std::string text) { return {XCell::Kind::kRich, std::move(text)}; }

inline std::string XmlEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Writes `parts` (name -> content) as a ZIP archive.
inline std::string Zip(const std::vector<std::pair<std::string, std::string>>& parts) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  zip_source_keep(buffer);
  for (const auto& [name, content] : parts) {
    zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
    zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
  }
  zip_close(archive);
  std::string out;
  if (zip_source_open(buffer) == 0) {
    zip_source_seek(buffer, 0, SEEK_END);
    out.resize(static_cast<size_t>(zip_source_tell(buffer)));
    zip_source_seek(buffer, 0, SEEK_SET);
    zip_source_read(buffer, out.data(), out.size());
    zip_source_close(buffer);
  }
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

class XlsxBuilder {
 public:
  // Adds a row with its spreadsheet number; cells start at column A unless `first_column`.
  XlsxBuilder& Row(int number, std::vector<XCell> cells, int first_column = 0) {
    rows_.push_back({number, first_column, std::move(cells)});
    return *this;
  }
  XlsxBuilder& Date1904() {
    date1904_ = true;
    return *this;
  }

  std::string Build() const {
    std::vector<std::string> strings;
    std::string sheet =
        R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
        R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)";
    for (const auto& row : rows_) {
      sheet += "<row r=\"" + std::to_string(row.number) + "\">";
      for (size_t i = 0; i < row.cells.size(); ++i) {
        const XCell& cell = row.cells[i];
        const std::string ref =
            ColumnName(static_cast<size_t>(row.first_column) + i) + std::to_string(row.number);
        sheet += "<c r=\"" + ref + "\"";
        switch (cell.kind) {
          case XCell::Kind::kShared:
          case XCell::Kind::kRich:
            sheet += " t=\"s\"><v>" + std::to_string(strings.size()) + "</v></c>";
            strings.push_back(cell.kind == XCell::Kind::kRich
                                  ? RichItem(cell.text)
                                  : "<t>" + XmlEscape(cell.text) + "</t>");
            break;
          case XCell::Kind::kInline:
            sheet += " t=\"inlineStr\"><is><t>" + XmlEscape(cell.text) + "</t></is></c>";
            break;
          case XCell::Kind::kNumber:
            sheet += "><v>" + cell.text + "</v></c>";
            break;
          case XCell::Kind::kDate:
            sheet += " s=\"1\"><v>" + cell.text + "</v></c>";
            break;
          case XCell::Kind::kCustomDate:
            sheet += " s=\"2\"><v>" + cell.text + "</v></c>";
            break;
        }
      }
      sheet += "</row>";
    }
    sheet += "</sheetData></worksheet>";

    std::string shared =
        R"(<?xml version="1.0" encoding="UTF-8"?>)"
        R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)";
    for (const auto& item : strings) shared += "<si>" + item + "</si>";
    shared += "</sst>";

    const std::string main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const std::string workbook =
        R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns=")" + main + R"(" xmlns:r=")" +
        rel + R"(">)" + (date1904_ ? R"(<workbookPr date1904="1"/>)" : "<workbookPr/>") +
        R"(<sheets><sheet name="Danh sách" sheetId="1" r:id="rId7"/>)"
        R"(<sheet name="Other" sheetId="2" r:id="rId1"/></sheets></workbook>)";
    const std::string rels =
        R"(<?xml version="1.0" encoding="UTF-8"?>)"
        R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
        R"(<Relationship Id="rId1" Type=")" +
        rel +
        R"(/worksheet" Target="worksheets/sheet1.xml"/>)"
        R"(<Relationship Id="rId7" Type=")" +
        rel +
        R"(/worksheet" Target="/xl/worksheets/list.xml"/>)"
        R"(<Relationship Id="rId8" Type=")" +
        rel +
        R"(/sharedStrings" Target="sharedStrings.xml"/>)"
        R"(<Relationship Id="rId9" Type=")" +
        rel +
        R"(/styles" Target="styles.xml"/>)"
        R"(</Relationships>)";
    const std::string styles =
        R"(<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns=")" + main +
        R"(">)"
        R"(<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\ hh:mm:ss"/></numFmts>)"
        R"(<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="22"/><xf numFmtId="164"/></cellXfs>)"
        R"(</styleSheet>)";
    const std::string other =
        R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns=")" + main +
        R"("><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>IP</t></is></c></row>)"
        R"(<row r="2"><c r="A2" t="inlineStr"><is><t>192.0.2.99</t></is></c></row>)"
        R"(</sheetData></worksheet>)";
    const std::string content_types =
        R"(<?xml version="1.0" encoding="UTF-8"?>)"
        R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
        R"(<Default Extension="xml" ContentType="application/xml"/></Types>)";
    return Zip({{"[Content_Types].xml", content_types},
                {"xl/workbook.xml", workbook},
                {"xl/_rels/workbook.xml.rels", rels},
                {"xl/styles.xml", styles},
                {"xl/sharedStrings.xml", shared},
                {"xl/worksheets/sheet1.xml", other},
                {"xl/worksheets/list.xml", sheet}});
  }

 private:
  struct RowSpec {
    int number;
    int first_column;
    std::vector<XCell> cells;
  };

  static std::string ColumnName(size_t index) {
    std::string name;
    for (size_t n = index + 1; n > 0; n = (n - 1) / 26) {
      name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
    }
    return name;
  }

  // Two runs plus a phonetic run that is not part of the text.
  static std::string RichItem(const std::string& text) {
    const size_t half = text.size() / 2;
    return "<r><rPr><b/></rPr><t>" + XmlEscape(text.substr(0, half)) + "</t></r><r><t>" +
           XmlEscape(text.substr(half)) + "</t></r><rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh>";
  }

  std::vector<RowSpec> rows_;
  bool date1904_ = false;
};

}  // namespace vigil::intel::testing
