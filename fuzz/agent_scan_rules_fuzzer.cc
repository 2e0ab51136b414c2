// Arbitrary bytes as YARA rule text (CompiledRules::Compile) and as serialised rules
// (CompiledRules::Deserialize): errors are fine, crashes are not. Rule sets that compile must
// survive a Serialize/Deserialize round trip with the same rule count and version.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/scan/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > size_t{64} << 10) return 0;  // YARA compile time grows with the text; keep runs short
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)vigil::agent::CompiledRules::Deserialize(bytes);

  auto rules = vigil::agent::CompiledRules::Compile({{"fuzz.yar", std::string(bytes)}});
  if (!rules.ok()) {
    if (rules.status().message().empty()) std::abort();
    return 0;
  }
  auto serialized = rules->Serialize();
  if (!serialized.ok()) std::abort();
  auto loaded = vigil::agent::CompiledRules::Deserialize(*serialized);
  if (!loaded.ok() || loaded->rule_count() != rules->rule_count() ||
      loaded->version() != rules->version())
    std::abort();
  // The envelope guards libyara's loader: any damaged envelope is rejected before it.
  std::string damaged = *serialized;
  damaged[damaged.size() / 2] ^= 0x20;
  if (vigil::agent::CompiledRules::Deserialize(damaged).ok()) std::abort();
  return 0;
}
