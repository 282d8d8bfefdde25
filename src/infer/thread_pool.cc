// The fast engines' worker threads (see thread_pool.h): spin, then sleep, on a generation counter.
#include "infer/thread_pool.h"

#include "util/arch.h"
#if defined(__linux__)
#include <sched.h>
#endif

namespace abcrnn::infer {
namespace {

// A spinning thread's pause (x86's PAUSE; nothing elsewhere).
inline void Pause() {
#if ABCRNN_X86
  _mm_pause();
#endif
}

}  // namespace

int CurrentCpu() {
#if defined(__linux__)
  return sched_getcpu();
#else
  return -1;
#endif
}

// Linux starts a new thread on its creator's CPU and wakes a thread where it last slept, so a
// worker can end up sharing the caller's core (each wake-up preempting the caller, each spin
// keeping it from handing out the next product) until the load balancer moves it, some 50 ms
// later: at batch 1 that made two threads slower than one for the first few hundred characters
// (bench/README.md). Moving to another CPU and letting go there fixes where it runs next.
void MoveAwayFrom(int home, int t) {
#if defined(__linux__)
  cpu_set_t allowed;
  if (home < 0 || sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2) return;
  int target = home;
  for (int left = t; left > 0;) {
    target = (target + 1) % CPU_SETSIZE;
    if (CPU_ISSET(target, &allowed) && target != home) --left;
  }
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(target, &one);
  if (sched_setaffinity(0, sizeof one, &one) == 0) sched_setaffinity(0, sizeof allowed, &allowed);
#else
  (void)home;
  (void)t;
#endif
}

ThreadPool::ThreadPool(int threads) {
  next_.store(threads);  // nothing to claim before the first Run
  caller_cpu_.store(CurrentCpu());
  for (int t = 1; t < threads; ++t)
    workers_.emplace_back([this, t] {
      MoveAwayFrom(caller_cpu_.load(std::memory_order_relaxed), t);
      Work(t);
    });
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
  caller_cpu_.store(CurrentCpu(), std::memory_order_relaxed);
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

void ThreadPool::Work(int t) {
  uint64_t seen = 0;
  for (;;) {
    for (int i = 0; i < kSpins && generation_.load() == seen && !stop_.load(); ++i) Pause();
    if (generation_.load() == seen && !stop_.load()) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        start_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
      }
      // Woken on the caller's CPU (where it last slept, or where the caller has moved): move away,
      // so that the two do not take turns on one core while another idles.
      const int caller = caller_cpu_.load(std::memory_order_relaxed);
      if (caller >= 0 && caller == CurrentCpu()) MoveAwayFrom(caller, t);
    }
    if (stop_.load()) return;
    seen = generation_.load();
    RunParts();
  }
}

}  // namespace abcrnn::infer
