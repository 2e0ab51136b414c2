// The contract between receivers (syslog listeners, the HTTP batch endpoint, `vigil ingest`) and
// the event pipeline that normalises, stores and evaluates what they receive.
//
// A receiver turns bytes into RawEvents (one syslog message, or one JSON object) and hands them to
// an EventSink in batches. The sink bounds memory: when its queue is full, Submit refuses the batch
// with kResourceExhausted and the receiver applies back-pressure (stops reading a TCP connection,
// answers HTTP 503) or, for UDP, drops and counts it. A batch Submit accepted is made durable
// (committed and fsync'd) by the sink; `on_durable` then tells the receiver, which may only then
// acknowledge it to a sender that waits for that (HTTP).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"

namespace vigil::ingest {

enum class RawKind : uint8_t {
  kSyslog,  // one syslog message without framing (a UDP datagram or one TCP/TLS frame)
  kJson,    // one JSON object (an NDJSON line, an EVTX record rendered as JSON, Suricata EVE, Zeek)
};

struct RawEvent {
  std::string data;
  RawKind kind = RawKind::kJson;
  int64_t received_ns = 0;  // Unix nanoseconds when it arrived; 0: the sink reads the clock
  std::string peer;  // sender IP address as text ("192.0.2.7"), empty when not a network peer
  // Where it arrived: "syslog/udp:514", "syslog/tcp:601", "syslog/tls:6514",
  // "http:<source name>", "file:<path>".
  std::string source;
  int64_t source_org_id = 0;  // organisation the source is registered to (HTTP tokens); 0: none
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Takes the batch, or refuses it whole with kResourceExhausted when the queue is full (the batch
  // is left untouched so it can be resubmitted) or kUnavailable when the sink is stopping.
  // `on_durable` (optional) is called exactly once for an accepted batch, on a pipeline thread,
  // with Ok once every event of it is committed, or the error that lost it. Thread-safe.
  virtual Status Submit(std::vector<RawEvent>& batch,
                        std::function<void(const Status&)> on_durable = {}) = 0;
};

}  // namespace vigil::ingest
