// The shared first stage of `vigil hunt` and `vigil botnet attribute`: find the lines of a block
// of text that hold an indicator of an IndicatorSet, without parsing any other line.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "intel/indicator_set.h"
#include "logs/log_record.h"

namespace vigil::hunt {

// One indicator occurrence: byte offsets into the block and the entry that matched.
struct Found {
  size_t begin = 0, end = 0;
  uint64_t line = 0;  // 0-based line within the block
  intel::IndicatorRef indicator;
};

struct MatchedLine {
  uint64_t index = 0;        // 0-based line number within the block
  std::string_view text;     // without its line end (LF or CRLF)
  std::vector<Found> found;  // in order of position; offsets are into the block
};

// Every line of `text` with at least one match, in order: addresses where grepcidr finds them,
// plus domain names, URLs and hashes when the set has entries of those kinds. With
// `lines_in_text`, also CountLines(text), counted by the address scan as it goes.
std::vector<MatchedLine> FindMatchedLines(std::string_view text, const intel::IndicatorSet& set,
                                          uint64_t* lines_in_text = nullptr);

// Lines in `text`: line feeds, plus one for a final line without a line feed.
uint64_t CountLines(std::string_view text);

// The log format of a file (`forced`, or detected from up to 200 lines of the first 256 KiB of
// its first block), with what its header lines tell (Zeek "#fields") recorded in *context.
logs::LogFormat DetectFileFormat(std::string_view head, std::optional<logs::LogFormat> forced,
                                 logs::FileContext* context);

}  // namespace vigil::hunt
