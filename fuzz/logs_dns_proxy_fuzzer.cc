// Fuzzes the DNS server and proxy log parsers (BIND query log, dnsmasq, Squid access.log) with the
// input as one line, and checks (abort() on violation) that every error is kInvalidArgument
// naming a field, and that every record keeps ports in range and holds only clean text: valid
// UTF-8 without control bytes, names in ASCII lower case without a trailing dot.
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

void CheckParse(vigil::logs::LogFormat format, std::string_view line) {
  vigil::logs::FileContext context;
  context.year = 2026;
  const auto record = vigil::logs::ParseLine(format, line, context);
  if (!record.ok()) {
    Check(record.status().code() == vigil::StatusCode::kInvalidArgument);
    Check(!record.status().where().empty() && !record.status().message().empty());
    return;
  }
  for (const int port :
       {record->src_port, record->dst_port, record->nat_src_port, record->nat_dst_port}) {
    Check(port >= 0 && port <= 65535);
  }
  Check(record->time >= 0);
  for (const std::string* text : {&record->proto, &record->action, &record->name, &record->url}) {
    Check(CleanText(*text));
  }
  Check(record->name == vigil::AsciiLower(record->name));
  Check(record->name.size() <= 1 || record->name.back() != '.');
  // Every DNS record names what was asked; a proxy record names the client.
  if (format != vigil::logs::LogFormat::kSquid) Check(!record->name.empty());
  if (format == vigil::logs::LogFormat::kSquid)
    Check(record->src.has_value() && !record->url.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  CheckParse(vigil::logs::LogFormat::kBind, line);
  CheckParse(vigil::logs::LogFormat::kDnsmasq, line);
  CheckParse(vigil::logs::LogFormat::kSquid, line);
  return 0;
}
