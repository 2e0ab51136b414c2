#include "events/event_block.h"

#include <zstd.h>

#include <algorithm>
#include <memory>

namespace vigil::events {
namespace {

constexpr char kVersion1 = 1;  // read only: blocks written before compression
constexpr char kCompressedVersion = 2;
constexpr char kVersion = 3;
// A slice of raw is looked for at raw's end and among its first bytes (where headers are).
constexpr size_t kSliceSearchPrefix = 128;
// Fast: the writer compresses every event once. Level 1 keeps it well under the I/O it saves.
constexpr int kZstdLevel = 1;
// A block is cut at 1 MiB (event_store.cc) plus its last event (at most an HTTP body, 16 MiB);
// anything claiming far more is corrupt and is not decompressed.
constexpr uint64_t kMaxPlainBlock = uint64_t{64} << 20;

struct CctxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DctxFree {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void PutBytes(std::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s);
}

// `previous`: the previous event's value; null for the first event.
void PutRepeated(std::string_view s, const std::string* previous, std::string* out) {
  if (previous != nullptr && s == *previous) {
    out->push_back(0);
    return;
  }
  PutVarint(s.size() + 1, out);
  out->append(s);
}

// `s` as a slice of `raw` when it is one (varint 0, offset, length), else as length + 1 and the
// bytes. Normalised text (a syslog message, its timestamp) is most often cut from the raw event.
void PutSlice(std::string_view s, std::string_view raw, std::string* out) {
  size_t at = std::string_view::npos;
  if (s.size() >= 4) {
    if (raw.ends_with(s)) {
      at = raw.size() - s.size();
    } else {
      at = raw.substr(0, std::min(raw.size(), kSliceSearchPrefix)).find(s);
    }
  }
  if (at == std::string_view::npos) {
    PutVarint(s.size() + 1, out);
    out->append(s);
    return;
  }
  out->push_back(0);
  PutVarint(at, out);
  PutVarint(s.size(), out);
}

void EncodePlain(std::span<const StoredEvent* const> events, std::string* out) {
  out->push_back(kVersion);
  if (events.empty()) return;
  PutVarint(static_cast<uint64_t>(events.front()->id), out);
  const StoredEvent* prev = nullptr;
  for (const StoredEvent* e : events) {
    const bool first = prev == nullptr;
    PutVarint(first ? 0 : static_cast<uint64_t>(e->id - prev->id), out);
    // Deltas wrap in unsigned arithmetic, so any pair of times round-trips.
    PutVarint(ZigZag(static_cast<int64_t>(static_cast<uint64_t>(e->time_ms) -
                                          static_cast<uint64_t>(first ? 0 : prev->time_ms))),
              out);
    PutVarint(ZigZag(static_cast<int64_t>(static_cast<uint64_t>(e->received_ms) -
                                          static_cast<uint64_t>(first ? 0 : prev->received_ms))),
              out);
    PutVarint(static_cast<uint64_t>(e->org_id), out);
    PutVarint(static_cast<uint64_t>(e->asset_id), out);
    PutVarint(static_cast<uint64_t>(e->system_id), out);
    PutRepeated(e->host, first ? nullptr : &prev->host, out);
    PutRepeated(e->source_type, first ? nullptr : &prev->source_type, out);
    PutRepeated(e->source, first ? nullptr : &prev->source, out);
    PutRepeated(e->peer, first ? nullptr : &prev->peer, out);
    PutBytes(e->raw, out);
    PutSlice(e->original_time, e->raw, out);
    PutSlice(e->message, e->raw, out);
    prev = e;
  }
}

}  // namespace

void EncodeBlock(std::span<const StoredEvent* const> events, std::string* out,
                 BlockCompression compression) {
  if (compression == BlockCompression::kNone) {
    EncodePlain(events, out);
    return;
  }
  thread_local std::string plain;
  thread_local std::unique_ptr<ZSTD_CCtx, CctxFree> cctx(ZSTD_createCCtx());
  plain.clear();
  EncodePlain(events, &plain);
  const size_t start = out->size();
  out->push_back(kCompressedVersion);
  PutVarint(plain.size(), out);
  const size_t at = out->size();
  out->resize(at + ZSTD_compressBound(plain.size()));
  const size_t n = ZSTD_compressCCtx(cctx.get(), out->data() + at, out->size() - at, plain.data(),
                                     plain.size(), kZstdLevel);
  if (ZSTD_isError(n)) {  // only out of memory, as the destination has the bound: store plain
    out->resize(start);
    out->append(plain);
    return;
  }
  out->resize(at + n);
}

bool BlockReader::Varint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && pos_ < data_.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(data_[pos_++]);
    result |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool BlockReader::Bytes(std::string* out) {
  uint64_t n = 0;
  if (!Varint(&n) || n > data_.size() - pos_) return false;
  out->assign(data_.substr(pos_, n));
  pos_ += n;
  return true;
}

bool BlockReader::Slice(std::string_view raw, std::string* out) {
  uint64_t n = 0;
  if (!Varint(&n)) return false;
  if (n > 0) {
    if (n - 1 > data_.size() - pos_) return false;
    out->assign(data_.substr(pos_, n - 1));
    pos_ += n - 1;
    return true;
  }
  uint64_t at = 0, size = 0;
  if (!Varint(&at) || !Varint(&size) || at > raw.size() || size > raw.size() - at) return false;
  out->assign(raw.substr(at, size));
  return true;
}

bool BlockReader::Repeated(std::string* previous, std::string* out) {
  uint64_t n = 0;
  if (!Varint(&n)) return false;
  if (n == 0) {
    if (!started_) return false;  // the first event has nothing to repeat
  } else {
    if (n - 1 > data_.size() - pos_) return false;
    previous->assign(data_.substr(pos_, n - 1));
    pos_ += n - 1;
  }
  *out = *previous;
  return true;
}

Status BlockReader::Start() {
  auto corrupt = [](std::string_view what) {
    return Status(StatusCode::kInternal, "event block is corrupted: " + std::string(what),
                  "byte 0");
  };
  if (!data_.empty() && data_[0] == kCompressedVersion) {
    pos_ = 1;
    uint64_t size = 0;
    if (!Varint(&size) || size == 0 || size > kMaxPlainBlock ||
        ZSTD_getFrameContentSize(data_.data() + pos_, data_.size() - pos_) != size) {
      return corrupt("plain size");
    }
    thread_local std::unique_ptr<ZSTD_DCtx, DctxFree> dctx(ZSTD_createDCtx());
    plain_.resize(size);
    const size_t n = ZSTD_decompressDCtx(dctx.get(), plain_.data(), plain_.size(),
                                         data_.data() + pos_, data_.size() - pos_);
    if (ZSTD_isError(n) || n != size) return corrupt("compressed data");
    data_ = plain_;
    pos_ = 0;
  }
  if (data_.empty() || (data_[0] != kVersion && data_[0] != kVersion1)) {
    return corrupt("unknown version");
  }
  version_ = data_[0];
  return Status::Ok();
}

Result<bool> BlockReader::Next(StoredEvent* event) {
  const size_t at = pos_;
  auto corrupt = [&](std::string_view what) {
    return Status(StatusCode::kInternal, "event block is corrupted: " + std::string(what),
                  "byte " + std::to_string(at));
  };
  if (pos_ == 0) {
    VIGIL_RETURN_IF_ERROR(Start());
    pos_ = 1;
    if (pos_ == data_.size()) return false;
    uint64_t first = 0;
    if (!Varint(&first) || first > static_cast<uint64_t>(INT64_MAX)) return corrupt("first id");
    id_ = static_cast<int64_t>(first);
  }
  if (pos_ == data_.size()) return false;
  uint64_t id_delta = 0, time_delta = 0, received_delta = 0, org = 0, asset = 0, system = 0;
  if (!Varint(&id_delta) || (started_ ? id_delta == 0 : id_delta != 0) ||
      id_delta > static_cast<uint64_t>(INT64_MAX - id_)) {
    return corrupt("id");
  }
  if (!Varint(&time_delta) || !Varint(&received_delta)) return corrupt("time");
  if (!Varint(&org) || !Varint(&asset) || !Varint(&system) ||
      std::max({org, asset, system}) > static_cast<uint64_t>(INT64_MAX)) {
    return corrupt("attribution");
  }
  id_ += static_cast<int64_t>(id_delta);
  time_ = static_cast<int64_t>(static_cast<uint64_t>(time_) +
                               static_cast<uint64_t>(UnZigZag(time_delta)));
  received_ = static_cast<int64_t>(static_cast<uint64_t>(received_) +
                                   static_cast<uint64_t>(UnZigZag(received_delta)));
  const bool text_ok =
      version_ == kVersion1
          ? Bytes(&event->original_time) && Repeated(&host_, &event->host) &&
                Repeated(&source_type_, &event->source_type) &&
                Repeated(&source_, &event->source) && Repeated(&peer_, &event->peer) &&
                Bytes(&event->message) && Bytes(&event->raw)
          : Repeated(&host_, &event->host) && Repeated(&source_type_, &event->source_type) &&
                Repeated(&source_, &event->source) && Repeated(&peer_, &event->peer) &&
                Bytes(&event->raw) && Slice(event->raw, &event->original_time) &&
                Slice(event->raw, &event->message);
  if (!text_ok) return corrupt("text");
  started_ = true;
  event->id = id_;
  event->time_ms = time_;
  event->received_ms = received_;
  event->org_id = static_cast<int64_t>(org);
  event->asset_id = static_cast<int64_t>(asset);
  event->system_id = static_cast<int64_t>(system);
  event->security_level = security_level_;
  return true;
}

}  // namespace vigil::events
