#include "detect/correlation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <list>
#include <set>

namespace vigil::detect {

struct CorrelationEngine::State {
  struct Group {
    std::vector<std::pair<std::string, std::string>> key;
    std::deque<std::pair<int64_t, std::string>> entries;  // time, value (rule ref for temporal)
    size_t next_step = 0;                                 // temporal_ordered progress
    std::list<std::string>::iterator lru;
  };
  std::unordered_map<std::string, Group> groups;
  std::list<std::string> lru;  // most recent first
};

namespace {

bool Holds(const CorrelationSpec& spec, double value) {
  for (const auto& [op, threshold] : spec.thresholds) {
    bool ok = false;
    switch (op) {
      case CompareOp::kGt:
        ok = value > threshold;
        break;
      case CompareOp::kGte:
        ok = value >= threshold;
        break;
      case CompareOp::kLt:
        ok = value < threshold;
        break;
      case CompareOp::kLte:
        ok = value <= threshold;
        break;
      case CompareOp::kEq:
        ok = value == threshold;
        break;
      case CompareOp::kNeq:
        ok = value != threshold;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

std::optional<double> Number(std::string_view text) {
  double n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

}  // namespace

CorrelationEngine::CorrelationEngine(const RuleSet& rules, CorrelationLimits limits)
    : limits_(limits) {
  for (const SigmaRule& c : rules.correlations()) {
    const size_t index = correlations_.size();
    correlations_.push_back(&c);
    states_.push_back(std::make_unique<State>());
    for (const std::string& ref : c.correlation.rules) listeners_[ref].push_back(index);
  }
  for (const auto& rule : rules.rules()) {
    bool named = false, generate = false;
    for (const std::string& ref : {rule->rule.id, rule->rule.name}) {
      if (ref.empty()) continue;
      auto it = listeners_.find(ref);
      if (it == listeners_.end()) continue;
      for (size_t i : it->second) {
        named = true;
        generate |= correlations_[i]->correlation.generate;
      }
    }
    reported_[rule.get()] = !named || generate;
  }
}

CorrelationEngine::~CorrelationEngine() = default;

bool CorrelationEngine::Reported(const CompiledRule& rule) const {
  auto it = reported_.find(&rule);
  return it == reported_.end() || it->second;
}

void CorrelationEngine::Observe(const Detection& detection, const Event& event, int64_t time_ns,
                                std::vector<CorrelationHit>* out) {
  const SigmaRule& rule = detection.rule->rule;
  auto field = [&](const std::string& name) -> std::string_view {
    const Event::Field* f = event.Find(name);
    return f != nullptr ? f->value : std::string_view();
  };
  for (const std::string& ref : {rule.id, rule.name}) {
    if (ref.empty()) continue;
    auto it = listeners_.find(ref);
    if (it == listeners_.end()) continue;
    for (size_t i : it->second) Feed(i, ref, RuleLabel(rule), field, time_ns, 0, out);
  }
}

void CorrelationEngine::Feed(size_t index, const std::string& rule_ref,
                             const std::string& rule_name,
                             const std::function<std::string_view(const std::string&)>& field,
                             int64_t time_ns, int depth, std::vector<CorrelationHit>* out) {
  const SigmaRule& rule = *correlations_[index];
  const CorrelationSpec& spec = rule.correlation;
  State& state = *states_[index];
  // The event's value for a correlation field, through the aliases for this rule.
  auto value_of = [&](const std::string& name) -> std::string_view {
    auto alias = spec.aliases.find(name);
    if (alias != spec.aliases.end()) {
      for (const std::string& key : {rule_ref, rule_name}) {
        auto it = alias->second.find(key);
        if (it != alias->second.end()) return field(it->second);
      }
    }
    return field(name);
  };

  std::string key;
  std::vector<std::pair<std::string, std::string>> group;
  for (const std::string& name : spec.group_by) {
    std::string_view v = value_of(name);
    group.emplace_back(name, std::string(v));
    key.append(v).push_back('\x1f');
  }
  auto found = state.groups.find(key);
  if (found == state.groups.end()) {
    if (state.groups.size() >= limits_.max_groups) {  // evict the least recently used group
      state.groups.erase(state.lru.back());
      state.lru.pop_back();
      ++evicted_;
    }
    state.lru.push_front(key);
    found = state.groups.emplace(key, State::Group{group, {}, 0, state.lru.begin()}).first;
  } else {
    state.lru.splice(state.lru.begin(), state.lru, found->second.lru);
  }
  State::Group& g = found->second;

  // Slide the window.
  const int64_t span = spec.timespan_seconds * 1'000'000'000;
  while (!g.entries.empty() && g.entries.front().first < time_ns - span) g.entries.pop_front();
  if (g.entries.empty()) g.next_step = 0;

  std::string value;
  switch (spec.type) {
    case CorrelationType::kTemporal:
      value = rule_ref;
      break;
    case CorrelationType::kTemporalOrdered: {
      // Only the next rule in order advances the sequence; the first rule restarts it.
      auto pos = std::find(spec.rules.begin(), spec.rules.end(), rule_ref);
      if (pos == spec.rules.end()) {
        pos = std::find(spec.rules.begin(), spec.rules.end(), rule_name);
      }
      const size_t step = static_cast<size_t>(pos - spec.rules.begin());
      if (step == g.next_step) {
        ++g.next_step;
      } else if (step == 0) {
        g.entries.clear();
        g.next_step = 1;
      } else {
        return;
      }
      value = rule_ref;
      break;
    }
    case CorrelationType::kEventCount:
      break;
    default:
      value = std::string(value_of(spec.field));
      break;
  }
  g.entries.emplace_back(time_ns, std::move(value));
  if (g.entries.size() > limits_.max_values_per_group) g.entries.pop_front();

  // Evaluate.
  bool fire = false;
  double measured = 0;
  switch (spec.type) {
    case CorrelationType::kEventCount:
      measured = static_cast<double>(g.entries.size());
      fire = Holds(spec, measured);
      break;
    case CorrelationType::kValueCount: {
      std::set<std::string_view> distinct;
      for (const auto& e : g.entries) {
        if (!e.second.empty()) distinct.insert(e.second);
      }
      measured = static_cast<double>(distinct.size());
      fire = Holds(spec, measured);
      break;
    }
    case CorrelationType::kTemporal: {
      std::set<std::string_view> seen;
      for (const auto& e : g.entries) seen.insert(e.second);
      measured = static_cast<double>(seen.size());
      fire = std::all_of(spec.rules.begin(), spec.rules.end(),
                         [&](const std::string& r) { return seen.contains(r); }) &&
             (!spec.has_threshold || Holds(spec, static_cast<double>(g.entries.size())));
      break;
    }
    case CorrelationType::kTemporalOrdered:
      measured = static_cast<double>(g.next_step);
      fire = g.next_step == spec.rules.size() &&
             (!spec.has_threshold || Holds(spec, static_cast<double>(g.entries.size())));
      break;
    case CorrelationType::kValueSum:
    case CorrelationType::kValueAvg:
    case CorrelationType::kValuePercentile: {
      std::vector<double> numbers;
      for (const auto& e : g.entries) {
        if (auto n = Number(e.second)) numbers.push_back(*n);
      }
      if (numbers.empty()) break;
      if (spec.type == CorrelationType::kValuePercentile) {
        std::sort(numbers.begin(), numbers.end());
        const double p = spec.percentile > 0 ? spec.percentile : 50;
        const size_t rank =
            static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(numbers.size())));
        measured = numbers[std::clamp<size_t>(rank, 1, numbers.size()) - 1];
      } else {
        double sum = 0;
        for (double n : numbers) sum += n;
        measured = spec.type == CorrelationType::kValueSum
                       ? sum
                       : sum / static_cast<double>(numbers.size());
      }
      fire = Holds(spec, measured);
      break;
    }
  }
  if (!fire) return;

  CorrelationHit hit;
  hit.rule = &rule;
  hit.group = g.key;
  hit.first_ns = g.entries.front().first;
  hit.last_ns = time_ns;
  hit.value = measured;
  hit.events = g.entries.size();
  g.entries.clear();
  g.next_step = 0;
  out->push_back(hit);

  // Chaining: correlations that name this one see the hit, with its group fields as values.
  if (depth >= 8) return;
  auto group_field = [&hit](const std::string& name) -> std::string_view {
    for (const auto& [k, v] : hit.group) {
      if (k == name) return v;
    }
    return {};
  };
  for (const std::string& ref : {rule.id, rule.name}) {
    if (ref.empty()) continue;
    auto it = listeners_.find(ref);
    if (it == listeners_.end()) continue;
    for (size_t i : it->second) {
      Feed(i, ref, RuleLabel(rule), group_field, time_ns, depth + 1, out);
    }
  }
}

}  // namespace vigil::detect
