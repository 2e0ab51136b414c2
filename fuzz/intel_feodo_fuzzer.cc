// Fuzzes the abuse.ch Feodo Tracker CSV importer, in lenient mode, and checks (abort() on
// violation) that the report is consistent and that strict mode agrees with it: strict succeeds
// exactly when lenient mode succeeded without rejecting anything, and then yields the same
// indicators.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "intel/import.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  vigil::intel::ImportOptions options;
  options.format = vigil::intel::ListFormat::kFeodoCsv;
  options.strict = false;
  options.now = 1795000000;
  options.max_issues = 8;
  auto lenient = vigil::intel::ImportBytes("fuzz.in", input, options);
  if (lenient.ok()) {
    Check(lenient->issues.size() <= options.max_issues);
    Check(lenient->rejected >= static_cast<int64_t>(lenient->issues.size()));
    Check(lenient->records >= lenient->rejected);
    Check(lenient->expired <= static_cast<int64_t>(lenient->indicators.size()));
    for (const auto& indicator : lenient->indicators) {
      Check(!indicator.value.empty() && indicator.source == "fuzz.in");
      Check(indicator.first <= indicator.last);
    }
    for (const auto& issue : lenient->issues) {
      Check(!issue.reason.empty() && issue.file == "fuzz.in");
    }
  } else {
    Check(!lenient.status().message().empty());
  }
  options.strict = true;
  auto strict = vigil::intel::ImportBytes("fuzz.in", input, options);
  Check(strict.ok() == (lenient.ok() && lenient->rejected == 0));
  if (strict.ok()) {
    Check(strict->indicators.size() == lenient->indicators.size());
  } else {
    Check(strict.status().where().starts_with("fuzz.in"));
  }
  return 0;
}
