// The fast engines' worker threads (see thread_pool.h): spin, then sleep, on a generation counter.
#include "infer/thread_pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace abcrnn::infer {
namespace {

// A spinning thread's pause (x86's PAUSE; nothing elsewhere).
inline void Pause() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  next_.store(threads);  // nothing to claim before the first Run
  for (int t = 1; t < threads; ++t) workers_.emplace_back([this] { Work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  start_.notify_all();
  for (auto& w : workers_) w.join();
}

// A part claimed from next_ belongs to the Run that last reset it: fn_ and done_parts_ are set
// before that reset (release), so the claim (acquire) sees them, and that Run cannot return, nor
// another begin, before the part is counted done.
void ThreadPool::RunParts() {
  const int parts = size();
  for (int t = next_.fetch_add(1, std::memory_order_acq_rel); t < parts;
       t = next_.fetch_add(1, std::memory_order_acq_rel)) {
    try {
      (*fn_)(t);
    } catch (...) {  // kept for Run to rethrow once every part is done (fn_ must outlive them)
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_) error_ = std::current_exception();
    }
    if (done_parts_.fetch_add(1, std::memory_order_acq_rel) + 1 == parts) {
      std::lock_guard<std::mutex> lock(mu_);
      done_.notify_one();
    }
  }
}

void ThreadPool::Run(const std::function<void(int)>& fn) {
  if (workers_.empty()) return fn(0);  // nothing shared: callers run side by side
  std::lock_guard<std::mutex> run(run_mu_);
  const int parts = size();
  fn_ = &fn;
  done_parts_.store(0, std::memory_order_relaxed);
  next_.store(0, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation_.fetch_add(1);
  }
  start_.notify_all();
  RunParts();
  for (int i = 0; i < kSpins && done_parts_.load(std::memory_order_acquire) < parts; ++i) Pause();
  if (done_parts_.load(std::memory_order_acquire) < parts) {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&] { return done_parts_.load(std::memory_order_acquire) >= parts; });
  }
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::swap(error, error_);
  }
  if (error) std::rethrow_exception(error);
}

void ThreadPool::Work() {
  uint64_t seen = 0;
  for (;;) {
    for (int i = 0; i < kSpins && generation_.load() == seen && !stop_.load(); ++i) Pause();
    if (generation_.load() == seen && !stop_.load()) {
      std::unique_lock<std::mutex> lock(mu_);
      start_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
    }
    if (stop_.load()) return;
    seen = generation_.load();
    RunParts();
  }
}

}  // namespace abcrnn::infer
