// The scan cache: which files were clean at their last scan, so an unchanged file is not scanned
// again. A SQLite database (WAL) in the agent's state directory. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::agent {

// A file's identity (device, inode) and what must not change for a cached verdict to hold.
struct FileKey {
  uint64_t dev = 0, ino = 0;
};
struct FileState {
  uint64_t size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  std::string version;  // rules version + indicator version the file was scanned with
  bool operator==(const FileState&) const = default;
};

class ScanCache {
 public:
  static Result<std::unique_ptr<ScanCache>> Open(const std::string& path);
  ~ScanCache();  // flushes pending writes (errors dropped; call Flush to see them)
  ScanCache(const ScanCache&) = delete;
  ScanCache& operator=(const ScanCache&) = delete;

  // True when the file was recorded clean with exactly this state.
  bool IsUnchanged(const FileKey& key, const FileState& state);
  // Records a clean scan. Buffered: written in one transaction per batch and on Flush.
  void MarkClean(const FileKey& key, FileState state);
  // Forgets a file (it matched, or could not be scanned). Buffered like MarkClean.
  void Forget(const FileKey& key);
  Status Flush();
  // Drops every entry (e.g. after rules are withdrawn).
  Status Clear();
  Result<uint64_t> Count();

 private:
  explicit ScanCache(sqlite3* db);
  Status FlushLocked();
  struct Pending {
    FileKey key;
    FileState state;
    bool clean = true;
  };
  std::mutex mu_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* lookup_ = nullptr;
  sqlite3_stmt* upsert_ = nullptr;
  sqlite3_stmt* erase_ = nullptr;
  std::vector<Pending> pending_;
};

}  // namespace vigil::agent
