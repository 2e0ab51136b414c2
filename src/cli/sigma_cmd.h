// `vigil sigma check` and `vigil sigma scan`: command-line flags and runners.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace vigil::cli {

struct SigmaRuleFlags {
  std::vector<std::string> rules;  // --rules (files or folders)
  std::string placeholders;        // --placeholders FILE (YAML: name: [values])
  std::string logsource_map;       // --logsource-map FILE (replaces the built-in map)
};

struct SigmaCheckFlags {
  SigmaRuleFlags rules;
  bool json = false;
  bool warnings = false;
};

struct SigmaScanFlags {
  SigmaRuleFlags rules;
  bool jsonl = false;
  bool csv = false;
  bool quiet = false;
  bool print_events = false;  // print each normalised event instead of matching
  int threads = 0;            // NDJSON matching threads; 0: the CPUs this process may use
  std::vector<std::string> inputs;
};

void AddSigmaCheckFlags(CLI::App* command, SigmaCheckFlags* flags);
void AddSigmaScanFlags(CLI::App* command, SigmaScanFlags* flags);

// 0 when every rule loaded, 1 when some did not, 2 on usage errors.
int RunSigmaCheck(const SigmaCheckFlags& flags);
// 0 when something was detected, 1 when nothing was, 2 on errors (like grep).
int RunSigmaScan(const SigmaScanFlags& flags);

}  // namespace vigil::cli
