#include "hunt/input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace vigil::hunt {
namespace {

Status IoError(const std::string& path, std::string_view what) {
  return {StatusCode::kInvalidArgument, std::string(what) + ": " + std::strerror(errno), path};
}

// A plain file, mapped read-only; blocks are views into the mapping.
class MappedBlocks final : public LineBlocks {
 public:
  MappedBlocks(const char* data, size_t size, size_t target)
      : data_(data), size_(size), target_(target) {}
  ~MappedBlocks() override {
    if (size_ > 0) munmap(const_cast<char*>(data_), size_);
  }
  MappedBlocks(const MappedBlocks&) = delete;
  MappedBlocks& operator=(const MappedBlocks&) = delete;

  Result<std::optional<Block>> Next() override {
    if (pos_ >= size_) return std::optional<Block>();
    size_t end = std::min(size_, pos_ + target_);
    if (end < size_) {
      const void* nl = std::memchr(data_ + end, '\n', size_ - end);
      end = nl == nullptr ? size_ : static_cast<size_t>(static_cast<const char*>(nl) - data_) + 1;
    }
    Block block;
    block.text = std::string_view(data_ + pos_, end - pos_);
    pos_ = end;
    return std::optional<Block>(std::move(block));
  }
  uint64_t size_hint() const override { return size_; }
  uint64_t consumed() const override { return pos_; }
  void Release(std::string_view text) override {
    // Whole pages inside the text only: the pages it shares with its neighbours stay.
    static const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    const char* first = text.data();
    const char* last = first + text.size();
    const char* begin = first + (page - reinterpret_cast<uintptr_t>(first) % page) % page;
    const char* end = last - reinterpret_cast<uintptr_t>(last) % page;
    if (end > begin) {
      madvise(const_cast<char*>(begin), static_cast<size_t>(end - begin), MADV_DONTNEED);
    }
  }

 private:
  const char* data_;
  size_t size_;
  size_t target_;
  size_t pos_ = 0;
};

// Streams bytes from a decoder and cuts them into blocks of whole lines.
class StreamBlocks final : public LineBlocks {
 public:
  enum class Codec { kNone, kGzip, kZstd };

  StreamBlocks(std::string path, int fd, Codec codec, size_t target)
      : path_(std::move(path)), fd_(fd), codec_(codec), target_(target) {}
  ~StreamBlocks() override {
    if (fd_ > 0) close(fd_);
    if (gzip_ready_) inflateEnd(&gzip_);
    if (zstd_ != nullptr) ZSTD_freeDStream(zstd_);
  }
  StreamBlocks(const StreamBlocks&) = delete;
  StreamBlocks& operator=(const StreamBlocks&) = delete;

  Status Init() {
    if (codec_ == Codec::kGzip) {
      gzip_ = {};
      if (inflateInit2(&gzip_, 16 + MAX_WBITS) != Z_OK) return Internal("zlib init failed");
      gzip_ready_ = true;
    } else if (codec_ == Codec::kZstd) {
      zstd_ = ZSTD_createDStream();
      if (zstd_ == nullptr) return Internal("zstd init failed");
    }
    return Status::Ok();
  }

  Result<std::optional<Block>> Next() override {
    std::string out = std::move(carry_);
    carry_.clear();
    size_t scanned = 0;
    size_t cut = std::string::npos;  // just after the last line feed seen
    for (;;) {
      if (const void* nl = memrchr(out.data() + scanned, '\n', out.size() - scanned)) {
        cut = static_cast<size_t>(static_cast<const char*>(nl) - out.data()) + 1;
      }
      scanned = out.size();
      if (eof_ || (out.size() >= target_ && cut != std::string::npos)) break;
      VIGIL_RETURN_IF_ERROR(Fill(&out));
    }
    if (out.empty()) return std::optional<Block>();
    if (!eof_) {  // keep the partial last line for the next block
      carry_.assign(out, cut);
      out.resize(cut);
    }
    Block block;
    block.storage = std::make_unique<std::string>(std::move(out));
    block.text = *block.storage;
    return std::optional<Block>(std::move(block));
  }
  uint64_t size_hint() const override { return 0; }
  uint64_t consumed() const override { return consumed_; }

 private:
  // Reads more input and appends decoded bytes to *out; sets eof_ at the end.
  Status Fill(std::string* out) {
    if (in_pos_ == in_.size() && !input_done_) {
      in_.resize(1 << 20);
      ssize_t got;
      do {
        got = read(fd_, in_.data(), in_.size());
      } while (got < 0 && errno == EINTR);
      if (got < 0) return IoError(path_, "read failed");
      in_.resize(static_cast<size_t>(got));
      in_pos_ = 0;
      consumed_ += static_cast<uint64_t>(got);
      if (got == 0) input_done_ = true;
    }
    switch (codec_) {
      case Codec::kNone:
        out->append(in_.data() + in_pos_, in_.size() - in_pos_);
        in_pos_ = in_.size();
        if (input_done_) eof_ = true;
        return Status::Ok();
      case Codec::kGzip:
        return InflateSome(out);
      case Codec::kZstd:
        return DecompressSome(out);
    }
    return Status::Ok();
  }

  Status InflateSome(std::string* out) {
    if (input_done_ && in_pos_ == in_.size()) {
      if (in_member_) return Status(StatusCode::kInvalidArgument, "truncated gzip data", path_);
      eof_ = true;
      return Status::Ok();
    }
    const size_t before = out->size();
    out->resize(before + (1 << 20));
    gzip_.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
    gzip_.avail_in = static_cast<uInt>(in_.size() - in_pos_);
    gzip_.next_out = reinterpret_cast<Bytef*>(out->data() + before);
    gzip_.avail_out = 1 << 20;
    in_member_ = in_member_ || gzip_.avail_in > 0;
    const int rc = inflate(&gzip_, Z_NO_FLUSH);
    in_pos_ = in_.size() - gzip_.avail_in;
    out->resize(before + (1 << 20) - gzip_.avail_out);
    if (rc == Z_STREAM_END) {  // another member may follow (concatenated .gz files)
      in_member_ = false;
      inflateReset(&gzip_);
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Status(StatusCode::kInvalidArgument,
                    std::string("corrupt gzip data: ") + (gzip_.msg ? gzip_.msg : "inflate failed"),
                    path_);
    }
    return Status::Ok();
  }

  Status DecompressSome(std::string* out) {
    if (input_done_ && in_pos_ == in_.size()) {
      if (zstd_pending_) return Status(StatusCode::kInvalidArgument, "truncated zstd data", path_);
      eof_ = true;
      return Status::Ok();
    }
    const size_t before = out->size();
    out->resize(before + (1 << 20));
    ZSTD_inBuffer input{in_.data(), in_.size(), in_pos_};
    ZSTD_outBuffer output{out->data() + before, 1 << 20, 0};
    const size_t rc = ZSTD_decompressStream(zstd_, &output, &input);
    in_pos_ = input.pos;
    out->resize(before + output.pos);
    if (ZSTD_isError(rc)) {
      return Status(StatusCode::kInvalidArgument,
                    std::string("corrupt zstd data: ") + ZSTD_getErrorName(rc), path_);
    }
    zstd_pending_ = rc != 0;
    return Status::Ok();
  }

  std::string path_;
  int fd_;
  Codec codec_;
  size_t target_;
  std::string in_;
  size_t in_pos_ = 0;
  bool input_done_ = false;
  bool eof_ = false;
  std::string carry_;
  uint64_t consumed_ = 0;
  z_stream gzip_{};
  bool gzip_ready_ = false;
  bool in_member_ = false;  // inside a gzip member that has not ended yet
  ZSTD_DStream* zstd_ = nullptr;
  bool zstd_pending_ = false;
};

}  // namespace

Result<std::unique_ptr<LineBlocks>> OpenLineBlocks(const std::string& path, size_t target_bytes) {
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? 0 : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError(path, "cannot open");
  unsigned char magic[4] = {};
  struct stat info {};
  const bool regular = !is_stdin && fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  if (!is_stdin && !regular) {
    close(fd);
    return Status(StatusCode::kInvalidArgument, "not a regular file", path);
  }
  if (regular && pread(fd, magic, sizeof(magic), 0) < 0) {
    const Status error = IoError(path, "read failed");
    close(fd);
    return error;
  }
  using Codec = StreamBlocks::Codec;
  const Codec codec = magic[0] == 0x1f && magic[1] == 0x8b ? Codec::kGzip
                      : magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd
                          ? Codec::kZstd
                          : Codec::kNone;
  if (regular && codec == Codec::kNone) {
    const auto size = static_cast<size_t>(info.st_size);
    void* data = nullptr;
    if (size > 0) {
      data = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data == MAP_FAILED) {
        const Status error = IoError(path, "cannot map");
        close(fd);
        return error;
      }
      madvise(data, size, MADV_SEQUENTIAL);
    }
    close(fd);
    return std::unique_ptr<LineBlocks>(
        std::make_unique<MappedBlocks>(static_cast<const char*>(data), size, target_bytes));
  }
  // Compressed files and standard input (read as plain text) are streamed.
  auto stream = std::make_unique<StreamBlocks>(path, fd, codec, target_bytes);
  VIGIL_RETURN_IF_ERROR(stream->Init());
  return std::unique_ptr<LineBlocks>(std::move(stream));
}

}  // namespace vigil::hunt
