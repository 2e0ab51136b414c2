// 24/7 monitoring inside `vigil serve`: receivers → pipeline → event store → detection → alerts.
//
// Monitoring owns the event store (events.db), the ingest pipeline, the syslog listeners, the
// Sigma rule set and three threads: detection (reads committed events in id order, evaluates the
// rules and correlations, writes alerts and its cursor in one transaction of the main store, so a
// restart neither loses nor repeats an event), maintenance (refreshes the asset directory every
// 30 s, enforces retention every hour) and the listeners' own. Alert changes are published on
// the AlertFeed for live consoles. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "detect/correlation.h"
#include "detect/ruleset.h"
#include "events/event_store.h"
#include "events/pipeline.h"
#include "ingest/syslog_listener.h"
#include "server/alerting.h"
#include "server/asset_directory.h"
#include "store/store.h"

namespace vigil::server {

// Recent alert changes for live consoles: a bounded history of (sequence, alert) that readers
// poll with the last sequence they saw. Thread-safe.
class AlertFeed {
 public:
  explicit AlertFeed(size_t capacity = 2000) : capacity_(capacity) {}
  void Publish(const Json& alert);
  // Changes after `after` (oldest first) and the sequence to poll with next. A reader that fell
  // behind more than the capacity misses the oldest.
  std::vector<Json> Since(uint64_t after, uint64_t* next) const;
  uint64_t last() const;
  // Readers (live streams) connected now: a reader sees only what is published after it
  // connected, so with none there is nothing to publish to.
  void AddReader() { ++readers_; }
  void RemoveReader() { --readers_; }
  bool has_readers() const { return readers_.load() > 0; }

 private:
  size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<std::pair<uint64_t, Json>> ring_;
  uint64_t sequence_ = 0;
  std::atomic<int> readers_{0};
};

struct MonitoringOptions {
  std::filesystem::path data_dir;       // events.db goes here
  std::vector<std::string> rule_paths;  // Sigma rule files or folders
  std::filesystem::path logsource_map;  // empty: the built-in map
  events::RetentionPolicy retention;
  std::chrono::minutes retention_interval{60};
  AlertPolicy alerts;
  ingest::SyslogListenerOptions syslog;  // listeners that are "" stay off
  size_t max_queue_bytes = size_t{64} << 20;
};

struct MonitoringStatus {
  events::EventStoreStats store;
  events::PipelineStats pipeline;
  ingest::SyslogListeners::Stats syslog;
  size_t rules_loaded = 0, rules_refused = 0;
  int64_t detection_cursor = 0;
  uint64_t correlation_evictions = 0;
};

class Monitoring {
 public:
  // Opens events.db, loads the rules (refused rules are logged and counted, not fatal), starts
  // the pipeline, the listeners and the threads. `store` is borrowed and must outlive this.
  static Result<std::unique_ptr<Monitoring>> Start(store::Store& store, MonitoringOptions options);
  ~Monitoring();  // Stop()
  Monitoring(const Monitoring&) = delete;
  Monitoring& operator=(const Monitoring&) = delete;

  // Stops the listeners, commits what is queued, lets detection finish it and joins the threads.
  void Stop();

  ingest::EventSink& sink() { return *pipeline_; }
  events::EventStore& events() { return *events_; }
  AlertFeed& feed() { return feed_; }
  const AssetDirectory& assets() const { return assets_; }
  const ingest::SyslogListeners* syslog() const { return syslog_.get(); }
  MonitoringStatus CurrentStatus();
  // Re-reads assets and systems now.
  void RefreshAssets();
  // Asks for a refresh soon (an asset or system changed; its transaction may not have committed).
  void AssetsChanged();
  // Counts events a log source posted; written to its record by the maintenance thread.
  void CountSourceEvents(int64_t source_id, int64_t events);

 private:
  Monitoring(store::Store& store, MonitoringOptions options);
  void DetectLoop();
  // Correlation windows live in memory: after a restart they are rebuilt from the stored events
  // evaluated before it (those within the longest correlation timespan of the last one, at most
  // kMaxWarmUpEvents), with what fires discarded, as it fired before the restart.
  void WarmUpCorrelations();
  void MaintenanceLoop();
  void FlushSourceCounts();
  // Evaluates a batch of committed events; appends alert hits.
  void Evaluate(const events::CommittedBatch& batch, std::vector<AlertHit>* hits);
  // The next events after the cursor, in id order: the committed batches kept in memory that
  // follow the cursor (up to kDetectBatchFromMemory events), else (after a restart, or when
  // detection fell behind) one batch read from the store. Empty when detection is up to date.
  Result<std::vector<events::CommittedBatch>> NextBatches();
  // The events after `after` read back from the store (kDetectBatch at most), normalised again.
  Result<events::CommittedBatch> ReadFromStore(int64_t after);

  store::Store& store_;
  MonitoringOptions options_;
  std::unique_ptr<events::EventStore> events_;
  AssetDirectory assets_;
  std::unique_ptr<events::Pipeline> pipeline_;
  std::unique_ptr<ingest::SyslogListeners> syslog_;
  detect::LogsourceMap logsource_map_;  // a configured map; declared before the rules using it
  std::unique_ptr<detect::RuleSet> rules_;
  std::unique_ptr<detect::CorrelationEngine> correlations_;
  detect::LoadReport report_;
  AlertFeed feed_;

  std::mutex mutex_;
  std::condition_variable wake_;
  // Last id detection may take (guarded by mutex_): the events up to it were stored before the
  // start, or handed over by the pipeline (to pending_, or left to the store).
  int64_t committed_ = 0;
  // Committed batches not yet evaluated, up to kMaxPendingEvents (guarded by mutex_): the writer
  // waits for room, for a while; then it drops the batch and detection reads it from the store.
  std::deque<events::CommittedBatch> pending_;
  size_t pending_events_ = 0;
  std::condition_variable room_;  // pending_ has room (or stopping_)
  bool stopping_ = false;
  bool assets_dirty_ = false;
  std::map<int64_t, std::pair<int64_t, int64_t>> source_counts_;  // id -> events, last ms
  std::atomic<int64_t> cursor_{0};
  std::thread detect_thread_, maintenance_thread_;
};

}  // namespace vigil::server
