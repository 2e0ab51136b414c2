// The endpoint's file scanner: YARA rules and hash indicators over files and directory trees,
// with incremental skipping through the ScanCache and resource limits for running on busy hosts.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/scan/rules.h"

namespace vigil::agent {

class ScanCache;

// From the server's indicator store: lower-case hex digest -> label (list or source name).
struct HashIndicators {
  std::unordered_map<std::string, std::string> md5, sha1, sha256;
  bool empty() const { return md5.empty() && sha1.empty() && sha256.empty(); }
};

struct ScanLimits {
  uint64_t max_file_bytes = 64ull << 20;  // larger files are skipped and counted
  int per_file_timeout_seconds = 10;      // YARA time limit per file; a timeout is an error
  // 1..100: each scanning thread sleeps in proportion to the CPU time it used, so that scanning
  // takes at most this share of one core (split between threads).
  int cpu_percent = 100;
  // Scanning threads run at nice 10 and I/O priority best-effort 7 (their own, not the caller's).
  bool low_priority = true;
  // Paths at or under these (whole components) are not visited.
  std::vector<std::string> exclude_prefixes = {"/proc", "/sys", "/dev", "/run"};
  int threads = 1;  // scanning threads (the calling thread walks the tree)
};

struct Detection {
  std::string path;
  std::string rule;   // YARA rule name, or "sha256:<hex>" / "md5:<hex>" / "sha1:<hex>"
  std::string kind;   // "yara" | "hash"
  std::string label;  // rule meta description / author / reference, or the indicator's label
  std::string sha256;
  uint64_t size = 0;
};

struct ScanStats {
  uint64_t files_seen = 0, files_scanned = 0, files_unchanged = 0, files_too_large = 0, errors = 0,
           bytes_scanned = 0;
  double seconds = 0;
};

class FileScanner {
 public:
  // `rules`, `hashes` and `cache` may be null (no YARA, no hashes, no incremental skipping); they
  // must outlive the scanner. One Scan at a time per FileScanner.
  FileScanner(const CompiledRules* rules, const HashIndicators* hashes, ScanCache* cache,
              ScanLimits limits);

  // Walks each path (file or directory; a named root is followed if it is a symlink, nothing
  // below it is), scanning regular files only. Callbacks are called one at a time, possibly from
  // scanning threads: on_detection per detection, on_error(path, message) per unreadable file or
  // directory (counted; the scan goes on), on_progress about once a second. A file whose
  // (device, inode) was recorded clean with the same size, mtime, ctime, rules version and
  // indicator version is skipped; clean files are recorded, files with detections or errors are
  // not.
  ScanStats Scan(const std::vector<std::string>& paths,
                 const std::function<void(const Detection&)>& on_detection,
                 const std::function<void(const std::string&, const std::string&)>& on_error = {},
                 const std::function<void(const ScanStats&)>& on_progress = {});

  // Rules version + indicator version, as recorded in the cache.
  const std::string& version() const { return version_; }

 private:
  const CompiledRules* rules_;
  const HashIndicators* hashes_;
  ScanCache* cache_;
  ScanLimits limits_;
  std::string version_;
};

}  // namespace vigil::agent
