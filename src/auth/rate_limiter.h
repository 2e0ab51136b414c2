// Per-key failure counting with a sliding window, for login throttling by client address.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace vigil::auth {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(int max_failures, Clock::duration window) : max_(max_failures), window_(window) {}

  // How long `key` must wait before its next attempt; zero when it may try now. Thread-safe.
  Clock::duration RetryAfter(const std::string& key, Clock::time_point now = Clock::now());
  void RecordFailure(const std::string& key, Clock::time_point now = Clock::now());
  void Reset(const std::string& key);

 private:
  void Prune(std::deque<Clock::time_point>& times, Clock::time_point now) const;

  const int max_;
  const Clock::duration window_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> failures_;
};

}  // namespace vigil::auth
