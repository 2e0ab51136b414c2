// `vigil botnet attribute`: from a botnet list (public address + time, sometimes the source port
// and the C2 address) and firewall NAT session logs, to the internal host behind each listing.
//
// For each listing, the sessions whose translated source (LogRecord::nat_src) is the listed
// address and whose time is within the window around the listed time are candidates. They are
// narrowed, in order of strength:
//   1. "nat_port"    — the translated source port equals the listed port (exact, even under PAT);
//   2. "destination" — the destination equals the listed C2/sinkhole address (and port, if given);
//   3. "window"      — every internal host seen behind the address in the window, ranked by the
//                      number of sessions and then by closeness in time.
// A listing with no candidate is reported too, with the reason, so nothing is silently dropped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/status.h"
#include "intel/indicator.h"
#include "intel/indicator_set.h"
#include "logs/log_record.h"

namespace vigil::hunt {

struct AttributeOptions {
  int64_t window_seconds = 600;           // ± around the listed time
  std::optional<logs::LogFormat> format;  // nullopt: detect per file
  int tz_offset_seconds = 7 * 3600;
  size_t max_evidence = 20;  // file:line references kept per attribution
};

struct Attribution {
  const intel::Indicator* listing = nullptr;
  std::optional<IpAddress> internal_ip;  // nullopt: not found (see reason)
  std::string method;                    // "nat_port", "destination", "window"; empty if none
  int rank = 0;                          // 1 = most likely, among the listing's attributions
  uint64_t sessions = 0;                 // supporting session log entries
  int64_t nearest_seconds = 0;           // |session time - listed time| of the closest one
  std::vector<int> internal_ports;       // distinct, at most 10
  std::vector<std::string> evidence;     // "file:line"
  std::string reason;                    // why nothing was found
};

struct AttributeStats {
  uint64_t files = 0, bytes = 0, lines = 0, sessions = 0, malformed = 0;
};

// Collects the NAT sessions behind the listed addresses from any number of logs (files, or
// single lines such as stored events), then attributes every listing. `listings` must outlive
// the collector and its results (Attribution::listing points into it).
class NatAttributor {
 public:
  NatAttributor(const std::vector<intel::Indicator>& listings, const AttributeOptions& options);

  // Reads a whole log file (plain, .gz, .zst); its format is detected from its head unless
  // forced. `name` stands for it in evidence and errors.
  Status AddLog(const std::string& path, const std::string& name);
  // One line of a log whose format is detected from the line alone (unless forced), e.g. a
  // stored event's message. `where` is its evidence reference; `fallback_time` (Unix seconds)
  // stands for the time when the line carries none (kernel log text without its syslog stamp).
  // `format`, when given, is the format the line's source used last: tried first, and updated
  // when the line shows another (a cache per source saves detecting every line).
  void AddLine(std::string_view line, int64_t fallback_time, std::string_view where,
               std::optional<logs::LogFormat>* format = nullptr);

  // Every listing's attributions: ordered as the listings, then by rank.
  std::vector<Attribution> Results() const;
  const AttributeStats& stats() const { return stats_; }

 private:
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
  void AddRecord(const logs::LogRecord& r, int64_t fallback_time, std::string where);

  const std::vector<intel::Indicator>& listings_;
  AttributeOptions options_;
  intel::IndicatorSet listed_;  // the single listed addresses, expiry ignored
  std::vector<Session> sessions_;
  AttributeStats stats_;
};

}  // namespace vigil::hunt
