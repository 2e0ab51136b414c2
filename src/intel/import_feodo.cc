// abuse.ch Feodo Tracker botnet C2 list (ipblocklist.csv): '#' comment lines, one of which is
// the header ("first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware").
#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "core/text.h"
#include "csv/csv.h"
#include "intel/import_internal.h"

namespace vigil::intel::internal {
namespace {

enum Field : size_t { kFirstSeen, kDstIp, kDstPort, kStatus, kLastOnline, kMalware, kFieldCount };

// Accepted header names per field (the current list and the older "Firstseen,DstIP,..." one).
constexpr std::array<std::array<std::string_view, 3>, kFieldCount> kNames = {{
    {"first_seen_utc", "first_seen", "firstseen"},
    {"dst_ip", "dstip", "ip_address"},
    {"dst_port", "dstport", "port"},
    {"c2_status", "status", ""},
    {"last_online", "lastonline", ""},
    {"malware", "", ""},
}};

struct Columns {
  std::array<std::optional<size_t>, kFieldCount> index;
  std::array<std::string, kFieldCount> name;
};

Columns DefaultColumns() {
  Columns columns;
  for (size_t i = 0; i < kFieldCount; ++i) {
    columns.index[i] = i;
    columns.name[i] = std::string(kNames[i][0]);
  }
  return columns;
}

std::optional<Columns> HeaderColumns(const std::vector<std::string>& fields) {
  Columns columns;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string name = AsciiLower(Trim(fields[i]));
    for (size_t f = 0; f < kFieldCount; ++f) {
      const auto& names = kNames[f];
      if (!columns.index[f] && !name.empty() &&
          std::find(names.begin(), names.end(), name) != names.end()) {
        columns.index[f] = i;
        columns.name[f] = std::string(Trim(fields[i]));
      }
    }
  }
  if (!columns.index[kDstIp]) return std::nullopt;
  return columns;
}

std::string_view FieldText(const CsvRecord& record, const Columns& columns, Field field) {
  const std::optional<size_t>& index = columns.index[field];
  return index && *index < record.fields.size() ? Trim(record.fields[*index]) : "";
}

// Converts one data record.
Status Convert(const CsvRecord& record, const Columns& columns, Indicator* out) {
  const auto problem = [&](Field field, const std::string& reason) {
    return InvalidArgument(reason, columns.name[field]);
  };
  auto address = ParseAddress(FieldText(record, columns, kDstIp));
  if (!address.ok()) return problem(kDstIp, address.status().message());
  *out = std::move(*address);
  if (const std::string_view seen = FieldText(record, columns, kFirstSeen); !seen.empty()) {
    auto time = ParseListTime(seen, 0);  // the list writes UTC
    if (!time.ok()) return problem(kFirstSeen, time.status().message());
    out->first_seen = out->last_seen = *time;
  }
  if (const std::string_view online = FieldText(record, columns, kLastOnline); !online.empty()) {
    auto time = ParseListTime(online, 0);
    if (!time.ok()) return problem(kLastOnline, time.status().message());
    out->last_seen = std::max(out->last_seen, *time);
  }
  auto port = ParsePort(FieldText(record, columns, kDstPort));
  if (!port.ok()) return problem(kDstPort, port.status().message());
  out->port = port->value_or(0);
  out->family = std::string(FieldText(record, columns, kMalware));
  AddTag(&out->tags, "c2");
  if (const std::string_view status = FieldText(record, columns, kStatus); !status.empty()) {
    AddTag(&out->tags, "c2:" + AsciiLower(status));
  }
  return {};
}

}  // namespace

Status ImportFeodoCsv(std::string_view data, Collector* out) {
  // Comment lines become empty lines, so the CSV reader keeps the file's line numbers.
  std::string text;
  text.reserve(data.size());
  std::optional<Columns> columns;
  BufferLineSource lines(data);
  std::string_view line;
  int64_t number = 0;
  bool too_long = false;
  while (lines.Next(&line, &number, &too_long)) {
    const std::string_view trimmed = Trim(line);
    if (trimmed.starts_with('#')) {
      const size_t text_start = std::min(trimmed.find_first_not_of('#'), trimmed.size());
      const std::string_view body = Trim(trimmed.substr(text_start));
      if (!columns && AsciiLower(body).find("dst_ip") != std::string::npos) {
        CsvReader header(body, ',');
        auto record = header.Next();
        if (record.ok() && record->has_value()) columns = HeaderColumns((*record)->fields);
      }
    } else {
      text.append(line);
    }
    text += '\n';
  }
  CsvReader reader(text, ',');
  bool first = true;
  while (!out->stopped()) {
    auto next = reader.Next();
    if (!next.ok()) {
      out->CountRecord();
      out->Reject(CsvErrorLine(next.status()), "", next.status().message());
      break;
    }
    if (!next->has_value()) break;
    const CsvRecord& record = **next;
    if (first && !columns) {
      first = false;
      columns = HeaderColumns(record.fields);
      if (columns) continue;  // an uncommented header
      columns = DefaultColumns();
    }
    first = false;
    out->CountRecord();
    Indicator indicator;
    const Status status = Convert(record, *columns, &indicator);
    if (!status.ok()) {
      out->Reject(static_cast<int64_t>(record.line), status.where(), status.message());
      continue;
    }
    out->Accept(std::move(indicator));
  }
  return {};
}

}  // namespace vigil::intel::internal
