#include "agent/scan/scan_cache.h"

#include <sqlite3.h>

namespace vigil::agent {
namespace {

constexpr size_t kBatch = 2000;

Status SqlError(sqlite3* db, const std::string& what) {
  return {StatusCode::kUnavailable, what + ": " + sqlite3_errmsg(db)};
}

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err != nullptr ? err : "error";
    sqlite3_free(err);
    return {StatusCode::kUnavailable, std::string("scan cache: ") + message};
  }
  return Status::Ok();
}

int64_t AsSql(uint64_t v) { return static_cast<int64_t>(v); }

}  // namespace

ScanCache::ScanCache(sqlite3* db) : db_(db) {}

ScanCache::~ScanCache() {
  (void)Flush();
  sqlite3_finalize(lookup_);
  sqlite3_finalize(upsert_);
  sqlite3_finalize(erase_);
  sqlite3_close(db_);
}

Result<std::unique_ptr<ScanCache>> ScanCache::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<ScanCache> cache(new ScanCache(db));  // closes db on every return below
  if (rc != SQLITE_OK) return SqlError(db, "cannot open scan cache " + path);
  sqlite3_busy_timeout(db, 5000);
  VIGIL_RETURN_IF_ERROR(Exec(db,
                             "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                             "CREATE TABLE IF NOT EXISTS scanned_files (dev INTEGER NOT NULL,"
                             " ino INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT"
                             " NULL, ctime_ns INTEGER NOT NULL, version TEXT NOT NULL,"
                             " PRIMARY KEY (dev, ino)) WITHOUT ROWID;"));
  struct {
    const char* sql;
    sqlite3_stmt** stmt;
  } const statements[] = {
      {"SELECT size, mtime_ns, ctime_ns, version FROM scanned_files WHERE dev = ? AND ino = ?",
       &cache->lookup_},
      {"INSERT OR REPLACE INTO scanned_files VALUES (?, ?, ?, ?, ?, ?)", &cache->upsert_},
      {"DELETE FROM scanned_files WHERE dev = ? AND ino = ?", &cache->erase_},
  };
  for (const auto& s : statements) {
    if (sqlite3_prepare_v2(db, s.sql, -1, s.stmt, nullptr) != SQLITE_OK)
      return SqlError(db, "scan cache");
  }
  return cache;
}

bool ScanCache::IsUnchanged(const FileKey& key, const FileState& state) {
  std::lock_guard lock(mu_);
  sqlite3_reset(lookup_);
  sqlite3_bind_int64(lookup_, 1, AsSql(key.dev));
  sqlite3_bind_int64(lookup_, 2, AsSql(key.ino));
  if (sqlite3_step(lookup_) != SQLITE_ROW) return false;
  const auto* version = reinterpret_cast<const char*>(sqlite3_column_text(lookup_, 3));
  return static_cast<uint64_t>(sqlite3_column_int64(lookup_, 0)) == state.size &&
         sqlite3_column_int64(lookup_, 1) == state.mtime_ns &&
         sqlite3_column_int64(lookup_, 2) == state.ctime_ns && version != nullptr &&
         state.version == version;
}

void ScanCache::MarkClean(const FileKey& key, FileState state) {
  std::lock_guard lock(mu_);
  pending_.push_back({key, std::move(state), true});
  if (pending_.size() >= kBatch) (void)FlushLocked();
}

void ScanCache::Forget(const FileKey& key) {
  std::lock_guard lock(mu_);
  pending_.push_back({key, {}, false});
  if (pending_.size() >= kBatch) (void)FlushLocked();
}

Status ScanCache::Flush() {
  std::lock_guard lock(mu_);
  return FlushLocked();
}

Status ScanCache::FlushLocked() {
  if (pending_.empty()) return Status::Ok();
  std::vector<Pending> batch;
  batch.swap(pending_);  // a failed batch is dropped: the cache is only an optimisation
  VIGIL_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE"));
  for (const auto& p : batch) {
    sqlite3_stmt* stmt = p.clean ? upsert_ : erase_;
    sqlite3_reset(stmt);
    sqlite3_bind_int64(stmt, 1, AsSql(p.key.dev));
    sqlite3_bind_int64(stmt, 2, AsSql(p.key.ino));
    if (p.clean) {
      sqlite3_bind_int64(stmt, 3, AsSql(p.state.size));
      sqlite3_bind_int64(stmt, 4, p.state.mtime_ns);
      sqlite3_bind_int64(stmt, 5, p.state.ctime_ns);
      sqlite3_bind_text(stmt, 6, p.state.version.data(), static_cast<int>(p.state.version.size()),
                        SQLITE_TRANSIENT);
    }
    if (sqlite3_step(stmt) != SQLITE_DONE) {
      Status error = SqlError(db_, "scan cache write");
      (void)Exec(db_, "ROLLBACK");
      return error;
    }
  }
  return Exec(db_, "COMMIT");
}

Status ScanCache::Clear() {
  std::lock_guard lock(mu_);
  pending_.clear();
  return Exec(db_, "DELETE FROM scanned_files");
}

Result<uint64_t> ScanCache::Count() {
  std::lock_guard lock(mu_);
  VIGIL_RETURN_IF_ERROR(FlushLocked());
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM scanned_files", -1, &stmt, nullptr) !=
      SQLITE_OK)
    return SqlError(db_, "scan cache");
  const int rc = sqlite3_step(stmt);
  const auto count = static_cast<uint64_t>(sqlite3_column_int64(stmt, 0));
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) return SqlError(db_, "scan cache");
  return count;
}

}  // namespace vigil::agent
