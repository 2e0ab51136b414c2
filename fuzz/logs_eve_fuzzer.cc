// Fuzzes the Suricata EVE JSON parser with the input as one line, and checks (abort() on
// violation) that it never throws (nlohmann::json is used with exceptions disabled and types
// checked before every access), that every error is kInvalidArgument naming a field, and that a
// record always has both addresses, ports in range and clean text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/text.h"
#include "logs/log_record.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool CleanText(const std::string& text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return vigil::IsValidUtf8(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto record = vigil::logs::ParseLine(vigil::logs::LogFormat::kEve, line, {});
  if (!record.ok()) {
    Check(record.status().code() == vigil::StatusCode::kInvalidArgument);
    Check(!record.status().where().empty() && !record.status().message().empty());
    return 0;
  }
  Check(record->src.has_value() && record->dst.has_value());
  Check(!record->action.empty());  // the event type
  Check(record->src_port >= 0 && record->src_port <= 65535);
  Check(record->dst_port >= 0 && record->dst_port <= 65535);
  Check(record->time >= 0);
  for (const std::string* text : {&record->proto, &record->action, &record->name, &record->url}) {
    Check(CleanText(*text));
  }
  return 0;
}
