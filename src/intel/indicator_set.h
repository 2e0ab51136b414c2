// IndicatorSet: an immutable, query-optimised view of one or more indicator lists.
//
// Built once per hunt or import (Build), then shared read-only by any number of threads.
// Address lookups answer with the most specific entry covering the address (a /32 inside a /24
// inside a /8 reports the /32; equal spans report the entry given first). Allow-list entries
// (Indicator::allow) win over every block entry they overlap. Entries with 0 < expires <= now
// are left out.
//
// IPv4 layout: the covered space is cut into disjoint segments, each owned by one entry
// (starts_[i] .. starts_[i+1]-1 -> owners_[i], kNone for gaps); a bitmap over /24 blocks rejects
// most addresses with one memory access. Each marked /24 has a directory word, found by the rank
// of its bit (a count per bitmap word plus a popcount): the owner when one entry owns the whole
// /24 (networks of /24 and wider), else the segment holding its first address, from which the
// address is a few segments on. IPv6 uses sorted segments, searched without branches among every
// 16th start, then among the 16 it leads to. Names, URLs and hashes use hash maps. Entries are
// stored compactly: the text as written, and an index into metadata shared by every entry that
// has the same (kind, source, family, times, ...), so a million-entry plain list costs tens of
// megabytes. Memory: see MemoryBytes() and docs/PERFORMANCE.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/string_map.h"
#include "intel/indicator.h"

namespace vigil::intel {

class IndicatorSet;

// A matched entry of an IndicatorSet (valid while the set lives); default-constructed: no match.
// value() is the entry's text as written in the list; meta() its metadata (kind, source, family,
// times, port, ...), shared between entries, so its own value, first, last and key are empty.
// Both are looked up only when called, keeping lookups that merely test membership cheap.
class IndicatorRef {
 public:
  IndicatorRef() = default;
  IndicatorRef(const IndicatorSet* set, uint32_t id) : set_(set), id_(id) {}
  explicit operator bool() const { return set_ != nullptr; }
  inline std::string_view value() const;
  inline const Indicator& meta() const;
  uint32_t id() const { return id_; }

 private:
  const IndicatorSet* set_ = nullptr;
  uint32_t id_ = 0;
};

class IndicatorSet {
  // An address entry's interval while building.
  struct Span {
    IpAddress first, last;
    uint32_t id;
    bool allow;
  };

 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  // Adds entries one at a time (ids in the order added), then builds the lookup structures.
  class Builder {
   public:
    explicit Builder(int64_t now);  // `now` (Unix seconds) decides expiry
    void Add(Indicator entry);
    IndicatorSet Finish() &&;

   private:
    std::unique_ptr<IndicatorSet> set_;
    int64_t now_;
    std::unordered_map<std::string, uint32_t> meta_ids_;
    std::vector<Span> v4_, v6_;
  };

  IndicatorSet() = default;
  // Takes the entries; `now` (Unix seconds) decides expiry.
  static IndicatorSet Build(std::vector<Indicator> indicators, int64_t now);

  // IPv4 address in host byte order (1.2.3.4 == 0x01020304). Hot path: inline, no allocation.
  IndicatorRef MatchV4(uint32_t address) const {
    if (!v4_blocks_.empty() && ((v4_blocks_[address >> 14] >> ((address >> 8) & 63)) & 1) != 0) {
      return Entry(FindV4(address));
    }
    return {};
  }
  // ids[i] = the id of MatchV4(addresses[i]), or kNone, for i < count. The same answers as
  // MatchV4 one at a time, faster for many addresses: the lookups go in stages over groups of
  // addresses (bitmap for all, prefetched ahead; then rank, directory and segments for the few
  // that pass), so that each stage's cache misses overlap instead of following one another.
  void MatchV4Batch(const uint32_t* addresses, size_t count, uint32_t* ids) const;
  // IPv6 address as 16 network-order bytes.
  IndicatorRef MatchV6(const uint8_t* bytes) const;
  // ids[i] = the id of MatchV6(bytes + 16 * i), or kNone, for i < count: a few lookups at a time
  // in step, so that their cache misses overlap.
  void MatchV6Batch(const uint8_t* bytes, size_t count, uint32_t* ids) const;
  IndicatorRef MatchIp(const IpAddress& ip) const;

  // `name` as it appears (any case, optional trailing dot): exact entries, then suffix entries
  // from the most specific down. Allow-listed names (exact or suffix) never match.
  IndicatorRef MatchDomain(std::string_view name) const;
  // `url` normalised by NormalizeUrl.
  IndicatorRef MatchUrl(std::string_view normalized_url) const;
  // Hex digest, any case; the length picks MD5, SHA-1 or SHA-256.
  IndicatorRef MatchHash(std::string_view hex) const;

  bool has_v4() const { return !v4_segments_.empty(); }
  bool has_v6() const { return !v6_starts_.empty(); }
  bool has_names() const { return !domains_.empty() || !suffixes_.empty(); }
  bool has_urls() const { return !urls_.empty(); }
  bool has_hashes() const { return !hashes_.empty(); }

  size_t size() const { return meta_of_.size(); }  // entries kept (expired ones are not)
  // Entry `id` (0 <= id < size(), in the order given to Build, expired ones left out).
  IndicatorRef Entry(uint32_t id) const {
    return id == kNone ? IndicatorRef() : IndicatorRef(this, id);
  }
  std::string_view ValueOf(uint32_t id) const {
    return std::string_view(values_).substr(value_offsets_[id],
                                            value_offsets_[id + 1] - value_offsets_[id]);
  }
  const Indicator& MetaOf(uint32_t id) const { return metas_[meta_of_[id]]; }
  size_t active() const { return active_; }    // entries that can match (not expired, not allow)
  size_t expired() const { return expired_; }  // left out at Build
  size_t MemoryBytes() const;                  // lookup structures plus the entries

 private:
  struct V6Key {
    uint64_t hi = 0, lo = 0;
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>
    auto operator<=>(const V6Key&) const = default;
  };
  using NameMap = StringMap<uint32_t>;

  // The owner of an address whose /24 is marked in v4_blocks_.
  uint32_t FindV4(uint32_t address) const;
  // The owner of `address` from the directory word of its /24 (see v4_directory_).
  uint32_t ResolveV4(uint32_t directory, uint32_t address) const;
  void BuildV4(const std::vector<Span>& spans);
  void BuildV6(const std::vector<Span>& spans);
  static uint32_t Find(const NameMap& map, std::string_view key);

  std::string values_;                   // every entry's text, back to back
  std::vector<uint32_t> value_offsets_;  // size() + 1 offsets into values_
  std::vector<uint32_t> meta_of_;        // entry -> metas_
  std::vector<Indicator> metas_;         // distinct metadata
  size_t active_ = 0;
  size_t expired_ = 0;

  struct V4Segment {
    uint32_t start;  // first address; segments ascend and v4_segments_[0].start == 0
    uint32_t owner;  // entry id, or kNone
  };
  // A directory word with this bit is an owner (the whole /24 is that entry's); without it, the
  // index of the segment holding the /24's first address.
  static constexpr uint32_t kWholeBlock = 0x80000000u;
  std::vector<V4Segment> v4_segments_;
  std::vector<uint64_t> v4_blocks_;     // 2^24 bits: /24 blocks with any owned address
  std::vector<uint32_t> v4_ranks_;      // per word of v4_blocks_: marked blocks before it
  std::vector<uint32_t> v4_directory_;  // per marked /24 block, in order: see kWholeBlock

  static constexpr size_t kV6SampleStep = 16;
  std::vector<V6Key> v6_starts_;
  std::vector<uint32_t> v6_owners_;
  std::vector<V6Key> v6_samples_;  // every kV6SampleStep-th start, from the first

  NameMap domains_, suffixes_, allow_domains_, allow_suffixes_, urls_, hashes_;
};

inline std::string_view IndicatorRef::value() const { return set_->ValueOf(id_); }
inline const Indicator& IndicatorRef::meta() const { return set_->MetaOf(id_); }

}  // namespace vigil::intel
