// The fast engines' worker threads (see thread_pool.h): spin, then sleep, on a generation counter.
#include "infer/thread_pool.h"

#include <immintrin.h>

namespace abcrnn::infer {

ThreadPool::ThreadPool(int threads) {
  for (int t = 1; t < threads; ++t) workers_.emplace_back([this, t] { Work(t); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  start_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::Run(const std::function<void(int)>& fn) {
  if (workers_.empty()) return fn(0);  // nothing shared: callers run side by side
  std::lock_guard<std::mutex> run(run_mu_);
  fn_ = &fn;
  pending_.store(static_cast<int>(workers_.size()));
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation_.fetch_add(1);
  }
  start_.notify_all();
  fn(0);
  for (int i = 0; i < kSpins && pending_.load() > 0; ++i) _mm_pause();
  if (pending_.load() > 0) {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [this] { return pending_.load() == 0; });
  }
}

void ThreadPool::Work(int t) {
  uint64_t seen = 0;
  for (;;) {
    for (int i = 0; i < kSpins && generation_.load() == seen && !stop_.load(); ++i) _mm_pause();
    if (generation_.load() == seen && !stop_.load()) {
      std::unique_lock<std::mutex> lock(mu_);
      start_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
    }
    if (stop_.load()) return;
    seen = generation_.load();
    (*fn_)(t);
    if (pending_.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(mu_);
      done_.notify_one();
    }
  }
}

}  // namespace abcrnn::infer
