// The fast engines' thread pool (infer/thread_pool.h): every part of a Run runs exactly once
// whichever threads claim it, with more threads than cores (workers often descheduled, so the
// caller claims their parts), and with several callers sharing one pool.
#include "infer/thread_pool.h"

#include <gtest/gtest.h>

#include <sched.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace abcrnn::infer {
namespace {

// Runs `runs` Runs on `pool`; each counts its parts; true when every part ran exactly once.
bool EveryPartOnce(ThreadPool& pool, int runs) {
  const int parts = pool.size();
  for (int r = 0; r < runs; ++r) {
    std::vector<std::atomic<int>> count(static_cast<size_t>(parts));
    std::atomic<int> outside{0};
    pool.Run([&](int t) {
      if (t < 0 || t >= parts) {
        outside.fetch_add(1);
        return;
      }
      count[static_cast<size_t>(t)].fetch_add(1);
    });
    if (outside.load() != 0) return false;
    for (auto& c : count)
      if (c.load() != 1) return false;
  }
  return true;
}

#if defined(__linux__)
// A worker that would share its caller's CPU moves to another and may then run anywhere again:
// the move is a nudge, not a pin (the thread's CPU mask is what it was).
TEST(ThreadPoolTest, MovingAwayLeavesTheCallersCpuAndKeepsEveryCpuAllowed) {
  cpu_set_t allowed;
  ASSERT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
  if (CPU_COUNT(&allowed) < 2) GTEST_SKIP() << "one CPU: nothing to move to";
  for (int t : {1, 2, 3}) {
    int home = -1, after = -1;
    cpu_set_t mask_after;
    std::thread([&] {
      home = CurrentCpu();
      MoveAwayFrom(home, t);
      after = CurrentCpu();
      sched_getaffinity(0, sizeof mask_after, &mask_after);
    }).join();
    ASSERT_GE(home, 0);
    EXPECT_NE(after, home) << "worker " << t;
    EXPECT_TRUE(CPU_EQUAL(&mask_after, &allowed)) << "worker " << t << " is pinned";
  }
}
#endif

TEST(ThreadPoolTest, EveryPartRunsExactlyOncePerRun) {
  for (int threads : {1, 2, 3, 8}) {  // 8 on a 2-core machine: workers are often not running
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    EXPECT_TRUE(EveryPartOnce(pool, 3000)) << threads << " threads";
  }
}

TEST(ThreadPoolTest, SeveralCallersShareOnePool) {
  ThreadPool pool(3);
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&] {
      if (!EveryPartOnce(pool, 1000)) failures.fetch_add(1);
    });
  for (auto& t : callers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(ThreadPoolTest, APartsWorkIsDoneBeforeRunReturns) {
  ThreadPool pool(2);
  for (int r = 0; r < 2000; ++r) {
    std::vector<int> out(2, 0);  // plain ints: Run's return must publish the parts' writes
    pool.Run([&](int t) { out[static_cast<size_t>(t)] = r + t; });
    ASSERT_EQ(out[0], r);
    ASSERT_EQ(out[1], r + 1);
  }
}

TEST(ThreadPoolTest, APartsExceptionIsRethrownOnceEveryPartIsDone) {
  ThreadPool pool(3);
  for (int r = 0; r < 200; ++r) {
    std::atomic<int> ran{0};
    EXPECT_THROW(pool.Run([&](int t) {
      ran.fetch_add(1);
      if (t == r % 3) throw std::runtime_error("part failed");
    }),
                 std::runtime_error);
    EXPECT_EQ(ran.load(), 3);
  }
  EXPECT_TRUE(EveryPartOnce(pool, 100)) << "the pool works on after an exception";
}

}  // namespace
}  // namespace abcrnn::infer
