#include "events/pipeline.h"

#include <chrono>

#include "core/thread_name.h"

namespace vigil::events {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

size_t RawBytes(const ingest::RawEvent& e) {
  return e.data.size() + e.peer.size() + e.source.size() + sizeof(ingest::RawEvent);
}

// The memory a normalised batch holds: several times its raw bytes (the fields, the summary).
size_t Footprint(const CommittedBatch& batch) {
  size_t bytes = 0;
  for (const StoredEvent& e : batch.rows) {
    bytes += sizeof(StoredEvent) + e.original_time.capacity() + e.host.capacity() +
             e.source_type.capacity() + e.source.capacity() + e.peer.capacity() +
             e.message.capacity() + e.raw.capacity();
  }
  for (const detect::Event& f : batch.fields) bytes += f.MemoryBytes();
  return bytes;
}

}  // namespace

Pipeline::Pipeline(EventStore& store, const EventAttributor* attributor, PipelineOptions options)
    : store_(store), attributor_(attributor), options_(std::move(options)) {
  writer_ = std::thread([this] {
    NameThisThread("vigil-writer");
    Run();
  });
}

Pipeline::~Pipeline() { Stop(); }

Status Pipeline::Submit(std::vector<ingest::RawEvent>& batch,
                        std::function<void(const Status&)> on_durable) {
  size_t bytes = 0;
  for (const ingest::RawEvent& e : batch) bytes += RawBytes(e);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return Status(StatusCode::kUnavailable, "the event pipeline is stopping");
    // An empty queue takes any batch, so one larger than the limit still gets through.
    if (queue_bytes_ > 0 && queue_bytes_ + bytes > options_.max_queue_bytes) {
      refused_ += batch.size();
      return Status(StatusCode::kResourceExhausted, "the event queue is full; retry later");
    }
    accepted_ += batch.size();
    queue_bytes_ += bytes;  // reserved now, so that concurrent submitters see it
    ++in_flight_;
  }
  // Normalised here, on the receiver's thread, so that the writer only writes. The queue then
  // counts what the normalised batch holds instead of the raw bytes reserved.
  Pending pending{Prepare(batch), std::move(on_durable), 0};
  pending.bytes = Footprint(pending.batch);
  batch.clear();
  {
    std::lock_guard lock(mutex_);
    queue_bytes_ = queue_bytes_ - bytes + pending.bytes;
    queue_.push_back(std::move(pending));
    --in_flight_;
  }
  wake_.notify_one();
  return Status::Ok();
}

CommittedBatch Pipeline::Prepare(std::vector<ingest::RawEvent>& raws) {
  CommittedBatch batch;
  batch.rows.reserve(raws.size());
  batch.fields.reserve(raws.size());
  batch.parsed.reserve(raws.size());
  NormalisedEvent normalised;
  const int64_t now_ns = NowNs();
  for (ingest::RawEvent& raw : raws) {
    StoredEvent row;
    row.received_ms = (raw.received_ns != 0 ? raw.received_ns : now_ns) / 1'000'000;
    row.source_type = std::string(RawKindName(raw.kind));
    row.source = std::move(raw.source);
    row.peer = raw.peer;
    Status parsed = Normalise(raw.kind, raw.data, row.peer, row.received_ms, &normalised);
    if (parsed.ok()) {
      if (attributor_ != nullptr) attributor_->Attribute(raw, normalised, &row);
      row.time_ms = normalised.time_ms;
      row.original_time = std::move(normalised.original_time);
      row.host = std::move(normalised.host);
      row.message = std::move(normalised.message);
    } else {
      ++unparsed_;
      row.time_ms = row.received_ms;
      row.host = row.peer;
      row.message = "unparsed: " + parsed.message();
    }
    if (row.org_id == 0) row.org_id = raw.source_org_id;
    row.raw = std::move(raw.data);
    batch.rows.push_back(std::move(row));
    batch.parsed.push_back(parsed.ok());
    batch.fields.push_back(parsed.ok() ? std::move(normalised.fields) : detect::Event());
  }
  return batch;
}

void Pipeline::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

PipelineStats Pipeline::stats() const {
  PipelineStats s;
  s.accepted = accepted_;
  s.refused = refused_;
  s.stored = stored_;
  s.unparsed = unparsed_;
  s.commits = commits_;
  s.failed = failed_;
  std::lock_guard lock(mutex_);
  s.queue_bytes = queue_bytes_;
  return s;
}

void Pipeline::Run() {
  std::vector<Pending> work;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return (stopping_ && in_flight_ == 0) || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is committed
      size_t events = 0;
      while (!queue_.empty() && (work.empty() || events < options_.max_commit_events)) {
        events += queue_.front().batch.rows.size();
        queue_bytes_ -= queue_.front().bytes;
        work.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Commit(work);
    work.clear();
  }
}

void Pipeline::Commit(std::vector<Pending>& work) {
  // One transaction for every queued batch, which stay apart: merging them would move each
  // event once more.
  std::vector<StoredEvent*> rows;
  size_t events = 0;
  for (const Pending& p : work) events += p.batch.rows.size();
  rows.reserve(events);
  for (Pending& p : work) {
    for (StoredEvent& row : p.batch.rows) rows.push_back(&row);
  }
  Status committed = store_.Append(rows);
  if (committed.ok()) {
    ++commits_;
    stored_ += rows.size();
  } else {
    failed_ += rows.size();
  }
  for (Pending& pending : work) {
    if (pending.on_durable) pending.on_durable(committed);
  }
  if (!committed.ok() || !options_.on_committed) return;
  for (Pending& pending : work) {
    if (!pending.batch.rows.empty()) options_.on_committed(std::move(pending.batch));
  }
}

}  // namespace vigil::events
