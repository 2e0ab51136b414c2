// The national botnet list as CSV or XLSX: header detection, column mapping, row conversion.
#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <utility>

#include "core/text.h"
#include "csv/csv.h"
#include "intel/import_internal.h"

namespace vigil::intel::internal {
namespace {

constexpr size_t kColumnCount = 9;

struct Alias {
  std::string_view folded;  // as FoldHeader writes it
  Column column;
};

// Header names as lists write them, folded ("Địa chỉ IP" -> "dia chi ip").
constexpr Alias kAliases[] = {
    {"dia chi ip", Column::kIp},
    {"ip", Column::kIp},
    {"ip address", Column::kIp},
    {"ip addr", Column::kIp},
    {"ipv4", Column::kIp},
    {"ip nguon", Column::kIp},
    {"dia chi ip nguon", Column::kIp},
    {"source ip", Column::kIp},
    {"src ip", Column::kIp},
    {"thoi gian", Column::kTime},
    {"thoi gian phat hien", Column::kTime},
    {"thoi diem", Column::kTime},
    {"thoi diem phat hien", Column::kTime},
    {"ngay phat hien", Column::kTime},
    {"time", Column::kTime},
    {"timestamp", Column::kTime},
    {"date", Column::kTime},
    {"datetime", Column::kTime},
    {"date time", Column::kTime},
    {"detection time", Column::kTime},
    {"ten mang botnet", Column::kFamily},
    {"mang botnet", Column::kFamily},
    {"ten botnet", Column::kFamily},
    {"botnet", Column::kFamily},
    {"ma doc", Column::kFamily},
    {"ten ma doc", Column::kFamily},
    {"loai ma doc", Column::kFamily},
    {"malware", Column::kFamily},
    {"malware family", Column::kFamily},
    {"family", Column::kFamily},
    {"cong", Column::kPort},
    {"cong nguon", Column::kPort},
    {"port", Column::kPort},
    {"source port", Column::kPort},
    {"src port", Column::kPort},
    {"ip dich", Column::kDestIp},
    {"dia chi dich", Column::kDestIp},
    {"dia chi ip dich", Column::kDestIp},
    {"destination ip", Column::kDestIp},
    {"dst ip", Column::kDestIp},
    {"dest ip", Column::kDestIp},
    {"c2", Column::kDestIp},
    {"c&c", Column::kDestIp},
    {"c2 ip", Column::kDestIp},
    {"ip c2", Column::kDestIp},
    {"ip c&c", Column::kDestIp},
    {"cong dich", Column::kDestPort},
    {"destination port", Column::kDestPort},
    {"dst port", Column::kDestPort},
    {"dest port", Column::kDestPort},
    {"c2 port", Column::kDestPort},
    {"nha mang", Column::kIsp},
    {"nha cung cap", Column::kIsp},
    {"isp", Column::kIsp},
    {"asn", Column::kIsp},
    {"tags", Column::kTags},
    {"tag", Column::kTags},
    {"nhan", Column::kTags},
    {"confidence", Column::kConfidence},
    {"do tin cay", Column::kConfidence},
};

size_t Index(Column column) { return static_cast<size_t>(column); }

bool HasWord(std::string_view folded, std::string_view word) {
  for (std::string_view piece : Split(folded, ' ')) {
    if (piece == word) return true;
  }
  return false;
}

// The logical column a header names, if any. Exact names first; then "IP ..." / "Địa chỉ IP
// ..." for the listed address ("IP bị nhiễm") and "Thời gian ..." / "Ngày ..." for the time,
// in headers of at most four words.
std::optional<Column> DetectColumn(std::string_view header) {
  const std::string folded = FoldHeader(header);
  for (const Alias& alias : kAliases) {
    if (alias.folded == folded) return alias.column;
  }
  const bool destination = HasWord(folded, "dich") || HasWord(folded, "destination") ||
                           HasWord(folded, "dst") || HasWord(folded, "c2") ||
                           HasWord(folded, "c&c");
  if (Split(folded, ' ').size() > 4) return std::nullopt;  // a title or a note, not a header
  if ((folded.starts_with("ip ") || folded.starts_with("dia chi ip ")) && !destination) {
    return Column::kIp;
  }
  if (folded.starts_with("thoi gian ") || folded.starts_with("ngay ")) return Column::kTime;
  return std::nullopt;
}

// "#3" -> 2 (0-based); nullopt when `spec` is not a position.
std::optional<size_t> Position(std::string_view spec) {
  spec = Trim(spec);
  if (!spec.starts_with('#')) return std::nullopt;
  size_t position = 0;
  const auto [end, ec] = std::from_chars(spec.data() + 1, spec.data() + spec.size(), position);
  if (ec != std::errc() || end != spec.data() + spec.size() || position == 0 ||
      position > CsvReader::kMaxFields) {
    return std::nullopt;
  }
  return position - 1;
}

const SheetCell& CellAt(const SheetRow& row, size_t index) {
  static const SheetCell kEmpty;
  return index < row.cells.size() ? row.cells[index] : kEmpty;
}

struct Mapping {
  std::array<std::optional<size_t>, kColumnCount> index;
  std::array<std::string, kColumnCount> name;  // header as written, or "#N"
  std::string missing;     // an explicitly named column not in this row ("Thời gian" -> time)
  bool ip_named = false;   // the IP column was found by its header text
  bool any_named = false;  // some header text was recognised
};

void Assign(Mapping* mapping, Column column, size_t index, const SheetRow& row) {
  for (size_t other = 0; other < kColumnCount; ++other) {  // one column, one meaning
    if (mapping->index[other] == index) mapping->index[other].reset();
  }
  mapping->index[Index(column)] = index;
  const std::string_view text = Trim(CellAt(row, index).text);
  mapping->name[Index(column)] = text.empty() ? "#" + std::to_string(index + 1) : std::string(text);
}

// Maps `row` read as a header: detected names, then the explicit mapping on top.
Mapping MapHeader(const SheetRow& row, const std::map<Column, std::string>& explicit_columns) {
  Mapping mapping;
  for (size_t i = 0; i < row.cells.size(); ++i) {
    const std::optional<Column> column = DetectColumn(row.cells[i].text);
    if (!column || mapping.index[Index(*column)]) continue;
    Assign(&mapping, *column, i, row);
    mapping.any_named = true;
  }
  for (const auto& [column, spec] : explicit_columns) {
    if (Index(column) >= kColumnCount) continue;
    if (const std::optional<size_t> position = Position(spec)) {
      Assign(&mapping, column, *position, row);
      continue;
    }
    const std::string wanted = FoldHeader(spec);
    std::optional<size_t> found;
    for (size_t i = 0; i < row.cells.size() && !found; ++i) {
      if (FoldHeader(row.cells[i].text) == wanted) found = i;
    }
    if (found) {
      Assign(&mapping, column, *found, row);
      mapping.any_named = true;
    } else {
      mapping.index[Index(column)].reset();
      if (mapping.missing.empty()) {
        mapping.missing = Quote(spec) + " (" + std::string(ColumnName(column)) + ")";
      }
    }
  }
  const auto ip = explicit_columns.find(Column::kIp);
  const bool ip_positional = ip != explicit_columns.end() && Position(ip->second);
  mapping.ip_named =
      mapping.index[Index(Column::kIp)].has_value() && (!ip_positional || mapping.any_named);
  return mapping;
}

bool RowIsBlank(const SheetRow& row) {
  for (const SheetCell& cell : row.cells) {
    if (!Trim(cell.text).empty()) return false;
  }
  return true;
}

std::string NoHeaderMessage() {
  return "no header row naming an IP column (such as \"Địa chỉ IP\", \"IP\" or \"IP address\") "
         "in the first " +
         std::to_string(kHeaderScanRows) + " rows; map the columns explicitly";
}

// Turns rows into indicators once it has found the header row.
class BotnetTable {
 public:
  BotnetTable(Collector* out, bool date1904) : out_(out), date1904_(date1904) {}

  bool has_header() const { return state_ == State::kData; }

  // Takes the next row; false when reading should stop.
  bool Feed(const SheetRow& row) {
    if (out_->stopped() || state_ == State::kFailed) return false;
    if (state_ == State::kData) {
      AddRow(row);
      return !out_->stopped();
    }
    if (RowIsBlank(row)) return true;
    return Search(row);
  }

  // At the end of the input: the error when no header was ever found.
  Status Finish() const {
    if (state_ == State::kFailed) return error_;
    if (state_ == State::kSearching) return out_->FileError(NoHeaderMessage());
    return {};
  }

 private:
  enum class State { kSearching, kData, kFailed };

  bool Search(const SheetRow& row) {
    const auto& explicit_columns = out_->options().columns;
    Mapping mapping = MapHeader(row, explicit_columns);
    if (mapping.ip_named) {
      if (!mapping.missing.empty()) {
        return Fail(
            out_->FileError("column " + mapping.missing + " is not in the header row", row.number));
      }
      Start(std::move(mapping));
      header_ip_ = FoldHeader(CellAt(row, *mapping_.index[Index(Column::kIp)]).text);
      return true;
    }
    const auto ip = explicit_columns.find(Column::kIp);
    const std::optional<size_t> position =
        ip == explicit_columns.end() ? std::nullopt : Position(ip->second);
    if (position && ParseAddress(CellAt(row, *position).text).ok()) {
      // No header at all: the mapping is the positional part of the explicit one.
      Mapping positional;
      for (const auto& [column, spec] : explicit_columns) {
        const std::optional<size_t> at = Position(spec);
        if (!at) {
          return Fail(out_->FileError("column " + Quote(spec) +
                                      " is mapped by name but the list has no header row"));
        }
        if (Index(column) < kColumnCount) {
          positional.index[Index(column)] = *at;
          positional.name[Index(column)] = "#" + std::to_string(*at + 1);
        }
      }
      Start(std::move(positional));
      AddRow(row);
      return !out_->stopped();
    }
    if (++scanned_ >= kHeaderScanRows) return Fail(out_->FileError(NoHeaderMessage()));
    return true;
  }

  bool Fail(Status status) {
    state_ = State::kFailed;
    error_ = std::move(status);
    return false;
  }

  void Start(Mapping mapping) {
    mapping_ = std::move(mapping);
    state_ = State::kData;
    for (size_t i = 0; i < kColumnCount; ++i) {
      if (mapping_.index[i]) out_->report().columns[static_cast<Column>(i)] = mapping_.name[i];
    }
  }

  const SheetCell& Cell(const SheetRow& row, Column column) const {
    static const SheetCell kEmpty;
    const std::optional<size_t>& index = mapping_.index[Index(column)];
    return index ? CellAt(row, *index) : kEmpty;
  }

  std::string_view Text(const SheetRow& row, Column column) const {
    return Trim(Cell(row, column).text);
  }

  void AddRow(const SheetRow& row) {
    bool blank = true;
    for (size_t i = 0; i < kColumnCount; ++i) {
      if (!Text(row, static_cast<Column>(i)).empty()) blank = false;
    }
    if (blank) return;  // padding, or a note in an unmapped column ("Tổng cộng: 470")
    if (!header_ip_.empty() && FoldHeader(Text(row, Column::kIp)) == header_ip_) {
      return;  // the header repeated (multi-page exports)
    }
    out_->CountRecord();
    Indicator indicator;
    const Status status = Convert(row, &indicator);
    if (!status.ok()) {
      out_->Reject(row.number, status.where(), status.message());
      return;
    }
    out_->Accept(std::move(indicator));
  }

  Status Problem(Column column, std::string reason) const {
    return InvalidArgument(std::move(reason), mapping_.name[Index(column)]);
  }

  Status Convert(const SheetRow& row, Indicator* indicator) const {
    const std::string_view ip = Text(row, Column::kIp);
    if (ip.empty()) return Problem(Column::kIp, "empty IP address");
    auto address = ParseAddress(ip);
    int port_in_ip = 0;
    std::string_view host;
    if (!address.ok() && SplitHostPort(ip, &host, &port_in_ip)) {  // "203.0.113.5:8080"
      auto without_port = ParseAddress(host);
      if (without_port.ok()) address = std::move(without_port);
    }
    if (!address.ok()) return Problem(Column::kIp, address.status().message());
    *indicator = std::move(*address);

    const SheetCell& time = Cell(row, Column::kTime);
    if (!Trim(time.text).empty()) {
      auto seen = ParseTime(time);
      if (!seen.ok()) return Problem(Column::kTime, seen.status().message());
      indicator->first_seen = indicator->last_seen = *seen;
    }
    indicator->family = std::string(Text(row, Column::kFamily));
    VIGIL_ASSIGN_OR_RETURN(std::optional<int> port, Port(row, Column::kPort));
    indicator->port = port.value_or(port_in_ip);
    VIGIL_RETURN_IF_ERROR(DestIp(row, indicator));
    VIGIL_ASSIGN_OR_RETURN(std::optional<int> dest_port, Port(row, Column::kDestPort));
    if (dest_port) indicator->dest_port = *dest_port;
    indicator->isp = std::string(Text(row, Column::kIsp));
    indicator->tags = SplitTags(Text(row, Column::kTags));
    auto confidence = ParseConfidence(Text(row, Column::kConfidence));
    if (!confidence.ok()) return Problem(Column::kConfidence, confidence.status().message());
    indicator->confidence = confidence->value_or(-1);
    return {};
  }

  Result<int64_t> ParseTime(const SheetCell& cell) const {
    const int tz = out_->options().tz_offset_seconds;
    if (cell.number) {  // a serial date without a date style, or Unix seconds
      double value = 0;
      const std::string_view text = Trim(cell.text);
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec == std::errc() && end == text.data() + text.size()) {
        auto unix = TimeFromNumber(value, date1904_, tz);
        if (unix.ok()) return unix;
      }
    }
    return ParseListTime(cell.text, tz);
  }

  Result<std::optional<int>> Port(const SheetRow& row, Column column) const {
    auto port = ParsePort(Text(row, column));
    if (!port.ok()) return Problem(column, port.status().message());
    return port;
  }

  Status DestIp(const SheetRow& row, Indicator* indicator) const {
    const std::string_view text = Text(row, Column::kDestIp);
    if (text.empty()) return {};
    auto ip = ParseIp(text);
    std::string_view host;
    int port = 0;
    if (!ip.ok() && SplitHostPort(text, &host, &port)) {
      auto without_port = ParseIp(host);
      if (without_port.ok()) {
        ip = std::move(without_port);
        indicator->dest_port = port;
      }
    }
    if (!ip.ok()) return Problem(Column::kDestIp, ip.status().message());
    indicator->dest_ip = *ip;
    return {};
  }

  Collector* out_;
  bool date1904_;
  State state_ = State::kSearching;
  Status error_;
  size_t scanned_ = 0;
  Mapping mapping_;
  std::string header_ip_;  // the IP header folded, to skip repeated header rows
};

SheetRow ToSheetRow(CsvRecord record) {
  SheetRow row;
  row.number = static_cast<int64_t>(record.line);
  row.cells.reserve(record.fields.size());
  for (std::string& field : record.fields) row.cells.push_back({std::move(field), false});
  return row;
}

// The number of named columns in the first header row read with `delimiter` (0: no header row
// with an IP column among the first rows).
size_t HeaderScore(std::string_view data, char delimiter,
                   const std::map<Column, std::string>& explicit_columns, bool skip_comments) {
  CsvReader reader(data, delimiter);
  for (size_t rows = 0; rows < kHeaderScanRows;) {
    auto next = reader.Next();
    if (!next.ok() || !next->has_value()) return 0;
    const SheetRow row = ToSheetRow(std::move(**next));
    if (RowIsBlank(row)) continue;
    ++rows;
    if (skip_comments && Trim(row.cells.front().text).starts_with('#')) continue;
    const Mapping mapping = MapHeader(row, explicit_columns);
    if (mapping.ip_named) {
      return static_cast<size_t>(
          std::count_if(mapping.index.begin(), mapping.index.end(),
                        [](const auto& index) { return index.has_value(); }));
    }
  }
  return 0;
}

// The delimiter whose reading yields the richest header row. (The CSV reader's own guess looks
// at the first record only, which may be a title row above the header.) 0 when none has one.
char ChooseDelimiter(std::string_view data, const std::map<Column, std::string>& columns,
                     bool skip_comments = false) {
  char best = 0;
  size_t best_score = 0;
  for (const char delimiter : {',', ';', '\t'}) {
    const size_t score = HeaderScore(data, delimiter, columns, skip_comments);
    if (score > best_score) {
      best = delimiter;
      best_score = score;
    }
  }
  return best;
}

}  // namespace

bool HasBotnetHeader(std::string_view head) { return ChooseDelimiter(head, {}, true) != 0; }

Status ImportBotnetCsv(std::string_view data, Collector* out) {
  CsvReader reader(data, ChooseDelimiter(data, out->options().columns));
  BotnetTable table(out, false);
  while (!out->stopped()) {
    auto next = reader.Next();
    if (!next.ok()) {
      const Status& error = next.status();
      if (!table.has_header()) return out->FileError(error.message(), CsvErrorLine(error));
      out->CountRecord();
      out->Reject(CsvErrorLine(error), "", error.message());  // the reader cannot go on
      break;
    }
    if (!next->has_value()) break;
    if (!table.Feed(ToSheetRow(std::move(**next)))) break;
  }
  if (out->stopped()) return {};
  return table.Finish();
}

Status ImportBotnetXlsx(std::string_view data, Collector* out) {
  auto reader = XlsxReader::Open(data);
  if (!reader.ok()) return out->FileError(reader.status().message(), 0, reader.status().code());
  BotnetTable table(out, reader->date1904());
  const Status status = reader->ForEachRow([&](const SheetRow& row) { return table.Feed(row); });
  if (!status.ok()) return out->FileError(status.message());
  if (out->stopped()) return {};
  return table.Finish();
}

}  // namespace vigil::intel::internal
