// Fuzzes the DNS server and proxy log parsers (BIND query log, dnsmasq, Squid access.log) with the
// input as one line, and checks (abort() on violation) that every error is kInvalidArgument
// naming a field, and that every record keeps ports in range and holds only clean text: valid
// UTF-8 without control bytes, names in ASCII lower case without a trailing dot.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "log_record_check.h"

namespace {

using vigil::fuzz::Check;

void CheckParse(vigil::logs::LogFormat format, std::string_view line) {
  vigil::logs::FileContext context;
  context.year = 2026;
  const vigil::logs::LogRecord* record =
      vigil::fuzz::CheckRecord(vigil::logs::ParseLine(format, line, context));
  if (record == nullptr) return;
  Check(record->name == vigil::AsciiLower(record->name));
  Check(record->name.size() <= 1 || record->name.back() != '.');
  // Every DNS record names what was asked; a proxy record names the client.
  if (format != vigil::logs::LogFormat::kSquid) Check(!record->name.empty());
  if (format == vigil::logs::LogFormat::kSquid) {
    Check(record->src.has_value() && !record->url.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  CheckParse(vigil::logs::LogFormat::kBind, line);
  CheckParse(vigil::logs::LogFormat::kDnsmasq, line);
  CheckParse(vigil::logs::LogFormat::kSquid, line);
  return 0;
}
