// The agent's quarantine vault: <home>/quarantine (0700), one defanged data file and one JSON
// metadata file per entry, named by a random 128-bit hex id.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace vigil::agent {

struct QuarantineEntry {
  std::string id;
  std::string original_path;
  uint32_t uid = 0, gid = 0, mode = 0;  // mode: permission bits (07777)
  std::string sha256, rule;
  int64_t size = 0, quarantined_at = 0;  // quarantined_at: unix seconds
};

class Vault {
 public:
  // Creates `dir` (and missing parents) and makes it 0700.
  static Result<Vault> Open(const std::string& dir);

  // Moves a regular file (never a symlink) into the vault: renamed into the vault when on the same
  // filesystem, else copied; either way the stored bytes are XORed with a fixed key (so the vault
  // never holds the executable bytes as such), fsynced, mode 0400, with <id>.json beside them.
  // A non-empty `sha256` must match the bytes moved (the file did not change since detection).
  // The original is gone when this returns OK; on any failure it is left in place.
  Result<QuarantineEntry> Quarantine(const std::string& path, const std::string& rule,
                                     const std::string& sha256);
  // Writes the original bytes back to the original path (fails if anything exists there),
  // restoring uid/gid (when permitted) and mode, then removes the vault copy.
  Status Restore(const std::string& id);
  Status Delete(const std::string& id);
  // Every entry, oldest first.
  Result<std::vector<QuarantineEntry>> List() const;

  const std::string& dir() const { return dir_; }

 private:
  explicit Vault(std::string dir) : dir_(std::move(dir)) {}
  Result<QuarantineEntry> Load(const std::string& id) const;
  std::string dir_;
};

}  // namespace vigil::agent
