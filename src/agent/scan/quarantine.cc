#include "agent/scan/quarantine.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "agent/scan/yara_util.h"
#include "core/text.h"

namespace vigil::agent {
namespace {

// The defanging key: stored byte i = original byte i XOR kKey[i % size]. Not secret; it only
// keeps the vault from holding runnable or scanner-matching bytes.
constexpr unsigned char kKey[] = {0x56, 0x69, 0x67, 0x69, 0x6c, 0x51, 0x75, 0x61,
                                  0x72, 0x61, 0x6e, 0x74, 0x69, 0x6e, 0x65, 0xa5};

Status Errno(const std::string& what, const std::string& path) {
  const int e = errno;
  const StatusCode code = e == ENOENT                   ? StatusCode::kNotFound
                          : e == EEXIST                 ? StatusCode::kAlreadyExists
                          : (e == EACCES || e == EPERM) ? StatusCode::kPermissionDenied
                                                        : StatusCode::kInternal;
  return {code, what + ": " + std::strerror(e), path};
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

bool ValidId(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<std::string> NewId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Internal("RAND_bytes failed");
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// Copies `in` (from offset 0) to `out`, XORing with the key (its own inverse), and fsyncs `out`.
// *plain_sha256 receives the hex SHA-256 of the plain side (input when defanging, output when
// restoring) and *size the byte count.
Status CopyXor(int in, int out, bool input_is_plain, std::string* plain_sha256, int64_t* size) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<unsigned char> buf(1 << 16);
  uint64_t offset = 0;
  for (;;) {
    const ssize_t n = pread(in, buf.data(), buf.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("read", "");
    if (n == 0) break;
    const auto len = static_cast<size_t>(n);
    if (input_is_plain) EVP_DigestUpdate(ctx.get(), buf.data(), len);
    for (size_t i = 0; i < len; ++i) buf[i] ^= kKey[(offset + i) % sizeof kKey];
    if (!input_is_plain) EVP_DigestUpdate(ctx.get(), buf.data(), len);
    for (size_t done = 0; done < len;) {
      const ssize_t w = write(out, buf.data() + done, len - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return Errno("write", "");
      done += static_cast<size_t>(w);
    }
    offset += len;
  }
  if (fsync(out) != 0) return Errno("fsync", "");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &md_len);
  *plain_sha256 = HexEncode(std::string_view(reinterpret_cast<const char*>(md), md_len));
  *size = static_cast<int64_t>(offset);
  return Status::Ok();
}

void SyncDir(const std::string& dir) {
  const Fd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) (void)fsync(fd.get());
}

std::string ParentDir(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

Status WriteFileAtomically(const std::string& path, const std::string& text, mode_t mode) {
  const std::string part = path + ".part";
  {
    const Fd fd(open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
    if (fd.get() < 0) return Errno("create", part);
    if (write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
        fsync(fd.get()) != 0) {
      Status error = Errno("write", part);
      unlink(part.c_str());
      return error;
    }
  }
  if (rename(part.c_str(), path.c_str()) != 0) {
    Status error = Errno("rename", path);
    unlink(part.c_str());
    return error;
  }
  return Status::Ok();
}

}  // namespace

Result<Vault> Vault::Open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("cannot create quarantine directory " + dir + ": " + ec.message());
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) return Errno("stat", dir);
  if (!S_ISDIR(st.st_mode)) return InvalidArgument("quarantine path is not a directory", dir);
  if (chmod(dir.c_str(), 0700) != 0) return Errno("chmod", dir);
  return Vault(dir);
}

Result<QuarantineEntry> Vault::Quarantine(const std::string& path, const std::string& rule,
                                          const std::string& sha256) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return Errno("stat", path);
  if (!S_ISREG(st.st_mode)) return InvalidArgument("not a regular file", path);
  const Fd in(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (in.get() < 0) return Errno("open", path);
  struct stat fst {};
  if (fstat(in.get(), &fst) != 0) return Errno("stat", path);
  if (fst.st_dev != st.st_dev || fst.st_ino != st.st_ino || !S_ISREG(fst.st_mode))
    return Conflict("file changed while being quarantined", path);
  struct stat vst {};
  if (stat(dir_.c_str(), &vst) != 0) return Errno("stat", dir_);

  VIGIL_ASSIGN_OR_RETURN(const std::string id, NewId());
  const std::string base = dir_ + "/" + id;
  const std::string data_path = base + ".bin", staged = base + ".incoming";
  const bool same_fs = vst.st_dev == st.st_dev;
  // Same filesystem: take the file away from its directory first (atomic), and put it back if
  // anything below fails. Otherwise it stays where it is until the vault copy is durable.
  if (same_fs) {
    if (rename(path.c_str(), staged.c_str()) != 0) return Errno("rename into vault", path);
    struct stat sst {};
    if (lstat(staged.c_str(), &sst) != 0 || sst.st_ino != st.st_ino) {
      (void)rename(staged.c_str(), path.c_str());
      return Conflict("file replaced while being quarantined", path);
    }
  }
  auto put_back = [&] {
    unlink(data_path.c_str());
    if (same_fs && link(staged.c_str(), path.c_str()) == 0) unlink(staged.c_str());
  };

  QuarantineEntry entry;
  entry.id = id;
  entry.original_path = path;
  entry.uid = fst.st_uid;
  entry.gid = fst.st_gid;
  entry.mode = fst.st_mode & 07777;
  entry.rule = rule;
  entry.quarantined_at = static_cast<int64_t>(std::time(nullptr));
  {
    const Fd out(open(data_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400));
    if (out.get() < 0) {
      Status error = Errno("create", data_path);
      put_back();
      return error;
    }
    if (Status s = CopyXor(in.get(), out.get(), true, &entry.sha256, &entry.size); !s.ok()) {
      put_back();
      return Status(s.code(), s.message(), path);
    }
  }
  if (!sha256.empty() && sha256 != entry.sha256) {
    put_back();
    return Conflict("file changed since it was scanned (sha256 " + entry.sha256 + ")", path);
  }
  const nlohmann::json meta = {{"id", entry.id},
                               {"original_path", entry.original_path},
                               {"uid", entry.uid},
                               {"gid", entry.gid},
                               {"mode", entry.mode},
                               {"sha256", entry.sha256},
                               {"rule", entry.rule},
                               {"size", entry.size},
                               {"quarantined_at", entry.quarantined_at}};
  // dump with replace: paths need not be UTF-8.
  if (Status s = WriteFileAtomically(
          base + ".json", meta.dump(2, ' ', false, nlohmann::json::error_handler_t::replace), 0400);
      !s.ok()) {
    put_back();
    return s;
  }
  SyncDir(dir_);
  if (same_fs) {
    unlink(staged.c_str());  // the defanged copy is durable; the plain bytes go
  } else {
    struct stat now {};
    if (lstat(path.c_str(), &now) != 0 || now.st_ino != st.st_ino || now.st_dev != st.st_dev) {
      (void)Delete(id);
      return Conflict("file replaced while being quarantined", path);
    }
    if (unlink(path.c_str()) != 0) {
      Status error = Errno("unlink", path);
      (void)Delete(id);
      return error;
    }
  }
  SyncDir(ParentDir(path));
  return entry;
}

Result<QuarantineEntry> Vault::Load(const std::string& id) const {
  if (!ValidId(id)) return InvalidArgument("not a quarantine id", id);
  const std::string path = dir_ + "/" + id + ".json";
  const Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return Errno("quarantine entry", id);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fd.get(), buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<size_t>(n));
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return InvalidArgument("corrupt quarantine metadata", path);
  QuarantineEntry entry;
  try {
    entry.id = json.at("id").get<std::string>();
    entry.original_path = json.at("original_path").get<std::string>();
    entry.uid = json.at("uid").get<uint32_t>();
    entry.gid = json.at("gid").get<uint32_t>();
    entry.mode = json.at("mode").get<uint32_t>();
    entry.sha256 = json.at("sha256").get<std::string>();
    entry.rule = json.at("rule").get<std::string>();
    entry.size = json.at("size").get<int64_t>();
    entry.quarantined_at = json.at("quarantined_at").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string("corrupt quarantine metadata: ") + e.what(), path);
  }
  if (entry.id != id) return InvalidArgument("quarantine metadata names another id", path);
  return entry;
}

Status Vault::Restore(const std::string& id) {
  VIGIL_ASSIGN_OR_RETURN(const QuarantineEntry entry, Load(id));
  const std::string data_path = dir_ + "/" + id + ".bin";
  const Fd in(open(data_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.get() < 0) return Errno("open vault copy", data_path);
  const std::string& target = entry.original_path;
  std::string sha256;
  int64_t size = 0;
  {
    const Fd out(open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (out.get() < 0) return Errno("restore", target);
    Status s = CopyXor(in.get(), out.get(), false, &sha256, &size);
    if (s.ok() && sha256 != entry.sha256)
      s = Internal("vault copy is corrupt (sha256 " + sha256 + ", expected " + entry.sha256 + ")");
    if (s.ok() && fchown(out.get(), entry.uid, entry.gid) != 0 && errno != EPERM)
      s = Errno("chown", target);
    if (s.ok() && fchmod(out.get(), entry.mode & 07777) != 0) s = Errno("chmod", target);
    if (!s.ok()) {
      unlink(target.c_str());
      return Status(s.code(), s.message(), target);
    }
  }
  SyncDir(ParentDir(target));
  return Delete(id);
}

Status Vault::Delete(const std::string& id) {
  if (!ValidId(id)) return InvalidArgument("not a quarantine id", id);
  const std::string base = dir_ + "/" + id;
  if (unlink((base + ".bin").c_str()) != 0 && errno != ENOENT)
    return Errno("delete", base + ".bin");
  if (unlink((base + ".json").c_str()) != 0) return Errno("delete", id);
  SyncDir(dir_);
  return Status::Ok();
}

Result<std::vector<QuarantineEntry>> Vault::List() const {
  std::vector<QuarantineEntry> entries;
  std::error_code ec;
  for (const auto& file : std::filesystem::directory_iterator(dir_, ec)) {
    if (file.path().extension() != ".json") continue;
    const std::string id = file.path().stem().string();
    if (!ValidId(id)) continue;  // e.g. "<id>.json.part" leftovers
    VIGIL_ASSIGN_OR_RETURN(QuarantineEntry entry, Load(id));
    entries.push_back(std::move(entry));
  }
  if (ec) return Internal("cannot list quarantine: " + ec.message());
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.quarantined_at, a.id) < std::tie(b.quarantined_at, b.id);
  });
  return entries;
}

}  // namespace vigil::agent
