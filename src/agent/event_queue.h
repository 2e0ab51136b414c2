// The agent's outbox: events (detections, scan results, task results) kept on disk until the
// server acknowledges them, so that nothing is lost across a server outage or a reboot.
//
// SQLite in WAL mode with synchronous=FULL: an Append that returned OK survives a crash. Each
// event gets the next sequence number (never reused, also after a restart), which the server uses
// to apply every event exactly once. The queue is bounded: when it holds `max_events`, appending
// drops the oldest and counts them (dropped()), which the agent reports in its heartbeat.
// Not thread-safe; one process owns the file.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

struct sqlite3;

namespace vigil::agent {

struct QueuedEvent {
  int64_t seq = 0;
  nlohmann::json event;  // with "seq" set
};

class EventQueue {
 public:
  static Result<std::unique_ptr<EventQueue>> Open(const std::string& path, int64_t max_events);
  ~EventQueue();
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Stores `event` (an object) with the next sequence number, durably; returns the number.
  Result<int64_t> Append(nlohmann::json event);
  // Up to `limit` of the oldest events, in sequence order.
  Result<std::vector<QueuedEvent>> Oldest(size_t limit);
  // Forgets every event with seq <= `seq` (the server has them).
  Status Acknowledge(int64_t seq);
  Result<int64_t> Size();
  // Events dropped because the queue was full, since it was created.
  int64_t dropped() const { return dropped_; }

 private:
  EventQueue(sqlite3* db, int64_t max_events, int64_t next_seq, int64_t dropped)
      : db_(db), max_events_(max_events), next_seq_(next_seq), dropped_(dropped) {}
  Status Exec(const char* sql);

  sqlite3* db_;
  int64_t max_events_;
  int64_t next_seq_;
  int64_t dropped_;
};

}  // namespace vigil::agent
