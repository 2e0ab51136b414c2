// Windows XML Event Log (.evtx) reader: file header, 64 KiB chunks, records and Binary XML
// (templates, substitutions, nested BinXML), rendered as JSON in the shape of the Rust evtx
// crate's `evtx_dump -o json` (see README.md). Pure functions over borrowed bytes; thread-safe;
// nothing throws and every input, however damaged, is safe.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "core/status.h"

namespace vigil::evtx {

struct Record {
  uint64_t record_id = 0;
  int64_t time_unix_ns = 0;  // the record header's written time (FILETIME), clamped to int64
  std::string json;          // {"Event":{...}}, one line
};

// A damaged chunk or record, reported and skipped. `offset` is the byte offset in the file of the
// chunk or record concerned.
struct Problem {
  uint64_t offset = 0;
  std::string message;
};

// Parses a whole .evtx file held in memory. Calls on_record for each record in file order and
// on_problem for each damaged chunk or record (then continues with the next one). Returns
// kInvalidArgument only when the bytes are not an EVTX file at all (no "ElfFile\0" magic).
Status ReadEvtx(std::span<const uint8_t> file, const std::function<void(const Record&)>& on_record,
                const std::function<void(const Problem&)>& on_problem);

// True when `head` starts with the EVTX file magic "ElfFile\0" (content detection).
bool LooksLikeEvtx(std::span<const uint8_t> head);

}  // namespace vigil::evtx
