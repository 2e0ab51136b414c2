#include "events/event_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <mutex>

namespace vigil::events {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  received INTEGER NOT NULL,
  original_time TEXT NOT NULL,
  host TEXT NOT NULL,
  source_type TEXT NOT NULL,
  source TEXT NOT NULL,
  peer TEXT NOT NULL,
  org_id INTEGER,
  asset_id INTEGER,
  system_id INTEGER,
  security_level INTEGER NOT NULL,
  message TEXT NOT NULL,
  raw TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_time ON events(time);
CREATE INDEX IF NOT EXISTS events_host ON events(host COLLATE NOCASE, time);
CREATE INDEX IF NOT EXISTS events_retention ON events(security_level, received);
)sql";

constexpr const char* kColumns =
    "id, time, received, original_time, host, source_type, source, peer, org_id, asset_id, "
    "system_id, security_level, message, raw";

// One prepared statement, finalised on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() const { return stmt_; }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void BindOptional(int i, int64_t v) {
    if (v == 0) {
      sqlite3_bind_null(stmt_, i);
    } else {
      Bind(i, v);
    }
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p == nullptr ? std::string()
                        : std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

Status SqlError(sqlite3* db, std::string_view what) {
  return Internal("event store: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

Status Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errmsg(db);
    sqlite3_free(error);
    return Internal("event store: " + message);
  }
  return Status::Ok();
}

StoredEvent ReadRow(const Statement& s) {
  StoredEvent e;
  e.id = s.Int(0);
  e.time_ms = s.Int(1);
  e.received_ms = s.Int(2);
  e.original_time = s.Text(3);
  e.host = s.Text(4);
  e.source_type = s.Text(5);
  e.source = s.Text(6);
  e.peer = s.Text(7);
  e.org_id = s.Int(8);
  e.asset_id = s.Int(9);
  e.system_id = s.Int(10);
  e.security_level = static_cast<int>(s.Int(11));
  e.message = s.Text(12);
  e.raw = s.Text(13);
  return e;
}

Result<sqlite3*> OpenConnection(const std::filesystem::path& file, bool writer) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status(StatusCode::kUnavailable, "cannot open " + file.string() + ": " + message);
  }
  sqlite3_busy_timeout(db, 10'000);
  return db;
}

}  // namespace

struct EventStore::Impl {
  std::filesystem::path file;
  std::mutex write_mutex;
  sqlite3* writer = nullptr;
  std::mutex pool_mutex;
  std::vector<sqlite3*> readers;  // idle read connections

  ~Impl() {
    for (sqlite3* db : readers) sqlite3_close(db);
    sqlite3_close(writer);
  }

  // A read connection from the pool (or a new one); give it back with Release.
  Result<sqlite3*> Acquire() {
    {
      std::lock_guard lock(pool_mutex);
      if (!readers.empty()) {
        sqlite3* db = readers.back();
        readers.pop_back();
        return db;
      }
    }
    return OpenConnection(file, false);
  }
  void Release(sqlite3* db) {
    std::lock_guard lock(pool_mutex);
    if (readers.size() < 8) {
      readers.push_back(db);
    } else {
      sqlite3_close(db);
    }
  }
};

EventStore::EventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventStore::~EventStore() = default;

Result<std::unique_ptr<EventStore>> EventStore::Open(const std::filesystem::path& file) {
  auto impl = std::make_unique<Impl>();
  impl->file = file;
  VIGIL_ASSIGN_OR_RETURN(impl->writer, OpenConnection(file, true));
  sqlite3* db = impl->writer;
  // auto_vacuum must be chosen before the first table exists; on an existing file it is a no-op.
  Status s = Exec(db,
                  "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; "
                  "PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;");
  if (s.ok()) s = Exec(db, kSchema);
  if (!s.ok()) return Status(s.code(), file.string() + ": " + s.message());
  return std::unique_ptr<EventStore>(new EventStore(std::move(impl)));
}

Status EventStore::Append(std::span<StoredEvent> events) {
  if (events.empty()) return Status::Ok();
  std::lock_guard lock(impl_->write_mutex);
  sqlite3* db = impl_->writer;
  VIGIL_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  Statement insert(db,
                   "INSERT INTO events (time, received, original_time, host, source_type, "
                   "source, peer, org_id, asset_id, system_id, security_level, message, raw) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  Status status = insert.ok() ? Status::Ok() : SqlError(db, "prepare insert");
  for (size_t i = 0; status.ok() && i < events.size(); ++i) {
    const StoredEvent& e = events[i];
    insert.Bind(1, e.time_ms);
    insert.Bind(2, e.received_ms);
    insert.Bind(3, e.original_time);
    insert.Bind(4, e.host);
    insert.Bind(5, e.source_type);
    insert.Bind(6, e.source);
    insert.Bind(7, e.peer);
    insert.BindOptional(8, e.org_id);
    insert.BindOptional(9, e.asset_id);
    insert.BindOptional(10, e.system_id);
    insert.Bind(11, int64_t{e.security_level});
    insert.Bind(12, e.message);
    insert.Bind(13, e.raw);
    if (insert.Step() != SQLITE_DONE) status = SqlError(db, "insert");
    insert.Reset();
  }
  if (status.ok()) status = Exec(db, "COMMIT");
  if (!status.ok()) {
    (void)Exec(db, "ROLLBACK");
    return status;
  }
  // Rowids of one transaction's inserts are consecutive: the writer is the only one.
  int64_t last = sqlite3_last_insert_rowid(db);
  for (size_t i = 0; i < events.size(); ++i) {
    events[i].id = last - static_cast<int64_t>(events.size() - 1 - i);
  }
  return Status::Ok();
}

Result<std::vector<StoredEvent>> EventStore::ReadAfter(int64_t after_id, size_t max) {
  VIGIL_ASSIGN_OR_RETURN(sqlite3 * db, impl_->Acquire());
  std::vector<StoredEvent> out;
  Status status;
  {
    Statement s(
        db, (std::string("SELECT ") + kColumns + " FROM events WHERE id > ? ORDER BY id LIMIT ?")
                .c_str());
    if (!s.ok()) {
      status = SqlError(db, "prepare read");
    } else {
      s.Bind(1, after_id);
      s.Bind(2, static_cast<int64_t>(max));
      int rc = 0;
      while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadRow(s));
      if (rc != SQLITE_DONE) status = SqlError(db, "read");
    }
  }
  impl_->Release(db);
  if (!status.ok()) return status;
  return out;
}

Result<std::optional<StoredEvent>> EventStore::Get(int64_t id) {
  VIGIL_ASSIGN_OR_RETURN(auto events, ReadAfter(id - 1, 1));
  if (events.empty() || events[0].id != id) return std::optional<StoredEvent>();
  return std::optional<StoredEvent>(std::move(events[0]));
}

Status EventStore::ForEach(const EventQuery& q, const std::function<bool(StoredEvent&&)>& visit) {
  // Newest first by (time, id), which the time and host indexes give without sorting. The
  // cursor is an id; the scan goes on below that event's (time, id).
  int64_t upper_time = q.to_ms;
  int64_t upper_id = INT64_MAX;
  if (q.before_id != INT64_MAX) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<StoredEvent> cursor, Get(q.before_id));
    if (cursor) {
      upper_time = std::min(upper_time, cursor->time_ms);
      upper_id = q.before_id;
    }
  }
  std::string sql = std::string("SELECT ") + kColumns +
                    " FROM events WHERE time >= ?2 AND (time < ?3 OR (time = ?3 AND id < ?1))";
  if (!q.host.empty()) sql += " AND host = ?4 COLLATE NOCASE";
  if (!q.source_type.empty()) sql += " AND source_type = ?5";
  if (q.orgs) {
    sql += " AND (org_id IN (";
    for (size_t i = 0; i < q.orgs->size(); ++i) {
      sql += (i ? "," : "") + std::to_string((*q.orgs)[i]);
    }
    const bool none = std::find(q.orgs->begin(), q.orgs->end(), 0) != q.orgs->end();
    sql += none ? ") OR org_id IS NULL)" : "))";
  }
  sql += " ORDER BY time DESC, id DESC";
  VIGIL_ASSIGN_OR_RETURN(sqlite3 * db, impl_->Acquire());
  Status status;
  {
    Statement s(db, sql.c_str());
    if (!s.ok()) {
      status = SqlError(db, "prepare search");
    } else {
      s.Bind(1, upper_id);
      s.Bind(2, q.from_ms);
      s.Bind(3, upper_time);
      if (!q.host.empty()) s.Bind(4, q.host);
      if (!q.source_type.empty()) s.Bind(5, q.source_type);
      int rc = 0;
      while ((rc = s.Step()) == SQLITE_ROW) {
        if (!visit(ReadRow(s))) break;
      }
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) status = SqlError(db, "search");
    }
  }
  impl_->Release(db);
  return status;
}

Result<SearchPage> EventStore::Search(const EventQuery& q,
                                      const std::function<bool(const StoredEvent&)>& accept) {
  SearchPage page;
  size_t examined = 0;
  int64_t last = 0;
  VIGIL_RETURN_IF_ERROR(ForEach(q, [&](StoredEvent&& e) {
    ++examined;
    last = e.id;
    if (!accept || accept(e)) page.items.push_back(std::move(e));
    return page.items.size() < q.limit && examined < q.max_examined;
  }));
  // More may follow when the page filled up or the examination budget ran out.
  if (page.items.size() >= q.limit || examined >= q.max_examined) page.next_before_id = last;
  return page;
}

Result<RetentionReport> EventStore::EnforceRetention(const RetentionPolicy& policy,
                                                     int64_t now_ms) {
  std::lock_guard lock(impl_->write_mutex);
  sqlite3* db = impl_->writer;
  RetentionReport report;
  auto size = [db]() -> int64_t {
    Statement s(db,
                "SELECT (SELECT page_count FROM pragma_page_count()) - "
                "(SELECT freelist_count FROM pragma_freelist_count()), "
                "(SELECT page_size FROM pragma_page_size())");
    if (!s.ok() || s.Step() != SQLITE_ROW) return 0;
    return s.Int(0) * s.Int(1);
  };
  report.bytes_before = size();
  // In batches, so that ingestion waits for at most one batch.
  constexpr int64_t kBatch = 20'000;
  auto delete_batch = [&](const char* sql, auto bind) -> Result<int64_t> {
    Statement s(db, sql);
    if (!s.ok()) return SqlError(db, "prepare retention");
    bind(s);
    if (s.Step() != SQLITE_DONE) return SqlError(db, "retention");
    return int64_t{sqlite3_changes(db)};
  };
  for (int level = 0; level < static_cast<int>(policy.days_by_level.size()); ++level) {
    int days = policy.days_by_level[static_cast<size_t>(level)];
    if (days <= 0) continue;
    int64_t cutoff = now_ms - int64_t{days} * 86'400'000;
    for (;;) {
      VIGIL_ASSIGN_OR_RETURN(
          int64_t n, delete_batch("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE "
                                  "security_level = ?1 AND received < ?2 LIMIT ?3)",
                                  [&](Statement& s) {
                                    s.Bind(1, int64_t{level});
                                    s.Bind(2, cutoff);
                                    s.Bind(3, kBatch);
                                  }));
      report.deleted_by_age += n;
      if (n < kBatch) break;
    }
  }
  if (policy.max_bytes > 0) {
    // Free pages are reused before the file grows, so the live size is what the cap bounds.
    while (size() > policy.max_bytes) {
      VIGIL_ASSIGN_OR_RETURN(
          int64_t n,
          delete_batch(
              "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?1)",
              [&](Statement& s) { s.Bind(1, kBatch); }));
      report.deleted_by_size += n;
      if (n == 0) break;
    }
  }
  if (report.deleted_by_age + report.deleted_by_size > 0) {
    VIGIL_RETURN_IF_ERROR(Exec(db, "PRAGMA incremental_vacuum"));
  }
  report.bytes_after = size();
  return report;
}

Result<EventStoreStats> EventStore::Stats() {
  VIGIL_ASSIGN_OR_RETURN(sqlite3 * db, impl_->Acquire());
  EventStoreStats stats;
  Status status;
  {
    Statement s(db,
                "SELECT (SELECT count(*) FROM events), "
                "(SELECT seq FROM sqlite_sequence WHERE name = 'events'), "
                "(SELECT received FROM events ORDER BY id LIMIT 1), "
                "(SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size())");
    if (!s.ok() || s.Step() != SQLITE_ROW) {
      status = SqlError(db, "stats");
    } else {
      stats.events = s.Int(0);
      stats.last_id = s.Int(1);
      stats.oldest_received_ms = s.Int(2);
      stats.bytes = s.Int(3);
    }
  }
  impl_->Release(db);
  if (!status.ok()) return status;
  return stats;
}

Result<int64_t> EventStore::CountSince(int64_t since_ms) {
  VIGIL_ASSIGN_OR_RETURN(sqlite3 * db, impl_->Acquire());
  int64_t n = 0;
  Status status;
  {
    Statement s(db, "SELECT count(*) FROM events WHERE time >= ?");
    if (!s.ok()) {
      status = SqlError(db, "prepare count");
    } else {
      s.Bind(1, since_ms);
      if (s.Step() != SQLITE_ROW) {
        status = SqlError(db, "count");
      } else {
        n = s.Int(0);
      }
    }
  }
  impl_->Release(db);
  if (!status.ok()) return status;
  return n;
}

}  // namespace vigil::events
