#include "agent/collect/os.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace vigil::agent {
namespace {

Status ErrnoStatus(int err, const std::string& path) {
  std::string message = std::string(std::strerror(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return NotFound(message, path);
    case EACCES:
    case EPERM:
      return {StatusCode::kPermissionDenied, message, path};
    default:
      return {StatusCode::kInternal, message, path};
  }
}

class RootedOsImpl final : public Os {
 public:
  explicit RootedOsImpl(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
    if (root_ == "/") root_.clear();
  }

  Result<std::string> ReadFile(const std::string& path, size_t max_bytes) const override {
    const int fd = ::open(HostPath(path).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, path);
    std::string data;
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd);
        return ErrnoStatus(err, path);
      }
      if (n == 0) break;
      if (data.size() + static_cast<size_t>(n) > max_bytes) {
        ::close(fd);
        return Status(StatusCode::kResourceExhausted,
                      "file is larger than " + std::to_string(max_bytes) + " bytes", path);
      }
      data.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    return data;
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) const override {
    DIR* dir = ::opendir(HostPath(path).c_str());
    if (dir == nullptr) return ErrnoStatus(errno, path);
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(dir)) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      names.emplace_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
  }

  Result<std::string> ReadLink(const std::string& path) const override {
    const std::string host = HostPath(path);
    std::string target(256, '\0');
    for (;;) {
      const ssize_t n = ::readlink(host.c_str(), target.data(), target.size());
      if (n < 0) return ErrnoStatus(errno, path);
      if (static_cast<size_t>(n) < target.size()) {
        target.resize(static_cast<size_t>(n));
        return target;
      }
      if (target.size() >= 65536) return InvalidArgument("link target too long", path);
      target.resize(target.size() * 2);
    }
  }

  bool Exists(const std::string& path) const override {
    struct stat st {};
    return ::stat(HostPath(path).c_str(), &st) == 0;
  }

  std::string HostPath(const std::string& path) const override {
    if (root_.empty()) return path;
    if (!path.empty() && path.front() == '/') return root_ + path;
    return root_ + "/" + path;
  }

 private:
  std::string root_;  // without a trailing '/'; empty for the real root
};

}  // namespace

std::unique_ptr<Os> RootedOs(std::string root) {
  return std::make_unique<RootedOsImpl>(std::move(root));
}

}  // namespace vigil::agent
