// Fuzzes the Sigma condition parser against a fixed set of search names: it must return a
// tree whose search indices are in range, or a problem with a code.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "detect/condition.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckTree(const vigil::detect::Condition& c, size_t searches) {
  using Op = vigil::detect::Condition::Op;
  if (c.op == Op::kSearch) Check(c.search >= 0 && static_cast<size_t>(c.search) < searches);
  if (c.op == Op::kNot) Check(c.operands.size() == 1);
  if (c.op == Op::kAnd || c.op == Op::kOr) Check(c.operands.size() >= 2);
  for (const auto& o : c.operands) CheckTree(o, searches);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<std::string> kNames = {"selection", "sel_a",   "sel_b",
                                                  "filter_x",  "_hidden", "keywords"};
  const std::string text(reinterpret_cast<const char*>(data), size);
  vigil::detect::Condition condition;
  vigil::detect::MaybeProblem problem = vigil::detect::ParseCondition(text, kNames, &condition);
  if (problem) {
    Check(!problem->code.empty());
  } else {
    CheckTree(condition, kNames.size());
  }
  return 0;
}
