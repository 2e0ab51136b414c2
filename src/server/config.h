// Server configuration: defaults, then a TOML file, then VIGIL_* environment variables, then
// command-line flags (each later source wins). See docs/CONFIG.md for every key.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/status.h"
#include "domain/assessment.h"

namespace vigil::server {

enum class TlsMode { kAuto, kOn, kOff };  // auto: TLS unless listening on loopback

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
};

// Reads `file` over `config`. Errors name the file, line and key.
Status LoadConfigFile(const std::filesystem::path& file, Config* config);
// Applies VIGIL_DATA, VIGIL_LISTEN, VIGIL_TLS, VIGIL_WEB_ROOT, VIGIL_THREADS.
Status ApplyEnvironment(Config* config);
Result<TlsMode> ParseTlsMode(std::string_view text);

struct ListenAddress {
  std::string host;
  uint16_t port = 0;
};
// Parses "HOST:PORT", "[v6]:PORT" or ":PORT" (all interfaces).
Result<ListenAddress> ParseListen(std::string_view text);

}  // namespace vigil::server
