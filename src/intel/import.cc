// Format names, detection, the collector and the ImportFile/ImportBytes entry points.
#include "intel/import.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <utility>

#include "core/text.h"
#include "core/time.h"
#include "intel/import_internal.h"

namespace vigil::intel {
namespace {

using internal::Collector;

constexpr size_t kSniffBytes = 64 << 10;

struct FormatName {
  ListFormat format;
  std::string_view name;
};
constexpr std::array<FormatName, 10> kFormatNames = {{
    {ListFormat::kAuto, "auto"},
    {ListFormat::kBotnetCsv, "botnet-csv"},
    {ListFormat::kBotnetXlsx, "xlsx"},
    {ListFormat::kPlain, "plain"},
    {ListFormat::kSpamhausDrop, "drop"},
    {ListFormat::kSpamhausDropJson, "drop-json"},
    {ListFormat::kFeodoCsv, "feodo"},
    {ListFormat::kStix, "stix"},
    {ListFormat::kMispCsv, "misp-csv"},
    {ListFormat::kMispJson, "misp-json"},
}};

constexpr std::array<std::string_view, 9> kColumnNames = {
    "ip", "time", "family", "port", "dest_ip", "dest_port", "isp", "tags", "confidence"};

bool IsLineFormat(ListFormat format) {
  return format == ListFormat::kPlain || format == ListFormat::kSpamhausDrop ||
         format == ListFormat::kSpamhausDropJson;
}

std::string Extension(std::string_view name) {
  const std::string base = internal::BaseName(name);
  const size_t dot = base.rfind('.');
  return dot == std::string::npos ? std::string() : AsciiLower(base.substr(dot));
}

bool Contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

ListFormat DetectJson(std::string_view body, std::string_view ext) {
  if (Contains(body, "\"bundle\"") || Contains(body, "\"spec_version\"") ||
      (Contains(body, "\"pattern\"") && Contains(body, "\"indicator\""))) {
    return ListFormat::kStix;
  }
  if (Contains(body, "\"Event\"") || Contains(body, "\"Attribute\"")) return ListFormat::kMispJson;
  if (Contains(body, "\"sblid\"") || Contains(body, "\"cidr\"")) {
    return ListFormat::kSpamhausDropJson;
  }
  return ext == ".json" ? ListFormat::kStix : ListFormat::kPlain;
}

// The first line that is neither empty nor a '#' comment, lower-cased.
std::string FirstDataLine(std::string_view body) {
  internal::BufferLineSource lines(body);
  std::string_view line;
  int64_t number = 0;
  bool too_long = false;
  while (lines.Next(&line, &number, &too_long)) {
    line = Trim(line);
    if (!line.empty() && !line.starts_with('#')) return AsciiLower(line);
  }
  return {};
}

bool LooksLikeDrop(std::string_view body) {
  return body.starts_with("; Spamhaus") || Contains(body, "; SBL") || Contains(body, ";SBL");
}

bool LooksLikeFeodo(std::string_view body) {
  const std::string lower = AsciiLower(body.substr(0, 4096));
  return Contains(lower, "feodo tracker") ||
         (Contains(lower, "dst_ip") && Contains(lower, "first_seen"));
}

bool LooksLikeMispCsv(std::string_view body) {
  const std::string first = FirstDataLine(body.substr(0, 4096));
  return Contains(first, "event_id") && Contains(first, "category") && Contains(first, "type") &&
         Contains(first, "value");
}

Result<ImportReport> Finish(Collector* collector, Status status, ImportReport report) {
  if (collector->stopped()) return collector->failure();
  if (!status.ok()) return status;
  return report;
}

int64_t NowOr(const ImportOptions& options) {
  if (options.now != 0) return options.now;
  return UnixNow();
}

Status RunLines(ListFormat format, internal::LineSource* lines, Collector* out) {
  switch (format) {
    case ListFormat::kSpamhausDrop:
      return internal::ImportSpamhausDrop(lines, out);
    case ListFormat::kSpamhausDropJson:
      return internal::ImportSpamhausDropJson(lines, out);
    default:
      return internal::ImportPlain(lines, out);
  }
}

Status RunWhole(ListFormat format, std::string_view data, Collector* out) {
  switch (format) {
    case ListFormat::kBotnetCsv:
      return internal::ImportBotnetCsv(data, out);
    case ListFormat::kBotnetXlsx:
      return internal::ImportBotnetXlsx(data, out);
    case ListFormat::kFeodoCsv:
      return internal::ImportFeodoCsv(data, out);
    case ListFormat::kStix:
      return internal::ImportStix(data, out);
    case ListFormat::kMispCsv:
      return internal::ImportMispCsv(data, out);
    case ListFormat::kMispJson:
      return internal::ImportMispJson(data, out);
    default: {
      internal::BufferLineSource lines(data);
      return RunLines(format, &lines, out);
    }
  }
}

}  // namespace

namespace internal {

Collector::Collector(std::string file, const ImportOptions& options, int64_t now,
                     ImportReport* report)
    : file_(std::move(file)),
      options_(options),
      now_(now),
      source_(options.source.empty() ? BaseName(file_) : options.source),
      report_(report) {}

void Collector::Reject(int64_t line, std::string field, std::string reason) {
  ++report_->rejected;
  if (options_.strict && failure_.ok()) {
    std::string where = file_ + ":" + std::to_string(line);
    if (!field.empty()) where += ":" + field;
    failure_ = InvalidArgument(reason, std::move(where));
  }
  if (report_->issues.size() < options_.max_issues) {
    report_->issues.push_back({file_, line, std::move(field), std::move(reason)});
  }
}

void Collector::Accept(Indicator indicator) {
  indicator.source = source_;
  indicator.allow = indicator.allow || options_.allow;
  if (indicator.expires == 0 && options_.ttl_seconds > 0) {
    const int64_t base = indicator.last_seen != 0 ? indicator.last_seen : now_;
    indicator.expires = base + options_.ttl_seconds;
  }
  if (indicator.expires > 0 && indicator.expires <= now_) ++report_->expired;
  if (options_.sink) {
    options_.sink(std::move(indicator));
  } else {
    report_->indicators.push_back(std::move(indicator));
  }
}

Status Collector::FileError(std::string reason, int64_t line, StatusCode code) const {
  std::string where = file_;
  if (line > 0) where += ":" + std::to_string(line);
  return {code, std::move(reason), std::move(where)};
}

}  // namespace internal

std::string_view ListFormatName(ListFormat format) {
  for (const auto& entry : kFormatNames) {
    if (entry.format == format) return entry.name;
  }
  return "unknown";
}

Result<ListFormat> ParseListFormat(std::string_view name) {
  const std::string lower = AsciiLower(Trim(name));
  for (const auto& entry : kFormatNames) {
    if (entry.name == lower) return entry.format;
  }
  if (lower == "csv") return ListFormat::kBotnetCsv;
  if (lower == "txt" || lower == "ipset" || lower == "netset") return ListFormat::kPlain;
  if (lower == "spamhaus-drop") return ListFormat::kSpamhausDrop;
  std::string known;
  for (const auto& entry : kFormatNames)
    known += (known.empty() ? "" : ", ") + std::string(entry.name);
  return InvalidArgument("unknown list format " + internal::Quote(name) + " (known: " + known +
                         ")");
}

std::string_view ColumnName(Column column) {
  const auto index = static_cast<size_t>(column);
  return index < kColumnNames.size() ? kColumnNames[index] : "unknown";
}

Result<Column> ParseColumn(std::string_view name) {
  const std::string lower = AsciiLower(Trim(name));
  for (size_t i = 0; i < kColumnNames.size(); ++i) {
    if (kColumnNames[i] == lower) return static_cast<Column>(i);
  }
  return InvalidArgument("unknown column " + internal::Quote(name) +
                         " (known: ip, time, family, port, dest_ip, dest_port, isp, tags, "
                         "confidence)");
}

ListFormat DetectListFormat(std::string_view name, std::string_view head) {
  const std::string ext = Extension(name);
  // ZIP (XLSX) or OLE2 (old .xls, encrypted workbooks): the XLSX reader explains the latter.
  if (head.starts_with(std::string_view("PK\x03\x04", 4)) || head.starts_with("\xD0\xCF\x11\xE0") ||
      ext == ".xlsx" || ext == ".xls") {
    return ListFormat::kBotnetXlsx;
  }
  std::string_view body = head;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  const size_t start = body.find_first_not_of(" \t\r\n");
  body = start == std::string_view::npos ? std::string_view() : body.substr(start);
  if (body.starts_with('{') || body.starts_with('[')) return DetectJson(body, ext);
  if (LooksLikeDrop(body)) return ListFormat::kSpamhausDrop;
  if (LooksLikeFeodo(body)) return ListFormat::kFeodoCsv;
  if (LooksLikeMispCsv(body)) return ListFormat::kMispCsv;
  if (internal::HasBotnetHeader(body)) return ListFormat::kBotnetCsv;
  if (ext == ".json") return ListFormat::kStix;
  if (ext == ".csv") return ListFormat::kBotnetCsv;
  return ListFormat::kPlain;
}

Result<ImportReport> ImportBytes(std::string_view name, std::string_view data,
                                 const ImportOptions& options) {
  ImportReport report;
  report.format = options.format == ListFormat::kAuto
                      ? DetectListFormat(name, data.substr(0, kSniffBytes))
                      : options.format;
  Collector collector(std::string(name), options, NowOr(options), &report);
  Status status = RunWhole(report.format, data, &collector);
  return Finish(&collector, std::move(status), std::move(report));
}

Result<ImportReport> ImportFile(const std::string& path, const ImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path + ": " + std::strerror(errno), path);
  std::string head(kSniffBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  in.clear();
  in.seekg(0);

  ImportReport report;
  report.format =
      options.format == ListFormat::kAuto ? DetectListFormat(path, head) : options.format;
  Collector collector(path, options, NowOr(options), &report);
  if (IsLineFormat(report.format)) {
    internal::StreamLineSource lines(&in);
    Status status = RunLines(report.format, &lines, &collector);
    if (status.ok()) status = lines.status();
    return Finish(&collector, std::move(status), std::move(report));
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0);
  if (size < 0) return collector.FileError("cannot read the file");
  if (static_cast<uint64_t>(size) > internal::kMaxWholeFileBytes) {
    return collector.FileError(
        "file larger than " + std::to_string(internal::kMaxWholeFileBytes >> 20) + " MiB", 0,
        StatusCode::kResourceExhausted);
  }
  std::string data(static_cast<size_t>(size), '\0');
  in.read(data.data(), size);
  if (in.gcount() != size) return collector.FileError("cannot read the file");
  Status status = RunWhole(report.format, data, &collector);
  return Finish(&collector, std::move(status), std::move(report));
}

}  // namespace vigil::intel
