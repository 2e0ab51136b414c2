#include "csv/csv.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/text.h"

namespace vigil {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Bytes that interrupt a run inside a quoted field.
constexpr std::array<bool, 256> kQuotedSpecial = [] {
  std::array<bool, 256> t{};
  t['"'] = t['\n'] = t['\0'] = true;
  return t;
}();

std::string DescribeByte(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b > 0x20 && b < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[b >> 4] + kHex[b & 15];
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// -12, +84912345678, 1.5, -1,5, 3.5e-2, -7%: digits with '.' or ',' separators, an optional sign,
// exponent and percent sign. Such a cell cannot carry a formula.
bool IsPlainNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  for (; i < s.size() && (IsDigit(s[i]) || s[i] == '.' || s[i] == ','); ++i)
    digits += IsDigit(s[i]);
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t exp_start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == exp_start) return false;
  }
  if (i < s.size() && s[i] == '%') ++i;
  return i == s.size();
}

// The header cell as written, minus BOMs and surrounding spaces (ASCII and U+00A0).
std::string_view TrimHeaderName(std::string_view name) {
  while (true) {
    const size_t before = name.size();
    while (name.starts_with(kBom)) name.remove_prefix(kBom.size());
    name = Trim(name);
    while (name.starts_with("\xC2\xA0")) name.remove_prefix(2);
    while (name.ends_with("\xC2\xA0")) name.remove_suffix(2);
    if (name.size() == before) return name;
  }
}

// Header name key: trimmed as above, inner runs of spaces collapsed to one, Utf8Lower-folded.
std::string HeaderKey(std::string_view name) {
  name = TrimHeaderName(name);
  std::string collapsed;
  collapsed.reserve(name.size());
  bool in_space = false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool nbsp = c == '\xC2' && i + 1 < name.size() && name[i + 1] == '\xA0';
    if (nbsp || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      if (!in_space) collapsed.push_back(' ');
      in_space = true;
      i += nbsp;
      continue;
    }
    in_space = false;
    collapsed.push_back(c);
  }
  return Utf8Lower(collapsed);
}

}  // namespace

CsvReader::CsvReader(std::string_view data, char delimiter) : data_(data), delimiter_(delimiter) {
  if (data_.starts_with(kBom)) {
    pos_ = kBom.size();
  } else if (data_.starts_with("\xFF\xFE") || data_.starts_with("\xFE\xFF")) {
    error_ = MakeError("the file is UTF-16; save it as \"CSV UTF-8\"", 1);
    delimiter_ = delimiter_ == 0 ? ',' : delimiter_;
    return;
  }
  if (delimiter_ == 0) {
    size_t counts[3] = {};  // ',' ';' '\t'
    bool quoted = false;
    size_t i = pos_;
    while (i < data_.size() && (data_[i] == '\n' || data_[i] == '\r')) ++i;
    for (const size_t stop = std::min(data_.size(), i + kMaxRecordBytes); i < stop; ++i) {
      const char c = data_[i];
      if (c == '"') quoted = !quoted;
      if (quoted) continue;
      if (c == '\n' || c == '\r') break;
      counts[0] += c == ',';
      counts[1] += c == ';';
      counts[2] += c == '\t';
    }
    delimiter_ = counts[1] > counts[0] && counts[1] >= counts[2]  ? ';'
                 : counts[2] > counts[0] && counts[2] > counts[1] ? '\t'
                                                                  : ',';
  }
  const auto d = static_cast<unsigned char>(delimiter_);
  if (d == '"' || d == '\r' || d == '\n' || d == 0 || d >= 0x80) {
    error_ = InvalidArgument("unusable CSV delimiter " + DescribeByte(delimiter_));
    return;
  }
  special_[d] = special_['"'] = special_['\r'] = special_['\n'] = special_[0] = true;
}

Status CsvReader::MakeError(std::string message, size_t line) const {
  return InvalidArgument(std::move(message), "line " + std::to_string(line));
}

CsvReader::Outcome CsvReader::Stop(Status status) {
  error_ = std::move(status);
  return Outcome::kError;
}

// At data_[pos_] == '\n' or '\r' outside quotes: consumes the line end.
CsvReader::Outcome CsvReader::AtLineBreak() {
  if (data_[pos_] == '\r') {
    if (pos_ + 1 == data_.size()) {  // a final lone CR: tolerated as the end of the last line
      record_end_ = pos_++;
      return Outcome::kEndOfRecord;
    }
    if (data_[pos_ + 1] != '\n') {
      return Stop(
          MakeError("carriage return (CR) without line feed outside quotes; only LF and CRLF end "
                    "lines (old Mac line ends? save the file again as \"CSV UTF-8\")",
                    line_));
    }
    record_end_ = pos_;
    pos_ += 2;
  } else {
    record_end_ = pos_++;
  }
  ++line_;
  return Outcome::kEndOfRecord;
}

Status CsvReader::TooLong(size_t record_line, size_t open_line) const {
  std::string message = "record longer than " + std::to_string(kMaxRecordBytes >> 20) + " MiB";
  if (open_line != 0) {
    message += " (inside a quoted field opened on line " + std::to_string(open_line) +
               "; a missing closing quote?)";
  }
  return {StatusCode::kResourceExhausted, std::move(message),
          "line " + std::to_string(record_line)};
}

// pos_ reached end_: the end of the input, or of the space a record may use. `open_line` is the
// line of the quote that opened the field being read, or 0 outside quotes.
CsvReader::Outcome CsvReader::AtScanLimit(size_t record_line, size_t open_line) {
  if (end_ < data_.size()) return Stop(TooLong(record_line, open_line));
  record_end_ = pos_;
  return Outcome::kEndOfRecord;
}

CsvReader::Outcome CsvReader::ReadUnquoted(std::string* field, size_t record_line) {
  const size_t start = pos_;
  const char* p = data_.data();
  while (pos_ < end_ && !special_[static_cast<unsigned char>(p[pos_])]) ++pos_;
  field->assign(p + start, pos_ - start);
  if (pos_ == end_) return AtScanLimit(record_line, 0);
  const char c = p[pos_];
  if (c == delimiter_) {
    ++pos_;
    return Outcome::kDelimiter;
  }
  if (c == '\n' || c == '\r') return AtLineBreak();
  if (c == '\0') return Stop(MakeError("NUL byte (is the file UTF-16 or binary?)", line_));
  return Stop(
      MakeError("quote inside an unquoted field; quote the whole field and double the "
                "quotes inside (\"say \"\"hi\"\"\")",
                line_));
}

CsvReader::Outcome CsvReader::ReadQuoted(std::string* field, size_t record_line) {
  const size_t open_line = line_;
  const char* p = data_.data();
  ++pos_;  // opening quote
  while (true) {
    const size_t start = pos_;
    while (pos_ < end_ && !kQuotedSpecial[static_cast<unsigned char>(p[pos_])]) ++pos_;
    field->append(p + start, pos_ - start);
    if (pos_ == end_) {
      if (end_ < data_.size()) return AtScanLimit(record_line, open_line);
      return Stop(MakeError("unterminated quoted field: the quote opened on line " +
                                std::to_string(open_line) + " is never closed",
                            open_line));
    }
    const char c = p[pos_++];
    if (c == '\n') {
      ++line_;
      field->push_back('\n');
      continue;
    }
    if (c == '\0') {
      return Stop(MakeError("NUL byte (is the file UTF-16 or binary?)", line_));
    }
    // c == '"': a doubled quote is data; otherwise the field ends here.
    if (pos_ < end_ && p[pos_] == '"') {
      field->push_back('"');
      ++pos_;
      continue;
    }
    if (pos_ == end_) return AtScanLimit(record_line, 0);
    const char next = p[pos_];
    if (next == delimiter_) {
      ++pos_;
      return Outcome::kDelimiter;
    }
    if (next == '\n' || next == '\r') return AtLineBreak();
    return Stop(MakeError(DescribeByte(next) +
                              " after the closing quote of a field; quote the whole "
                              "field and double the quotes inside",
                          line_));
  }
}

Status CsvReader::CheckUtf8(size_t record_start, size_t record_line) const {
  const std::string_view raw = data_.substr(record_start, record_end_ - record_start);
  const size_t bad = Utf8ValidPrefixLength(raw);
  if (bad == raw.size()) return Status::Ok();
  const std::string_view before = raw.substr(0, bad);
  const size_t line =
      record_line + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t line_start = before.rfind('\n');
  const size_t column = line_start == std::string_view::npos ? bad + 1 : bad - line_start;
  return MakeError("invalid UTF-8 (" + DescribeByte(raw[bad]) + " at byte " +
                       std::to_string(column) +
                       " of the line); the file may be in a legacy encoding such as Windows-1258: "
                       "save it as \"CSV UTF-8\"",
                   line);
}

Result<std::optional<CsvRecord>> CsvReader::Next() {
  if (!error_.ok()) return error_;
  const size_t size = data_.size();
  while (pos_ < size) {  // empty lines
    if (data_[pos_] == '\n') {
      ++pos_;
    } else if (data_[pos_] == '\r' && pos_ + 1 < size && data_[pos_ + 1] == '\n') {
      pos_ += 2;
    } else {
      break;
    }
    ++line_;
  }
  if (pos_ >= size) return std::optional<CsvRecord>();
  const size_t start = pos_;
  // Room for the longest allowed record plus CRLF; reaching end_ before size means too long.
  end_ = size - start > kMaxRecordBytes + 2 ? start + kMaxRecordBytes + 2 : size;
  std::optional<CsvRecord> record(std::in_place);
  record->line = line_;
  record->fields.reserve(fields_hint_);
  while (true) {
    if (record->fields.size() == kMaxFields) {
      error_ = Status(StatusCode::kResourceExhausted,
                      "more than " + std::to_string(kMaxFields) + " fields in a record",
                      "line " + std::to_string(line_));
      return error_;
    }
    std::string& field = record->fields.emplace_back();
    const Outcome outcome = pos_ < end_ && data_[pos_] == '"' ? ReadQuoted(&field, record->line)
                                                              : ReadUnquoted(&field, record->line);
    if (outcome == Outcome::kError) return error_;
    if (outcome == Outcome::kEndOfRecord) break;
  }
  if (record_end_ - start > kMaxRecordBytes) {
    error_ = TooLong(record->line, 0);
    return error_;
  }
  if (Status utf8 = CheckUtf8(start, record->line); !utf8.ok()) {
    error_ = std::move(utf8);
    return error_;
  }
  fields_hint_ = record->fields.size();
  return record;
}

bool CsvWriter::NeedsFormulaGuard(std::string_view field) {
  if (field.empty()) return false;
  const char c = field[0];
  if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r') return false;
  return !IsPlainNumber(field);
}

void CsvWriter::WriteRow(const std::vector<std::string>& fields) {
  if (fields.empty()) return;
  if (fields.size() == 1 && fields[0].empty()) {
    out_->append("\"\"\r\n");
    return;
  }
  const char specials[] = {delimiter_, '"', '\r', '\n'};
  const std::string_view special_set(specials, sizeof specials);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out_->push_back(delimiter_);
    const std::string& field = fields[i];
    const bool guard = NeedsFormulaGuard(field);
    // A field that starts with U+FEFF is quoted, or a reader would take it for a BOM.
    if (field.find_first_of(special_set) == std::string::npos && !field.starts_with(kBom)) {
      if (guard) out_->push_back('\'');
      out_->append(field);
      continue;
    }
    out_->push_back('"');
    if (guard) out_->push_back('\'');
    size_t from = 0;
    for (size_t q = field.find('"'); q != std::string::npos; q = field.find('"', from)) {
      out_->append(field, from, q + 1 - from);
      out_->push_back('"');
      from = q + 1;
    }
    out_->append(field, from, std::string::npos);
    out_->push_back('"');
  }
  out_->append("\r\n");
}

void CsvWriter::WriteBom(std::string* out) { out->append(kBom); }

Result<CsvHeader> CsvHeader::From(const CsvRecord& record) {
  CsvHeader header;
  const std::string where = "line " + std::to_string(record.line);
  header.names_.reserve(record.fields.size());
  header.keys_.reserve(record.fields.size());
  for (size_t i = 0; i < record.fields.size(); ++i) {
    header.names_.emplace_back(TrimHeaderName(record.fields[i]));
    std::string key = HeaderKey(record.fields[i]);
    if (key.empty()) {
      return InvalidArgument("column " + std::to_string(i + 1) + " of the header has no name",
                             where);
    }
    header.keys_.emplace_back(std::move(key), i);
  }
  std::sort(header.keys_.begin(), header.keys_.end());
  // Report the duplicate that appears first in column order.
  size_t best_first = 0, best_second = record.fields.size();
  for (size_t i = 1, group = 0; i < header.keys_.size(); ++i) {
    if (header.keys_[i].first != header.keys_[i - 1].first) {
      group = i;
    } else if (header.keys_[i].second < best_second) {
      best_first = header.keys_[group].second;
      best_second = header.keys_[i].second;
    }
  }
  if (best_second < record.fields.size()) {
    return InvalidArgument("duplicate column name \"" + header.names_[best_second] +
                               "\" (columns " + std::to_string(best_first + 1) + " and " +
                               std::to_string(best_second + 1) + ")",
                           where);
  }
  return header;
}

std::optional<size_t> CsvHeader::Index(std::string_view name) const {
  const std::string key = HeaderKey(name);
  const auto it = std::lower_bound(keys_.begin(), keys_.end(), key,
                                   [](const std::pair<std::string, size_t>& entry,
                                      const std::string& k) { return entry.first < k; });
  if (it == keys_.end() || it->first != key) return std::nullopt;
  return it->second;
}

}  // namespace vigil
