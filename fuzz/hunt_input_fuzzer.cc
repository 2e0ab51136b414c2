// Bytes as a log file (plain, or gzip / zstd when the magic bytes say so) through the block reader
// and the hunt scanner with a small list: no crash, and the blocks of a readable input hold every
// byte exactly once.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hunt/block_scan.h"
#include "hunt/input.h"
#include "intel/indicator_set.h"

namespace {

const vigil::intel::IndicatorSet& Set() {
  static const auto set = [] {
    std::vector<vigil::intel::Indicator> entries;
    for (const char* text : {"10.0.0.0/8", "2001:db8::/32", "evil.example", "1.2.3.4"}) {
      entries.push_back(vigil::intel::ParseIndicator(text).value());
    }
    return vigil::intel::IndicatorSet::Build(std::move(entries), 0);
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/vigil-hunt-input-fuzz-" + std::to_string(getpid());
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return 0;
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  auto blocks = vigil::hunt::OpenLineBlocks(path, 64);
  if (!blocks.ok()) return 0;
  const bool plain = size < 2 || !(data[0] == 0x1f && data[1] == 0x8b);
  const bool zstd =
      size >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd;
  std::string seen;
  for (;;) {
    auto block = blocks.value()->Next();
    if (!block.ok() || !block.value()) break;
    vigil::hunt::FindMatchedLines(block.value()->text, Set());
    seen.append(block.value()->text);
  }
  if (plain && !zstd && seen != std::string(reinterpret_cast<const char*>(data), size))
    std::abort();
  return 0;
}
