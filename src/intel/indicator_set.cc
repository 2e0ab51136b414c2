#include "intel/indicator_set.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <set>
#include <utility>

#include "core/text.h"

namespace vigil::intel {
namespace {

__extension__ using Uint128 = unsigned __int128;

// One entry's inclusive interval, as unsigned integers of the family's width.
template <typename Key>
struct Interval {
  Key first, last;
  uint32_t index;
  bool allow;
};

template <typename Key>
struct Segment {
  Key start;
  uint32_t owner;
};

// Cuts the intervals into disjoint segments owned by the narrowest covering block entry (the
// lowest index among equals), none where an allow entry covers or nothing does. The result
// starts at 0 and is ordered by start; neighbours have different owners.
// Appends "from `at` on, `owner`" to segments that start at 0, keeping neighbours distinct.
template <typename Key>
void Append(std::vector<Segment<Key>>* segments, Key at, uint32_t owner) {
  if (segments->back().start == at) {
    segments->back().owner = owner;
    if (segments->size() > 1 && (*segments)[segments->size() - 2].owner == owner) {
      segments->pop_back();
    }
  } else if (segments->back().owner != owner) {
    segments->push_back({at, owner});
  }
}

// The common case, in O(n log n) with a small constant: no allow entries, and intervals that
// nest or are disjoint (CIDRs always are). Sorted by start, then widest first, then (for equal
// intervals) highest index first, the innermost open interval is the top of a stack. Returns
// false, leaving *out unspecified, when two intervals cross (ranges can).
template <typename Key>
bool NestedSegments(std::vector<Interval<Key>> intervals, std::vector<Segment<Key>>* out) {
  std::sort(intervals.begin(), intervals.end(), [](const Interval<Key>& a, const Interval<Key>& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.last != b.last) return a.last > b.last;
    return a.index > b.index;
  });
  std::vector<const Interval<Key>*> open;
  auto close_before = [&](Key at, bool all) {
    while (!open.empty() && (all || open.back()->last < at)) {
      const Key last = open.back()->last;
      open.pop_back();
      if (last != static_cast<Key>(~Key{0})) {
        Append(out, static_cast<Key>(last + 1),
               open.empty() ? IndicatorSet::kNone : open.back()->index);
      }
    }
  };
  *out = {{Key{0}, IndicatorSet::kNone}};
  for (const Interval<Key>& interval : intervals) {
    if (interval.allow) return false;
    close_before(interval.first, false);
    if (!open.empty() && interval.last > open.back()->last) return false;  // crossing
    open.push_back(&interval);
    Append(out, interval.first, interval.index);
  }
  close_before(Key{0}, true);
  return true;
}

template <typename Key>
std::vector<Segment<Key>> Segments(const std::vector<Interval<Key>>& intervals) {
  if (std::vector<Segment<Key>> nested; NestedSegments(intervals, &nested)) return nested;
  struct Event {
    Key at;
    bool open;
    size_t interval;
  };
  std::vector<Event> events;
  events.reserve(intervals.size() * 2);
  for (size_t i = 0; i < intervals.size(); ++i) {
    events.push_back({intervals[i].first, true, i});
    if (intervals[i].last != static_cast<Key>(~Key{0})) {
      events.push_back({static_cast<Key>(intervals[i].last + 1), false, i});
    }
  }
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.at < b.at; });

  std::set<std::pair<Key, uint32_t>> active;  // (span, index): begin() is the owner
  size_t allows = 0;
  std::vector<Segment<Key>> segments{{Key{0}, IndicatorSet::kNone}};
  for (size_t e = 0; e < events.size();) {
    const Key at = events[e].at;
    for (; e < events.size() && events[e].at == at; ++e) {
      const Interval<Key>& interval = intervals[events[e].interval];
      if (interval.allow) {
        allows += events[e].open ? 1 : static_cast<size_t>(-1);
        continue;
      }
      const std::pair<Key, uint32_t> item{static_cast<Key>(interval.last - interval.first),
                                          interval.index};
      if (events[e].open) {
        active.insert(item);
      } else {
        active.erase(item);
      }
    }
    Append(&segments, at,
           allows > 0 || active.empty() ? IndicatorSet::kNone : active.begin()->second);
  }
  return segments;
}

uint32_t V4Value(const IpAddress& ip) {
  return static_cast<uint32_t>(ip.bytes[0]) << 24 | static_cast<uint32_t>(ip.bytes[1]) << 16 |
         static_cast<uint32_t>(ip.bytes[2]) << 8 | ip.bytes[3];
}

Uint128 V6Value(const uint8_t* bytes) {
  Uint128 value = 0;
  for (int i = 0; i < 16; ++i) value = value << 8 | bytes[i];
  return value;
}

size_t StringHeap(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

// Everything of an entry but its text and parsed form, as a byte string: entries with equal
// signatures share one metadata record.
std::string MetaSignature(const Indicator& entry) {
  std::string signature;
  auto add = [&signature](std::string_view part) {
    signature.append(part);
    signature.push_back('\x1f');
  };
  add(IndicatorKindName(entry.kind));
  add(entry.source);
  add(entry.family);
  add(entry.isp);
  for (const std::string& tag : entry.tags) add(tag);
  add({});
  for (const int64_t number :
       {entry.first_seen, entry.last_seen, entry.expires, int64_t{entry.port},
        int64_t{entry.confidence}, int64_t{entry.dest_port}, int64_t{entry.allow}}) {
    add(std::to_string(number));
  }
  add(entry.dest_ip ? FormatIp(*entry.dest_ip) : std::string());
  return signature;
}

}  // namespace

IndicatorSet::Builder::Builder(int64_t now) : set_(std::make_unique<IndicatorSet>()), now_(now) {
  set_->value_offsets_.push_back(0);
}

void IndicatorSet::Builder::Add(Indicator entry) {
  IndicatorSet& set = *set_;
  if (entry.expires > 0 && entry.expires <= now_) {
    ++set.expired_;
    return;
  }
  const auto id = static_cast<uint32_t>(set.meta_of_.size());
  if (!entry.allow) ++set.active_;
  set.values_ += entry.value;
  set.value_offsets_.push_back(static_cast<uint32_t>(set.values_.size()));
  switch (entry.kind) {
    case IndicatorKind::kIp:
    case IndicatorKind::kCidr:
    case IndicatorKind::kRange:
      (entry.first.v6 ? v6_ : v4_).push_back({entry.first, entry.last, id, entry.allow});
      break;
    case IndicatorKind::kDomain:
      (entry.allow ? set.allow_domains_ : set.domains_).emplace(entry.key, id);
      break;
    case IndicatorKind::kDomainSuffix:
      (entry.allow ? set.allow_suffixes_ : set.suffixes_).emplace(entry.key, id);
      break;
    case IndicatorKind::kUrl:
      if (!entry.allow) set.urls_.emplace(entry.key, id);
      break;
    case IndicatorKind::kMd5:
    case IndicatorKind::kSha1:
    case IndicatorKind::kSha256:
      if (!entry.allow) set.hashes_.emplace(entry.key, id);
      break;
  }
  const auto [it, inserted] =
      meta_ids_.emplace(MetaSignature(entry), static_cast<uint32_t>(set.metas_.size()));
  if (inserted) {
    entry.value.clear();
    entry.key.clear();
    entry.first = entry.last = IpAddress{};
    set.metas_.push_back(std::move(entry));
  }
  set.meta_of_.push_back(it->second);
}

IndicatorSet IndicatorSet::Builder::Finish() && {
  IndicatorSet& set = *set_;
  set.values_.shrink_to_fit();
  set.BuildV4(v4_);
  set.BuildV6(v6_);
  v4_ = {};
  v6_ = {};
  return std::move(set);
}

IndicatorSet IndicatorSet::Build(std::vector<Indicator> indicators, int64_t now) {
  Builder builder(now);
  for (Indicator& entry : indicators) builder.Add(std::move(entry));
  indicators = {};
  return std::move(builder).Finish();
}

void IndicatorSet::BuildV4(const std::vector<Span>& spans) {
  if (spans.empty()) return;
  std::vector<Interval<uint32_t>> intervals;
  intervals.reserve(spans.size());
  for (const Span& span : spans) {
    intervals.push_back({V4Value(span.first), V4Value(span.last), span.id, span.allow});
  }
  const auto segments = Segments(intervals);
  v4_segments_.reserve(segments.size());
  v4_blocks_.assign(size_t{1} << 18, 0);
  for (size_t s = 0; s < segments.size(); ++s) {
    v4_segments_.push_back({segments[s].start, segments[s].owner});
    if (segments[s].owner == kNone) continue;
    const uint32_t last = s + 1 < segments.size() ? segments[s + 1].start - 1 : 0xffffffffu;
    for (uint32_t block = segments[s].start >> 8; block <= last >> 8; ++block) {
      v4_blocks_[block >> 6] |= uint64_t{1} << (block & 63);
    }
  }
  // Ranks, then the directory word of each marked /24 (blocks ascend, so one pass over the
  // segments finds each block's first segment). Entry ids and segment indexes stay below
  // kWholeBlock: 2^31 entries would not fit in memory anyway.
  v4_ranks_.resize(v4_blocks_.size());
  uint32_t marked = 0;
  for (size_t word = 0; word < v4_blocks_.size(); ++word) {
    v4_ranks_[word] = marked;
    marked += static_cast<uint32_t>(__builtin_popcountll(v4_blocks_[word]));
  }
  v4_directory_.reserve(marked);
  size_t segment = 0;
  for (size_t word = 0; word < v4_blocks_.size(); ++word) {
    for (uint64_t bits = v4_blocks_[word]; bits != 0; bits &= bits - 1) {
      const auto first =
          static_cast<uint32_t>((word << 6 | static_cast<size_t>(__builtin_ctzll(bits))) << 8);
      while (segment + 1 < v4_segments_.size() && v4_segments_[segment + 1].start <= first) {
        ++segment;
      }
      const uint64_t next = segment + 1 < v4_segments_.size()
                                ? uint64_t{v4_segments_[segment + 1].start}
                                : uint64_t{1} << 32;
      // A marked block inside a single segment is owned by that segment's entry.
      v4_directory_.push_back(next > (first | 255u) ? kWholeBlock | v4_segments_[segment].owner
                                                    : static_cast<uint32_t>(segment));
    }
  }
}

void IndicatorSet::BuildV6(const std::vector<Span>& spans) {
  if (spans.empty()) return;
  std::vector<Interval<Uint128>> intervals;
  intervals.reserve(spans.size());
  for (const Span& span : spans) {
    intervals.push_back(
        {V6Value(span.first.bytes.data()), V6Value(span.last.bytes.data()), span.id, span.allow});
  }
  for (const auto& segment : Segments(intervals)) {
    v6_starts_.push_back(
        {static_cast<uint64_t>(segment.start >> 64), static_cast<uint64_t>(segment.start)});
    v6_owners_.push_back(segment.owner);
  }
  for (size_t i = 0; i < v6_starts_.size(); i += kV6SampleStep)
    v6_samples_.push_back(v6_starts_[i]);
}

uint32_t IndicatorSet::FindV4(uint32_t address) const {
  const uint32_t word = address >> 14;
  const uint64_t below = v4_blocks_[word] & ((uint64_t{1} << ((address >> 8) & 63)) - 1);
  return ResolveV4(
      v4_directory_[v4_ranks_[word] + static_cast<uint32_t>(__builtin_popcountll(below))], address);
}

uint32_t IndicatorSet::ResolveV4(uint32_t directory, uint32_t address) const {
  if ((directory & kWholeBlock) != 0) return directory & ~kWholeBlock;
  // The segments starting inside the /24 follow the one holding its first address: at most 256,
  // usually one to three (a listed address and the gap after it).
  const V4Segment* it = v4_segments_.data() + directory + 1;
  const V4Segment* end =
      v4_segments_.data() + std::min(v4_segments_.size(), size_t{directory} + 258);
  const V4Segment* limit = std::min(end, it + 8);
  while (it < limit && it->start <= address) ++it;
  if (it == limit && it < end) {
    it = std::upper_bound(it, end, address,
                          [](uint32_t a, const V4Segment& segment) { return a < segment.start; });
  }
  return (it - 1)->owner;
}

void IndicatorSet::MatchV4Batch(const uint32_t* addresses, size_t count, uint32_t* ids) const {
  if (v4_blocks_.empty()) {
    std::fill_n(ids, count, kNone);
    return;
  }
  // Groups of kGroup addresses, in four passes: (1) the bitmap bit of every address, loaded
  // kAhead addresses after its prefetch, keeping the positions that pass without a branch and
  // prefetching their rank word; (2) their ranks, prefetching their directory words; (3) the
  // directory words, prefetching the segments of blocks shared by several entries; (4) answers.
  constexpr size_t kGroup = 512, kAhead = 32;
  std::array<uint32_t, kGroup> passed;  // positions in the group
  std::array<uint32_t, kGroup> slot;    // their rank, then their directory word
  const uint64_t* blocks = v4_blocks_.data();
  for (size_t base = 0; base < count; base += kGroup) {
    const size_t n = std::min(kGroup, count - base);
    const uint32_t* group = addresses + base;
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
      if (base + i + kAhead < count) __builtin_prefetch(&blocks[group[i + kAhead] >> 14]);
      const uint32_t word = group[i] >> 14;
      const auto bit = static_cast<uint32_t>((blocks[word] >> ((group[i] >> 8) & 63)) & 1);
      __builtin_prefetch(&v4_ranks_[word & (0u - bit)]);  // word 0's for those that miss
      passed[kept] = static_cast<uint32_t>(i);
      kept += bit;
      ids[base + i] = kNone;
    }
    for (size_t j = 0; j < kept; ++j) {
      const uint32_t address = group[passed[j]];
      const uint32_t word = address >> 14;
      const uint64_t below = blocks[word] & ((uint64_t{1} << ((address >> 8) & 63)) - 1);
      slot[j] = v4_ranks_[word] + static_cast<uint32_t>(__builtin_popcountll(below));
      __builtin_prefetch(&v4_directory_[slot[j]]);
    }
    for (size_t j = 0; j < kept; ++j) {
      slot[j] = v4_directory_[slot[j]];
      if ((slot[j] & kWholeBlock) == 0) __builtin_prefetch(&v4_segments_[slot[j]]);
    }
    for (size_t j = 0; j < kept; ++j) {
      ids[base + passed[j]] = ResolveV4(slot[j], group[passed[j]]);
    }
  }
}

IndicatorRef IndicatorSet::MatchV6(const uint8_t* bytes) const {
  uint32_t id = kNone;
  MatchV6Batch(bytes, 1, &id);
  return Entry(id);
}

void IndicatorSet::MatchV6Batch(const uint8_t* bytes, size_t count, uint32_t* ids) const {
  if (v6_starts_.empty()) {
    std::fill_n(ids, count, kNone);
    return;
  }
  const auto value = [](const V6Key& k) { return Uint128{k.hi} << 64 | k.lo; };
  // Up to kLanes lookups in step, so that their cache misses overlap: first the last sample <=
  // key (sample 0 is start 0), by halving [at, at + n) without branches (which way a probe goes
  // is a coin toss); then that sample's run of starts (four cache lines, loaded at once) and the
  // owners beside them.
  constexpr size_t kLanes = 16;
  std::array<Uint128, kLanes> keys;
  std::array<size_t, kLanes> at;
  for (size_t base = 0; base < count; base += kLanes) {
    const size_t lanes = std::min(kLanes, count - base);
    for (size_t l = 0; l < lanes; ++l) {
      const uint8_t* address = bytes + (base + l) * 16;
      Uint128 key = 0;
      for (int i = 0; i < 16; ++i) key = key << 8 | address[i];
      keys[l] = key;
      at[l] = 0;
    }
    for (size_t n = v6_samples_.size(); n > 1;) {
      const size_t half = n / 2;
      for (size_t l = 0; l < lanes; ++l) {
        at[l] += value(v6_samples_[at[l] + half]) <= keys[l] ? half : 0;
      }
      n -= half;
    }
    for (size_t l = 0; l < lanes; ++l) {
      at[l] *= kV6SampleStep;
      const size_t n = std::min(kV6SampleStep, v6_starts_.size() - at[l]);
      for (size_t i = 0; i < n; i += 4) __builtin_prefetch(&v6_starts_[at[l] + i]);
      __builtin_prefetch(&v6_owners_[at[l]]);
    }
    for (size_t l = 0; l < lanes; ++l) {
      const size_t n = std::min(kV6SampleStep, v6_starts_.size() - at[l]);
      const V6Key* run = &v6_starts_[at[l]];
      size_t below = 0;  // starts after the first that are <= key
      for (size_t i = 1; i < n; ++i) below += value(run[i]) <= keys[l] ? 1 : 0;
      ids[base + l] = v6_owners_[at[l] + below];
    }
  }
}

IndicatorRef IndicatorSet::MatchIp(const IpAddress& ip) const {
  return ip.v6 ? MatchV6(ip.bytes.data()) : MatchV4(V4Value(ip));
}

uint32_t IndicatorSet::Find(const NameMap& map, std::string_view key) {
  if (map.empty()) return kNone;
  const auto it = map.find(key);
  return it == map.end() ? kNone : it->second;
}

IndicatorRef IndicatorSet::MatchDomain(std::string_view name) const {
  if (!has_names()) return {};
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  const std::string lower = AsciiLower(name);
  // The first entry of `map` found for a suffix of `lower` at a label boundary, most specific
  // (the whole name) first.
  auto by_suffix = [&lower](const NameMap& map) {
    for (size_t pos = 0; pos != std::string::npos;) {
      if (const uint32_t id = Find(map, std::string_view(lower).substr(pos)); id != kNone) {
        return id;
      }
      pos = lower.find('.', pos);
      if (pos != std::string::npos) ++pos;
    }
    return kNone;
  };
  if (Find(allow_domains_, lower) != kNone || by_suffix(allow_suffixes_) != kNone) return {};
  if (const uint32_t exact = Find(domains_, lower); exact != kNone) return Entry(exact);
  return Entry(by_suffix(suffixes_));
}

IndicatorRef IndicatorSet::MatchUrl(std::string_view normalized_url) const {
  return Entry(Find(urls_, normalized_url));
}

IndicatorRef IndicatorSet::MatchHash(std::string_view hex) const {
  if (hashes_.empty()) return {};
  return Entry(Find(hashes_, AsciiLower(hex)));
}

size_t IndicatorSet::MemoryBytes() const {
  size_t bytes =
      values_.capacity() + (value_offsets_.capacity() + meta_of_.capacity()) * sizeof(uint32_t);
  bytes += metas_.capacity() * sizeof(Indicator);
  for (const Indicator& meta : metas_) {
    bytes += StringHeap(meta.source) + StringHeap(meta.family) + StringHeap(meta.isp);
    for (const std::string& tag : meta.tags) bytes += sizeof(std::string) + StringHeap(tag);
  }
  bytes +=
      v4_segments_.capacity() * sizeof(V4Segment) +
      (v4_ranks_.capacity() + v4_directory_.capacity() + v6_owners_.capacity()) * sizeof(uint32_t) +
      v4_blocks_.capacity() * sizeof(uint64_t) +
      (v6_starts_.capacity() + v6_samples_.capacity()) * sizeof(V6Key);
  for (const NameMap* map :
       {&domains_, &suffixes_, &allow_domains_, &allow_suffixes_, &urls_, &hashes_}) {
    bytes += map->bucket_count() * sizeof(void*);
    for (const auto& [key, id] : *map) {
      bytes += sizeof(std::string) + sizeof(id) + 2 * sizeof(void*) + StringHeap(key);
    }
  }
  return bytes;
}

}  // namespace vigil::intel
