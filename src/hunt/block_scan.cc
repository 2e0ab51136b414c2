#include "hunt/block_scan.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "core/text.h"
#include "hunt/address_scanner.h"

namespace vigil::hunt {
uint64_t CountLines(std::string_view text) {
  if (text.empty()) return 0;
  return scanner_detail::LineFeeds(text.data(), text.size()) + (text.back() == '\n' ? 0 : 1);
}

namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}
bool IsUrlEnd(char c) {
  return static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' ||
         c == 0x7f;
}

// Domain names, URLs and hashes: tokens of those shapes looked up in the set.
void FindNames(std::string_view text, const intel::IndicatorSet& set, std::vector<Found>* found) {
  const bool names = set.has_names(), hashes = set.has_hashes(), urls = set.has_urls();
  uint64_t line = 0;
  for (size_t i = 0; i < text.size();) {
    if (!IsNameChar(text[i])) {
      line += text[i] == '\n' ? 1 : 0;
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsNameChar(text[end])) ++end;
    std::string_view token = text.substr(i, end - i);
    if (urls && text.substr(end).starts_with("://")) {
      size_t url_end = end + 3;
      while (url_end < text.size() && !IsUrlEnd(text[url_end])) ++url_end;
      if (auto url = intel::NormalizeUrl(text.substr(i, url_end - i)); url.ok()) {
        if (const auto hit = set.MatchUrl(url.value())) found->push_back({i, url_end, line, hit});
      }
    }
    const bool all_hex = std::all_of(token.begin(), token.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (hashes && all_hex && (token.size() == 32 || token.size() == 40 || token.size() == 64)) {
      if (const auto hit = set.MatchHash(token)) found->push_back({i, end, line, hit});
    } else if (names && token.find('.') != std::string_view::npos) {
      std::string_view name = token;
      while (!name.empty() && (name.front() == '.' || name.front() == '-')) name.remove_prefix(1);
      while (!name.empty() && name.back() == '.') name.remove_suffix(1);
      const bool has_letter = std::any_of(name.begin(), name.end(), [](char c) {
        return std::isalpha(static_cast<unsigned char>(c)) != 0;
      });
      if (has_letter) {
        if (const auto hit = set.MatchDomain(name)) {
          const size_t begin = static_cast<size_t>(name.data() - text.data());
          found->push_back({begin, begin + name.size(), line, hit});
        }
      }
    }
    i = end;
  }
}

}  // namespace

std::vector<MatchedLine> FindMatchedLines(std::string_view text, const intel::IndicatorSet& set,
                                          uint64_t* lines_in_text) {
  // Scan first, then look the IPv4 addresses up together (IndicatorSet::MatchV4Batch): the
  // lookups are memory bound (a 2 MiB bitmap probed at random, then a directory and segments for
  // the few that pass), and a batch overlaps their cache misses stage by stage; IPv6 addresses
  // likewise (MatchV6Batch). Hits are kept compact (16 bytes; IPv6 addresses aside) and appended
  // without a capacity check per hit on the common path.
  struct Hit {
    size_t begin;
    uint64_t line;
    uint32_t value;  // the index of the address in `v4` or in `v6`
    uint8_t length;  // addresses are at most 45 bytes
    bool v6;
  };
  thread_local std::vector<Hit> hits;
  thread_local std::vector<uint32_t> v4, v4_ids, v6_ids;
  thread_local std::vector<uint8_t> v6;  // 16 bytes per address
  // Plain references: a thread_local is reached through its init guard at every use.
  std::vector<Hit>& hit_list = hits;
  std::vector<uint32_t>& v4_list = v4;
  std::vector<uint8_t>& v6_list = v6;
  hit_list.clear();
  v4_list.clear();
  v6_list.clear();
  const uint64_t line_feeds = ScanAddresses(
      text, set.has_v4(), set.has_v6(), [&hit_list, &v4_list, &v6_list](const AddressHit& hit) {
        Hit compact{hit.begin, hit.line, 0, static_cast<uint8_t>(hit.end - hit.begin), hit.v6};
        if (hit.v6) {
          compact.value = static_cast<uint32_t>(v6_list.size() / 16);
          v6_list.insert(v6_list.end(), hit.bytes.begin(), hit.bytes.end());
        } else {
          compact.value = static_cast<uint32_t>(v4_list.size());
          v4_list.push_back(hit.v4);
        }
        hit_list.push_back(compact);
        return true;
      });
  std::vector<uint32_t>& v4_id_list = v4_ids;
  std::vector<uint32_t>& v6_id_list = v6_ids;
  v4_id_list.resize(v4_list.size());
  v6_id_list.resize(v6_list.size() / 16);
  set.MatchV4Batch(v4_list.data(), v4_id_list.size(), v4_id_list.data());
  set.MatchV6Batch(v6_list.data(), v6_id_list.size(), v6_id_list.data());
  std::vector<Found> found;
  for (const Hit& hit : hit_list) {
    const intel::IndicatorRef indicator = set.Entry((hit.v6 ? v6_id_list : v4_id_list)[hit.value]);
    if (indicator) found.push_back({hit.begin, hit.begin + hit.length, hit.line, indicator});
  }
  if (set.has_names() || set.has_urls() || set.has_hashes()) {
    const size_t addresses = found.size();
    FindNames(text, set, &found);
    if (found.size() > addresses) {
      std::stable_sort(found.begin(), found.end(),
                       [](const Found& a, const Found& b) { return a.begin < b.begin; });
    }
  }
  std::vector<MatchedLine> lines;
  size_t after_last_line = 0;  // where the previous matched line ended
  for (size_t f = 0; f < found.size();) {
    const size_t at = found[f].begin;
    const auto* feed = static_cast<const char*>(
        memrchr(text.data() + after_last_line, '\n', at - after_last_line));
    const size_t line_start = feed == nullptr ? after_last_line : feed - text.data() + 1;
    const size_t line_end = std::min(text.find('\n', at), text.size());
    MatchedLine line;
    line.index = found[f].line;
    line.text = text.substr(line_start, line_end - line_start);
    if (!line.text.empty() && line.text.back() == '\r') line.text.remove_suffix(1);
    for (; f < found.size() && found[f].begin < line_end; ++f) line.found.push_back(found[f]);
    lines.push_back(std::move(line));
    after_last_line = line_end;
  }
  if (lines_in_text != nullptr) {  // and a last line without a line feed
    *lines_in_text = text.empty() ? 0 : line_feeds + (text.back() == '\n' ? 0 : 1);
  }
  return lines;
}

logs::LogFormat DetectFileFormat(std::string_view head, std::optional<logs::LogFormat> forced,
                                 logs::FileContext* context) {
  std::vector<std::string_view> sample;
  for (const std::string_view line : Split(head.substr(0, 256 << 10), '\n')) {
    if (sample.size() >= 200) break;
    sample.push_back(line);
  }
  if (!sample.empty() && head.size() > (256 << 10)) sample.pop_back();
  const logs::LogFormat format = forced ? *forced : logs::DetectLogFormat(sample);
  for (const std::string_view line : sample) logs::ObserveHeader(format, line, context);
  return format;
}

}  // namespace vigil::hunt
