// Checks every log-parser fuzzer runs on a ParseLine result (abort() on violation): an error is
// kInvalidArgument naming a field with a message; a record has ports in range, no negative time
// and text fields that are valid UTF-8 (and, with `clean_text`, free of control bytes).
#pragma once

#include <cstdlib>
#include <string>

#include "core/text.h"
#include "logs/log_record.h"

namespace vigil::fuzz {

inline void Check(bool condition) {
  if (!condition) std::abort();
}

// The record when parsing succeeded and passed the shared checks; nullptr for a proper error.
inline const logs::LogRecord* CheckRecord(const Result<logs::LogRecord>& record,
                                          bool clean_text = true) {
  if (!record.ok()) {
    Check(record.status().code() == StatusCode::kInvalidArgument);
    Check(!record.status().where().empty() && !record.status().message().empty());
    return nullptr;
  }
  for (const int port :
       {record->src_port, record->dst_port, record->nat_src_port, record->nat_dst_port}) {
    Check(port >= 0 && port <= 65535);
  }
  Check(record->time >= 0);
  for (const std::string* text : {&record->proto, &record->action, &record->name, &record->url}) {
    Check(IsValidUtf8(*text));
    if (!clean_text) continue;
    for (const char c : *text) Check(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
  }
  return &record.value();
}

}  // namespace vigil::fuzz
