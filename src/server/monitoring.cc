#include "server/monitoring.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "core/text.h"
#include "core/thread_name.h"
#include "core/time.h"
#include "domain/record.h"
#include "domain/resource.h"
#include "events/normalise.h"

namespace vigil::server {
namespace {

constexpr std::string_view kCursorName = "events";
constexpr size_t kDetectBatch = 2000;              // events read back from the store at a time
constexpr size_t kDetectBatchFromMemory = 20'000;  // handed-over events evaluated at a time
constexpr auto kGatherCommits = std::chrono::milliseconds(100);
constexpr size_t kMaxPendingEvents = 30'000;  // plus the batch detection holds
constexpr auto kMaxDetectionWait = std::chrono::seconds(2);
constexpr int64_t kMaxWarmUpEvents = 2'000'000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

bool IsHostField(std::string_view name) {
  return name == "Computer" || name == "host" || name == "hostname" || name == "host.name" ||
         name == "ComputerName" || name == "Hostname";
}

}  // namespace

void AlertFeed::Publish(const Json& alert) {
  std::lock_guard lock(mutex_);
  ++sequence_;
  if (ring_.size() < capacity_) {
    ring_.emplace_back(sequence_, alert);
  } else {
    ring_[sequence_ % capacity_] = {sequence_, alert};
  }
}

std::vector<Json> AlertFeed::Since(uint64_t after, uint64_t* next) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<uint64_t, const Json*>> newer;
  for (const auto& [seq, alert] : ring_) {
    if (seq > after) newer.emplace_back(seq, &alert);
  }
  std::sort(newer.begin(), newer.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Json> out;
  out.reserve(newer.size());
  for (const auto& entry : newer) out.push_back(*entry.second);
  *next = std::max(after, sequence_);
  return out;
}

uint64_t AlertFeed::last() const {
  std::lock_guard lock(mutex_);
  return sequence_;
}

Monitoring::Monitoring(store::Store& store, MonitoringOptions options)
    : store_(store), options_(std::move(options)) {}

Result<std::unique_ptr<Monitoring>> Monitoring::Start(store::Store& store,
                                                      MonitoringOptions options) {
  std::unique_ptr<Monitoring> m(new Monitoring(store, std::move(options)));
  const MonitoringOptions& o = m->options_;
  VIGIL_ASSIGN_OR_RETURN(m->events_, events::EventStore::Open(o.data_dir / "events.db"));
  VIGIL_RETURN_IF_ERROR(m->assets_.Refresh(store));
  {
    VIGIL_ASSIGN_OR_RETURN(auto tx, store.Begin(store::TxMode::kRead));
    VIGIL_ASSIGN_OR_RETURN(int64_t cursor, tx->DetectionCounter(kCursorName));
    m->cursor_ = cursor;
  }
  // What was stored before this start and not yet evaluated is read back from the store.
  VIGIL_ASSIGN_OR_RETURN(events::EventStoreStats stored, m->events_->Stats());
  m->committed_ = stored.last_id;

  detect::LoadOptions load;
  if (!o.logsource_map.empty()) {
    std::ifstream in(o.logsource_map);
    if (!in) return InvalidArgument("cannot read " + o.logsource_map.string(), "logsource_map");
    std::stringstream text;
    text << in.rdbuf();
    if (detect::MaybeProblem p = detect::LogsourceMap::Parse(text.str(), &m->logsource_map_)) {
      return InvalidArgument(o.logsource_map.string() + ":" + std::to_string(p->line) + ":" +
                                 std::to_string(p->column) + ": " + p->message,
                             "logsource_map");
    }
    load.logsources = &m->logsource_map_;
  }
  m->rules_ = detect::RuleSet::Load(o.rule_paths, load, &m->report_);
  for (const detect::FileProblem& p : m->report_.problems) {
    spdlog::warn("Sigma rule not loaded: {}:{}: {}", p.file, p.problem.line, p.problem.message);
  }
  m->correlations_ = std::make_unique<detect::CorrelationEngine>(*m->rules_);
  spdlog::info("monitoring: {} Sigma rules loaded ({} refused) from {} path(s)",
               m->rules_->rules().size() + m->rules_->correlations().size(),
               m->report_.problems.size(), o.rule_paths.size());

  events::PipelineOptions pipeline;
  pipeline.max_queue_bytes = o.max_queue_bytes;
  Monitoring* self = m.get();
  pipeline.on_committed = [self](events::CommittedBatch&& batch) {
    std::unique_lock lock(self->mutex_);
    // Back-pressure: while detection is kMaxPendingEvents behind, the writer waits for it (and
    // the receivers for the writer), since reading and parsing the events again from the store
    // would cost more. After kMaxDetectionWait (detection stuck) the batch is left to the store.
    const size_t n = batch.rows.size();
    const int64_t last = batch.rows.back().id;
    if (self->room_.wait_for(lock, kMaxDetectionWait, [self, n] {
          return self->stopping_ || self->pending_events_ == 0 ||
                 self->pending_events_ + n <= kMaxPendingEvents;
        })) {
      self->pending_events_ += n;
      self->pending_.push_back(std::move(batch));
    }
    // Only now: detection must not read from the store a batch that is about to be handed over.
    self->committed_ = last;
    self->wake_.notify_all();
  };
  m->pipeline_ = std::make_unique<events::Pipeline>(*m->events_, &m->assets_, pipeline);
  m->detect_thread_ = std::thread([self] {
    NameThisThread("vigil-detect");
    self->DetectLoop();
  });
  m->maintenance_thread_ = std::thread([self] {
    NameThisThread("vigil-maintain");
    self->MaintenanceLoop();
  });
  if (!o.syslog.udp.empty() || !o.syslog.tcp.empty() || !o.syslog.tls.empty()) {
    VIGIL_ASSIGN_OR_RETURN(m->syslog_, ingest::SyslogListeners::Start(o.syslog, *m->pipeline_));
  }
  return m;
}

Monitoring::~Monitoring() { Stop(); }

void Monitoring::Stop() {
  if (syslog_) syslog_->Stop();
  if (pipeline_) pipeline_->Stop();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  room_.notify_all();
  if (detect_thread_.joinable()) detect_thread_.join();
  if (maintenance_thread_.joinable()) maintenance_thread_.join();
}

void Monitoring::RefreshAssets() {
  if (vigil::Status s = assets_.Refresh(store_); !s.ok()) {
    spdlog::warn("monitoring: asset directory not refreshed: {}", s.ToString());
  }
}

MonitoringStatus Monitoring::CurrentStatus() {
  MonitoringStatus s;
  if (auto stats = events_->Stats(); stats.ok()) s.store = *stats;
  s.pipeline = pipeline_->stats();
  if (syslog_) s.syslog = syslog_->stats();
  s.rules_loaded = rules_->rules().size() + rules_->correlations().size();
  s.rules_refused = report_.problems.size();
  s.detection_cursor = cursor_;
  return s;
}

Result<std::vector<events::CommittedBatch>> Monitoring::NextBatches() {
  const int64_t cursor = cursor_;
  std::vector<events::CommittedBatch> batches;
  {
    std::lock_guard lock(mutex_);
    if (cursor >= committed_) return batches;
    while (!pending_.empty() && pending_.front().rows.back().id <= cursor) {
      pending_events_ -= pending_.front().rows.size();
      pending_.pop_front();
    }
    // Several commits are evaluated together: one alert transaction for them all.
    int64_t next = cursor + 1;
    size_t events = 0;
    while (!pending_.empty() && events < kDetectBatchFromMemory &&
           pending_.front().rows.front().id == next) {
      next = pending_.front().rows.back().id + 1;
      events += pending_.front().rows.size();
      batches.push_back(std::move(pending_.front()));
      pending_.pop_front();
    }
    if (!batches.empty()) {
      pending_events_ -= events;
      room_.notify_all();
      return batches;
    }
  }
  VIGIL_ASSIGN_OR_RETURN(events::CommittedBatch batch, ReadFromStore(cursor));
  if (!batch.rows.empty()) batches.push_back(std::move(batch));
  return batches;
}

Result<events::CommittedBatch> Monitoring::ReadFromStore(int64_t after) {
  events::CommittedBatch batch;
  VIGIL_ASSIGN_OR_RETURN(batch.rows, events_->ReadAfter(after, kDetectBatch));
  events::NormalisedEvent normalised;
  for (const events::StoredEvent& row : batch.rows) {
    bool parsed = events::NormaliseStored(row, &normalised).ok();
    batch.parsed.push_back(parsed);
    batch.fields.push_back(parsed ? std::move(normalised.fields) : detect::Event());
  }
  return batch;
}

void Monitoring::Evaluate(const events::CommittedBatch& batch, std::vector<AlertHit>* hits) {
  thread_local detect::RuleSet::Scratch scratch;
  std::vector<detect::Detection> detections;
  std::vector<detect::CorrelationHit> fired;
  auto hit_for = [&](const detect::SigmaRule& rule, const events::StoredEvent& row) {
    AlertHit hit;
    hit.rule = &rule;
    hit.host = row.host;
    hit.event_id = row.id;
    hit.time_ms = row.time_ms;
    hit.org_id = row.org_id;
    hit.asset_id = row.asset_id;
    hit.system_id = row.system_id;
    hit.security_level = row.security_level;
    if (row.asset_id != 0) hit.asset_name = assets_.NameOf(row.asset_id);
    return hit;
  };
  for (size_t i = 0; i < batch.rows.size(); ++i) {
    if (!batch.parsed[i]) continue;  // stored as unparsed; nothing to evaluate
    const events::StoredEvent& row = batch.rows[i];
    const detect::Event& event = batch.fields[i];
    detections.clear();
    rules_->Match(event, scratch, &detections);
    for (const detect::Detection& d : detections) {
      if (!correlations_->empty()) {
        fired.clear();
        correlations_->Observe(d, event, row.time_ms * 1'000'000, &fired);
        for (const detect::CorrelationHit& c : fired) {
          AlertHit hit = hit_for(*c.rule, row);
          for (const auto& [field, value] : c.group) {
            hit.fields[field] = value;
            if (IsHostField(field) && !value.empty()) hit.host = value;
          }
          hit.fields["correlation_value"] = c.value;
          hit.fields["correlation_events"] = c.events;
          hits->push_back(std::move(hit));
        }
        if (!correlations_->Reported(*d.rule)) continue;
      }
      AlertHit hit = hit_for(d.rule->rule, row);
      for (const auto& [field, value] : d.fields) hit.fields[std::string(field)] = value;
      // Keyword rules name no field: show the text they matched in.
      if (hit.fields.empty()) hit.fields["message"] = row.message;
      hits->push_back(std::move(hit));
    }
  }
}

void Monitoring::WarmUpCorrelations() {
  const int64_t cursor = cursor_;
  int64_t span_ms = 0;
  for (const detect::SigmaRule& rule : rules_->correlations()) {
    span_ms = std::max(span_ms, rule.correlation.timespan_seconds * 1000);
  }
  if (correlations_->empty() || cursor == 0 || span_ms == 0) return;
  Result<std::optional<events::StoredEvent>> last = events_->Get(cursor);
  if (!last.ok() || !last->has_value()) return;  // the last evaluated event is past retention
  const int64_t since_ms = (*last)->time_ms - span_ms;
  Result<int64_t> first = events_->FirstIdSince(since_ms);
  if (!first.ok() || *first == 0) return;
  int64_t after = std::max(*first, cursor - kMaxWarmUpEvents + 1) - 1;
  std::vector<AlertHit> discarded;  // fired before the restart
  int64_t replayed = 0;
  while (after < cursor) {
    Result<events::CommittedBatch> batch = ReadFromStore(after);
    if (!batch.ok()) {
      spdlog::warn("detection: correlation windows not rebuilt: {}", batch.status().ToString());
      return;
    }
    if (batch->rows.empty()) break;
    after = batch->rows.back().id;
    // Only the events evaluated before the restart, within the window, are evaluated again.
    for (size_t i = 0; i < batch->rows.size(); ++i) {
      const events::StoredEvent& row = batch->rows[i];
      if (row.id > cursor || row.time_ms < since_ms) batch->parsed[i] = false;
      if (batch->parsed[i]) ++replayed;
    }
    Evaluate(*batch, &discarded);
    discarded.clear();
  }
  spdlog::info("detection: correlation windows rebuilt from {} stored events of the last {} s",
               replayed, span_ms / 1000);
}

void Monitoring::DetectLoop() {
  WarmUpCorrelations();
  std::vector<AlertHit> hits;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1),
                     [this] { return stopping_ || committed_ > cursor_; });
      // Gather commits for a moment: alerts are written per batch, and most cost per batch.
      wake_.wait_for(lock, kGatherCommits,
                     [this] { return stopping_ || pending_events_ >= kDetectBatchFromMemory; });
    }
    // Drain everything committed, also when stopping.
    for (;;) {
      Result<std::vector<events::CommittedBatch>> batches = NextBatches();
      if (!batches.ok()) {
        spdlog::error("detection: cannot read events: {}", batches.status().ToString());
        break;
      }
      if (batches->empty()) break;
      hits.clear();
      for (const events::CommittedBatch& batch : *batches) Evaluate(batch, &hits);
      const int64_t last = batches->back().rows.back().id;
      Result<std::vector<Json>> changed = [&]() -> Result<std::vector<Json>> {
        VIGIL_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
        VIGIL_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                               ApplyAlertHits(*tx, hits, options_.alerts));
        // Read back for live consoles only: without one, nobody would see them.
        std::vector<Json> alerts;
        if (feed_.has_readers()) {
          VIGIL_ASSIGN_OR_RETURN(alerts, ReadAlerts(*tx, ids));
        }
        VIGIL_RETURN_IF_ERROR(tx->SetDetectionCounter(kCursorName, last));
        VIGIL_RETURN_IF_ERROR(tx->Commit());
        return alerts;
      }();
      if (!changed.ok()) {
        spdlog::error("detection: alerts not written (will retry): {}",
                      changed.status().ToString());
        break;
      }
      cursor_ = last;
      for (Json& alert : *changed) feed_.Publish(domain::PublicView(domain::kAlerts, alert));
    }
    // Stopping: everything committed has been evaluated, or what failed is evaluated at restart.
    std::lock_guard lock(mutex_);
    if (stopping_) return;
  }
}

void Monitoring::AssetsChanged() {
  {
    std::lock_guard lock(mutex_);
    assets_dirty_ = true;
  }
  wake_.notify_all();
}

void Monitoring::CountSourceEvents(int64_t source_id, int64_t events) {
  std::lock_guard lock(mutex_);
  auto& [count, last_ms] = source_counts_[source_id];
  count += events;
  last_ms = NowMs();
}

void Monitoring::FlushSourceCounts() {
  std::map<int64_t, std::pair<int64_t, int64_t>> counts;
  {
    std::lock_guard lock(mutex_);
    counts.swap(source_counts_);
  }
  if (counts.empty()) return;
  vigil::Status s = [&]() -> vigil::Status {
    VIGIL_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
    for (const auto& [id, count] : counts) {
      VIGIL_ASSIGN_OR_RETURN(std::optional<Json> source, tx->Get(domain::kIngestSources, id));
      if (!source) continue;  // deleted meanwhile
      VIGIL_RETURN_IF_ERROR(tx->Update(
          domain::kIngestSources, id,
          {{"events", (*source)["events"].get<int64_t>() + count.first},
           {"last_seen",
            FormatTimestamp(Clock::time_point(std::chrono::milliseconds(count.second)))}}));
    }
    return tx->Commit();
  }();
  if (!s.ok()) spdlog::warn("monitoring: log source counters not saved: {}", s.ToString());
}

void Monitoring::MaintenanceLoop() {
  auto next_retention = Clock::now();
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(30), [this] { return stopping_ || assets_dirty_; });
      if (stopping_) break;
      if (assets_dirty_) {
        // Let the request that changed an asset commit first.
        wake_.wait_for(lock, std::chrono::milliseconds(300), [this] { return stopping_; });
        assets_dirty_ = false;
      }
    }
    RefreshAssets();
    FlushSourceCounts();
    if (Clock::now() >= next_retention) {
      next_retention = Clock::now() + options_.retention_interval;
      auto report = events_->EnforceRetention(options_.retention, NowMs());
      if (!report.ok()) {
        spdlog::error("retention: {}", report.status().ToString());
      } else if (report->deleted_by_age + report->deleted_by_size > 0) {
        spdlog::info("retention: {} events past their retention and {} over the size cap deleted",
                     report->deleted_by_age, report->deleted_by_size);
      }
    }
  }
  FlushSourceCounts();
}

}  // namespace vigil::server
