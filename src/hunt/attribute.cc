#include "hunt/attribute.h"

#include <algorithm>
#include <map>

#include "core/text.h"
#include "core/time.h"
#include "hunt/block_scan.h"
#include "hunt/input.h"
#include "intel/indicator_set.h"

namespace vigil::hunt {
namespace {

struct HostTally {
  uint64_t sessions = 0;
  int64_t nearest = INT64_MAX;
  std::vector<int> ports;
  std::vector<std::string> evidence;
};

int64_t Distance(int64_t a, int64_t b) { return a > b ? a - b : b - a; }

intel::IndicatorSet ListedAddresses(const std::vector<intel::Indicator>& listings) {
  std::vector<intel::Indicator> addresses;
  for (const intel::Indicator& listing : listings) {
    if (listing.kind == intel::IndicatorKind::kIp && !listing.allow) {
      intel::Indicator entry = listing;
      entry.expires = 0;  // an old listing is still worth attributing
      addresses.push_back(std::move(entry));
    }
  }
  return intel::IndicatorSet::Build(std::move(addresses), 0);
}

}  // namespace

NatAttributor::NatAttributor(const std::vector<intel::Indicator>& listings,
                             const AttributeOptions& options)
    : listings_(listings), options_(options), listed_(ListedAddresses(listings)) {}

void NatAttributor::AddRecord(const logs::LogRecord& r, int64_t fallback_time, std::string where) {
  const int64_t time = r.time != 0 ? r.time : fallback_time;
  if (!r.nat_src || !r.src || time == 0 || !listed_.MatchIp(*r.nat_src)) return;
  ++stats_.sessions;
  sessions_.push_back(
      {time, *r.nat_src, *r.src, r.src_port, r.nat_src_port, r.dst, r.dst_port, std::move(where)});
}

Status NatAttributor::AddLog(const std::string& path, const std::string& name) {
  const auto named = [&name](const Status& s) { return Status(s.code(), s.message(), name); };
  auto opened = OpenLineBlocks(path, size_t{8} << 20);
  if (!opened.ok()) return named(opened.status());
  auto& blocks = opened.value();
  ++stats_.files;
  logs::FileContext context;
  context.tz_offset_seconds = options_.tz_offset_seconds;
  std::optional<logs::LogFormat> format;
  uint64_t line_base = 0;
  for (;;) {
    auto next = blocks->Next();
    if (!next.ok()) return named(next.status());
    auto& block = next.value();
    if (!block) break;
    if (!format) format = DetectFileFormat(block->text, options_.format, &context);
    for (const MatchedLine& line : FindMatchedLines(block->text, listed_)) {
      auto record = logs::ParseLine(*format, line.text, context);
      if (!record.ok()) {
        ++stats_.malformed;
        continue;
      }
      AddRecord(*record, 0, name + ":" + std::to_string(line_base + line.index + 1));
    }
    line_base += CountLines(block->text);
    stats_.bytes += block->text.size();
  }
  stats_.lines += line_base;
  return Status::Ok();
}

void NatAttributor::AddLine(std::string_view line, int64_t fallback_time, std::string_view where,
                            std::optional<logs::LogFormat>* format) {
  ++stats_.lines;
  stats_.bytes += line.size();
  if (FindMatchedLines(line, listed_).empty()) return;  // no listed address: not a candidate
  logs::FileContext context;
  context.tz_offset_seconds = options_.tz_offset_seconds;
  std::optional<logs::LogFormat> forced = options_.format;
  std::optional<logs::LogFormat> unused;
  std::optional<logs::LogFormat>& known = format != nullptr ? *format : unused;
  // The format its source used last, else the one the line itself shows.
  Result<logs::LogRecord> record = InvalidArgument("no format");
  if (forced || known) record = logs::ParseLine(forced ? *forced : *known, line, context);
  if (!record.ok() && !forced) {
    const std::string_view sample[] = {line};
    known = logs::DetectLogFormat(sample);
    if (*known == logs::LogFormat::kGeneric) return;  // no session fields to read
    record = logs::ParseLine(*known, line, context);
  }
  if (!record.ok()) {
    ++stats_.malformed;
    return;
  }
  AddRecord(*record, fallback_time, std::string(where));
}

std::vector<Attribution> NatAttributor::Results() const {
  std::map<IpAddress, std::vector<const Session*>> by_public;
  for (const Session& session : sessions_) by_public[session.public_ip].push_back(&session);

  std::vector<Attribution> results;
  for (const intel::Indicator& listing : listings_) {
    Attribution none;
    none.listing = &listing;
    if (listing.kind != intel::IndicatorKind::kIp || listing.allow) {
      none.reason = "only single addresses can be attributed";
      results.push_back(std::move(none));
      continue;
    }
    if (listing.first_seen == 0) {
      none.reason = "the listing has no time";
      results.push_back(std::move(none));
      continue;
    }
    // Candidates: sessions behind the listed address within the window.
    std::vector<const Session*> window;
    if (const auto it = by_public.find(listing.first); it != by_public.end()) {
      for (const Session* session : it->second) {
        if (Distance(session->time, listing.first_seen) <= options_.window_seconds) {
          window.push_back(session);
        }
      }
    }
    // Narrow by the strongest evidence the listing offers.
    std::vector<const Session*> chosen;
    std::string method;
    if (listing.port > 0) {
      for (const Session* s : window) {
        if (s->nat_port == listing.port) chosen.push_back(s);
      }
      if (!chosen.empty()) method = "nat_port";
    }
    if (chosen.empty() && listing.dest_ip) {
      for (const Session* s : window) {
        if (s->dst == listing.dest_ip &&
            (listing.dest_port == 0 || s->dst_port == listing.dest_port)) {
          chosen.push_back(s);
        }
      }
      if (!chosen.empty()) method = "destination";
    }
    if (chosen.empty()) {
      chosen = window;
      method = "window";
    }
    if (chosen.empty()) {
      none.reason = "no NAT session behind " + listing.value + " within ±" +
                    std::to_string(options_.window_seconds / 60) + " min of " +
                    FormatMoment(listing.first_seen, options_.tz_offset_seconds);
      results.push_back(std::move(none));
      continue;
    }
    std::map<IpAddress, HostTally> hosts;
    for (const Session* s : chosen) {
      HostTally& tally = hosts[s->internal];
      ++tally.sessions;
      tally.nearest = std::min(tally.nearest, Distance(s->time, listing.first_seen));
      if (s->internal_port > 0 && tally.ports.size() < 10 &&
          std::find(tally.ports.begin(), tally.ports.end(), s->internal_port) ==
              tally.ports.end()) {
        tally.ports.push_back(s->internal_port);
      }
      if (tally.evidence.size() < options_.max_evidence) tally.evidence.push_back(s->where);
    }
    std::vector<Attribution> found;
    for (auto& [ip, tally] : hosts) {
      Attribution a;
      a.listing = &listing;
      a.internal_ip = ip;
      a.method = method;
      a.sessions = tally.sessions;
      a.nearest_seconds = tally.nearest;
      a.internal_ports = std::move(tally.ports);
      a.evidence = std::move(tally.evidence);
      found.push_back(std::move(a));
    }
    std::stable_sort(found.begin(), found.end(), [](const Attribution& a, const Attribution& b) {
      if (a.sessions != b.sessions) return a.sessions > b.sessions;
      return a.nearest_seconds < b.nearest_seconds;
    });
    for (size_t i = 0; i < found.size(); ++i) {
      found[i].rank = static_cast<int>(i) + 1;
      results.push_back(std::move(found[i]));
    }
  }
  return results;
}

}  // namespace vigil::hunt
