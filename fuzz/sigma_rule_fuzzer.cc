// Fuzzes the Sigma rule loader end to end (YAML tree, rule and condition parsers, modifier
// compilation, filter and correlation resolution) and then matches a few events against
// whatever loaded. Any input must load or be refused with a problem; nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "detect/ruleset.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil::detect;
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  LoadReport report;
  RuleSet rules(LoadOptions{});
  rules.AddText(yaml, "fuzz.yml", &report);
  rules.Finish(&report);
  for (const FileProblem& p : report.problems) Check(!p.problem.code.empty());
  Check(report.detection_rules == rules.rules().size());
  static const char* kEvents[] = {
      R"({"Event":{"System":{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational"},
          "EventData":{"Image":"C:\\a.exe","CommandLine":"a -x /y","T":"2026-01-01T00:00:00Z"}}})",
      R"({"a":{"b":[1,"x",null,true]},"c":"10.1.2.3","d":"","e":12.5})",
  };
  RuleSet::Scratch scratch;
  for (const char* json : kEvents) {
    Event event;
    Check(ParseJsonEvent(json, &event).ok());
    std::vector<Detection> out;
    rules.Match(event, scratch, &out);
    for (const Detection& d : out) Check(d.rule != nullptr);
  }
  return 0;
}
