// The check every importer fuzzer runs: import `input` leniently, abort() unless the report is
// consistent, then strictly, abort() unless strict succeeds exactly when lenient succeeded without
// rejecting anything (and then yields the same indicators).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "intel/import.h"

namespace vigil::fuzz {

inline void Check(bool condition) {
  if (!condition) std::abort();
}

inline void CheckImport(std::string_view input, intel::ImportOptions options) {
  options.strict = false;
  options.now = 1795000000;
  options.max_issues = 8;
  auto lenient = intel::ImportBytes("fuzz.in", input, options);
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
  auto strict = intel::ImportBytes("fuzz.in", input, options);
  Check(strict.ok() == (lenient.ok() && lenient->rejected == 0));
  if (strict.ok()) {
    Check(strict->indicators.size() == lenient->indicators.size());
  } else {
    Check(strict.status().where().starts_with("fuzz.in"));
  }
}

}  // namespace vigil::fuzz
