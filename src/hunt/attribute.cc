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

// A NAT session whose translated source is one of the listed addresses.
struct Session {
  int64_t time = 0;
  IpAddress public_ip;  // the translated source: a listed address
  IpAddress internal;
  int internal_port = 0;
  int nat_port = 0;
  std::optional<IpAddress> dst;
  int dst_port = 0;
  std::string where;  // file:line
};

struct HostTally {
  uint64_t sessions = 0;
  int64_t nearest = INT64_MAX;
  std::vector<int> ports;
  std::vector<std::string> evidence;
};

int64_t Distance(int64_t a, int64_t b) { return a > b ? a - b : b - a; }

// Collects the sessions of one log whose translated source is listed.
// `name` stands for the file in evidence and errors.
Status ReadSessions(const std::string& path, const std::string& name,
                    const intel::IndicatorSet& listed, const AttributeOptions& options,
                    std::vector<Session>* sessions, AttributeStats* stats) {
  const auto named = [&name](const Status& s) { return Status(s.code(), s.message(), name); };
  auto opened = OpenLineBlocks(path, size_t{8} << 20);
  if (!opened.ok()) return named(opened.status());
  auto& blocks = opened.value();
  ++stats->files;
  logs::FileContext context;
  context.tz_offset_seconds = options.tz_offset_seconds;
  std::optional<logs::LogFormat> format;
  uint64_t line_base = 0;
  for (;;) {
    auto next = blocks->Next();
    if (!next.ok()) return named(next.status());
    auto& block = next.value();
    if (!block) break;
    if (!format) format = DetectFileFormat(block->text, options.format, &context);
    for (const MatchedLine& line : FindMatchedLines(block->text, listed)) {
      auto record = logs::ParseLine(*format, line.text, context);
      if (!record.ok()) {
        ++stats->malformed;
        continue;
      }
      const logs::LogRecord& r = record.value();
      if (!r.nat_src || !r.src || r.time == 0 || !listed.MatchIp(*r.nat_src)) continue;
      ++stats->sessions;
      sessions->push_back({r.time, *r.nat_src, *r.src, r.src_port, r.nat_src_port, r.dst,
                           r.dst_port, name + ":" + std::to_string(line_base + line.index + 1)});
    }
    line_base += CountLines(block->text);
    stats->bytes += block->text.size();
  }
  stats->lines += line_base;
  return Status::Ok();
}

}  // namespace

Result<std::vector<Attribution>> Attribute(const std::vector<intel::Indicator>& listings,
                                           const std::vector<std::string>& logs,
                                           const AttributeOptions& options, AttributeStats* stats) {
  std::vector<intel::Indicator> addresses;
  for (const intel::Indicator& listing : listings) {
    if (listing.kind == intel::IndicatorKind::kIp && !listing.allow) {
      intel::Indicator entry = listing;
      entry.expires = 0;  // an old listing is still worth attributing
      addresses.push_back(std::move(entry));
    }
  }
  const auto listed = intel::IndicatorSet::Build(std::move(addresses), 0);
  std::vector<Session> sessions;
  for (size_t i = 0; i < logs.size(); ++i) {
    const std::string& name = i < options.log_names.size() ? options.log_names[i] : logs[i];
    VIGIL_RETURN_IF_ERROR(ReadSessions(logs[i], name, listed, options, &sessions, stats));
  }
  std::map<IpAddress, std::vector<const Session*>> by_public;
  for (const Session& session : sessions) by_public[session.public_ip].push_back(&session);

  std::vector<Attribution> results;
  for (const intel::Indicator& listing : listings) {
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
        if (Distance(session->time, listing.first_seen) <= options.window_seconds) {
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
                    std::to_string(options.window_seconds / 60) + " min of " +
                    FormatMoment(listing.first_seen, options.tz_offset_seconds);
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
      if (tally.evidence.size() < options.max_evidence) tally.evidence.push_back(s->where);
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
