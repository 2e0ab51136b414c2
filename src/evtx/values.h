// BinXML value types (MS-EVEN6 2.2.x) decoded to the text the JSON renderer writes, following
// the Rust evtx crate's conventions: integers in decimal (and JSON numbers), HexInt32/64 and SizeT
// as lower-case "0x..", binary as upper-case hex, GUIDs upper-case without braces, FILETIME and
// SYSTEMTIME as "YYYY-MM-DDTHH:MM:SS.ffffffZ", SIDs as "S-1-5-18", arrays joined with ','.
// Internal to the evtx module.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vigil::evtx::internal {

// "0x1f": an offset or code in problem messages.
std::string Hex(uint64_t v);

enum ValueType : uint8_t {
  kNull = 0x00,
  kString = 0x01,
  kAnsiString = 0x02,
  kInt8 = 0x03,
  kUInt8 = 0x04,
  kInt16 = 0x05,
  kUInt16 = 0x06,
  kInt32 = 0x07,
  kUInt32 = 0x08,
  kInt64 = 0x09,
  kUInt64 = 0x0a,
  kReal32 = 0x0b,
  kReal64 = 0x0c,
  kBool = 0x0d,
  kBinary = 0x0e,
  kGuid = 0x0f,
  kSizeT = 0x10,
  kFileTime = 0x11,
  kSysTime = 0x12,
  kSid = 0x13,
  kHexInt32 = 0x14,
  kHexInt64 = 0x15,
  kEvtHandle = 0x20,
  kBinXml = 0x21,
  kEvtXml = 0x23,
  kArrayFlag = 0x80,
};

// A decoded value. `text` is its rendering (empty for null and empty values); `number` marks
// integers and booleans, which JSON writes bare. Arrays keep their items (`text` is them joined
// by ','). A nested BinXML value (0x21) keeps the byte range [binxml_begin, binxml_end) of the
// chunk it lies in, to be parsed by the caller.
struct Value {
  std::string text;
  bool number = false;
  bool array = false;
  bool binxml = false;
  uint32_t binxml_begin = 0;
  uint32_t binxml_end = 0;
  std::vector<Value> items;
};

// Decodes a substitution value of `type` occupying exactly `bytes` (at chunk offset `offset`).
// Never fails: a size that does not fit the type yields an empty value (as a null would).
Value DecodeSized(uint8_t type, std::span<const uint8_t> bytes, uint32_t offset);

// Size of a fixed-size scalar type in bytes, 0 for variable-size and unknown types.
size_t FixedSize(uint8_t type);

// UTF-16LE (n code units at p) to UTF-8; unpaired surrogates become U+FFFD. Stops at the first
// NUL when `stop_at_nul`.
void AppendUtf16(const uint8_t* p, size_t units, bool stop_at_nul, std::string* out);

// FILETIME (100 ns since 1601-01-01 UTC) as "YYYY-MM-DDTHH:MM:SS.ffffffZ".
std::string FormatFileTime(uint64_t filetime);
// FILETIME to nanoseconds since the Unix epoch, clamped to the int64 range.
int64_t FileTimeToUnixNs(uint64_t filetime);

}  // namespace vigil::evtx::internal
