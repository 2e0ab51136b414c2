// Log input as blocks of whole lines: plain files are memory-mapped and cut at line ends with no
// copy; gzip (.gz, any number of members), zstd (.zst) and standard input ("-") are streamed and
// decompressed into owned blocks. The compression is recognised by its magic bytes, not by the
// name. Not thread-safe; one LineBlocks per input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil::hunt {

// A run of whole lines (the last block of an input may lack its final line feed). `text` stays
// valid when the Block moves: owned bytes live behind a pointer, never in an inline buffer.
struct Block {
  std::string_view text;                 // into `storage` or into the mapping of the LineBlocks
  std::unique_ptr<std::string> storage;  // owned bytes for streamed inputs; null for mapped files
};

class LineBlocks {
 public:
  virtual ~LineBlocks() = default;
  // The next block of about `target_bytes` (longer when a single line is longer), nullopt at the
  // end. Errors name the file: "app.log.gz: corrupt gzip data".
  virtual Result<std::optional<Block>> Next() = 0;
  // Total input bytes when known up front (plain files), for progress; 0 otherwise.
  virtual uint64_t size_hint() const = 0;
  // Bytes consumed so far from the underlying file (compressed bytes for .gz/.zst).
  virtual uint64_t consumed() const = 0;
  // The caller is done with the text of a block it was given: a mapped file drops those pages
  // from the process (they stay in the page cache), so that resident memory does not grow with
  // the input. The text must not be read afterwards. Streamed blocks: nothing to do.
  virtual void Release(std::string_view /*text*/) {}
};

// Opens `path` ("-" for standard input). `target_bytes` sets the block size.
Result<std::unique_ptr<LineBlocks>> OpenLineBlocks(const std::string& path, size_t target_bytes);

}  // namespace vigil::hunt
