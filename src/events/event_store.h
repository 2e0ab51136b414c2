// The event store: every received event, normalised, in its own SQLite database (events.db in the
// data directory) apart from the main store, so that a high ingest rate and retention deletes
// never hold the main database's write lock.
//
// The store is also the pipeline's durable queue: Append commits (fsync'd, synchronous=FULL)
// before a sender is acknowledged, and detection reads what was committed in id order
// (ReadAfter), keeping its own cursor. Ids only grow (AUTOINCREMENT), also across retention.
// Thread-safe: one writer connection behind a mutex, readers from a small pool.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace vigil::events {

struct StoredEvent {
  int64_t id = 0;           // set by Append
  int64_t time_ms = 0;      // the event's own time, Unix ms UTC
  int64_t received_ms = 0;  // when it arrived
  std::string original_time, host, source_type, source, peer, message, raw;
  // The registered asset and organisation the event belongs to, and the security level of the
  // asset's information system; 0: unknown.
  int64_t org_id = 0, asset_id = 0, system_id = 0;
  int security_level = 0;
};

struct EventQuery {
  int64_t from_ms = 0, to_ms = INT64_MAX;  // event time, inclusive
  std::string host;                        // exact, case-insensitive; empty: any
  std::string source_type;                 // "syslog" | "json"; empty: any
  // Organisations whose events the caller may see (0: the events of no organisation, from
  // senders that are not registered assets); nullopt: every event.
  std::optional<std::vector<int64_t>> orgs;
  // Paging: only events after this one in the order (time, id) descending; INT64_MAX: none.
  int64_t before_id = INT64_MAX;
  size_t limit = 100;
  size_t max_examined = 200'000;  // rows read before giving up (with a cursor to go on)
};

struct SearchPage {
  std::vector<StoredEvent> items;  // newest first: by time, then id, descending
  // The next page's before_id (the last event examined), or 0 when the range is exhausted.
  int64_t next_before_id = 0;
};

// Days to keep events, by the security level of their system (index 1-5; index 0: events of no
// known system), and a cap on the database's size. Days <= 0: keep forever.
struct RetentionPolicy {
  std::array<int, 6> days_by_level = {30, 30, 30, 90, 180, 365};
  int64_t max_bytes = int64_t{20} << 30;
};

struct RetentionReport {
  int64_t deleted_by_age = 0, deleted_by_size = 0;
  int64_t bytes_before = 0, bytes_after = 0;
};

struct EventStoreStats {
  int64_t events = 0, bytes = 0, last_id = 0;
  int64_t oldest_received_ms = 0;  // 0 when empty
};

class EventStore {
 public:
  // Opens (creating if needed) the database at `file`. Errors name the file.
  static Result<std::unique_ptr<EventStore>> Open(const std::filesystem::path& file);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Stores the events in one transaction and sets their ids (in the order given); returns once
  // it is on disk. On error nothing is stored and the ids stay 0.
  Status Append(std::span<StoredEvent* const> events);
  Status Append(std::span<StoredEvent> events);
  // Up to `max` events with id > after_id, in id order.
  Result<std::vector<StoredEvent>> ReadAfter(int64_t after_id, size_t max);
  Result<std::optional<StoredEvent>> Get(int64_t id);
  // Events matching `query` and `accept` (called on each candidate; may be empty), newest first.
  Result<SearchPage> Search(const EventQuery& query,
                            const std::function<bool(const StoredEvent&)>& accept);
  // Calls `visit` on every event matching `query` (its limit and max_examined aside), newest
  // first, until `visit` returns false. Holds a read snapshot for the whole walk.
  Status ForEach(const EventQuery& query, const std::function<bool(StoredEvent&&)>& visit);
  // Deletes events older than their level's retention, then the oldest events while the database
  // is over the cap, and returns the freed pages to the file system.
  Result<RetentionReport> EnforceRetention(const RetentionPolicy& policy, int64_t now_ms);
  Result<EventStoreStats> Stats();
  // Events whose time is at or after `since_ms`.
  Result<int64_t> CountSince(int64_t since_ms);
  // The first id of the oldest block that may hold an event whose time is at or after
  // `since_ms` (events from it on include them all); 0 when no block does.
  Result<int64_t> FirstIdSince(int64_t since_ms);

 private:
  struct Impl;
  explicit EventStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::events
