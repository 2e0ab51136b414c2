// A normalised event for detection: a flat list of (name, value) fields over one owned buffer
// (or, from ParseJsonEventBorrowed, views into the JSON parser's memory).
//
// Nested JSON flattens to dotted names (`process.parent.name`); arrays give one field per
// element under the same name. Windows events, whether shaped like the EVTX rendering
// (`Event.System.*`, `Event.EventData.*`) or like Winlogbeat (`winlog.*`), expose the names
// Sigma rules use: EventID, Channel, Provider_Name, Computer, EventRecordID, the EventData
// names (Image, CommandLine, ...) and UserData leaves by their own names.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace vigil::detect {

enum class ValueKind : uint8_t { kString, kNumber, kBool, kNull };

class Event {
 public:
  struct Field {
    std::string_view name;
    std::string_view value;  // numbers as written; booleans as true/false; null as empty
    ValueKind kind;
  };

  Event() = default;
  // Copies and moves carry the fields, copied into the new event's own buffer: borrowed views
  // (AddBorrowed) are never carried over, so a copy or moved-to event outlives what it borrowed.
  Event(const Event& other) : source(other.source), record(other.record) { CopyFields(other); }
  Event(Event&& other) noexcept : source(std::move(other.source)), record(other.record) {
    if (other.borrowed_) {
      CopyFields(other);
    } else {
      buffer_ = std::move(other.buffer_);
      stored_ = std::move(other.stored_);
    }
    other.Clear();
  }
  Event& operator=(const Event& other) {
    if (this != &other) *this = Event(other);
    return *this;
  }
  Event& operator=(Event&& other) noexcept {
    if (this == &other) return *this;
    source = std::move(other.source);
    record = other.record;
    if (other.borrowed_) {
      CopyFields(other);
    } else {
      buffer_ = std::move(other.buffer_);
      stored_ = std::move(other.stored_);
      borrowed_ = false;
      views_valid_ = false;
    }
    other.Clear();
    return *this;
  }
  ~Event() = default;

  void Clear();
  // Copies name and value into the event.
  void Add(std::string_view name, std::string_view value, ValueKind kind);
  // Room for `fields` fields holding `bytes` of names and values, so adding them does not grow
  // the buffers step by step.
  void Reserve(size_t bytes, size_t fields) {
    buffer_.reserve(bytes);
    stored_.reserve(fields);
  }
  // Like Add, but the name (borrow_name) and the value (borrow_value) are kept as views: the
  // caller keeps their bytes alive, unchanged, as long as this event holds them (until Clear, the
  // next parse into it, or its destruction). Copies and moves copy them.
  void AddBorrowed(std::string_view name, bool borrow_name, std::string_view value,
                   bool borrow_value, ValueKind kind);
  // The fields in insertion order. Views stay valid until the next Add or Clear.
  std::span<const Field> fields() const;
  // Calls each(const Field&) for the fields in insertion order, like iterating fields() but
  // without building (and allocating) its array of views: for a single pass per event.
  template <typename F>
  void ForEachField(F&& each) const {
    for (const Stored& s : stored_) each(Field{NameOf(s), ValueOf(s), s.kind});
  }
  size_t field_count() const { return stored_.size(); }
  // The first value of `name`, or nullptr.
  const Field* Find(std::string_view name) const;
  // Whether one of the first `count` fields is called `name` (without building fields()).
  bool HasField(std::string_view name, size_t count = SIZE_MAX) const;

  // The memory the event holds, itself included (for bounding queues of events).
  size_t MemoryBytes() const {
    return sizeof(Event) + buffer_.capacity() + stored_.capacity() * sizeof(Stored) +
           views_.capacity() * sizeof(Field) + source.capacity();
  }
  // Where the event came from, for output: a file and a record id or 1-based line.
  std::string source;
  uint64_t record = 0;

 private:
  // A name or value: `external` when borrowed, else `offset` into buffer_.
  struct Stored {
    const char* name_external;
    const char* value_external;
    uint32_t name_offset, name_size, value_offset, value_size;
    ValueKind kind;
  };
  std::string_view NameOf(const Stored& s) const {
    return {s.name_external != nullptr ? s.name_external : buffer_.data() + s.name_offset,
            s.name_size};
  }
  std::string_view ValueOf(const Stored& s) const {
    return {s.value_external != nullptr ? s.value_external : buffer_.data() + s.value_offset,
            s.value_size};
  }
  void CopyFields(const Event& other);
  std::string buffer_;
  std::vector<Stored> stored_;
  bool borrowed_ = false;  // some field is a borrowed view
  mutable std::vector<Field> views_;
  mutable bool views_valid_ = false;
};

// Fills `out` (cleared first) from one JSON object. Errors are kInvalidArgument naming the byte
// offset; a document nested deeper than 64 levels is an error.
Status ParseJsonEvent(std::string_view json, Event* out);
// The same, but `out`'s names and string values are views into this thread's JSON parser (not
// into `json`), valid until the next ParseJsonEvent or ParseJsonEventBorrowed on this thread:
// for scanning one event at a time (`vigil sigma scan`) without copying strings. Copies and
// moves of `out` own their fields.
Status ParseJsonEventBorrowed(std::string_view json, Event* out);

// A whole JSON document: an object is one event, an array of objects one event per element
// (`index` counts from 0; elements that are not objects are skipped). Errors name the reason.
Status ParseJsonDocument(std::string_view json,
                         const std::function<void(Event& event, size_t index)>& each);

// The event's time in Unix nanoseconds from its usual fields (EVTX SystemTime, @timestamp,
// timestamp, ts, time, ...), or 0 when it has none that parses. `written` (optional) is set to
// the value it was read from.
int64_t EventTime(const Event& event, std::string_view* written = nullptr);
// The event's host (Computer, host.name, hostname, ...) or empty.
std::string_view EventHost(const Event& event);

}  // namespace vigil::detect
