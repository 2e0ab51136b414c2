// Importers for indicator lists: the national botnet list (CSV or XLSX with Vietnamese or English
// headers), plain text and FireHOL sets, Spamhaus DROP (text and JSON), abuse.ch Feodo CSV,
// STIX 2.1 bundles, MISP feed CSV and MISP event JSON.
//
// Every importer reports each bad entry with file, line and field and a reason, and then either
// keeps going (lenient) or returns nothing but the error (strict, all-or-nothing). Importers never
// throw and never crash on any input (each has a libFuzzer target).
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "intel/indicator.h"

namespace vigil::intel {

enum class ListFormat {
  kAuto,              // decided from the file name and the first bytes
  kBotnetCsv,         // spreadsheet export with a header row (column mapping below)
  kBotnetXlsx,        // the same as an .xlsx workbook (first sheet)
  kPlain,             // one entry per line, '#' or ';' comments; FireHOL .ipset/.netset
  kSpamhausDrop,      // "1.10.16.0/20 ; SBL256894"
  kSpamhausDropJson,  // one JSON object per line: {"cidr":"1.10.16.0/20","sblid":"SBL256894",...}
  kFeodoCsv,          // abuse.ch Feodo Tracker ipblocklist.csv
  kStix,              // STIX 2.1 bundle (JSON)
  kMispCsv,           // MISP feed CSV / attributes CSV export
  kMispJson,          // MISP event JSON ({"Event":{...,"Attribute":[...]}})
};

std::string_view ListFormatName(ListFormat format);  // "auto", "botnet-csv", "xlsx", "plain", ...
Result<ListFormat> ParseListFormat(std::string_view name);

// Logical columns of a botnet list. Headers are matched case- and diacritic-insensitively against
// the usual Vietnamese and English names ("Địa chỉ IP"/"IP"/"IP address" -> kIp, "Thời gian"/
// "Time" -> kTime, "Tên mạng botnet"/"Mã độc"/"Malware" -> kFamily, "Cổng"/"Port" -> kPort,
// "IP đích"/"Destination IP" -> kDestIp, "Cổng đích" -> kDestPort, "Nhà mạng"/"ISP" -> kIsp, ...).
enum class Column { kIp, kTime, kFamily, kPort, kDestIp, kDestPort, kIsp, kTags, kConfidence };

std::string_view ColumnName(Column column);  // "ip", "time", "family", "port", "dest_ip", ...
Result<Column> ParseColumn(std::string_view name);  // the names above, for --column ip=...

struct ImportOptions {
  ListFormat format = ListFormat::kAuto;
  bool strict = true;                         // all-or-nothing; lenient keeps the good entries
  std::string source;                         // Indicator::source; default: the file's base name
  int64_t now = 0;                            // import time (Unix seconds); 0 = the clock
  int64_t ttl_seconds = int64_t{90} * 86400;  // expires = (last_seen or now) + ttl, unless the feed
                                              // says (STIX valid_until); <= 0: entries never expire
  int tz_offset_seconds = 7 * 3600;           // for times written without an offset (+07:00)
  // Explicit column mapping, overriding detection: logical column -> header text as written
  // (or "#3" for the third column, 1-based).
  std::map<Column, std::string> columns;
  bool allow = false;        // mark every imported entry as an allow-list entry
  size_t max_issues = 1000;  // issues kept in the report (counting goes on)
  // When set, each accepted entry is handed to `sink` as soon as it is read instead of being
  // kept in ImportReport::indicators, so a list of millions of entries never sits in memory
  // twice. In strict mode a later bad entry still fails the import: the caller must then drop
  // what the sink received.
  std::function<void(Indicator&&)> sink;
};

struct ImportIssue {
  std::string file;
  int64_t line = 0;   // 1-based; for XLSX the spreadsheet row; 0 for JSON documents
  std::string field;  // column header as written, or JSON path ("objects[3].pattern");
                      // empty when the whole line is at fault
  std::string reason;
};

struct ImportReport {
  ListFormat format = ListFormat::kAuto;  // the format actually read
  std::vector<Indicator> indicators;
  std::vector<ImportIssue> issues;  // at most max_issues
  int64_t records = 0;              // entries read (good + bad), comments excluded
  int64_t rejected = 0;             // bad entries (may exceed issues.size())
  int64_t expired = 0;              // read fine but already expired at `now`
  int64_t skipped = 0;  // entries of kinds Vigil does not match on (MISP "text", STIX "yara"
                        // patterns, revoked or deleted entries): neither records nor issues
  std::map<Column, std::string> columns;  // the mapping used (botnet CSV/XLSX)
};

// Reads a file (plain, or by content sniffing; .gz not needed). `name` is used in issues.
// Strict mode: the first bad entry makes the whole import fail with a Status whose where() is
// "file:line:field" ("file:line" when no field) and whose message is the reason.
// In both modes a problem with the input as a whole (not a workbook, invalid JSON, no header row
// with an IP column in the first 20 rows, a zip bomb) is an error Status with where() "file" or
// "file:line" (kResourceExhausted for size limits). ImportFile streams the line formats (plain,
// DROP, DROP JSON) in bounded memory and reads other formats whole (at most 512 MiB); it uses
// `path` as written in issues.
Result<ImportReport> ImportFile(const std::string& path, const ImportOptions& options);
Result<ImportReport> ImportBytes(std::string_view name, std::string_view data,
                                 const ImportOptions& options);

// Auto-detection, exposed for tests and the CLI's messages.
ListFormat DetectListFormat(std::string_view name, std::string_view head);

}  // namespace vigil::intel
