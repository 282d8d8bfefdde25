// The fast engines' worker threads: threads-1 workers plus the calling thread, handed one function
// at a time. Internal to src/infer (the engines' Step and ForRows). Thread-safe: callers on several
// threads (a server's requests sharing one engine) are served one Run after another.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace abcrnn::infer {

// A product takes from about 10 us (batch 1) to a few ms, so waiting threads spin briefly (about
// 50 us) before sleeping on a condition variable: fast hand-offs within a step, no CPU burnt
// between runs. The parts of a Run are claimed, not assigned: whichever thread comes first takes
// the next part, the caller included, so a worker the kernel has descheduled (a 2-core machine
// with other work) delays nothing: the caller does its part too instead of waiting a time slice
// for it. Which thread runs a part never changes what the part computes.
// The CPU the calling thread runs on, or -1 where that is not known.
int CurrentCpu();
// Moves the calling thread to the t-th CPU (t >= 1) after `home` among those it may run on, then
// lets it run on all of them again (a nudge, not a pin); nothing with fewer than two CPUs or home
// < 0. A worker does this at its start and whenever it wakes on its caller's CPU.
void MoveAwayFrom(int home, int t);

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(t) once for each part t = 0..size()-1, on whichever threads claim them (no two at
  // once for the same t); returns when all are done. A Run from another thread waits until this
  // one is done. An exception from a part is rethrown by Run once every part is done (the first,
  // when several throw). REQUIRES: fn does not call Run.
  void Run(const std::function<void(int)>& fn);

 private:
  static constexpr int kSpins = 4000;
  void Work(int t);  // worker t (1..size()-1)
  // Claims and runs parts of the current Run until none is left.
  void RunParts();

  std::mutex run_mu_;  // held for a whole Run: one caller's function at a time
  std::mutex mu_;
  std::condition_variable start_, done_;
  const std::function<void(int)>* fn_ = nullptr;  // published by the generation increment
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> next_{0};  // the next part to claim; >= size() when all are claimed
  std::atomic<int> done_parts_{0};
  std::exception_ptr error_;  // guarded by mu_: the current Run's first exception
  std::atomic<bool> stop_{false};
  std::atomic<int> caller_cpu_{-1};  // where the last Run's caller ran (-1: not known)
  std::vector<std::thread> workers_;
};

}  // namespace abcrnn::infer
