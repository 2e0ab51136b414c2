// Shared pieces of the indicator-list importers (import*.cc). Not part of the module's interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "intel/import.h"
#include "intel/indicator.h"
#include "intel/xlsx.h"

namespace vigil::intel::internal {

inline constexpr size_t kHeaderScanRows = 20;     // a header must be among the first 20 rows
inline constexpr size_t kMaxLineBytes = 1 << 20;  // longer lines of line formats are rejected
inline constexpr int kMaxJsonDepth = 64;          // deeper JSON is refused before parsing
inline constexpr size_t kMaxWholeFileBytes = size_t{512} << 20;  // non-streamed formats

// The outcome of one import: counts entries, keeps issues up to max_issues, finishes accepted
// indicators (source, allow, expiry) and, in strict mode, turns the first issue into the failure.
class Collector {
 public:
  Collector(std::string file, const ImportOptions& options, int64_t now, ImportReport* report);

  const ImportOptions& options() const { return options_; }
  const std::string& file() const { return file_; }
  int64_t now() const { return now_; }
  ImportReport& report() { return *report_; }

  void CountRecord() { ++report_->records; }
  void CountSkipped() { ++report_->skipped; }

  // One bad entry. In strict mode the first one sets failure() and stopped() turns true.
  void Reject(int64_t line, std::string field, std::string reason);
  // One good entry: sets source, allow and (unless the feed gave one) expires.
  void Accept(Indicator indicator);

  bool stopped() const { return !failure_.ok(); }
  const Status& failure() const { return failure_; }

  // A problem with the input as a whole: where() is "file" or "file:line".
  Status FileError(std::string reason, int64_t line = 0,
                   StatusCode code = StatusCode::kInvalidArgument) const;

 private:
  std::string file_;
  const ImportOptions& options_;
  int64_t now_;
  std::string source_;
  ImportReport* report_;
  Status failure_;
};

// Lines of a text input without their line ends (LF or CRLF); a UTF-8 BOM on line 1 is dropped.
class LineSource {
 public:
  virtual ~LineSource() = default;
  // The next line and its 1-based number, or false at the end. A line longer than
  // kMaxLineBytes is returned cut to that length with *too_long set.
  virtual bool Next(std::string_view* line, int64_t* number, bool* too_long) = 0;
  // A read error that ended the input early (streams only).
  virtual Status status() const { return {}; }
};

class BufferLineSource : public LineSource {
 public:
  explicit BufferLineSource(std::string_view data) : data_(data) {}
  bool Next(std::string_view* line, int64_t* number, bool* too_long) override;

 private:
  std::string_view data_;
  size_t pos_ = 0;
  int64_t number_ = 0;
};

// Reads `in` in blocks, so memory stays bounded by kMaxLineBytes whatever the file size.
class StreamLineSource : public LineSource {
 public:
  explicit StreamLineSource(std::istream* in) : in_(in) {}
  bool Next(std::string_view* line, int64_t* number, bool* too_long) override;
  Status status() const override { return status_; }

 private:
  bool Fill();
  std::istream* in_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  std::string line_;
  int64_t number_ = 0;
  Status status_;
};

// ---- text helpers (import_util.cc)

// Header text folded for matching: Vietnamese diacritics stripped ("Địa chỉ" -> "dia chi"),
// lower case, text in (...) or [...] dropped, every run of other punctuation and spaces one
// space, trimmed: "  Thời gian phát hiện (GMT+7)" -> "thoi gian phat hien", "C&C" -> "c&c".
std::string FoldHeader(std::string_view text);

// `text` in double quotes for messages: at most 64 bytes, control bytes and invalid UTF-8
// escaped as \xNN (valid UTF-8 such as Vietnamese stays readable).
std::string Quote(std::string_view text);

// A time as lists write it, as Unix seconds. Accepts "dd/mm/yyyy[ HH:MM[:SS]]" (also '-' or '.'
// between the date parts, one-digit day, month and hour), "yyyy-mm-dd[ |T]HH:MM[:SS[.fff]]"
// (also '/'), "HH:MM[:SS] dd/mm/yyyy", "yyyymmdd", an optional trailing "Z", "UTC", "GMT" or
// "+07:00"/"+0700"/"+07", and numbers (see TimeFromNumber). Times without a zone are local at
// UTC + tz_offset_seconds.
Result<int64_t> ParseListTime(std::string_view text, int tz_offset_seconds);
// A number in a time column: Unix milliseconds (>= 1e11), Unix seconds (>= 1e8) or an Excel
// serial date (local time).
Result<int64_t> TimeFromNumber(double value, bool date1904, int tz_offset_seconds);

// Port 0-65535 ("443", "443.0" as spreadsheets write numbers); empty text is nullopt.
Result<std::optional<int>> ParsePort(std::string_view text);
// Confidence 0-100 ("85", "85%", "85.0"), or the words high/medium/low, cao/trung bình/thấp
// (85/50/15, the STIX 2.1 High-Medium-Low scale); empty text is nullopt.
Result<std::optional<int>> ParseConfidence(std::string_view text);
// Tags separated by ',', ';' or '|', trimmed, empty ones dropped.
std::vector<std::string> SplitTags(std::string_view text);
// Appends `tag` unless empty or already present.
void AddTag(std::vector<std::string>* tags, std::string_view tag);

// ParseIndicator restricted to addresses, networks and ranges.
Result<Indicator> ParseAddress(std::string_view text);

// "203.0.113.5:8080" or "[2001:db8::5]:443" split into address and port; false otherwise.
bool SplitHostPort(std::string_view text, std::string_view* host, int* port);

// Parses JSON text after refusing nesting deeper than kMaxJsonDepth. Errors name the line and
// column nlohmann reports.
Result<nlohmann::json> ParseJson(std::string_view text);
// Typed member access that never throws: nullptr / nullopt when absent or of another type.
const nlohmann::json* Member(const nlohmann::json& object, const char* key);
std::optional<std::string> StringMember(const nlohmann::json& object, const char* key);

// The line N of a CsvReader error (where() "line N"), or 0.
int64_t CsvErrorLine(const Status& status);

// File name without directories ("/a/b/list.csv" -> "list.csv").
std::string BaseName(std::string_view path);

// ---- format importers. A returned error is a problem with the whole input; per-entry problems
// go to the collector.

Status ImportPlain(LineSource* lines, Collector* out);
Status ImportSpamhausDrop(LineSource* lines, Collector* out);
Status ImportSpamhausDropJson(LineSource* lines, Collector* out);
Status ImportBotnetCsv(std::string_view data, Collector* out);
Status ImportBotnetXlsx(std::string_view data, Collector* out);
Status ImportFeodoCsv(std::string_view data, Collector* out);
Status ImportMispCsv(std::string_view data, Collector* out);
Status ImportMispJson(std::string_view data, Collector* out);
Status ImportStix(std::string_view data, Collector* out);

// Detection helpers: whether the start of a CSV file has a header row with an IP column.
bool HasBotnetHeader(std::string_view head);

}  // namespace vigil::intel::internal
