#include "core/ordered_workers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>

namespace vigil {
namespace {

TEST(OrderedWorkers, ResultsComeBackInSubmissionOrder) {
  // Later items finish first: item i sleeps longer the smaller i is.
  OrderedWorkers<int, std::string> workers(3, 6, [](const int& i) {
    std::this_thread::sleep_for(std::chrono::microseconds((50 - i % 50) * 20));
    return std::to_string(i * i);
  });
  int next = 0, expected = 0;
  while (expected < 500) {
    if (next < 500 && !workers.full()) {
      workers.Submit(next++);
      continue;
    }
    auto [item, output] = workers.Take();
    ASSERT_EQ(item, expected);
    ASSERT_EQ(output, std::to_string(expected * expected));
    ++expected;
  }
  EXPECT_EQ(workers.pending(), 0u);
}

TEST(OrderedWorkers, WindowBoundsPendingItemsAndWorkRunsOnThePoolThreads) {
  std::mutex mutex;
  std::set<std::thread::id> seen;
  std::atomic<int> running{0}, most{0};
  OrderedWorkers<int, int> workers(2, 4, [&](const int& i) {
    const int now = ++running;
    for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    {
      std::lock_guard lock(mutex);
      seen.insert(std::this_thread::get_id());
    }
    --running;
    return -i;
  });
  for (int i = 0; i < 4; ++i) workers.Submit(i);
  EXPECT_TRUE(workers.full());
  EXPECT_EQ(workers.pending(), 4u);
  EXPECT_EQ(workers.Take().second, 0);
  EXPECT_FALSE(workers.full());
  for (int i = 1; i < 4; ++i) EXPECT_EQ(workers.Take().second, -i);
  EXPECT_LE(most.load(), 2);  // never more than `threads` at once
  EXPECT_EQ(seen.count(std::this_thread::get_id()), 0u);
  EXPECT_LE(seen.size(), 2u);  // the same threads serve every item
}

TEST(OrderedWorkers, ThreadLocalScratchIsReusedAcrossItems) {
  OrderedWorkers<int, int> workers(1, 2, [](const int&) {
    thread_local int calls = 0;
    return ++calls;
  });
  for (int i = 1; i <= 5; ++i) {
    workers.Submit(i);
    EXPECT_EQ(workers.Take().second, i);
  }
}

TEST(OrderedWorkers, DestroyingWithPendingItemsStopsEveryThread) {
  std::atomic<int> done{0};
  {
    OrderedWorkers<int, int> workers(2, 8, [&done](const int& i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ++done;
      return i;
    });
    for (int i = 0; i < 8; ++i) workers.Submit(i);
  }
  // The destructor joined the threads: no work runs once it has returned.
  const int at_destruction = done.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(done.load(), at_destruction);
}

}  // namespace
}  // namespace vigil
