// CSV (RFC 4180) as offices produce it: Excel, LibreOffice and Google Sheets exports, UTF-8 text
// (Vietnamese included), ',' ';' or TAB separated, LF or CRLF line ends, optional UTF-8 BOM.
//
// CsvReader streams records out of a buffer the caller keeps alive; CsvWriter appends rows to a
// caller-owned string, quoting as needed and defusing spreadsheet formulas. Neither is
// thread-safe; distinct instances are independent. Nothing here throws on bad input: the reader
// returns an error naming the line, and stops.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace vigil {

struct CsvRecord {
  size_t line = 0;  // 1-based physical line where the record starts
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  static constexpr size_t kMaxRecordBytes = size_t{1} << 20;  // raw bytes, without line end
  static constexpr size_t kMaxFields = 1000;

  // Reads `data`, which must outlive the reader. A leading UTF-8 BOM is skipped; a UTF-16 BOM
  // makes the first Next() fail. `delimiter` 0 detects ',' ';' or '\t' from the first record
  // after any empty lines: the most frequent of them outside quotes wins, ties in that order, ','
  // when none occurs. An unusable delimiter (quote, CR, LF, non-ASCII) makes Next() fail.
  explicit CsvReader(std::string_view data, char delimiter = 0);

  // The next record, or nullopt at the end of the input. Empty lines between records are
  // skipped (but counted). Fields are unquoted ("" -> "); quoted fields may span lines and
  // contain CR, LF and the delimiter. Records are separated by LF or CRLF (a CR as the very last
  // byte of the input also ends the last record).
  // Errors (kInvalidArgument; where = "line N", N the line of the offending byte) for: an
  // unterminated quote at end of input (N = line of the opening quote), a quote inside an
  // unquoted field, text after a closing quote, a CR not followed by LF outside quotes, invalid
  // UTF-8, a NUL byte, a record over kMaxRecordBytes (kResourceExhausted), more than kMaxFields
  // fields (kResourceExhausted). After an error every further call returns the same error.
  Result<std::optional<CsvRecord>> Next();

  // The delimiter in use (detected or given).
  char delimiter() const { return delimiter_; }

 private:
  enum class Outcome { kDelimiter, kEndOfRecord, kError };
  Outcome ReadUnquoted(std::string* field, size_t record_line);
  Outcome ReadQuoted(std::string* field, size_t record_line);
  Outcome AtLineBreak();
  Outcome AtScanLimit(size_t record_line, size_t open_line);
  Outcome Stop(Status status);  // records the sticky error
  Status MakeError(std::string message, size_t line) const;
  Status TooLong(size_t record_line, size_t open_line) const;
  Status CheckUtf8(size_t record_start, size_t record_line) const;

  std::string_view data_;
  size_t pos_ = 0;
  size_t end_ = 0;          // scan limit for the current record: min(size, start + max + 2)
  size_t record_end_ = 0;   // end of the current record's content (before its line end)
  size_t line_ = 1;         // line of data_[pos_]
  size_t fields_hint_ = 0;  // fields in the previous record, to size the next one
  char delimiter_ = ',';
  Status error_;            // sticky
  bool special_[256] = {};  // bytes that end an unquoted run
};

class CsvWriter {
 public:
  // Appends to *out, which must outlive the writer and is not owned.
  explicit CsvWriter(std::string* out, char delimiter = ',') : out_(out), delimiter_(delimiter) {}

  // Appends one record ending in CRLF. A field is quoted (with " doubled) when it contains the
  // delimiter, a quote, CR or LF, or starts with U+FEFF (which reads as a BOM); a row of one empty
  // field is written as "" so that it is not read back as an empty line; an empty row writes
  // nothing. A field that starts with = + - @ TAB or CR gets a leading ' (OWASP CSV injection
  // defence) unless it is a plain number such as -12, +84912345678, -1,5 or 3.5e-2 or -7%. Fields
  // should be valid UTF-8 without NUL bytes; the writer does not check.
  void WriteRow(const std::vector<std::string>& fields);

  // Appends a UTF-8 byte order mark, which Excel needs to read UTF-8 (e.g. Vietnamese) text.
  // Call once, before the first row.
  static void WriteBom(std::string* out);

  // True when WriteRow would prefix `field` with ' to stop a spreadsheet from evaluating it.
  static bool NeedsFormulaGuard(std::string_view field);

 private:
  std::string* out_;
  char delimiter_;
};

// Column lookup by name for a header record. Names are compared after removing a BOM, trimming
// spaces (ASCII and U+00A0), collapsing inner runs of spaces to one and folding case with
// Utf8Lower: Index("địa chỉ IP") finds " Địa  chỉ ip ".
class CsvHeader {
 public:
  // Fails (kInvalidArgument, where = "line N") on an empty column name or a name that repeats
  // an earlier one; the message names the column by number and text.
  static Result<CsvHeader> From(const CsvRecord& record);

  // 0-based position of the column called `name` (compared as above), or nullopt.
  std::optional<size_t> Index(std::string_view name) const;

  // Column names as written in the header, trimmed. size() == number of columns.
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::vector<std::pair<std::string, size_t>> keys_;  // normalised name -> index, sorted
};

}  // namespace vigil
