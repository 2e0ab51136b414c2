#include "agent/scan/file_scanner.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <yara.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "agent/scan/scan_cache.h"
#include "agent/scan/yara_util.h"
#include "core/text.h"

namespace vigil::agent {
namespace {

using Clock = std::chrono::steady_clock;

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), len));
}

std::string HashesVersion(const HashIndicators* hashes) {
  if (hashes == nullptr || hashes->empty()) return "";
  std::string all;
  for (const auto* map : {&hashes->md5, &hashes->sha1, &hashes->sha256}) {
    std::vector<std::string> keys;
    keys.reserve(map->size());
    for (const auto& [hash, label] : *map) {
      std::string key = hash;
      key += '=';
      key += label;
      keys.push_back(std::move(key));
    }
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys) all += key + "\n";
    all += "--\n";
  }
  return Digest(EVP_sha256(), all);
}

bool IsExcluded(const std::string& path, const std::vector<std::string>& prefixes) {
  for (const auto& prefix : prefixes) {
    if (prefix.empty() || path.compare(0, prefix.size(), prefix) != 0) continue;
    if (path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/')
      return true;
  }
  return false;
}

std::string Join(const std::string& dir, const char* name) {
  return dir == "/" ? "/" + std::string(name) : dir + "/" + name;
}

int64_t Nanos(const timespec& t) { return int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; }

int64_t ThreadCpuNanos() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return Nanos(t);
}

// LOKI's file types for the usual magic numbers; "" when unknown.
const char* FileType(std::string_view head) {
  static constexpr struct {
    std::string_view magic;
    const char* type;
  } kTypes[] = {{"MZ", "EXE"},
                {"\x7f"
                 "ELF",
                 "ELF"},
                {"%PDF", "PDF"},
                {"PK\x03\x04", "ZIP"},
                {"Rar!", "RAR"},
                {"7z\xbc\xaf", "7Z"},
                {"\x1f\x8b", "GZIP"},
                {"MSCF", "CAB"},
                {"\xd0\xcf\x11\xe0", "DOC"},
                {"\xca\xfe\xba\xbe", "JAVA"}};
  for (const auto& t : kTypes) {
    if (head.substr(0, t.magic.size()) == t.magic) return t.type;
  }
  return "";
}

std::string Extension(const std::string& name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  std::string ext = name.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

void LowerPriority() {
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, tid);
  if (errno == 0 && nice < 10) (void)setpriority(PRIO_PROCESS, tid, 10);
  constexpr int kWhoProcess = 1, kClassBestEffort = 2, kClassShift = 13;
  (void)syscall(SYS_ioprio_set, kWhoProcess, 0, (kClassBestEffort << kClassShift) | 7);
}

struct RuleMatch {
  std::string rule, label;
};

int OnYaraMessage(YR_SCAN_CONTEXT* /*context*/, int message, void* message_data, void* user_data) {
  if (message != CALLBACK_MSG_RULE_MATCHING) return CALLBACK_CONTINUE;
  const auto* rule = static_cast<const YR_RULE*>(message_data);
  std::string description, author, reference;
  const YR_META* meta = nullptr;
  yr_rule_metas_foreach(rule, meta) {
    if (meta->type != META_TYPE_STRING || meta->string == nullptr) continue;
    const std::string_view id = meta->identifier;
    if (id == "description" && description.empty()) description = meta->string;
    if (id == "author" && author.empty()) author = meta->string;
    if (id == "reference" && reference.empty()) reference = meta->string;
  }
  std::string label = description;
  if (!author.empty()) label += (label.empty() ? "" : "; ") + ("author: " + author);
  if (!reference.empty()) label += (label.empty() ? "" : "; ") + ("reference: " + reference);
  static_cast<std::vector<RuleMatch>*>(user_data)->push_back({rule->identifier, std::move(label)});
  return CALLBACK_CONTINUE;
}

// What one Scan shares between the walking thread and the scanning threads.
struct Shared {
  const std::function<void(const Detection&)>& on_detection;
  const std::function<void(const std::string&, const std::string&)>& on_error;
  const std::function<void(const ScanStats&)>& on_progress;
  Clock::time_point start = Clock::now();

  std::mutex out_mu;  // stats and callbacks
  ScanStats stats;
  Clock::time_point last_progress = Clock::now();

  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<std::string> queue;
  bool done = false;

  void Error(const std::string& path, const std::string& message) {
    std::lock_guard lock(out_mu);
    ++stats.errors;
    if (on_error) on_error(path, message);
  }
  void Progress() {  // with out_mu held
    const auto now = Clock::now();
    if (!on_progress || now - last_progress < std::chrono::seconds(1)) return;
    last_progress = now;
    stats.seconds = std::chrono::duration<double>(now - start).count();
    on_progress(stats);
  }
};

class Worker {
 public:
  Worker(const CompiledRules* rules, const HashIndicators* hashes, ScanCache* cache,
         const ScanLimits& limits, const std::string& version, Shared* shared)
      : rules_(rules),
        hashes_(hashes),
        cache_(cache),
        limits_(limits),
        version_(version),
        shared_(shared) {}
  ~Worker() {
    if (scanner_ != nullptr) yr_scanner_destroy(scanner_);
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Run() {
    if (limits_.low_priority) LowerPriority();
    if (rules_ != nullptr && (!EnsureYaraInitialized().ok() ||
                              yr_scanner_create(rules_->get(), &scanner_) != ERROR_SUCCESS)) {
      scanner_ = nullptr;
      scanner_failed_ = true;  // every file reports it rather than passing as clean
    }
    if (scanner_ != nullptr) {
      yr_scanner_set_flags(scanner_, SCAN_FLAGS_FAST_MODE);
      yr_scanner_set_timeout(scanner_, std::max(1, limits_.per_file_timeout_seconds));
      yr_scanner_set_callback(scanner_, &OnYaraMessage, &matches_);
    }
    const int threads = std::max(1, limits_.threads);
    cpu_share_ = std::clamp(limits_.cpu_percent, 1, 100) / 100.0 / threads;
    cpu_mark_ = ThreadCpuNanos();
    for (;;) {
      std::string path;
      {
        std::unique_lock lock(shared_->queue_mu);
        shared_->queue_cv.wait(lock, [&] { return !shared_->queue.empty() || shared_->done; });
        if (shared_->queue.empty()) return;
        path = std::move(shared_->queue.front());
        shared_->queue.pop_front();
      }
      shared_->queue_cv.notify_all();
      ScanOne(path);
      Throttle();
    }
  }

 private:
  void Throttle() {
    if (cpu_share_ >= 1.0) return;
    const int64_t now = ThreadCpuNanos();
    sleep_debt_ns_ += static_cast<double>(now - cpu_mark_) * (1.0 / cpu_share_ - 1.0);
    cpu_mark_ = now;
    if (sleep_debt_ns_ < 20e6) return;  // sleep in slices of at least 20 ms
    std::this_thread::sleep_for(std::chrono::nanoseconds(static_cast<int64_t>(sleep_debt_ns_)));
    sleep_debt_ns_ = 0;
  }

  void ScanOne(const std::string& path) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) {
      if (errno != ENOENT) shared_->Error(path, std::strerror(errno));
      return;  // vanished since the walk: not an error
    }
    if (!S_ISREG(st.st_mode)) return;
    const FileKey key{st.st_dev, st.st_ino};
    FileState state{static_cast<uint64_t>(st.st_size), Nanos(st.st_mtim), Nanos(st.st_ctim),
                    version_};
    {
      std::lock_guard lock(shared_->out_mu);
      ++shared_->stats.files_seen;
    }
    if (cache_ != nullptr && cache_->IsUnchanged(key, state)) {
      std::lock_guard lock(shared_->out_mu);
      ++shared_->stats.files_unchanged;
      shared_->Progress();
      return;
    }
    if (state.size > limits_.max_file_bytes) {
      std::lock_guard lock(shared_->out_mu);
      ++shared_->stats.files_too_large;
      return;
    }
    // O_NOFOLLOW: the path may have been swapped for a symlink since lstat; O_NONBLOCK: or for a
    // FIFO.
    int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOATIME);
    if (fd < 0 && errno == EPERM)
      fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      if (errno != ENOENT) shared_->Error(path, std::strerror(errno));
      return;
    }
    std::string_view data;
    const std::string error = ReadAll(fd, &st, &data);
    close(fd);
    if (!error.empty()) {
      shared_->Error(path, error);
      return;
    }
    state = {static_cast<uint64_t>(st.st_size), Nanos(st.st_mtim), Nanos(st.st_ctim), version_};
    std::vector<Detection> detections;
    std::string scan_error;
    MatchHashes(data, &detections);
    if (scanner_ != nullptr) scan_error = MatchRules(path, st, data, &detections);
    if (scanner_failed_) scan_error = "cannot create a YARA scanner (out of memory)";
    if (!detections.empty()) {
      const std::string sha256 = Digest(EVP_sha256(), data);
      for (auto& d : detections) {
        d.path = path;
        d.sha256 = sha256;
        d.size = data.size();
      }
    }
    if (cache_ != nullptr) {
      if (detections.empty() && scan_error.empty() && S_ISREG(st.st_mode)) {
        cache_->MarkClean({st.st_dev, st.st_ino}, std::move(state));
      } else {
        cache_->Forget({st.st_dev, st.st_ino});
      }
    }
    std::lock_guard lock(shared_->out_mu);
    ++shared_->stats.files_scanned;
    shared_->stats.bytes_scanned += data.size();
    for (const auto& d : detections) {
      if (shared_->on_detection) shared_->on_detection(d);
    }
    if (!scan_error.empty()) {
      ++shared_->stats.errors;
      if (shared_->on_error) shared_->on_error(path, scan_error);
    }
    shared_->Progress();
  }

  // Reads the whole (regular) file into this worker's buffer (reused from file to file, never
  // zero-filled; a copy rather than a mapping, so that a file truncated meanwhile cannot fault);
  // refreshes *st from the descriptor. Returns an error message.
  std::string ReadAll(int fd, struct stat* st, std::string_view* data) {
    if (fstat(fd, st) != 0) return std::strerror(errno);
    if (!S_ISREG(st->st_mode)) return "not a regular file";
    const auto size = static_cast<uint64_t>(st->st_size);
    if (size > limits_.max_file_bytes) return "grew past the size limit during the scan";
    if (size > buffer_capacity_) {
      buffer_ = std::make_unique_for_overwrite<char[]>(size);
      buffer_capacity_ = size;
    }
    size_t got = 0;
    while (got < size) {
      const ssize_t n = pread(fd, buffer_.get() + got, size - got, static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return std::strerror(errno);
      if (n == 0) break;  // shrank: scan what is there
      got += static_cast<size_t>(n);
    }
    *data = std::string_view(buffer_.get(), got);
    return "";
  }

  void MatchHashes(std::string_view data, std::vector<Detection>* out) const {
    if (hashes_ == nullptr) return;
    const struct {
      const std::unordered_map<std::string, std::string>& map;
      const EVP_MD* md;
      const char* name;
    } kinds[] = {{hashes_->md5, EVP_md5(), "md5"},
                 {hashes_->sha1, EVP_sha1(), "sha1"},
                 {hashes_->sha256, EVP_sha256(), "sha256"}};
    for (const auto& kind : kinds) {
      if (kind.map.empty()) continue;
      const std::string hex = Digest(kind.md, data);
      if (auto it = kind.map.find(hex); it != kind.map.end())
        out->push_back({"", std::string(kind.name) + ":" + hex, "hash", it->second, "", 0});
    }
  }

  // Returns an error message ("" when the scan completed).
  std::string MatchRules(const std::string& path, const struct stat& st, std::string_view data,
                         std::vector<Detection>* out) {
    const size_t slash = path.rfind('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    const std::string extension = Extension(name);
    const std::string& owner = Owner(st.st_uid);
    yr_scanner_define_string_variable(scanner_, "filename", name.c_str());
    yr_scanner_define_string_variable(scanner_, "filepath", path.c_str());
    yr_scanner_define_string_variable(scanner_, "extension", extension.c_str());
    yr_scanner_define_string_variable(scanner_, "filetype", FileType(data.substr(0, 8)));
    yr_scanner_define_string_variable(scanner_, "owner", owner.c_str());
    matches_.clear();
    const int rc =
        yr_scanner_scan_mem(scanner_, reinterpret_cast<const uint8_t*>(data.data()), data.size());
    for (auto& m : matches_)
      out->push_back({"", std::move(m.rule), "yara", std::move(m.label), "", 0});
    if (rc == ERROR_SUCCESS) return "";
    if (rc == ERROR_SCAN_TIMEOUT)
      return "YARA scan timed out after " + std::to_string(limits_.per_file_timeout_seconds) + " s";
    if (rc == ERROR_INSUFFICIENT_MEMORY) return "YARA scan: out of memory";
    return "YARA scan failed (error " + std::to_string(rc) + ")";
  }

  const std::string& Owner(uid_t uid) {
    auto it = owners_.find(uid);
    if (it != owners_.end()) return it->second;
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    std::string name = std::to_string(uid);
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr)
      name = found->pw_name;
    return owners_.emplace(uid, std::move(name)).first->second;
  }

  const CompiledRules* rules_;
  const HashIndicators* hashes_;
  ScanCache* cache_;
  const ScanLimits& limits_;
  const std::string& version_;
  Shared* shared_;
  YR_SCANNER* scanner_ = nullptr;
  bool scanner_failed_ = false;
  std::unique_ptr<char[]> buffer_;  // file contents, reused
  uint64_t buffer_capacity_ = 0;
  std::vector<RuleMatch> matches_;
  std::unordered_map<uid_t, std::string> owners_;
  double cpu_share_ = 1.0;
  int64_t cpu_mark_ = 0;
  double sleep_debt_ns_ = 0;
};

}  // namespace

FileScanner::FileScanner(const CompiledRules* rules, const HashIndicators* hashes, ScanCache* cache,
                         ScanLimits limits)
    : rules_(rules), hashes_(hashes), cache_(cache), limits_(std::move(limits)) {
  version_ = (rules_ != nullptr ? rules_->version() : std::string()) + "+" + HashesVersion(hashes_);
}

ScanStats FileScanner::Scan(
    const std::vector<std::string>& paths,
    const std::function<void(const Detection&)>& on_detection,
    const std::function<void(const std::string&, const std::string&)>& on_error,
    const std::function<void(const ScanStats&)>& on_progress) {
  Shared shared{on_detection, on_error, on_progress};
  const int threads = std::max(1, limits_.threads);
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> running;
  for (int i = 0; i < threads; ++i) {
    workers.push_back(
        std::make_unique<Worker>(rules_, hashes_, cache_, limits_, version_, &shared));
    running.emplace_back([w = workers.back().get()] { w->Run(); });
  }
  constexpr size_t kQueueLimit = 4096;
  auto enqueue = [&](std::string path) {
    std::unique_lock lock(shared.queue_mu);
    shared.queue_cv.wait(lock, [&] { return shared.queue.size() < kQueueLimit; });
    shared.queue.push_back(std::move(path));
    lock.unlock();
    shared.queue_cv.notify_all();
  };

  std::vector<std::string> dirs;  // depth first, explicit stack
  for (std::string root : paths) {
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    if (IsExcluded(root, limits_.exclude_prefixes)) continue;
    struct stat st {};
    if (stat(root.c_str(), &st) != 0) {
      shared.Error(root, std::strerror(errno));
      continue;
    }
    if (S_ISREG(st.st_mode)) {
      // A named file: resolve a symlink here, since the scanning threads never follow one.
      char resolved[PATH_MAX];
      enqueue(realpath(root.c_str(), resolved) != nullptr ? std::string(resolved) : root);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) continue;
    dirs.push_back(root);
    while (!dirs.empty()) {
      const std::string dir = std::move(dirs.back());
      dirs.pop_back();
      // O_NOFOLLOW guards against a directory swapped for a symlink; the named root may be one.
      const int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (dir == root ? 0 : O_NOFOLLOW);
      const int fd = open(dir.c_str(), flags);
      DIR* handle = fd >= 0 ? fdopendir(fd) : nullptr;
      if (handle == nullptr) {
        if (errno != ENOENT) shared.Error(dir, std::strerror(errno));
        if (fd >= 0) close(fd);
        continue;
      }
      std::vector<std::string> subdirs;
      while (const dirent* entry = readdir(handle)) {
        const char* name = entry->d_name;
        if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
        unsigned char type = entry->d_type;
        if (type == DT_UNKNOWN) {  // file systems without d_type (some network and FUSE ones)
          struct stat est {};
          if (fstatat(dirfd(handle), name, &est, AT_SYMLINK_NOFOLLOW) != 0) {
            // An entry that cannot even be examined is reported, not silently left out.
            if (errno != ENOENT) shared.Error(Join(dir, name), std::strerror(errno));
            continue;
          }
          type = S_ISDIR(est.st_mode) ? DT_DIR : S_ISREG(est.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        if (type != DT_DIR && type != DT_REG) continue;  // symlinks, devices, FIFOs, sockets
        std::string child = Join(dir, name);
        if (IsExcluded(child, limits_.exclude_prefixes)) continue;
        if (type == DT_DIR) {
          subdirs.push_back(std::move(child));
        } else {
          enqueue(std::move(child));
        }
      }
      closedir(handle);
      std::sort(subdirs.rbegin(), subdirs.rend());  // visit in name order
      for (auto& s : subdirs) dirs.push_back(std::move(s));
    }
  }
  {
    std::lock_guard lock(shared.queue_mu);
    shared.done = true;
  }
  shared.queue_cv.notify_all();
  for (auto& t : running) t.join();
  if (cache_ != nullptr) {
    if (Status s = cache_->Flush(); !s.ok()) shared.Error("(scan cache)", s.ToString());
  }
  shared.stats.seconds = std::chrono::duration<double>(Clock::now() - shared.start).count();
  return shared.stats;
}

}  // namespace vigil::agent
