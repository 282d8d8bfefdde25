// How a fast engine spreads one step over its threads, for every cell alike (internal to
// src/infer). Either way each output is the same chain of multiply-adds, so the bits do not change.
#pragma once

#include "infer/kernels.h"
#include "infer/thread_pool.h"

namespace abcrnn::infer {

constexpr int kRowsPerThread = 16;  // below this many rows per thread, split the panels instead
static_assert(kRowsPerThread >= 8, "a thread's rows start at a multiple of 8");

// Runs step_rows(b0, b1, gemm) so that rows [0, n) all take one step, where step_rows computes
// its rows through every layer and the head and gemm(w, x, ldx, y, ldy, rows) does y += x W^T for
// `rows` rows. Enough rows: each thread takes whole rows (multiples of 8, the AVX-512 tile), one
// hand-off per step. Few rows: one step_rows over all of them, each product split by panels.
template <typename StepRows>
void SplitStep(ThreadPool& pool, Kernel kernel, int n, const StepRows& step_rows) {
  const int threads = pool.size();
  if (threads > 1 && n >= kRowsPerThread * threads) {
    pool.Run([&](int t) {
      const int b0 = n * t / threads / 8 * 8,
                b1 = t + 1 == threads ? n : n * (t + 1) / threads / 8 * 8;
      step_rows(b0, b1,
                [&](const PackedMatrix& w, const float* x, int ldx, float* y, int ldy, int rows) {
                  GemmAccumulate(w, x, ldx, rows, y, ldy, 0, w.panels, kernel);
                });
    });
    return;
  }
  step_rows(0, n, [&](const PackedMatrix& w, const float* x, int ldx, float* y, int ldy, int rows) {
    if (threads == 1) return GemmAccumulate(w, x, ldx, rows, y, ldy, 0, w.panels, kernel);
    pool.Run([&](int t) {
      const int p0 = w.panels * t / threads, p1 = w.panels * (t + 1) / threads;
      GemmAccumulate(w, x, ldx, rows, y, ldy, p0, p1, kernel);
    });
  });
}

}  // namespace abcrnn::infer
