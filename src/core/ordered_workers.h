// OrderedWorkers: a fixed set of threads that applies one function to a stream of items and hands
// the results back in submission order, with at most `window` items in the pipeline (submitted and
// not yet taken). The threads live as long as the object, so per-thread scratch (thread_local
// buffers) is reused from item to item instead of being rebuilt for each one.
//
// One thread, the owner, calls Submit and Take; `work` runs on the pool's threads, one item at a
// time per thread, and must not share mutable state between items without synchronising.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace vigil {

template <typename Item, typename Output>
class OrderedWorkers {
 public:
  using Work = std::function<Output(const Item&)>;

  // `threads` >= 1 and `window` >= 1; a window of about twice the threads keeps every thread busy
  // while the owner consumes results.
  OrderedWorkers(int threads, size_t window, Work work)
      : work_(std::move(work)), slots_(window < 1 ? 1 : window) {
    for (int t = 0; t < (threads < 1 ? 1 : threads); ++t) threads_.emplace_back([this] { Run(); });
  }
  // Waits for the items in progress; results not taken are dropped.
  ~OrderedWorkers() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    work_ready_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  OrderedWorkers(const OrderedWorkers&) = delete;
  OrderedWorkers& operator=(const OrderedWorkers&) = delete;

  // Items submitted and not yet taken.
  size_t pending() const { return static_cast<size_t>(submitted_ - taken_); }
  bool full() const { return pending() >= slots_.size(); }

  // Queues `item`. Precondition: !full().
  void Submit(Item item) {
    {
      std::lock_guard lock(mutex_);
      Slot& slot = slots_[submitted_ % slots_.size()];
      slot.item.emplace(std::move(item));
      ++submitted_;
    }
    work_ready_.notify_one();
  }

  // The oldest pending item with its output, once its work is done. Precondition: pending() > 0.
  std::pair<Item, Output> Take() {
    std::unique_lock lock(mutex_);
    Slot& slot = slots_[taken_ % slots_.size()];
    output_ready_.wait(lock, [&slot] { return slot.output.has_value(); });
    std::pair<Item, Output> result(std::move(*slot.item), std::move(*slot.output));
    slot.item.reset();
    slot.output.reset();
    ++taken_;
    return result;
  }

 private:
  struct Slot {
    std::optional<Item> item;
    std::optional<Output> output;  // set once the work on `item` is done
  };

  void Run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_ready_.wait(lock, [this] { return stop_ || claimed_ < submitted_; });
      if (stop_) return;
      Slot& slot = slots_[claimed_ % slots_.size()];
      ++claimed_;
      // The slot is this thread's until its output is set: the owner reuses a slot only after
      // taking it, and other threads claim other sequence numbers.
      lock.unlock();
      Output output = work_(*slot.item);
      lock.lock();
      slot.output.emplace(std::move(output));
      output_ready_.notify_one();
    }
  }

  const Work work_;
  std::vector<Slot> slots_;  // ring indexed by sequence number
  std::mutex mutex_;
  std::condition_variable work_ready_, output_ready_;
  uint64_t submitted_ = 0, claimed_ = 0, taken_ = 0;  // sequence numbers, guarded by mutex_
  bool stop_ = false;
  std::vector<std::thread> threads_;  // last: started after everything they use
};

}  // namespace vigil
