// Fuzzes CsvReader and CsvHeader: reads every record until the end or the first error, builds a
// header from the first record, and checks invariants that must hold for any input (abort() on
// violation): records start on increasing lines, fields are valid UTF-8 without NUL bytes, header
// names are found by Index(), and CsvWriter output reads back as the same fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "csv/csv.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

// Writes `records` with CsvWriter and reads them back: every field must survive, apart from the
// ' that the writer puts in front of formula-like cells.
void CheckRoundTrip(const std::vector<vigil::CsvRecord>& records, char delimiter) {
  std::string out;
  vigil::CsvWriter writer(&out, delimiter);
  for (const auto& record : records) writer.WriteRow(record.fields);
  vigil::CsvReader reader(out, delimiter);
  for (const auto& record : records) {
    auto next = reader.Next();
    Check(next.ok() && next->has_value());
    const auto& fields = (*next)->fields;
    Check(fields.size() == record.fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string& original = record.fields[i];
      Check(vigil::CsvWriter::NeedsFormulaGuard(original) ? fields[i] == "'" + original
                                                          : fields[i] == original);
    }
  }
  auto end = reader.Next();
  Check(end.ok() && !end->has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Mostly auto-detection; every fifth input length also exercises an explicit delimiter.
  const char delimiter = size % 5 == 4 ? '|' : 0;
  vigil::CsvReader reader(input, delimiter);
  std::vector<vigil::CsvRecord> records;
  bool clean_end = false;
  size_t last_line = 0;
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) {
      Check(!next.status().message().empty());
      Check(next.status().where().starts_with("line "));
      auto again = reader.Next();  // errors are sticky
      Check(!again.ok() && again.status().message() == next.status().message());
      break;
    }
    if (!next->has_value()) {
      clean_end = true;
      break;
    }
    vigil::CsvRecord& record = **next;
    Check(record.line > last_line);
    last_line = record.line;
    Check(!record.fields.empty() && record.fields.size() <= vigil::CsvReader::kMaxFields);
    for (const auto& field : record.fields) {
      Check(field.find('\0') == std::string::npos);
      Check(vigil::IsValidUtf8(field));
    }
    records.push_back(std::move(record));
  }
  if (clean_end) {
    auto after = reader.Next();  // the end stays the end
    Check(after.ok() && !after->has_value());
  }
  if (!records.empty()) {
    auto header = vigil::CsvHeader::From(records.front());
    if (header.ok()) {
      Check(header->size() == records.front().fields.size());
      for (size_t i = 0; i < header->size(); ++i) {
        Check(header->Index(header->names()[i]) == i);
        Check(header->Index(records.front().fields[i]) == i);
      }
    } else {
      Check(header.status().where() == "line " + std::to_string(records.front().line));
    }
  }
  // Quoting and the formula guard can grow a record past the reader's limit; stay well below.
  if (size < (64u << 10)) CheckRoundTrip(records, reader.delimiter());
  return 0;
}
