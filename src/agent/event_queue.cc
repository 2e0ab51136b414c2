#include "agent/event_queue.h"

#include <sqlite3.h>

namespace vigil::agent {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('next_seq', 1), ('dropped', 0);
)sql";

Status SqlError(sqlite3* db, const std::string& what) {
  return Internal("event queue: " + what + ": " + sqlite3_errmsg(db));
}

// A prepared statement, finalised on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

Result<int64_t> MetaValue(sqlite3* db, const char* name) {
  Statement s(db, "SELECT value FROM meta WHERE name = ?1");
  if (s.get() == nullptr) return SqlError(db, "read");
  sqlite3_bind_text(s.get(), 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return SqlError(db, std::string("no ") + name);
  return static_cast<int64_t>(sqlite3_column_int64(s.get(), 0));
}

}  // namespace

Result<std::unique_ptr<EventQueue>> EventQueue::Open(const std::string& path, int64_t max_events) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    Status error = Internal("cannot open the event queue " + path + ": " + sqlite3_errmsg(db));
    sqlite3_close(db);
    return error;
  }
  sqlite3_busy_timeout(db, 5000);
  char* message = nullptr;
  const std::string setup =
      std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;") + kSchema;
  if (sqlite3_exec(db, setup.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    Status error = Internal("cannot set up the event queue " + path + ": " +
                            (message != nullptr ? message : "unknown error"));
    sqlite3_free(message);
    sqlite3_close(db);
    return error;
  }
  auto next = MetaValue(db, "next_seq");
  auto dropped = MetaValue(db, "dropped");
  if (!next.ok() || !dropped.ok()) {
    Status error = next.ok() ? dropped.status() : next.status();
    sqlite3_close(db);
    return error;
  }
  return std::unique_ptr<EventQueue>(new EventQueue(db, max_events, *next, *dropped));
}

EventQueue::~EventQueue() { sqlite3_close(db_); }

Status EventQueue::Exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqlError(db_, sql);
  }
  return Status::Ok();
}

Result<int64_t> EventQueue::Append(nlohmann::json event) {
  if (!event.is_object()) return InvalidArgument("an event must be a JSON object");
  const int64_t seq = next_seq_;
  event["seq"] = seq;
  const std::string body = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  VIGIL_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto rollback = [this](Status error) {
    (void)Exec("ROLLBACK");
    return error;
  };
  {
    Statement insert(db_, "INSERT INTO events (seq, body) VALUES (?1, ?2)");
    sqlite3_bind_int64(insert.get(), 1, seq);
    sqlite3_bind_text(insert.get(), 2, body.data(), static_cast<int>(body.size()),
                      SQLITE_TRANSIENT);
    if (sqlite3_step(insert.get()) != SQLITE_DONE) return rollback(SqlError(db_, "append"));
  }
  // Over the bound: drop the oldest.
  int64_t dropped_now = 0;
  {
    Statement trim(db_,
                   "DELETE FROM events WHERE seq IN (SELECT seq FROM events ORDER BY seq "
                   "LIMIT max(0, (SELECT count(*) FROM events) - ?1))");
    sqlite3_bind_int64(trim.get(), 1, max_events_);
    if (sqlite3_step(trim.get()) != SQLITE_DONE) return rollback(SqlError(db_, "trim"));
    dropped_now = sqlite3_changes(db_);
  }
  {
    Statement meta(db_,
                   "UPDATE meta SET value = CASE name WHEN 'next_seq' THEN ?1 ELSE value + ?2 "
                   "END");
    sqlite3_bind_int64(meta.get(), 1, seq + 1);
    sqlite3_bind_int64(meta.get(), 2, dropped_now);
    if (sqlite3_step(meta.get()) != SQLITE_DONE) return rollback(SqlError(db_, "meta"));
  }
  if (Status committed = Exec("COMMIT"); !committed.ok()) return rollback(committed);
  next_seq_ = seq + 1;
  dropped_ += dropped_now;
  return seq;
}

Result<std::vector<QueuedEvent>> EventQueue::Oldest(size_t limit) {
  Statement s(db_, "SELECT seq, body FROM events ORDER BY seq LIMIT ?1");
  if (s.get() == nullptr) return SqlError(db_, "read");
  sqlite3_bind_int64(s.get(), 1, static_cast<int64_t>(limit));
  std::vector<QueuedEvent> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    QueuedEvent e;
    e.seq = sqlite3_column_int64(s.get(), 0);
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1));
    e.event = nlohmann::json::parse(text != nullptr ? text : "{}", nullptr, false);
    if (e.event.is_discarded() || !e.event.is_object()) e.event = {{"type", "unreadable"}};
    e.event["seq"] = e.seq;
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "read");
  return out;
}

Status EventQueue::Acknowledge(int64_t seq) {
  Statement s(db_, "DELETE FROM events WHERE seq <= ?1");
  sqlite3_bind_int64(s.get(), 1, seq);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return SqlError(db_, "acknowledge");
  return Status::Ok();
}

Result<int64_t> EventQueue::Size() {
  Statement s(db_, "SELECT count(*) FROM events");
  if (sqlite3_step(s.get()) != SQLITE_ROW) return SqlError(db_, "count");
  return static_cast<int64_t>(sqlite3_column_int64(s.get(), 0));
}

}  // namespace vigil::agent
