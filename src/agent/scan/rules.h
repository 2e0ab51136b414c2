// A YARA rule set, compiled once per version and distributed as compiled bytes.
//
// libyara is initialised on first use and never finalised. Includes are disabled: rule text can
// never make the agent read other files. The compiled form is wrapped in Vigil's own envelope
// (magic, version, length, SHA-256), checked before libyara parses it: yr_rules_load_stream trusts
// its input, so bytes must also come from a trusted channel (the server, the agent's own cache).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

struct YR_RULES;

namespace vigil::agent {

struct RuleSource {
  std::string name;  // file name for error messages
  std::string text;
};

// The external variables every rule set defines (LOKI / THOR conventions), empty until a file sets
// them.
inline constexpr const char* kExternalVariables[] = {"filename", "filepath", "extension",
                                                     "filetype", "owner"};

class CompiledRules {  // move-only, owns YR_RULES*
 public:
  CompiledRules(CompiledRules&& other) noexcept;
  CompiledRules& operator=(CompiledRules&& other) noexcept;
  CompiledRules(const CompiledRules&) = delete;
  CompiledRules& operator=(const CompiledRules&) = delete;
  ~CompiledRules();

  // Compiles all sources together (one namespace). On failure the InvalidArgument status lists
  // every error, one per line, as "name:line: message" (sources after the first failing one are
  // checked on their own), and `where` names the first.
  static Result<CompiledRules> Compile(const std::vector<RuleSource>& sources);
  // Vigil's envelope around yr_rules_save_stream, and back. Deserialize rejects anything whose
  // envelope does not check out before libyara sees it; `version` overrides the stored version.
  Result<std::string> Serialize() const;
  static Result<CompiledRules> Deserialize(std::string_view bytes, std::string version = {});

  // Hex SHA-256 of the sources (names and texts), or the version stored in the serialised bytes.
  const std::string& version() const { return version_; }
  size_t rule_count() const { return rule_count_; }
  YR_RULES* get() const { return rules_; }  // for scanners; owned by this object

 private:
  CompiledRules(YR_RULES* rules, std::string version);
  YR_RULES* rules_ = nullptr;
  std::string version_;
  size_t rule_count_ = 0;
};

// The EICAR test rule the server ships so that any install can be verified end to end. The rule
// holds the test string in two halves, so this source does not itself look like the test file.
std::string_view EicarRuleSource();

// Every *.yar / *.yara file directly in `dir`, sorted by name.
Result<std::vector<RuleSource>> ReadRuleSources(const std::string& dir);

// For large public collections: compiles each source on its own, keeps those that compile, and
// compiles the kept ones together (dropping any that still fail together, e.g. duplicate rule
// names). `rejected` receives one "name:line: message" line per dropped source.
Result<CompiledRules> CompileKeepingGood(const std::vector<RuleSource>& sources,
                                         std::vector<std::string>* rejected);

}  // namespace vigil::agent
