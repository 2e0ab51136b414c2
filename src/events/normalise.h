// Raw events (a syslog message, a JSON object) to normalised events: the event's time, host and a
// one-line summary, plus the flat field map the Sigma engine evaluates.
//
// JSON objects flatten as detect::ParseJsonEvent does (Windows events, in the EVTX rendering or
// the Winlogbeat shape, get the names Sigma rules use). A syslog message gives the fields
// `facility`, `severity`, `hostname`, `app_name`, `procid`, `msgid`, `message`, `syslog_format`,
// one `<SD-ID>.<PARAM>` per structured-data parameter and, when the text is itself a JSON object,
// that object's fields too. Every event also gets `source_type` ("syslog" or "json"), which the
// log-source map uses to label syslog events (docs/DETECTION.md). Pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "detect/event.h"
#include "events/event_store.h"
#include "ingest/raw_event.h"

namespace vigil::events {

struct NormalisedEvent {
  int64_t time_ms = 0;  // the event's own time, Unix ms UTC; the receive time when it has none
  std::string original_time;  // the time as the event wrote it ("" when it had none)
  std::string host;           // the reporting host as written; for syslog without one, the peer
  std::string message;        // a one-line summary, at most kMaxSummary bytes
  detect::Event fields;
};

inline constexpr size_t kMaxSummary = 500;

// "syslog" or "json".
std::string_view RawKindName(ingest::RawKind kind);

// Normalises one raw event. `received_ms` is used when the event carries no time, and for
// syslog stamps without a year. Errors (kInvalidArgument) say why the bytes are not an event
// (invalid JSON, an empty syslog message); `out` is then unspecified.
Status Normalise(ingest::RawKind kind, std::string_view data, std::string_view peer,
                 int64_t received_ms, NormalisedEvent* out);

// Normalises a stored event again from its raw bytes, as ingestion did, so that search,
// detection reading back from the store and retro-hunts see the fields ingestion saw.
Status NormaliseStored(const StoredEvent& event, NormalisedEvent* out);

}  // namespace vigil::events
