// Little-endian reads over a borrowed byte range, every one bounds-checked by the caller's
// cursor. Internal to the evtx module.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace vigil::evtx::internal {

inline uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
inline uint64_t Le64(const uint8_t* p) {
  return static_cast<uint64_t>(Le32(p)) | (static_cast<uint64_t>(Le32(p + 4)) << 32);
}

// A read position inside [0, end) of `data`. Every read checks that it stays below `end`
// (itself never beyond data.size()); a failed read returns false and leaves the cursor alone.
class Cursor {
 public:
  Cursor(std::span<const uint8_t> data, size_t pos, size_t end)
      : data_(data), pos_(pos), end_(end > data.size() ? data.size() : end) {}

  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  size_t remaining() const { return pos_ < end_ ? end_ - pos_ : 0; }
  bool Has(size_t n) const { return pos_ <= end_ && n <= end_ - pos_; }
  const uint8_t* here() const { return data_.data() + pos_; }

  bool Skip(size_t n) {
    if (!Has(n)) return false;
    pos_ += n;
    return true;
  }
  bool U8(uint8_t* v) {
    if (!Has(1)) return false;
    *v = data_[pos_++];
    return true;
  }
  bool Peek(uint8_t* v) const {
    if (!Has(1)) return false;
    *v = data_[pos_];
    return true;
  }
  bool U16(uint16_t* v) {
    if (!Has(2)) return false;
    *v = Le16(here());
    pos_ += 2;
    return true;
  }
  bool U32(uint32_t* v) {
    if (!Has(4)) return false;
    *v = Le32(here());
    pos_ += 4;
    return true;
  }

 private:
  std::span<const uint8_t> data_;
  size_t pos_;
  size_t end_;
};

}  // namespace vigil::evtx::internal
