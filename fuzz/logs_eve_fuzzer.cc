// Fuzzes the Suricata EVE JSON parser with the input as one line, and checks (abort() on
// violation) that it never throws (nlohmann::json is used with exceptions disabled and types
// checked before every access), that every error is kInvalidArgument naming a field, and that a
// record always has both addresses, ports in range and clean text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "log_record_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using vigil::fuzz::Check;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const vigil::logs::LogRecord* record =
      vigil::fuzz::CheckRecord(vigil::logs::ParseLine(vigil::logs::LogFormat::kEve, line, {}));
  if (record == nullptr) return 0;
  Check(record->src.has_value() && record->dst.has_value());
  Check(!record->action.empty());  // the event type
  return 0;
}
