// `vigil serve`: flags, configuration layering and the server's lifetime.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace vigil::cli {

struct ServeFlags {
  std::string config_file, data_dir, listen, tls, web_root;
  int threads = 0;
  std::vector<std::string> rules;
  std::string syslog_udp, syslog_tcp, syslog_tls;
};

void AddServeFlags(CLI::App* cmd, ServeFlags* flags);
// Runs until SIGINT or SIGTERM; returns the process exit code.
int RunServe(const ServeFlags& flags, const char* argv0);

}  // namespace vigil::cli
