#include "intel/indicator_set.h"

#include <algorithm>
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
  v4_table_.resize(65537);
  size_t segment = 0;
  for (uint32_t top = 0; top <= 65536; ++top) {
    const uint64_t base = uint64_t{top} << 16;
    while (segment + 1 < v4_segments_.size() && v4_segments_[segment + 1].start <= base) ++segment;
    v4_table_[top] = static_cast<uint32_t>(segment);
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
}

uint32_t IndicatorSet::FindV4(uint32_t address) const {
  const uint32_t top = address >> 16;
  const V4Segment* begin = v4_segments_.data() + v4_table_[top];
  const V4Segment* end = v4_segments_.data() + v4_table_[top + 1] + 1;
  const V4Segment* it = begin + 1;
  if (end - begin <= 8) {
    while (it < end && it->start <= address) ++it;
  } else {
    it = std::upper_bound(begin, end, address,
                          [](uint32_t a, const V4Segment& segment) { return a < segment.start; });
  }
  return (it - 1)->owner;
}

IndicatorRef IndicatorSet::MatchV6(const uint8_t* bytes) const {
  if (v6_starts_.empty()) return {};
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = hi << 8 | bytes[i];
  for (int i = 8; i < 16; ++i) lo = lo << 8 | bytes[i];
  const auto it = std::upper_bound(v6_starts_.begin(), v6_starts_.end(), V6Key{hi, lo});
  return Entry(v6_owners_[static_cast<size_t>(it - 1 - v6_starts_.begin())]);
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
  bytes += v4_segments_.capacity() * sizeof(V4Segment) +
           (v4_table_.capacity() + v6_owners_.capacity()) * sizeof(uint32_t) +
           v4_blocks_.capacity() * sizeof(uint64_t) + v6_starts_.capacity() * sizeof(V6Key);
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
