#include "evtx/evtx.h"

#include <array>
#include <cstring>
#include <string>

#include "evtx/binxml.h"
#include "evtx/bytes.h"
#include "evtx/json.h"
#include "evtx/values.h"

namespace vigil::evtx {
namespace {

using internal::Le32;
using internal::Le64;

constexpr size_t kFileHeaderSize = 4096;
constexpr size_t kChunkSize = 65536;
constexpr size_t kChunkHeaderSize = 512;  // header (128) + string and template offset tables
constexpr size_t kRecordHeaderSize = 24;
constexpr uint8_t kFileMagic[8] = {'E', 'l', 'f', 'F', 'i', 'l', 'e', 0};
constexpr uint8_t kChunkMagic[8] = {'E', 'l', 'f', 'C', 'h', 'n', 'k', 0};
constexpr uint8_t kRecordMagic[4] = {0x2a, 0x2a, 0, 0};

// CRC-32 (IEEE 802.3, as zlib), the checksum of file and chunk headers and of record data;
// slicing-by-8 tables.
uint32_t Crc32(uint32_t crc, const uint8_t* p, size_t n) {
  static const auto kTables = [] {
    std::array<std::array<uint32_t, 256>, 8> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (size_t k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
    }
    return t;
  }();
  const auto& t = kTables;
  crc = ~crc;
  while (n >= 8) {
    const uint32_t a = Le32(p) ^ crc;
    const uint32_t b = Le32(p + 4);
    crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^ t[5][(a >> 16) & 0xff] ^ t[4][a >> 24] ^
          t[3][b & 0xff] ^ t[2][(b >> 8) & 0xff] ^ t[1][(b >> 16) & 0xff] ^ t[0][b >> 24];
    p += 8;
    n -= 8;
  }
  for (size_t i = 0; i < n; ++i) crc = t[0][(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

bool AllZero(std::span<const uint8_t> bytes) {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

// Reads the records of one whole chunk starting at file offset `base`.
void ReadChunk(std::span<const uint8_t> chunk, uint64_t base,
               const std::function<void(const Record&)>& on_record,
               const std::function<void(const Problem&)>& on_problem) {
  if (std::memcmp(chunk.data(), kChunkMagic, sizeof kChunkMagic) != 0) {
    if (!AllZero(chunk)) on_problem({base, "chunk: bad signature (not \"ElfChnk\"), skipped"});
    return;
  }
  const uint32_t header_crc = Crc32(Crc32(0, chunk.data(), 120), chunk.data() + 128, 384);
  if (header_crc != Le32(chunk.data() + 124)) {
    on_problem({base, "chunk: header checksum mismatch, skipped"});
    return;
  }
  const uint32_t free_offset = Le32(chunk.data() + 48);
  if (free_offset < kChunkHeaderSize || free_offset > kChunkSize) {
    on_problem({base, "chunk: free space offset " + internal::Hex(free_offset) +
                          " out of range, skipped"});
    return;
  }
  const uint32_t data_crc =
      Crc32(0, chunk.data() + kChunkHeaderSize, free_offset - kChunkHeaderSize);
  if (data_crc != Le32(chunk.data() + 52)) {
    on_problem({base, "chunk: record data checksum mismatch, skipped"});
    return;
  }

  internal::ChunkParser parser(chunk);
  internal::Tree tree;
  Record record;
  size_t offset = kChunkHeaderSize;
  while (offset + kRecordHeaderSize <= free_offset) {
    const uint8_t* p = chunk.data() + offset;
    const uint64_t at = base + offset;
    if (std::memcmp(p, kRecordMagic, sizeof kRecordMagic) != 0) {
      // Free space may hold zero padding; anything else is damage.
      if (!AllZero(chunk.subspan(offset, free_offset - offset))) {
        on_problem({at, "record: bad signature, rest of chunk skipped"});
      }
      return;
    }
    const uint32_t size = Le32(p + 4);
    if (size < kRecordHeaderSize + 4 || size > free_offset - offset || Le32(p + size - 4) != size) {
      on_problem({at, "record: bad size " + std::to_string(size) + ", rest of chunk skipped"});
      return;
    }
    record.record_id = Le64(p + 8);
    record.time_unix_ns = internal::FileTimeToUnixNs(Le64(p + 16));
    Status st = parser.ParseRecord(static_cast<uint32_t>(offset + kRecordHeaderSize),
                                   static_cast<uint32_t>(offset + size - 4), &tree);
    if (st.ok()) {
      record.json.clear();
      internal::RenderJson(tree, &record.json);
      on_record(record);
    } else {
      on_problem({at, "record " + std::to_string(record.record_id) + ": " + st.message()});
    }
    offset += size;
  }
}

}  // namespace

bool LooksLikeEvtx(std::span<const uint8_t> head) {
  return head.size() >= sizeof kFileMagic &&
         std::memcmp(head.data(), kFileMagic, sizeof kFileMagic) == 0;
}

Status ReadEvtx(std::span<const uint8_t> file, const std::function<void(const Record&)>& on_record,
                const std::function<void(const Problem&)>& on_problem) {
  if (file.size() < sizeof kFileMagic) {
    return InvalidArgument("not an EVTX file: " + std::to_string(file.size()) +
                           " bytes, shorter than the file signature");
  }
  if (!LooksLikeEvtx(file)) {
    return InvalidArgument("not an EVTX file: no \"ElfFile\" signature");
  }
  if (file.size() < kFileHeaderSize) {
    on_problem({0, "file header truncated (" + std::to_string(file.size()) + " of " +
                       std::to_string(kFileHeaderSize) + " bytes)"});
    return Status::Ok();
  }
  if (Crc32(0, file.data(), 120) != Le32(file.data() + 124)) {
    on_problem({0, "file header checksum mismatch (chunks read anyway)"});
  }
  for (size_t offset = kFileHeaderSize; offset < file.size(); offset += kChunkSize) {
    if (file.size() - offset < kChunkSize) {
      on_problem({offset, "chunk truncated (" + std::to_string(file.size() - offset) + " of " +
                              std::to_string(kChunkSize) + " bytes), skipped"});
      break;
    }
    ReadChunk(file.subspan(offset, kChunkSize), offset, on_record, on_problem);
  }
  return Status::Ok();
}

}  // namespace vigil::evtx
