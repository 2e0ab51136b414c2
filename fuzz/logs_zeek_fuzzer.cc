// Fuzzes Zeek TSV and JSON parsing over a whole file: each line goes through ObserveHeader and,
// when it is not a header, ParseLine with the context so far; then DetectLogFormat runs on all
// lines. Checks (abort() on violation) that header lines are reported as kNotFound and every
// other error is kInvalidArgument naming a field, records have both addresses and ports
// in range, and detection returns a format that parses at least half of the data lines.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "log_record_check.h"

namespace {

using vigil::fuzz::Check;
using vigil::logs::LogFormat;

void CheckRecord(const vigil::Result<vigil::logs::LogRecord>& result) {
  const vigil::logs::LogRecord* record = vigil::fuzz::CheckRecord(result, /*clean_text=*/false);
  if (record != nullptr) Check(record->src.has_value() && record->dst.has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= input.size();) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    lines.push_back(input.substr(start, end - start));
    start = end + 1;
  }
  vigil::logs::FileContext context;
  for (const std::string_view line : lines) {
    CheckRecord(vigil::logs::ParseLine(LogFormat::kZeekJson, line, context));
    if (vigil::logs::ObserveHeader(LogFormat::kZeekTsv, line, &context)) {
      const auto header = vigil::logs::ParseLine(LogFormat::kZeekTsv, line, context);
      Check(!header.ok() && header.status().code() == vigil::StatusCode::kNotFound);
      continue;
    }
    CheckRecord(vigil::logs::ParseLine(LogFormat::kZeekTsv, line, context));
  }

  const LogFormat detected = vigil::logs::DetectLogFormat(lines);
  if (detected != LogFormat::kGeneric) {
    size_t data_lines = 0;
    size_t parsed = 0;
    vigil::logs::FileContext detect_context;
    for (const std::string_view line : lines) {
      const std::string_view trimmed = vigil::Trim(line);
      if (trimmed.empty()) continue;
      if (trimmed.starts_with('#')) {
        vigil::logs::ObserveHeader(detected, line, &detect_context);
        continue;
      }
      ++data_lines;
      if (vigil::logs::ParseLine(detected, line, detect_context).ok()) ++parsed;
    }
    Check(parsed > 0 && parsed * 2 >= data_lines);
  }
  return 0;
}
