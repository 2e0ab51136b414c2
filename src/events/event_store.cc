#include "events/event_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <string_view>
#include <unordered_set>

#include "core/text.h"
#include "events/event_block.h"

namespace vigil::events {
namespace {

std::vector<StoredEvent*> Pointers(std::span<StoredEvent> events) {
  std::vector<StoredEvent*> out;
  out.reserve(events.size());
  for (StoredEvent& e : events) out.push_back(&e);
  return out;
}

// Events are kept in blocks (event_block.h): one row per security level per group commit, split
// at kBlockEvents events or kBlockBytes bytes, with the ranges searches and retention select on.
// Blocks of one commit interleave ids (commit_first bounds where a given id can be); their hosts
// are indexed in event_block_hosts; triggers keep the event count.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS event_blocks (
  first_id INTEGER PRIMARY KEY,
  commit_first INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  events INTEGER NOT NULL,
  security_level INTEGER NOT NULL,
  min_time INTEGER NOT NULL,
  max_time INTEGER NOT NULL,
  min_received INTEGER NOT NULL,
  max_received INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS event_blocks_time ON event_blocks(max_time);
CREATE INDEX IF NOT EXISTS event_blocks_retention ON event_blocks(security_level, min_received);
CREATE TABLE IF NOT EXISTS event_block_hosts (
  block INTEGER NOT NULL,
  host TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (block, host)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_block_hosts_host ON event_block_hosts(host, block);
CREATE TABLE IF NOT EXISTS event_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO event_counters VALUES ('events', 0), ('last_id', 0);
CREATE TRIGGER IF NOT EXISTS event_blocks_insert AFTER INSERT ON event_blocks BEGIN
  UPDATE event_counters SET value = value + new.events WHERE name = 'events';
END;
CREATE TRIGGER IF NOT EXISTS event_blocks_delete AFTER DELETE ON event_blocks BEGIN
  UPDATE event_counters SET value = value - old.events WHERE name = 'events';
  DELETE FROM event_block_hosts WHERE block = old.first_id;
END;
)sql";

constexpr size_t kBlockEvents = 4096;
constexpr size_t kBlockBytes = size_t{1} << 20;

// The lowest first_id a block holding ids above or at `id` can have.
constexpr const char* kCommitFloor =
    "coalesce((SELECT commit_first FROM event_blocks WHERE first_id <= ?1 "
    "ORDER BY first_id DESC LIMIT 1), 0)";

// One prepared statement, finalised on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
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
  void BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const { return std::string(Blob(col)); }
  // Valid until the next Step or Reset.
  std::string_view Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p == nullptr ? std::string_view()
                        : std::string_view(static_cast<const char*>(p),
                                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }

 private:
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

// Runs `body` in an immediate (write) transaction: committed when it succeeds, rolled back when
// it fails.
Status InTransaction(sqlite3* db, const std::function<Status()>& body) {
  VIGIL_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  Status status = body();
  if (status.ok()) status = Exec(db, "COMMIT");
  if (!status.ok()) (void)Exec(db, "ROLLBACK");
  return status;
}

// Calls visit(event) on each event of the block in the current row: security_level in column
// `level`, data in column `data`. Stops early (returning OK) when visit returns false.
Status VisitBlock(const Statement& s, int level, int data,
                  const std::function<bool(StoredEvent&&)>& visit) {
  BlockReader reader(s.Blob(data), static_cast<int>(s.Int(level)));
  for (;;) {
    StoredEvent e;
    VIGIL_ASSIGN_OR_RETURN(bool more, reader.Next(&e));
    if (!more || !visit(std::move(e))) return Status::Ok();
  }
}

// Inserts `events` (ids set, strictly increasing) as the blocks of one commit whose first id is
// `commit_first`. Runs in the writer's open transaction.
Status InsertBlocks(sqlite3* db, std::span<const StoredEvent* const> events, int64_t commit_first) {
  if (events.empty()) return Status::Ok();
  std::map<int, std::vector<const StoredEvent*>> by_level;  // each in id order
  for (const StoredEvent* e : events) by_level[e->security_level].push_back(e);
  Statement insert(db,
                   "INSERT INTO event_blocks (first_id, commit_first, last_id, events, "
                   "security_level, min_time, max_time, min_received, max_received, data) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?)");
  Statement insert_host(db, "INSERT OR IGNORE INTO event_block_hosts (block, host) VALUES (?,?)");
  if (!insert.ok() || !insert_host.ok()) return SqlError(db, "prepare insert");
  std::string data;
  std::unordered_set<std::string_view> hosts;
  for (const auto& [level, list] : by_level) {
    for (size_t begin = 0, end = 0; begin < list.size(); begin = end) {
      size_t bytes = 0;
      while (end < list.size() && end - begin < kBlockEvents && bytes < kBlockBytes) {
        const StoredEvent& e = *list[end++];
        bytes += e.raw.size() + e.message.size() + e.original_time.size() + 64;
      }
      const std::span<const StoredEvent* const> block(list.data() + begin, end - begin);
      data.clear();
      EncodeBlock(block, &data);
      int64_t min_time = INT64_MAX, max_time = INT64_MIN;
      int64_t min_received = INT64_MAX, max_received = INT64_MIN;
      hosts.clear();
      for (const StoredEvent* e : block) {
        min_time = std::min(min_time, e->time_ms);
        max_time = std::max(max_time, e->time_ms);
        min_received = std::min(min_received, e->received_ms);
        max_received = std::max(max_received, e->received_ms);
        hosts.insert(e->host);
      }
      insert.Bind(1, block.front()->id);
      insert.Bind(2, commit_first);
      insert.Bind(3, block.back()->id);
      insert.Bind(4, static_cast<int64_t>(block.size()));
      insert.Bind(5, int64_t{level});
      insert.Bind(6, min_time);
      insert.Bind(7, max_time);
      insert.Bind(8, min_received);
      insert.Bind(9, max_received);
      insert.BindBlob(10, data);
      if (insert.Step() != SQLITE_DONE) return SqlError(db, "insert");
      insert.Reset();
      for (std::string_view host : hosts) {
        insert_host.Bind(1, block.front()->id);
        insert_host.Bind(2, host);
        if (insert_host.Step() != SQLITE_DONE) return SqlError(db, "insert host");
        insert_host.Reset();
      }
    }
  }
  return Status::Ok();
}

// Moves the rows of the table `events` (the layout before blocks, one row per event) into blocks
// and drops it, in one transaction: a failure leaves the old table as it was.
Status MigrateEventRows(sqlite3* db) {
  {
    Statement exists(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'");
    if (!exists.ok()) return SqlError(db, "prepare migration");
    if (exists.Step() != SQLITE_ROW) return Status::Ok();
  }
  return InTransaction(db, [db] {
    Statement rows(db,
                   "SELECT id, time, received, original_time, host, source_type, source, peer, "
                   "coalesce(org_id, 0), coalesce(asset_id, 0), coalesce(system_id, 0), "
                   "security_level, message, raw FROM events ORDER BY id");
    if (!rows.ok()) return SqlError(db, "prepare migration");
    std::vector<StoredEvent> chunk;
    int rc = 0;
    while ((rc = rows.Step()) == SQLITE_ROW) {
      StoredEvent& e = chunk.emplace_back();
      e.id = rows.Int(0);
      e.time_ms = rows.Int(1);
      e.received_ms = rows.Int(2);
      e.original_time = rows.Text(3);
      e.host = rows.Text(4);
      e.source_type = rows.Text(5);
      e.source = rows.Text(6);
      e.peer = rows.Text(7);
      e.org_id = rows.Int(8);
      e.asset_id = rows.Int(9);
      e.system_id = rows.Int(10);
      e.security_level = static_cast<int>(rows.Int(11));
      e.message = rows.Text(12);
      e.raw = rows.Text(13);
      if (chunk.size() == kBlockEvents) {
        VIGIL_RETURN_IF_ERROR(InsertBlocks(db, Pointers(chunk), chunk.front().id));
        chunk.clear();
      }
    }
    if (rc != SQLITE_DONE) return SqlError(db, "migration read");
    if (!chunk.empty()) VIGIL_RETURN_IF_ERROR(InsertBlocks(db, Pointers(chunk), chunk.front().id));
    return Exec(db,
                "UPDATE event_counters SET value = max(value, "
                "coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0), "
                "coalesce((SELECT max(last_id) FROM event_blocks), 0)) WHERE name = 'last_id'; "
                "DROP TABLE events");
  });
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
  // Runs `read` on a pooled read connection.
  Status Read(const std::function<Status(sqlite3*)>& read) {
    VIGIL_ASSIGN_OR_RETURN(sqlite3 * db, Acquire());
    Status status = read(db);
    Release(db);
    return status;
  }
  // Runs `write` on the writer connection under the write lock.
  template <typename F>
  auto Write(F write) {
    std::lock_guard lock(write_mutex);
    return write(writer);
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
                  "PRAGMA synchronous=FULL; PRAGMA cache_size=-16384;");
  if (s.ok()) s = Exec(db, kSchema);
  if (s.ok()) s = MigrateEventRows(db);
  if (!s.ok()) return Status(s.code(), file.string() + ": " + s.message());
  return std::unique_ptr<EventStore>(new EventStore(std::move(impl)));
}

Status EventStore::Append(std::span<StoredEvent* const> events) {
  if (events.empty()) return Status::Ok();
  return impl_->Write([&](sqlite3* db) {
    Status status = InTransaction(db, [&] {
      Statement last(db, "SELECT value FROM event_counters WHERE name = 'last_id'");
      if (!last.ok() || last.Step() != SQLITE_ROW) return SqlError(db, "read last id");
      const int64_t first = last.Int(0) + 1;
      for (size_t i = 0; i < events.size(); ++i) events[i]->id = first + static_cast<int64_t>(i);
      VIGIL_RETURN_IF_ERROR(InsertBlocks(db, events, first));
      Statement update(db, "UPDATE event_counters SET value = ? WHERE name = 'last_id'");
      if (!update.ok()) return SqlError(db, "prepare update");
      update.Bind(1, events.back()->id);
      return update.Step() == SQLITE_DONE ? Status::Ok() : SqlError(db, "update last id");
    });
    if (!status.ok()) {
      for (StoredEvent* e : events) e->id = 0;
    }
    return status;
  });
}

Status EventStore::Append(std::span<StoredEvent> events) { return Append(Pointers(events)); }

Result<std::vector<StoredEvent>> EventStore::ReadAfter(int64_t after_id, size_t max) {
  std::vector<StoredEvent> out;
  Status status = impl_->Read([&](sqlite3* db) {
    Statement s(db, (std::string("SELECT commit_first, security_level, data FROM event_blocks "
                                 "WHERE first_id >= ") +
                     kCommitFloor + " ORDER BY first_id")
                        .c_str());
    if (!s.ok()) return SqlError(db, "prepare read");
    s.Bind(1, after_id);
    // Blocks of one commit interleave ids: read whole commits until `max` events are in hand.
    int rc = 0;
    int64_t commit = -1;
    while ((rc = s.Step()) == SQLITE_ROW && (out.size() < max || s.Int(0) == commit)) {
      commit = s.Int(0);
      VIGIL_RETURN_IF_ERROR(VisitBlock(s, 1, 2, [&](StoredEvent&& e) {
        if (e.id > after_id) out.push_back(std::move(e));
        return true;
      }));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(db, "read");
    return Status::Ok();
  });
  if (!status.ok()) return status;
  // Only the blocks of commits of several security levels interleave ids.
  auto by_id = [](const StoredEvent& a, const StoredEvent& b) { return a.id < b.id; };
  if (!std::is_sorted(out.begin(), out.end(), by_id)) std::sort(out.begin(), out.end(), by_id);
  if (out.size() > max) out.resize(max);
  return out;
}

Result<std::optional<StoredEvent>> EventStore::Get(int64_t id) {
  std::optional<StoredEvent> found;
  Status status = impl_->Read([&](sqlite3* db) {
    Statement s(db, (std::string("SELECT security_level, data FROM event_blocks WHERE "
                                 "first_id <= ?1 AND last_id >= ?1 AND first_id >= ") +
                     kCommitFloor)
                        .c_str());
    if (!s.ok()) return SqlError(db, "prepare get");
    s.Bind(1, id);
    int rc = 0;
    while (!found && (rc = s.Step()) == SQLITE_ROW) {
      VIGIL_RETURN_IF_ERROR(VisitBlock(s, 0, 1, [&](StoredEvent&& e) {
        if (e.id != id) return e.id < id;
        found = std::move(e);
        return false;
      }));
    }
    if (!found && rc != SQLITE_DONE) return SqlError(db, "get");
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Status EventStore::ForEach(const EventQuery& q, const std::function<bool(StoredEvent&&)>& visit) {
  // Newest first by (time, id). The cursor is an id; the walk goes on below that event's
  // (time, id).
  int64_t upper_time = q.to_ms;
  int64_t upper_id = INT64_MAX;
  if (q.before_id != INT64_MAX) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<StoredEvent> cursor, Get(q.before_id));
    if (cursor) {
      upper_time = std::min(upper_time, cursor->time_ms);
      upper_id = q.before_id;
    }
  }
  auto wanted = [&](const StoredEvent& e) {
    if (e.time_ms < q.from_ms || e.time_ms > upper_time) return false;
    if (e.time_ms == upper_time && e.id >= upper_id) return false;
    if (!q.host.empty() && !EqualsAsciiFoldCase(e.host, q.host)) return false;
    if (!q.source_type.empty() && e.source_type != q.source_type) return false;
    return !q.orgs || std::find(q.orgs->begin(), q.orgs->end(), e.org_id) != q.orgs->end();
  };
  // A merge of the blocks in the range: blocks come by their newest event, newest first, and an
  // event is handed out once no block still unread can hold a later one.
  auto later = [](const StoredEvent& a, const StoredEvent& b) {
    return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.id < b.id;
  };
  // The ordered list selects no data, which a sort (by host) would otherwise copy.
  std::string sql =
      "SELECT max_time, first_id FROM event_blocks WHERE max_time >= ?1 AND min_time <= ?2";
  if (!q.host.empty()) {
    sql += " AND first_id IN (SELECT block FROM event_block_hosts WHERE host = ?3)";
  }
  sql += " ORDER BY max_time DESC, first_id DESC";
  return impl_->Read([&](sqlite3* db) {
    Statement s(db, sql.c_str());
    Statement block(db, "SELECT security_level, data FROM event_blocks WHERE first_id = ?");
    if (!s.ok() || !block.ok()) return SqlError(db, "prepare search");
    s.Bind(1, q.from_ms);
    s.Bind(2, upper_time);
    if (!q.host.empty()) s.Bind(3, q.host);
    std::vector<StoredEvent> heap;  // read, wanted, not yet visited; the latest at the front
    int rc = s.Step();
    for (;;) {
      while (rc == SQLITE_ROW && (heap.empty() || s.Int(0) >= heap.front().time_ms)) {
        block.Bind(1, s.Int(1));
        if (block.Step() != SQLITE_ROW) return SqlError(db, "search block");
        VIGIL_RETURN_IF_ERROR(VisitBlock(block, 0, 1, [&](StoredEvent&& e) {
          if (wanted(e)) {
            heap.push_back(std::move(e));
            std::push_heap(heap.begin(), heap.end(), later);
          }
          return true;
        }));
        block.Reset();
        rc = s.Step();
      }
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(db, "search");
      if (heap.empty()) return Status::Ok();
      std::pop_heap(heap.begin(), heap.end(), later);
      StoredEvent e = std::move(heap.back());
      heap.pop_back();
      if (!visit(std::move(e))) return Status::Ok();
    }
  });
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
  // Each step takes the write lock on its own, so that ingestion waits for one step at most.
  auto size = [this] {
    return impl_->Write([](sqlite3* db) -> int64_t {
      Statement s(db,
                  "SELECT (SELECT page_count FROM pragma_page_count()) - "
                  "(SELECT freelist_count FROM pragma_freelist_count()), "
                  "(SELECT page_size FROM pragma_page_size())");
      if (!s.ok() || s.Step() != SQLITE_ROW) return 0;
      return s.Int(0) * s.Int(1);
    });
  };
  // Deletes up to 16 of the blocks `select` names (a SELECT of first_id with `params` bound to
  // ?1, ?2, ...); the events they held, or 0 when there were none.
  auto delete_blocks = [this](const std::string& select,
                              std::initializer_list<int64_t> params) -> Result<int64_t> {
    return impl_->Write([&](sqlite3* db) -> Result<int64_t> {
      Statement s(db, ("DELETE FROM event_blocks WHERE first_id IN (" + select +
                       " LIMIT 16) RETURNING events")
                          .c_str());
      if (!s.ok()) return SqlError(db, "prepare retention");
      int i = 0;
      for (int64_t p : params) s.Bind(++i, p);
      int64_t events = 0;
      int rc = 0;
      while ((rc = s.Step()) == SQLITE_ROW) events += s.Int(0);
      if (rc != SQLITE_DONE) return SqlError(db, "retention");
      return events;
    });
  };
  // Rewrites up to 16 blocks of `level` holding events received before `cutoff` and after it,
  // without the older ones; the events removed, or -1 when there was no such block.
  auto trim_blocks = [this](int64_t level, int64_t cutoff) -> Result<int64_t> {
    return impl_->Write([&](sqlite3* db) -> Result<int64_t> {
      int64_t removed = -1;
      const Status status = InTransaction(db, [&] {
        std::vector<std::pair<int64_t, std::vector<StoredEvent>>> kept;  // commit_first, events
        std::vector<int64_t> blocks;
        {
          Statement s(db,
                      "SELECT first_id, commit_first, security_level, data FROM event_blocks "
                      "WHERE security_level = ?1 AND min_received < ?2 LIMIT 16");
          if (!s.ok()) return SqlError(db, "prepare retention");
          s.Bind(1, level);
          s.Bind(2, cutoff);
          int rc = 0;
          while ((rc = s.Step()) == SQLITE_ROW) {
            blocks.push_back(s.Int(0));
            std::vector<StoredEvent>& events =
                kept.emplace_back(s.Int(1), std::vector<StoredEvent>()).second;
            VIGIL_RETURN_IF_ERROR(VisitBlock(s, 2, 3, [&](StoredEvent&& e) {
              if (e.received_ms >= cutoff) events.push_back(std::move(e));
              return true;
            }));
          }
          if (rc != SQLITE_DONE) return SqlError(db, "retention");
        }
        if (blocks.empty()) return Status::Ok();
        removed = 0;
        Statement drop(db, "DELETE FROM event_blocks WHERE first_id = ? RETURNING events");
        if (!drop.ok()) return SqlError(db, "prepare retention");
        for (size_t i = 0; i < blocks.size(); ++i) {
          drop.Bind(1, blocks[i]);
          if (drop.Step() != SQLITE_ROW) return SqlError(db, "retention");
          removed += drop.Int(0) - static_cast<int64_t>(kept[i].second.size());
          drop.Reset();
          VIGIL_RETURN_IF_ERROR(InsertBlocks(db, Pointers(kept[i].second), kept[i].first));
        }
        return Status::Ok();
      });
      if (!status.ok()) return status;
      return removed;
    });
  };

  RetentionReport report;
  report.bytes_before = size();
  for (int64_t level = 0; level < static_cast<int64_t>(policy.days_by_level.size()); ++level) {
    const int days = policy.days_by_level[static_cast<size_t>(level)];
    if (days <= 0) continue;
    const int64_t cutoff = now_ms - int64_t{days} * 86'400'000;
    for (;;) {
      VIGIL_ASSIGN_OR_RETURN(
          int64_t n, delete_blocks("SELECT first_id FROM event_blocks WHERE security_level = ?1 "
                                   "AND min_received < ?2 AND max_received < ?2",
                                   {level, cutoff}));
      if (n == 0) break;
      report.deleted_by_age += n;
    }
    // What is left before the cutoff shares blocks with later events.
    for (;;) {
      VIGIL_ASSIGN_OR_RETURN(int64_t n, trim_blocks(level, cutoff));
      if (n < 0) break;
      report.deleted_by_age += n;
    }
  }
  if (policy.max_bytes > 0) {
    // Free pages are reused before the file grows, so the live size is what the cap bounds.
    while (size() > policy.max_bytes) {
      VIGIL_ASSIGN_OR_RETURN(
          int64_t n, delete_blocks("SELECT first_id FROM event_blocks ORDER BY first_id", {}));
      if (n == 0) break;
      report.deleted_by_size += n;
    }
  }
  if (report.deleted_by_age + report.deleted_by_size > 0) {
    VIGIL_RETURN_IF_ERROR(
        impl_->Write([](sqlite3* db) { return Exec(db, "PRAGMA incremental_vacuum"); }));
  }
  report.bytes_after = size();
  return report;
}

Result<EventStoreStats> EventStore::Stats() {
  EventStoreStats stats;
  Status status = impl_->Read([&](sqlite3* db) {
    Statement s(db,
                "SELECT (SELECT value FROM event_counters WHERE name = 'events'), "
                "(SELECT value FROM event_counters WHERE name = 'last_id'), "
                "(SELECT min_received FROM event_blocks ORDER BY first_id LIMIT 1), "
                "(SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size())");
    if (!s.ok() || s.Step() != SQLITE_ROW) return SqlError(db, "stats");
    stats.events = s.Int(0);
    stats.last_id = s.Int(1);
    stats.oldest_received_ms = s.Int(2);
    stats.bytes = s.Int(3);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return stats;
}

Result<int64_t> EventStore::CountSince(int64_t since_ms) {
  int64_t n = 0;
  Status status = impl_->Read([&](sqlite3* db) {
    Statement s(db,
                "SELECT events, min_time, security_level, data FROM event_blocks "
                "WHERE max_time >= ?");
    if (!s.ok()) return SqlError(db, "prepare count");
    s.Bind(1, since_ms);
    int rc = 0;
    while ((rc = s.Step()) == SQLITE_ROW) {
      if (s.Int(1) >= since_ms) {
        n += s.Int(0);
        continue;
      }
      VIGIL_RETURN_IF_ERROR(VisitBlock(s, 2, 3, [&](StoredEvent&& e) {
        n += e.time_ms >= since_ms ? 1 : 0;
        return true;
      }));
    }
    return rc == SQLITE_DONE ? Status::Ok() : SqlError(db, "count");
  });
  if (!status.ok()) return status;
  return n;
}

Result<int64_t> EventStore::FirstIdSince(int64_t since_ms) {
  int64_t first = 0;
  Status status = impl_->Read([&](sqlite3* db) {
    Statement s(db, "SELECT min(first_id) FROM event_blocks WHERE max_time >= ?");
    if (!s.ok()) return SqlError(db, "prepare first id");
    s.Bind(1, since_ms);
    if (s.Step() != SQLITE_ROW) return SqlError(db, "first id");
    first = s.Int(0);  // NULL (no block) reads as 0
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return first;
}

}  // namespace vigil::events
