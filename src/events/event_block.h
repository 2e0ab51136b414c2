// Event blocks: the compact binary form in which the event store keeps the events of one group
// commit that share a security level (one SQLite row per block instead of one per event, so that a
// commit costs a few inserts whatever its size).
//
// Layout of a plain block: a version byte (3), the first id as a varint, then per event
//   varint id delta (0 for the first event, > 0 after: ids strictly increase),
//   zigzag varint time_ms and received_ms deltas from the previous event (from 0 for the first),
//   varint org_id, asset_id, system_id,
//   host, source_type, source and peer as varint 0 (the previous event's value) or length + 1 and
//   the bytes,
//   raw as varint length + bytes,
//   original_time and message each as varint 0, offset and length (a slice of raw) or
//   length + 1 and the bytes.
// Version 1, still read, had original_time (as length + bytes) before host and message and raw
// (both as length + bytes) at the end.
// The security level is the block's, kept beside it.
//
// A compressed block (what the store writes) is a version byte (2), the plain block's size as a
// varint, and the plain block compressed as one zstd frame. Event text repeats a lot (syslog
// headers, JSON keys), so this stores 4-8 times fewer bytes and makes the writer's I/O cheaper
// than the compression costs. Readers take both versions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "events/event_store.h"

namespace vigil::events {

enum class BlockCompression { kNone, kZstd };

// Appends the block holding `events` (ids strictly increasing, ids and ids' deltas >= 0) to *out.
void EncodeBlock(std::span<const StoredEvent* const> events, std::string* out,
                 BlockCompression compression = BlockCompression::kZstd);

// Reads a block's events in order. A block that is not well formed (a corrupted file) gives an
// error naming the byte offset, never undefined behaviour.
class BlockReader {
 public:
  BlockReader(std::string_view data, int security_level)
      : data_(data), security_level_(security_level) {}

  // Reads the next event into *event (which may have been moved from); false at the end.
  Result<bool> Next(StoredEvent* event);

 private:
  // Checks the version; a compressed block is decompressed into plain_, which data_ then views.
  Status Start();
  bool Varint(uint64_t* v);
  bool Bytes(std::string* out);
  // 0, offset and length: a slice of `raw`; else length + 1 and the bytes.
  bool Slice(std::string_view raw, std::string* out);
  // 0: *out = *previous; else length + 1 and the bytes, also kept in *previous.
  bool Repeated(std::string* previous, std::string* out);

  std::string_view data_;
  std::string plain_;  // a compressed block's plain form
  int security_level_;
  size_t pos_ = 0;
  bool started_ = false;
  char version_ = 0;  // of the plain block
  int64_t id_ = 0, time_ = 0, received_ = 0;
  std::string host_, source_type_, source_, peer_;  // the previous event's
};

}  // namespace vigil::events
