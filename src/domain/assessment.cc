#include "domain/assessment.h"

#include "core/time.h"

namespace vigil::domain {

std::optional<std::chrono::year_month_day> NextSystemAssessment(
    const AssessmentPolicy& policy, int level, std::optional<std::chrono::year_month_day> last,
    std::optional<std::chrono::year_month_day> approved) {
  if (level < 1 || level > 5) return std::nullopt;
  auto base = last ? last : approved;
  if (!base) return std::nullopt;
  return AddMonths(*base, policy.system_months[level - 1]);
}

std::optional<std::chrono::year_month_day> NextOrgAssessment(
    const AssessmentPolicy& policy, std::optional<std::chrono::year_month_day> last) {
  if (!last) return std::nullopt;
  return AddMonths(*last, policy.organisation_months);
}

}  // namespace vigil::domain
