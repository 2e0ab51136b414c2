// Fuzzes the EVTX reader twice per input: the bytes as a whole file, and the bytes as the record
// area of one chunk wrapped in a valid file header and chunk header (checksums computed here), so
// that mutations reach the Binary XML parser instead of stopping at a checksum. Checks (abort()
// on violation) that the reader never throws, that only a file without the "ElfFile" signature is
// an error, that every record's JSON is one object and every problem says something.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "evtx/evtx.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

uint32_t Crc32(uint32_t crc, const uint8_t* p, size_t n) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

void Put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

void Run(std::span<const uint8_t> file) {
  const vigil::Status status = vigil::evtx::ReadEvtx(
      file,
      [](const vigil::evtx::Record& r) {
        Check(r.json.size() >= 2 && r.json.front() == '{' && r.json.back() == '}');
      },
      [](const vigil::evtx::Problem& p) { Check(!p.message.empty()); });
  Check(status.ok() == vigil::evtx::LooksLikeEvtx(file));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Run({data, size});

  constexpr size_t kHeader = 4096, kChunk = 65536, kRecords = 512;
  static std::vector<uint8_t> file(kHeader + kChunk);
  std::memset(file.data(), 0, file.size());
  std::memcpy(file.data(), "ElfFile", 8);
  Put32(file.data() + 124, Crc32(0, file.data(), 120));
  uint8_t* chunk = file.data() + kHeader;
  std::memcpy(chunk, "ElfChnk", 8);
  const size_t n = size < kChunk - kRecords ? size : kChunk - kRecords;
  if (n > 0) std::memcpy(chunk + kRecords, data, n);
  Put32(chunk + 48, static_cast<uint32_t>(kRecords + n));
  Put32(chunk + 52, Crc32(0, chunk + kRecords, n));
  Put32(chunk + 124, Crc32(Crc32(0, chunk, 120), chunk + 128, 384));
  Run(file);
  return 0;
}
