// `vigil hunt`: finds every occurrence of a list's indicators in log files.
//
// Addresses are found where grepcidr finds them (address_scanner.h) and looked up in an
// IndicatorSet; when the set holds names, URLs or hashes, tokens of those shapes are looked up too.
// Only lines with a match are parsed with the file's log format (detected per file from its first
// lines unless fixed), which supplies time, addresses, ports and NAT fields for the report and the
// --since/--until filter. Blocks of lines are scanned in parallel and reported in input order.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/status.h"
#include "intel/indicator_set.h"
#include "logs/log_record.h"

namespace vigil::hunt {

enum class OutputMode {
  kLines,  // each matching line once, as grep/grepcidr print it ("file:" prefix with many files)
  kJsonl,  // one JSON object per match (see docs/HUNTING.md for the fields)
};

struct HuntOptions {
  std::optional<logs::LogFormat> format;  // nullopt: detect per file
  int64_t since = 0;                      // Unix seconds; 0 = open. Matches on lines whose time
  int64_t until = 0;                      // is known and outside [since, until] are dropped.
  int threads = 1;
  OutputMode output = OutputMode::kLines;
  bool with_file_names = false;      // prefix lines with "file:" (kLines)
  int tz_offset_seconds = 7 * 3600;  // for log times without an offset, and for output
  size_t block_bytes = size_t{8} << 20;
};

struct HuntStats {
  uint64_t files = 0;
  uint64_t bytes = 0;  // uncompressed bytes scanned
  uint64_t lines = 0;
  uint64_t matched_lines = 0;  // lines reported
  uint64_t matches = 0;        // addresses / names reported
  uint64_t malformed = 0;      // matched lines the file's format could not parse
  uint64_t filtered = 0;       // matches dropped by --since/--until
};

class Hunter {
 public:
  // `set` must outlive the Hunter. Output goes to `out`.
  Hunter(const intel::IndicatorSet& set, HuntOptions options, std::FILE* out);

  // Hunts one input ("-" for standard input). Errors (unreadable, corrupt compression) name the
  // file; matches found before an error have been written.
  Status HuntPath(const std::string& path);

  const HuntStats& stats() const { return stats_; }

  // Called after each block with (bytes scanned so far in this input, its size or 0).
  std::function<void(uint64_t, uint64_t)> on_progress;

 private:
  struct BlockResult;
  // `line_prefix` starts each reported line (kLines): "file:" or nothing.
  BlockResult ScanBlock(std::string_view text, logs::LogFormat format,
                        const logs::FileContext& context, const std::string& line_prefix) const;
  void Emit(const std::string& path, const BlockResult& result);
  nlohmann::ordered_json MatchJson(std::string_view value, intel::IndicatorRef indicator,
                                   logs::LogFormat format,
                                   const std::optional<logs::LogRecord>& record,
                                   const std::string& parse_error) const;

  const intel::IndicatorSet& set_;
  HuntOptions options_;
  std::FILE* out_;
  HuntStats stats_;
  uint64_t line_base_ = 0;   // lines before the current block in the current input
  std::string emit_buffer_;  // kJsonl, kept between blocks: a fresh one per block costs page faults
};

}  // namespace vigil::hunt
