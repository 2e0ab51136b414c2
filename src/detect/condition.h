// The Sigma condition language: `selection and not 1 of filter_*`, `all of them`, parentheses.
//
// ParseCondition resolves names and `x of pattern` against the rule's search identifiers, so the
// result refers to searches by index. Precedence: not > and > or; keywords are case-insensitive.
// `them` means every search whose name does not start with `_`. Pipes (`| count() > 5`, the
// deprecated Sigma v1 aggregations) are reported as `deprecated_aggregation`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "detect/problem.h"

namespace vigil::detect {

struct Condition {
  enum class Op { kSearch, kAnd, kOr, kNot, kTrue, kFalse };
  Op op = Op::kFalse;
  int search = -1;                  // kSearch: index into the search names
  std::vector<Condition> operands;  // kAnd, kOr (two or more), kNot (one)
};

// Parses `text` against `searches` (the detection's identifiers, in order). Nesting is limited
// to `max_depth` so hostile input stays cheap.
MaybeProblem ParseCondition(std::string_view text, const std::vector<std::string>& searches,
                            Condition* out, int max_depth = 64);

// Glob over identifiers: `*` matches any run of characters (the only wildcard Sigma allows).
bool IdentifierMatches(std::string_view pattern, std::string_view name);

}  // namespace vigil::detect
