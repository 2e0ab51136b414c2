// Which Sigma log sources an event belongs to, and the field names rules of that source expect.
//
// A LogsourceMap is a list of entries read from YAML:
//
//   - when: {Channel: Security, EventID: [4688]}      # every listed field must equal one value
//     logsource: {product: windows, category: process_creation}
//     aliases: {Image: NewProcessName}                 # rule field <- event field, when absent
//   - when: {uid|exists: true, trans_depth|exists: true}   # present (or absent: false)
//     logsource: {product: zeek, service: http}
//
// An event gets the labels of every entry it satisfies. A rule's logsource matches an event
// when one of the event's label sets has the rule's product, category and service (those the
// rule gives). Rules whose logsource no entry can produce (AWS, Linux auditd, web servers, ...)
// run on events that no entry labels, since nothing better is known about those. The default
// map (Default) covers Windows (services by channel, Sysmon and Security categories); syslog as
// the server normalises it (source_type: syslog): product linux, service syslog, auth (facility
// auth/authpriv) and sshd, sudo, cron, clamav, vsftpd by program name, and web servers' syslog
// (nginx, apache2, httpd) as category webserver; Zeek JSON logs by `_path` or by the fields each
// log always has (product zeek, services conn, dns, http, rdp, kerberos, smb_files, dce_rpc,
// x509; dns also as category dns, http as proxy, conn as firewall, with field aliases); Suricata
// EVE by event_type (dns as category dns, http as proxy, flow as firewall); and ECS web-server
// events (event.module nginx, apache, iis) as category webserver. docs/DETECTION.md lists it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "detect/event.h"
#include "detect/problem.h"
#include "detect/sigma_rule.h"

namespace vigil::detect {

// One test of an entry's `when`: the event's first value of `field` equals one of `values`
// (ASCII case-insensitive); or, written `FIELD|exists: true` (or false), the field is present
// (absent), whatever its value.
struct LogsourceTest {
  std::string field;
  std::vector<std::string> values;  // empty for an existence test
  bool exists = true;               // existence tests only
};

struct LogsourceEntry {
  std::vector<LogsourceTest> when;
  Logsource labels;
  std::vector<std::pair<std::string, std::string>> aliases;  // rule field, event field
};

class LogsourceMap {
 public:
  // Parses the YAML form above. Problems name the line and column.
  static MaybeProblem Parse(std::string_view yaml, LogsourceMap* out);
  static const LogsourceMap& Default();

  // The entries `event` satisfies, in map order.
  void Classify(const Event& event, std::vector<const LogsourceEntry*>* out) const;
  static constexpr size_t kMaxTestedFields = 65535;  // distinct fields `when` tests
  // All Classify depends on: which of these fields the event has, and the first value of those
  // whose value some entry tests (tests_value). Events alike in that get the same entries.
  const std::vector<std::string>& tested_fields() const { return when_fields_; }
  bool tests_value(size_t tested_field) const { return by_value_[tested_field]; }
  // True when some entry's labels include everything `logsource` gives.
  bool Covers(const Logsource& logsource) const;
  const std::vector<LogsourceEntry>& entries() const { return entries_; }

 private:
  // The event's first value of each of when_fields_ (nullptr when absent), in a per-thread
  // buffer valid until this thread's next call.
  const std::vector<const Event::Field*>& WhenValues(const Event& event) const;
  // `values[i]` is the event's first value of when_fields_[i] (nullptr when absent).
  bool Satisfies(const std::vector<const Event::Field*>& values, size_t entry) const;
  std::vector<LogsourceEntry> entries_;
  std::vector<std::string> when_fields_;  // distinct field names `when` tests
  std::vector<bool> by_value_;            // per when_fields_: some entry tests its value
  // when_fields_ by name length, with their first and last bytes: most event fields are told
  // apart from every tested name by a length and a byte, without comparing names.
  struct NameSlot {
    uint16_t index;
    char first, last;
  };
  std::vector<std::vector<NameSlot>> by_length_;
  std::vector<std::vector<size_t>> when_indices_;  // per entry: when_fields_ index per test
  // Entries keyed by their required Channel (the usual case), and the rest.
  // Entries by lower-case channel, or channel + '\x1f' + event id when they test both.
  std::unordered_map<std::string, std::vector<size_t>> by_channel_;
  std::vector<size_t> other_;
};

// True when `labels` has every part `rule` gives.
bool LogsourceMatches(const Logsource& rule, const Logsource& labels);

}  // namespace vigil::detect
