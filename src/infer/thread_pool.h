// The fast engines' worker threads: threads-1 workers plus the calling thread, handed one function
// at a time. Internal to src/infer (the engines' Step and ForRows). Thread-safe: callers on several
// threads (a server's requests sharing one engine) are served one Run after another.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace abcrnn::infer {

// A product takes from about 10 us (batch 1) to a few ms, so waiting threads spin briefly (about
// 50 us) before sleeping on a condition variable: fast hand-offs within a step, no CPU burnt
// between runs.
class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(t) for t = 0..size()-1 (t = 0 on the calling thread); returns when all are done.
  // A Run from another thread waits until this one is done. REQUIRES: fn does not call Run.
  void Run(const std::function<void(int)>& fn);

 private:
  static constexpr int kSpins = 4000;
  void Work(int t);

  std::mutex run_mu_;  // held for a whole Run: one caller's function at a time
  std::mutex mu_;
  std::condition_variable start_, done_;
  const std::function<void(int)>* fn_ = nullptr;  // published by the generation increment
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

}  // namespace abcrnn::infer
