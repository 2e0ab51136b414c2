#include "cli/serve.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>

#include "http/server.h"
#include "http/tls.h"
#include "server/app.h"
#include "server/config.h"
#include "server/monitoring.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "vigil serve: %s\n", s.ToString().c_str());
  return 1;
}

// The built console: the configured directory, else the first of <exe>/../share/vigil/web and
// the source tree's web/dist (a development build) that has an index.html.
std::filesystem::path FindWebRoot(const std::filesystem::path& configured, const char* argv0) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) exe = argv0;
  for (const auto& candidate : {exe.parent_path().parent_path() / "share/vigil/web",
                                std::filesystem::path(VIGIL_SOURCE_DIR) / "web/dist"}) {
    if (std::filesystem::exists(candidate / "index.html", ec)) return candidate;
  }
  return {};
}

Status WaitForSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  if (sigwait(&set, &sig) != 0) return Internal("sigwait failed");
  spdlog::info("signal {} received, stopping", sig);
  return Status::Ok();
}

server::MonitoringOptions MonitoringOptionsFrom(const server::Config& config,
                                                const http::ServerOptions& http) {
  const server::MonitoringConfig& c = config.monitoring;
  server::MonitoringOptions o;
  o.data_dir = config.data_dir;
  o.rule_paths = c.rules;
  o.logsource_map = c.logsource_map;
  o.retention.days_by_level = c.retention_days;
  o.retention.max_bytes = c.max_event_bytes;
  o.alerts.fold_window = std::chrono::minutes(c.alert_fold_minutes);
  o.syslog.udp = c.syslog_udp;
  o.syslog.tcp = c.syslog_tcp;
  o.syslog.tls = c.syslog_tls;
  o.syslog.cert_file = http.cert_file;
  o.syslog.key_file = http.key_file;
  return o;
}

}  // namespace

void AddServeFlags(CLI::App* cmd, ServeFlags* f) {
  cmd->add_option("--config", f->config_file, "TOML configuration file (docs/CONFIG.md)");
  cmd->add_option("--data", f->data_dir, "Data directory (database, TLS key) [VIGIL_DATA]");
  cmd->add_option("--listen", f->listen, "HOST:PORT to listen on [VIGIL_LISTEN; 127.0.0.1:8443]");
  cmd->add_option("--tls", f->tls,
                  "auto|on|off; auto = TLS unless on loopback; plain HTTP only on loopback")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  cmd->add_option("--web-root", f->web_root, "Directory of the built console [VIGIL_WEB_ROOT]");
  cmd->add_option("--threads", f->threads, "Server threads [VIGIL_THREADS; 2]")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--rules", f->rules,
                  "Sigma rule file or folder for live detection; repeatable [VIGIL_RULES]");
  cmd->add_option("--syslog-udp", f->syslog_udp, "Receive syslog over UDP on HOST:PORT");
  cmd->add_option("--syslog-tcp", f->syslog_tcp,
                  "Receive syslog over TCP on HOST:PORT (LF or octet-counted frames)");
  cmd->add_option("--syslog-tls", f->syslog_tls,
                  "Receive syslog over TLS on HOST:PORT (the server's certificate)");
}

int RunServe(const ServeFlags& flags, const char* argv0) {
  server::Config config;
  if (!flags.config_file.empty()) {
    if (Status s = server::LoadConfigFile(flags.config_file, &config); !s.ok()) return Fail(s);
  }
  if (Status s = server::ApplyEnvironment(&config); !s.ok()) return Fail(s);
  if (!flags.data_dir.empty()) config.data_dir = flags.data_dir;
  if (!flags.listen.empty()) config.listen = flags.listen;
  if (!flags.web_root.empty()) config.web_root = flags.web_root;
  if (flags.threads > 0) config.threads = flags.threads;
  if (!flags.tls.empty()) config.tls = *server::ParseTlsMode(flags.tls);
  if (!flags.rules.empty()) config.monitoring.rules = flags.rules;
  if (!flags.syslog_udp.empty()) config.monitoring.syslog_udp = flags.syslog_udp;
  if (!flags.syslog_tcp.empty()) config.monitoring.syslog_tcp = flags.syslog_tcp;
  if (!flags.syslog_tls.empty()) config.monitoring.syslog_tls = flags.syslog_tls;

  auto addr = server::ParseListen(config.listen);
  if (!addr.ok()) return Fail(addr.status());
  bool loopback = http::IsLoopbackHost(addr->host);
  bool tls =
      config.tls == server::TlsMode::kOn || (config.tls == server::TlsMode::kAuto && !loopback);
  if (!tls && !loopback) {
    return Fail(InvalidArgument("plain HTTP is allowed only on a loopback address; use --tls on",
                                "listen"));
  }

  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  std::filesystem::permissions(config.data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  auto store = store::OpenSqliteStore(config.data_dir / "vigil.db", config.threads + 1);
  if (!store.ok()) return Fail(store.status());

  http::ServerOptions options;
  options.host = addr->host;
  options.port = addr->port;
  options.threads = config.threads;
  // Indicator lists and firewall logs uploaded to /api/v1/intel/, and event batches posted to
  // /api/v1/ingest, may be up to 64 MiB.
  options.upload_path_prefixes = {"/api/v1/intel/", "/api/v1/ingest"};
  options.tls = tls;
  const bool syslog_tls = !config.monitoring.syslog_tls.empty();
  if (tls || syslog_tls) {
    options.cert_file = config.cert_file.empty() ? (config.data_dir / "tls/server.crt").string()
                                                 : config.cert_file.string();
    options.key_file = config.key_file.empty() ? (config.data_dir / "tls/server.key").string()
                                               : config.key_file.string();
    if (config.cert_file.empty()) {
      std::filesystem::create_directories(config.data_dir / "tls", ec);
      char host[256] = {0};
      gethostname(host, sizeof host - 1);
      std::vector<std::string> names = {"localhost", "127.0.0.1", "::1", host};
      if (addr->host != "0.0.0.0" && addr->host != "::") names.push_back(addr->host);
      Status s = http::EnsureSelfSignedCertificate(options.cert_file, options.key_file, names);
      if (!s.ok()) return Fail(s);
    }
  }

  auto monitoring = server::Monitoring::Start(**store, MonitoringOptionsFrom(config, options));
  if (!monitoring.ok()) return Fail(monitoring.status());

  server::AppOptions app_options;
  app_options.api.monitoring = monitoring->get();
  if (tls) {
    auto digest = http::CertificateSha256(options.cert_file);
    if (!digest.ok()) return Fail(digest.status());
    app_options.api.tls_certificate_sha256 = *digest;
  }
  app_options.api.assessment = config.assessment;
  app_options.api.session_lifetime = std::chrono::hours(config.session_hours);
  app_options.api.lockout_failures = config.lockout_failures;
  app_options.api.lockout_duration = std::chrono::minutes(config.lockout_minutes);
  app_options.web_root = FindWebRoot(config.web_root, argv0);
  auto app = server::App::Create(**store, app_options);
  if (!app.ok()) return Fail(app.status());

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  const server::App* handler_app = app->get();
  auto http_server = http::Server::Start(
      options, [handler_app](const http::Request& r) { return handler_app->Handle(r); });
  if (!http_server.ok()) return Fail(http_server.status());
  std::string host =
      addr->host.find(':') != std::string::npos ? "[" + addr->host + "]" : addr->host;
  spdlog::info("Vigil listening on {}://{}:{} (data {}, console {})", tls ? "https" : "http", host,
               (*http_server)->port(), config.data_dir.string(),
               (*app)->has_console() ? app_options.web_root.string() : "not built");
  if (const ingest::SyslogListeners* l = (*monitoring)->syslog()) {
    spdlog::info("syslog: udp port {}, tcp port {}, tls port {} (0: off)", l->udp_port(),
                 l->tcp_port(), l->tls_port());
  }
  std::fflush(stdout);
  Status waited = WaitForSignal();
  (*http_server)->Stop();
  (*monitoring)->Stop();
  return waited.ok() ? 0 : Fail(waited);
}

}  // namespace vigil::cli
