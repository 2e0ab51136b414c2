// Server configuration: defaults, then a TOML file, then VIGIL_* environment variables, then
// command-line flags (each later source wins). See docs/CONFIG.md for every key.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/assessment.h"

namespace vigil::server {

enum class TlsMode { kAuto, kOn, kOff };  // auto: TLS unless listening on loopback

// [monitoring]: log ingestion, detection and event retention.
struct MonitoringConfig {
  std::vector<std::string> rules;       // Sigma rule files or folders
  std::filesystem::path logsource_map;  // empty: built in
  // Syslog listeners, "HOST:PORT"; empty: off. TLS uses the server's certificate.
  std::string syslog_udp, syslog_tcp, syslog_tls;
  // Days to keep events by the security level of their system: [0] no known system, [1..5].
  std::array<int, 6> retention_days = {30, 30, 30, 90, 180, 365};
  int64_t max_event_bytes = int64_t{20} << 30;
  int alert_fold_minutes = 60;
};

struct Config {
  std::filesystem::path data_dir = "/var/lib/vigil";
  std::string listen = "127.0.0.1:8443";  // HOST:PORT; IPv6 as [::1]:8443
  TlsMode tls = TlsMode::kAuto;
  std::filesystem::path cert_file;  // empty: data_dir/tls/server.crt, generated when missing
  std::filesystem::path key_file;
  std::filesystem::path web_root;  // empty: looked up beside the executable
  int threads = 2;
  int session_hours = 12;
  int lockout_failures = 5;
  int lockout_minutes = 15;
  domain::AssessmentPolicy assessment;
  MonitoringConfig monitoring;
};

// Reads `file` over `config`. Errors name the file, line and key.
Status LoadConfigFile(const std::filesystem::path& file, Config* config);
// Applies VIGIL_DATA, VIGIL_LISTEN, VIGIL_TLS, VIGIL_WEB_ROOT, VIGIL_THREADS, VIGIL_RULES
// (paths separated by ':'), VIGIL_SYSLOG_UDP, VIGIL_SYSLOG_TCP, VIGIL_SYSLOG_TLS.
Status ApplyEnvironment(Config* config);
Result<TlsMode> ParseTlsMode(std::string_view text);

struct ListenAddress {
  std::string host;
  uint16_t port = 0;
};
// Parses "HOST:PORT", "[v6]:PORT" or ":PORT" (all interfaces).
Result<ListenAddress> ParseListen(std::string_view text);

}  // namespace vigil::server
