// Bytes through the text parsers of configuration and /proc files: os-release, login.defs,
// pwquality.conf, PAM stacks, /etc/passwd, /proc/<pid>/{stat,status,cmdline} and Firefox
// logins.json counting. No crash on any input, and every issue names where it was found.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/collect/inventory.h"
#include "agent/collect/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  vigil::agent::Issues issues;
  (void)vigil::agent::ParseOsRelease(text, "os-release", issues);
  (void)vigil::agent::ParseLoginDefs(text, "login.defs", issues);
  (void)vigil::agent::ParsePwqualityConf(text, "pwquality.conf", issues);
  (void)vigil::agent::ParsePamQualityArgs(text, "common-password", issues);
  for (const auto& entry : vigil::agent::ParsePasswd(text, "passwd", issues)) {
    if (entry.name.empty()) std::abort();
  }
  for (const auto& issue : issues) {
    if (issue.ok() || issue.where().empty()) std::abort();
  }
  (void)vigil::agent::ParseProcStat(text);
  (void)vigil::agent::ParseStatusUid(text);
  (void)vigil::agent::JoinCmdline(text);
  auto count = vigil::agent::CountFirefoxLogins(text);
  if (count.ok() && *count < 0) std::abort();
  return 0;
}
