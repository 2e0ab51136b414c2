// The ingest pipeline: receivers Submit raw events (ingest::EventSink), which are normalised and
// attributed to a registered asset (EventAttributor) on the submitting thread, so that several
// receivers normalise in parallel; one writer thread appends them to the EventStore in group
// commits: whatever is queued, up to max_commit_events, goes into one
// fsync'd transaction, so the commit rate adapts to the load. A batch's on_durable runs after its
// commit; then `on_committed` hands each submitted batch's committed rows, with the fields
// normalisation gave them, to detection, which need not read and parse them again.
//
// Memory is bounded by max_queue_bytes of events waiting (what the normalised events hold; their
// raw bytes while they are being normalised): beyond it Submit refuses with kResourceExhausted
// and the receiver applies back-pressure. An event that cannot be parsed is
// still stored (message "unparsed: <reason>"), so nothing received is lost.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "events/event_store.h"
#include "events/normalise.h"
#include "ingest/raw_event.h"

namespace vigil::events {

// Sets a new event's org_id, asset_id, system_id and security_level (all 0 on entry) from what
// is known of its sender and host. Called on the submitting threads, concurrently: thread-safe.
class EventAttributor {
 public:
  virtual ~EventAttributor() = default;
  virtual void Attribute(const ingest::RawEvent& raw, const NormalisedEvent& normalised,
                         StoredEvent* event) const = 0;
};

// One group commit: the stored rows (ids set) and, for each, its normalised fields (`parsed`
// false and the fields empty for an event stored unparsed).
struct CommittedBatch {
  std::vector<StoredEvent> rows;
  std::vector<detect::Event> fields;
  std::vector<bool> parsed;
};

struct PipelineOptions {
  size_t max_queue_bytes = size_t{64} << 20;
  size_t max_commit_events = 20'000;
  // Called on the writer thread after each commit, once per submitted batch in it, in id order;
  // may keep the batch. Optional.
  std::function<void(CommittedBatch&& batch)> on_committed;
};

struct PipelineStats {
  uint64_t accepted = 0;  // events Submit took
  uint64_t refused = 0;   // events Submit refused (queue full)
  uint64_t stored = 0;
  uint64_t unparsed = 0;  // stored with a parse error
  uint64_t commits = 0;
  uint64_t failed = 0;  // events lost to a failed commit (reported to their senders)
  size_t queue_bytes = 0;
};

class Pipeline final : public ingest::EventSink {
 public:
  // Starts the writer thread. `store` and `attributor` (may be null) are borrowed and must
  // outlive the pipeline.
  Pipeline(EventStore& store, const EventAttributor* attributor, PipelineOptions options);
  ~Pipeline() override;  // Stop()
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  Status Submit(std::vector<ingest::RawEvent>& batch,
                std::function<void(const Status&)> on_durable = {}) override;
  // Refuses new batches, commits what is queued and joins the writer. Idempotent.
  void Stop();
  PipelineStats stats() const;

 private:
  struct Pending {
    CommittedBatch batch;  // normalised, not yet stored
    std::function<void(const Status&)> on_durable;
    size_t bytes = 0;
  };
  void Run();
  // Normalises and attributes raw events into rows (moving their bytes out).
  CommittedBatch Prepare(std::vector<ingest::RawEvent>& raws);
  void Commit(std::vector<Pending>& work);

  EventStore& store_;
  const EventAttributor* attributor_;
  PipelineOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  size_t queue_bytes_ = 0;
  int in_flight_ = 0;  // accepted batches being normalised by their submitters
  bool stopping_ = false;
  std::atomic<uint64_t> accepted_{0}, refused_{0}, stored_{0}, unparsed_{0}, commits_{0},
      failed_{0};
  std::thread writer_;
};

}  // namespace vigil::events
