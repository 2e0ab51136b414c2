// Fuzzes the log-source map parser (`--logsource-map`, `[monitoring] logsource_map`), then loads
// a rule with the map and classifies a few events with it. Any input must parse or be refused
// with a problem that has a message; nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "detect/logsource.h"
#include "detect/ruleset.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil::detect;
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  LogsourceMap map;
  if (MaybeProblem problem = LogsourceMap::Parse(yaml, &map)) {
    Check(!problem->message.empty());
    return 0;
  }
  LoadOptions options;
  options.logsources = &map;
  RuleSet rules(options);
  LoadReport report;
  rules.AddText(
      "title: t\nlogsource: {product: zeek, service: http}\n"
      "detection:\n  s: {uri|contains: x}\n  condition: s\n",
      "fuzz.yml", &report);
  rules.Finish(&report);
  static const char* kEvents[] = {
      R"({"_path":"http","uid":"C1","uri":"/x","trans_depth":1,"Channel":"Security","EventID":1})",
      R"({"source_type":"syslog","app_name":"sshd","facility":4,"message":"x"})",
      R"({"a":{"b":[1,"x",null,true]},"c":"10.1.2.3","d":"","e":12.5})",
  };
  RuleSet::Scratch scratch;
  for (const char* json : kEvents) {
    Event event;
    Check(ParseJsonEvent(json, &event).ok());
    std::vector<const LogsourceEntry*> entries;
    map.Classify(event, &entries);
    for (const LogsourceEntry* e : entries) Check(e >= map.entries().data());
    std::vector<Detection> out;
    rules.Match(event, scratch, &out);
  }
  return 0;
}
