// Sigma v2.1 correlation rules over a stream of detections: event_count, value_count, temporal,
// temporal_ordered, value_sum, value_avg and value_percentile, with group-by (and aliases),
// sliding time windows, chaining (a correlation may name another correlation), and bounded
// memory.
//
// Feed every detection of the base rules in time order with Observe(); it returns the
// correlations that fire. A group that fires is cleared, so one burst gives one hit; the next
// needs the condition met again. Conditions are checked when an event arrives, for every
// operator (so `lt 5` fires on an event that leaves fewer than five in the window).
// value_percentile: `percentile` (0-100, default 50) of the field's numbers in the window,
// compared with the condition. Not thread-safe; one engine per stream.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "detect/event.h"
#include "detect/ruleset.h"

namespace vigil::detect {

struct CorrelationLimits {
  size_t max_groups = 100'000;           // per correlation rule; the least recent is evicted
  size_t max_values_per_group = 10'000;  // events or distinct values kept per group
};

struct CorrelationHit {
  const SigmaRule* rule = nullptr;
  std::vector<std::pair<std::string, std::string>> group;  // group-by field, value
  int64_t first_ns = 0, last_ns = 0;                       // the window that fired
  double value = 0;  // the count, distinct count, sum, average or percentile that met the condition
  uint64_t events = 0;  // base events in the window
};

class CorrelationEngine {
 public:
  CorrelationEngine(const RuleSet& rules, CorrelationLimits limits = {});
  ~CorrelationEngine();
  CorrelationEngine(const CorrelationEngine&) = delete;
  CorrelationEngine& operator=(const CorrelationEngine&) = delete;

  // Processes one detection of `event` at `time_ns`; appends fired correlations to `out`
  // (including chained ones).
  void Observe(const Detection& detection, const Event& event, int64_t time_ns,
               std::vector<CorrelationHit>* out);
  // False when every correlation naming this rule says `generate: false` (the default): its
  // detections then serve only the correlations and are not reported alone.
  bool Reported(const CompiledRule& rule) const;
  // Groups evicted to stay within the limits (a correlation may have been missed).
  uint64_t evicted() const { return evicted_; }
  bool empty() const { return correlations_.empty(); }

 private:
  struct State;
  // One observation (a base detection or a chained hit) reaching correlation `index`.
  void Feed(size_t index, const std::string& rule_ref, const std::string& rule_name,
            const std::function<std::string_view(const std::string&)>& field, int64_t time_ns,
            int depth, std::vector<CorrelationHit>* out);

  std::vector<const SigmaRule*> correlations_;
  std::vector<std::unique_ptr<State>> states_;
  // Rule id or name -> correlations that name it.
  std::unordered_map<std::string, std::vector<size_t>> listeners_;
  std::unordered_map<const CompiledRule*, bool> reported_;
  CorrelationLimits limits_;
  uint64_t evicted_ = 0;
};

}  // namespace vigil::detect
