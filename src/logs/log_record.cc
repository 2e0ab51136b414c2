#include "logs/log_record.h"

#include <array>
#include <string>

#include "core/text.h"
#include "logs/parse_util.h"

namespace vigil::logs {
namespace {

struct FormatName {
  LogFormat format;
  std::string_view name;
};

constexpr std::array<FormatName, 12> kFormats = {{
    {LogFormat::kGeneric, "generic"},
    {LogFormat::kIptables, "iptables"},
    {LogFormat::kPfsense, "pfsense"},
    {LogFormat::kFortigate, "fortigate"},
    {LogFormat::kAsa, "asa"},
    {LogFormat::kPaloAlto, "paloalto"},
    {LogFormat::kZeekTsv, "zeek"},
    {LogFormat::kZeekJson, "zeek-json"},
    {LogFormat::kEve, "eve"},
    {LogFormat::kSquid, "squid"},
    {LogFormat::kBind, "bind"},
    {LogFormat::kDnsmasq, "dnsmasq"},
}};

constexpr std::array<LogFormat, kFormats.size()> kAllFormats = [] {
  std::array<LogFormat, kFormats.size()> all{};
  for (size_t i = 0; i < kFormats.size(); ++i) all[i] = kFormats[i].format;
  return all;
}();

std::string_view WithoutCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::string_view LogFormatName(LogFormat format) {
  for (const FormatName& entry : kFormats) {
    if (entry.format == format) return entry.name;
  }
  return "unknown";
}

std::optional<LogFormat> ParseLogFormatName(std::string_view name) {
  for (const FormatName& entry : kFormats) {
    if (entry.name == name) return entry.format;
  }
  return std::nullopt;
}

std::span<const LogFormat> AllLogFormats() { return kAllFormats; }

Result<LogRecord> ParseLine(LogFormat format, std::string_view line, const FileContext& context) {
  if (format == LogFormat::kGeneric) return LogRecord{};
  line = WithoutCr(line);
  if (Trim(line).empty()) return detail::FieldError("line", "empty line");
  switch (format) {
    case LogFormat::kGeneric:
      return LogRecord{};
    case LogFormat::kIptables:
      return detail::ParseIptables(line, context);
    case LogFormat::kPfsense:
      return detail::ParsePfsense(line, context);
    case LogFormat::kFortigate:
      return detail::ParseFortigate(line, context);
    case LogFormat::kAsa:
      return detail::ParseAsa(line, context);
    case LogFormat::kPaloAlto:
      return detail::ParsePaloAlto(line, context);
    case LogFormat::kZeekTsv:
      return detail::ParseZeekTsv(line, context);
    case LogFormat::kZeekJson:
      return detail::ParseZeekJson(line, context);
    case LogFormat::kEve:
      return detail::ParseEve(line, context);
    case LogFormat::kSquid:
      return detail::ParseSquid(line, context);
    case LogFormat::kBind:
      return detail::ParseBind(line, context);
    case LogFormat::kDnsmasq:
      return detail::ParseDnsmasq(line, context);
  }
  return detail::FieldError("format", "unknown log format");
}

bool ObserveHeader(LogFormat format, std::string_view line, FileContext* context) {
  line = WithoutCr(line);
  if (format != LogFormat::kZeekTsv || !line.starts_with('#')) return false;
  constexpr std::string_view kFields = "#fields\t";
  if (context != nullptr && line.starts_with(kFields)) {
    context->zeek_fields.clear();
    for (const std::string_view name : Split(line.substr(kFields.size()), '\t')) {
      context->zeek_fields.emplace_back(name);
    }
  }
  return true;
}

LogFormat DetectLogFormat(std::span<const std::string_view> sample_lines) {
  const auto is_header = [](std::string_view line) { return Trim(line).starts_with('#'); };
  size_t data_lines = 0;
  for (const std::string_view line : sample_lines) {
    if (!Trim(line).empty() && !is_header(line)) ++data_lines;
  }
  if (data_lines == 0) return LogFormat::kGeneric;
  LogFormat best = LogFormat::kGeneric;
  size_t best_count = 0;
  for (const LogFormat format : AllLogFormats()) {
    if (format == LogFormat::kGeneric) continue;
    FileContext context;
    size_t parsed = 0;
    for (const std::string_view line : sample_lines) {
      if (Trim(line).empty()) continue;
      if (is_header(line)) {
        ObserveHeader(format, line, &context);
        continue;
      }
      if (ParseLine(format, line, context).ok()) ++parsed;
    }
    if (parsed > best_count) {
      best = format;
      best_count = parsed;
    }
  }
  return best_count * 2 >= data_lines ? best : LogFormat::kGeneric;
}

}  // namespace vigil::logs
