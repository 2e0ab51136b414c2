#include "auth/rate_limiter.h"

namespace vigil::auth {

void RateLimiter::Prune(std::deque<Clock::time_point>& times, Clock::time_point now) const {
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
}

RateLimiter::Clock::duration RateLimiter::RetryAfter(const std::string& key,
                                                     Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return Clock::duration::zero();
  Prune(it->second, now);
  if (static_cast<int>(it->second.size()) < max_) {
    if (it->second.empty()) failures_.erase(it);
    return Clock::duration::zero();
  }
  return window_ - (now - it->second.front());
}

void RateLimiter::RecordFailure(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (failures_.size() > 100000) failures_.clear();  // bound memory under a spray of addresses
  auto& times = failures_[key];
  Prune(times, now);
  times.push_back(now);
}

void RateLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

}  // namespace vigil::auth
