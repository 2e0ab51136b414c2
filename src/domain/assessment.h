// When the next security assessment falls due (Decree 85/2016, Circular 12/2022). The periods
// are policy, so they come from configuration; the defaults are the rules in force in 2026.
#pragma once

#include <array>
#include <chrono>
#include <optional>

namespace vigil::domain {

struct AssessmentPolicy {
  // Months between assessments of a system, by security level 1..5 (index 0 = level 1).
  std::array<int, 5> system_months = {24, 24, 12, 12, 6};
  int organisation_months = 24;
};

// The next due date: `last` (or, when never assessed, `approved`) plus the period for `level`.
// nullopt when there is no date to count from or the level is out of range.
std::optional<std::chrono::year_month_day> NextSystemAssessment(
    const AssessmentPolicy& policy, int level, std::optional<std::chrono::year_month_day> last,
    std::optional<std::chrono::year_month_day> approved);

std::optional<std::chrono::year_month_day> NextOrgAssessment(
    const AssessmentPolicy& policy, std::optional<std::chrono::year_month_day> last);

}  // namespace vigil::domain
