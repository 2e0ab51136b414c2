// RuleProblem: why a rule (or a part of one) cannot be loaded, in a form machines and people read.
#pragma once

#include <optional>
#include <string>

namespace vigil::detect {

struct RuleProblem {
  std::string code;     // stable snake_case reason, e.g. "unknown_modifier", "bad_condition"
  std::string message;  // for people, quoting the culprit
  int line = 0;         // 1-based position in the rule file; 0 when not known
  int column = 0;
};

// nullopt on success. Parsing steps return this and fill their outputs through pointers.
using MaybeProblem = std::optional<RuleProblem>;

inline RuleProblem Problem(std::string code, std::string message, int line = 0, int column = 0) {
  return {std::move(code), std::move(message), line, column};
}

}  // namespace vigil::detect

#define VIGIL_RETURN_IF_PROBLEM(expr)                      \
  do {                                                     \
    ::vigil::detect::MaybeProblem vigil_problem_ = (expr); \
    if (vigil_problem_) return vigil_problem_;             \
  } while (0)
