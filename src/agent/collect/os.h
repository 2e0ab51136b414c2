// What the inventory collectors read of the machine, behind an interface so that tests run on
// fixture trees. Every path given to an Os is absolute ("/proc/1/stat"); an implementation maps
// it onto wherever the tree lives.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace vigil::agent {

class Os {
 public:
  virtual ~Os() = default;
  // The whole file, up to `max_bytes` (a longer file is ResourceExhausted). NotFound when absent,
  // PermissionDenied when not readable. Works on /proc files, whose size is reported as 0.
  virtual Result<std::string> ReadFile(const std::string& path,
                                       size_t max_bytes = size_t{64} << 20) const = 0;
  // Entry names of a directory, sorted, without "." and "..".
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) const = 0;
  // The target of a symbolic link, as stored (not resolved under the root).
  virtual Result<std::string> ReadLink(const std::string& path) const = 0;
  virtual bool Exists(const std::string& path) const = 0;
  // The host path of `path` (root + path), for libraries that open files themselves (SQLite).
  virtual std::string HostPath(const std::string& path) const = 0;
};

// Every absolute path is read under `root` ("/" = this machine; a fixture directory in tests).
// Symbolic links inside the tree are followed by the host, so a fixture must not rely on links
// that leave it (except /proc/<pid>/fd and exe links, which are only ever read with ReadLink).
std::unique_ptr<Os> RootedOs(std::string root);

}  // namespace vigil::agent
