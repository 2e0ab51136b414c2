// Fuzzes the firewall log parsers (iptables/nftables, pfSense/OPNsense filterlog, FortiGate,
// Cisco ASA, PAN-OS) with the input as one line, and checks (abort() on violation) that every
// error is kInvalidArgument naming a field, and that every record keeps ports in range and holds
// only clean text: valid UTF-8 without control bytes, lower-case protocol and action.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "log_record_check.h"

namespace {

using vigil::fuzz::Check;

void CheckParse(vigil::logs::LogFormat format, std::string_view line,
                const vigil::logs::FileContext& context) {
  const vigil::logs::LogRecord* record =
      vigil::fuzz::CheckRecord(vigil::logs::ParseLine(format, line, context));
  if (record == nullptr) return;
  Check(!record->nat_src || record->src);  // a translation of nothing makes no sense
  Check(record->proto == vigil::AsciiLower(record->proto));
  Check(record->action == vigil::AsciiLower(record->action));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  vigil::logs::FileContext context;
  context.year = 2026;
  // Every other input length also runs with UTC as the default zone.
  if (size % 2 == 1) context.tz_offset_seconds = 0;
  for (const auto format : {vigil::logs::LogFormat::kIptables, vigil::logs::LogFormat::kPfsense,
                            vigil::logs::LogFormat::kFortigate, vigil::logs::LogFormat::kAsa,
                            vigil::logs::LogFormat::kPaloAlto}) {
    CheckParse(format, line, context);
  }
  return 0;
}
