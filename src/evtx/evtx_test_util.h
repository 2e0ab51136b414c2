// Builds small EVTX files byte by byte for tests: a file header, chunks with correct checksums,
// records, and Binary XML (elements, values, templates with substitutions). Names are written
// inline at their absolute chunk offset and can be referenced again by offset.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::evtx::testing {

inline void PutLe(std::vector<uint8_t>* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void SetLe(std::vector<uint8_t>* out, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) (*out)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint32_t Crc(const uint8_t* p, size_t n) {
  return static_cast<uint32_t>(crc32(0, p, static_cast<uInt>(n)));
}

// BinXML written at chunk offset `base` (needed for inline names).
class BinXmlWriter {
 public:
  BinXmlWriter(std::vector<uint8_t>* out, uint32_t base) : out_(*out), base_(base) {}

  uint32_t pos() const { return base_ + static_cast<uint32_t>(out_.size()); }
  std::vector<uint8_t>& bytes() { return out_; }
  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v) { PutLe(&out_, v, 2); }
  void U32(uint32_t v) { PutLe(&out_, v, 4); }
  void U64(uint64_t v) { PutLe(&out_, v, 8); }
  void Utf16(std::string_view ascii) {
    for (char c : ascii) U16(static_cast<uint8_t>(c));
  }
  // An inline name; returns its offset for later references.
  uint32_t Name(std::string_view name) {
    const uint32_t at = pos() + 4;
    U32(at);
    U32(0);  // next name in the hash chain
    U16(0);  // hash (not checked)
    U16(static_cast<uint16_t>(name.size()));
    Utf16(name);
    U16(0);
    return at;
  }
  void NameRef(uint32_t offset) { U32(offset); }
  void FragmentHeader() {
    U8(0x0f);
    U8(1);
    U8(1);
    U8(0);
  }
  // OpenStartElement with an inline name; returns the name's offset.
  uint32_t Open(std::string_view name, bool has_attributes, bool dependency_id) {
    U8(has_attributes ? 0x41 : 0x01);
    if (dependency_id) U16(0xffff);
    U32(0);  // data size (not needed by the reader)
    const uint32_t at = Name(name);
    if (has_attributes) U32(0);
    return at;
  }
  void OpenRef(uint32_t name_offset, bool dependency_id) {
    U8(0x01);
    if (dependency_id) U16(0xffff);
    U32(0);
    NameRef(name_offset);
  }
  void Attribute(std::string_view name) {
    U8(0x06);
    Name(name);
  }
  void StringValue(std::string_view text) {
    U8(0x05);
    U8(0x01);
    U16(static_cast<uint16_t>(text.size()));
    Utf16(text);
  }
  void Substitution(uint16_t index, uint8_t type, bool optional) {
    U8(optional ? 0x0e : 0x0d);
    U16(index);
    U8(type);
  }
  void CloseStart() { U8(0x02); }
  void CloseEmpty() { U8(0x03); }
  void End() { U8(0x04); }
  void Eof() { U8(0x00); }

 private:
  std::vector<uint8_t>& out_;
  uint32_t base_;
};

// A substitution value: type and raw bytes.
struct SubValue {
  uint8_t type;
  std::vector<uint8_t> bytes;
};

inline SubValue Utf16Value(std::string_view ascii) {
  SubValue v{0x01, {}};
  for (char c : ascii) PutLe(&v.bytes, static_cast<uint8_t>(c), 2);
  return v;
}
inline SubValue IntValue(uint8_t type, uint64_t value, int bytes) {
  SubValue v{type, {}};
  PutLe(&v.bytes, value, bytes);
  return v;
}

// A template instance with its definition inline: `define` writes the definition's elements
// (with dependency identifiers); `values` follow as the substitution array.
inline void TemplateInstance(BinXmlWriter& w, const std::function<void(BinXmlWriter&)>& define,
                             const std::vector<SubValue>& values) {
  w.U8(0x0c);
  w.U8(1);
  w.U32(0x1234);                                               // template id
  w.U32(w.pos() + 4);                                          // definition follows inline
  w.U32(0);                                                    // next definition
  for (int i = 0; i < 16; ++i) w.U8(static_cast<uint8_t>(i));  // GUID
  const size_t size_at = w.bytes().size();
  w.U32(0);
  const size_t data_begin = w.bytes().size();
  w.FragmentHeader();
  define(w);
  w.Eof();
  SetLe(&w.bytes(), size_at, w.bytes().size() - data_begin, 4);
  w.U32(static_cast<uint32_t>(values.size()));
  for (const SubValue& v : values) {
    w.U16(static_cast<uint16_t>(v.bytes.size()));
    w.U8(v.type);
    w.U8(0);
  }
  for (const SubValue& v : values)
    w.bytes().insert(w.bytes().end(), v.bytes.begin(), v.bytes.end());
}

// One 64 KiB chunk; records are appended in order, Finish() writes header and checksums.
class ChunkBuilder {
 public:
  ChunkBuilder() : chunk_(65536, 0) {}

  // Appends a record whose BinXML `body` writes (given a writer positioned at its chunk offset).
  uint32_t AddRecord(uint64_t id, uint64_t filetime,
                     const std::function<void(BinXmlWriter&)>& body) {
    const uint32_t at = offset_;
    std::vector<uint8_t> binxml;
    BinXmlWriter w(&binxml, at + 24);
    body(w);
    std::vector<uint8_t> rec = {0x2a, 0x2a, 0, 0};
    const auto size = static_cast<uint32_t>(24 + binxml.size() + 4);
    PutLe(&rec, size, 4);
    PutLe(&rec, id, 8);
    PutLe(&rec, filetime, 8);
    rec.insert(rec.end(), binxml.begin(), binxml.end());
    PutLe(&rec, size, 4);
    std::memcpy(chunk_.data() + at, rec.data(), rec.size());
    last_record_ = at;
    offset_ += size;
    if (first_id_ == 0) first_id_ = id;
    last_id_ = id;
    return at;
  }

  std::vector<uint8_t> Finish() {
    std::memcpy(chunk_.data(), "ElfChnk", 8);
    SetLe(&chunk_, 8, first_id_, 8);
    SetLe(&chunk_, 16, last_id_, 8);
    SetLe(&chunk_, 24, first_id_, 8);
    SetLe(&chunk_, 32, last_id_, 8);
    SetLe(&chunk_, 40, 128, 4);
    SetLe(&chunk_, 44, last_record_, 4);
    SetLe(&chunk_, 48, offset_, 4);
    Fix(&chunk_);
    return chunk_;
  }

  // Recomputes both checksums of a chunk (after a test damaged its records on purpose).
  static void Fix(std::vector<uint8_t>* chunk, size_t at = 0) {
    uint8_t* c = chunk->data() + at;
    uint32_t free_offset =
        c[48] | (c[49] << 8) | (c[50] << 16) | (static_cast<uint32_t>(c[51]) << 24);
    if (free_offset < 512 || free_offset > 65536) free_offset = 512;
    SetLe(chunk, at + 52, Crc(c + 512, free_offset - 512), 4);
    uint32_t crc = static_cast<uint32_t>(crc32(0, c, 120));
    crc = static_cast<uint32_t>(crc32(crc, c + 128, 384));
    SetLe(chunk, at + 124, crc, 4);
  }

 private:
  std::vector<uint8_t> chunk_;
  uint32_t offset_ = 512;
  uint32_t last_record_ = 512;
  uint64_t first_id_ = 0;
  uint64_t last_id_ = 0;
};

// A file header followed by the given chunks.
inline std::vector<uint8_t> BuildFile(const std::vector<std::vector<uint8_t>>& chunks) {
  std::vector<uint8_t> file(4096, 0);
  std::memcpy(file.data(), "ElfFile", 8);
  SetLe(&file, 16, chunks.empty() ? 0 : chunks.size() - 1, 8);
  SetLe(&file, 32, 128, 4);
  SetLe(&file, 36, 1, 2);
  SetLe(&file, 38, 3, 2);
  SetLe(&file, 40, 4096, 2);
  SetLe(&file, 42, chunks.size(), 2);
  SetLe(&file, 124, Crc(file.data(), 120), 4);
  for (const auto& c : chunks) file.insert(file.end(), c.begin(), c.end());
  return file;
}

}  // namespace vigil::evtx::testing
