#include "server/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <cstdlib>

#include "core/text.h"

namespace vigil::server {
namespace {

template <typename T>
Status Read(const toml::table& t, std::string_view section, std::string_view key, T* out,
            const std::filesystem::path& file) {
  auto node = t[section][key];
  if (!node) return Status::Ok();
  auto value = node.value<T>();
  if (!value) {
    auto line = node.node()->source().begin.line;
    return InvalidArgument("wrong type", file.string() + ":" + std::to_string(line) + ": " +
                                             std::string(section) + "." + std::string(key));
  }
  *out = *value;
  return Status::Ok();
}

Status LoadMonitoring(const toml::table& t, const std::filesystem::path& file,
                      MonitoringConfig* m) {
  auto where = [&](std::string_view key) {
    return file.string() + ": monitoring." + std::string(key);
  };
  if (auto node = t["monitoring"]["rules"]; node) {
    auto arr = node.as_array();
    if (arr == nullptr) return InvalidArgument("must be an array of paths", where("rules"));
    m->rules.clear();
    for (const auto& item : *arr) {
      auto path = item.value<std::string>();
      if (!path) return InvalidArgument("must be an array of paths", where("rules"));
      m->rules.push_back(*path);
    }
  }
  std::string map = m->logsource_map.string();
  int64_t fold = m->alert_fold_minutes, max_gb = m->max_event_bytes >> 30;
  VIGIL_RETURN_IF_ERROR(Read(t, "monitoring", "logsource_map", &map, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "monitoring", "syslog_udp", &m->syslog_udp, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "monitoring", "syslog_tcp", &m->syslog_tcp, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "monitoring", "syslog_tls", &m->syslog_tls, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "monitoring", "alert_fold_minutes", &fold, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "monitoring", "max_event_gb", &max_gb, file));
  if (auto arr = t["monitoring"]["retention_days"].as_array()) {
    if (arr->size() != 6) {
      return InvalidArgument("needs 6 values (no known system, then levels 1–5)",
                             where("retention_days"));
    }
    for (size_t i = 0; i < 6; ++i) {
      auto v = (*arr)[i].value<int64_t>();
      if (!v || *v < 0 || *v > 36500) {
        return InvalidArgument("days must be 0 (keep forever) to 36500", where("retention_days"));
      }
      m->retention_days[i] = static_cast<int>(*v);
    }
  }
  if (fold < 1 || fold > 10080)
    return InvalidArgument("must be 1–10080", where("alert_fold_minutes"));
  if (max_gb < 0 || max_gb > 1'000'000)
    return InvalidArgument("must be 0 (no cap) or more", where("max_event_gb"));
  m->logsource_map = map;
  m->alert_fold_minutes = static_cast<int>(fold);
  m->max_event_bytes = max_gb << 30;
  return Status::Ok();
}

}  // namespace

Result<TlsMode> ParseTlsMode(std::string_view text) {
  if (text == "auto") return TlsMode::kAuto;
  if (text == "on") return TlsMode::kOn;
  if (text == "off") return TlsMode::kOff;
  return InvalidArgument("tls must be auto, on or off");
}

Result<ListenAddress> ParseListen(std::string_view text) {
  ListenAddress out;
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return InvalidArgument("expected HOST:PORT", "listen");
  std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p > 65535) {
    return InvalidArgument("bad port in \"" + std::string(text) + "\"", "listen");
  }
  out.host = host.empty() ? "0.0.0.0" : std::string(host);
  out.port = static_cast<uint16_t>(p);
  return out;
}

Status LoadConfigFile(const std::filesystem::path& file, Config* config) {
  toml::table t;
  try {
    t = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return InvalidArgument(std::string(e.description()),
                           file.string() + ":" + std::to_string(e.source().begin.line));
  }
  for (const auto& [section, value] : t) {
    std::string_view s = section.str();
    if (s != "server" && s != "storage" && s != "security" && s != "assessment" &&
        s != "monitoring") {
      return InvalidArgument("unknown section [" + std::string(s) + "]", file.string());
    }
  }
  std::string data_dir = config->data_dir.string(), cert = config->cert_file.string(),
              key = config->key_file.string(), web = config->web_root.string();
  std::string tls = "auto";
  int64_t threads = config->threads, session = config->session_hours,
          failures = config->lockout_failures, minutes = config->lockout_minutes,
          org_months = config->assessment.organisation_months;
  VIGIL_RETURN_IF_ERROR(Read(t, "storage", "data_dir", &data_dir, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "server", "listen", &config->listen, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "server", "tls", &tls, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "server", "cert_file", &cert, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "server", "key_file", &key, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "server", "web_root", &web, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "server", "threads", &threads, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "security", "session_hours", &session, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "security", "lockout_failures", &failures, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "security", "lockout_minutes", &minutes, file));
  VIGIL_RETURN_IF_ERROR(Read(t, "assessment", "organisation_months", &org_months, file));
  if (auto arr = t["assessment"]["system_months"].as_array()) {
    if (arr->size() != 5) {
      return InvalidArgument("needs 5 values (levels 1–5)",
                             file.string() + ": assessment.system_months");
    }
    for (size_t i = 0; i < 5; ++i) {
      auto v = (*arr)[i].value<int64_t>();
      if (!v || *v < 1 || *v > 120) {
        return InvalidArgument("months must be 1–120",
                               file.string() + ": assessment.system_months");
      }
      config->assessment.system_months[i] = static_cast<int>(*v);
    }
  }
  VIGIL_RETURN_IF_ERROR(LoadMonitoring(t, file, &config->monitoring));
  auto mode = ParseTlsMode(tls);
  if (!mode.ok()) return mode.status().Within(file.string() + ": server.tls");
  if (threads < 1 || threads > 256)
    return InvalidArgument("must be 1–256", file.string() + ": server.threads");
  config->tls = *mode;
  config->data_dir = data_dir;
  config->cert_file = cert;
  config->key_file = key;
  config->web_root = web;
  config->threads = static_cast<int>(threads);
  config->session_hours = static_cast<int>(session);
  config->lockout_failures = static_cast<int>(failures);
  config->lockout_minutes = static_cast<int>(minutes);
  config->assessment.organisation_months = static_cast<int>(org_months);
  return Status::Ok();
}

Status ApplyEnvironment(Config* config) {
  auto env = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
  if (auto v = env("VIGIL_DATA")) config->data_dir = *v;
  if (auto v = env("VIGIL_LISTEN")) config->listen = *v;
  if (auto v = env("VIGIL_WEB_ROOT")) config->web_root = *v;
  if (auto v = env("VIGIL_RULES")) {
    config->monitoring.rules.clear();
    for (std::string_view path : Split(*v, ':')) {
      if (!path.empty()) config->monitoring.rules.emplace_back(path);
    }
  }
  if (auto v = env("VIGIL_SYSLOG_UDP")) config->monitoring.syslog_udp = *v;
  if (auto v = env("VIGIL_SYSLOG_TCP")) config->monitoring.syslog_tcp = *v;
  if (auto v = env("VIGIL_SYSLOG_TLS")) config->monitoring.syslog_tls = *v;
  if (auto v = env("VIGIL_TLS")) {
    auto mode = ParseTlsMode(*v);
    if (!mode.ok()) return mode.status().Within("VIGIL_TLS");
    config->tls = *mode;
  }
  if (auto v = env("VIGIL_THREADS")) {
    int n = 0;
    std::string_view text = *v;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > 256) {
      return InvalidArgument("must be 1–256", "VIGIL_THREADS");
    }
    config->threads = n;
  }
  return Status::Ok();
}

}  // namespace vigil::server
