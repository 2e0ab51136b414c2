// A minimal reader for the first worksheet of an Office Open XML workbook (.xlsx), enough for
// indicator lists exported from Excel, LibreOffice or Google Sheets: shared strings (rich text
// included), inline strings, numbers, booleans, formula results and dates.
//
// The first sheet is the first <sheet> of xl/workbook.xml resolved through
// xl/_rels/workbook.xml.rels. A number whose cell style is a date or time format is returned as
// text "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DD" for whole days) in the workbook's own local time;
// every other number is returned as written in the file ("8080", "46352.5") with number = true.
// Untrusted input: the whole archive may not expand to more than `max_uncompressed` bytes (zip
// bombs), XML is parsed without entity expansion, nothing throws, errors are Status values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace vigil::intel {

struct SheetCell {
  std::string text;
  bool number = false;  // a numeric cell not styled as a date
};

struct SheetRow {
  int64_t number = 0;  // 1-based row number as in the spreadsheet
  // Dense: cells[0] is column A; missing cells are empty. There may be empty cells after the
  // row's last one (the vector is reused between rows).
  std::vector<SheetCell> cells;
};

class XlsxReader {
 public:
  static constexpr size_t kDefaultMaxUncompressed = size_t{256} << 20;
  static constexpr size_t kMaxColumns = 1024;  // cells right of this are ignored

  // Opens the workbook in `data` (which need not outlive the call) and loads its first sheet.
  // Errors: kInvalidArgument for anything that is not a readable XLSX workbook (the message says
  // which part is wrong), kResourceExhausted when the parts exceed `max_uncompressed` bytes.
  static Result<XlsxReader> Open(std::string_view data,
                                 size_t max_uncompressed = kDefaultMaxUncompressed);

  XlsxReader(XlsxReader&&) noexcept;
  XlsxReader& operator=(XlsxReader&&) noexcept;
  ~XlsxReader();

  const std::string& sheet_name() const;
  bool date1904() const;  // serial numbers count from 1904-01-01 (old Mac Excel)

  // Calls `visit` for every row holding at least one non-empty cell, in file order, until it
  // returns false. Fails (kInvalidArgument, naming the row) on a cell that refers to a missing
  // shared string.
  Status ForEachRow(const std::function<bool(const SheetRow&)>& visit) const;

 private:
  struct Impl;
  explicit XlsxReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An Excel serial date (days since 1899-12-30, or since 1904-01-01 when `date1904`; the
// fraction is the time of day) as seconds since 1970-01-01 of the same civil (local) time.
// Fails for serials outside 1900-01-01 .. 9999-12-31 and for NaN.
Result<int64_t> ExcelSerialToCivilSeconds(double serial, bool date1904);

// Civil seconds since 1970-01-01 as "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DD" at midnight).
std::string FormatCivilSeconds(int64_t seconds);

}  // namespace vigil::intel
