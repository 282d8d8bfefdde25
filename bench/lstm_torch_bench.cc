// Forward and backward time of the LSTM alone, fused layers (model/fused_lstm.h) against
// torch::nn::LSTM on the same weights, at a training shape (batch_first x (B,T,E=H), random,
// a loss that gives every output a gradient). One JSON line per kernel, alternating, best of
// --reps.
//   build/bench/lstm_torch_bench [--layers 2] [--hidden 256] [--batch 64] [--seq 128] [--reps 5]
//   [--threads 1]
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "model/fused_lstm.h"

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t layers = 2, hidden = 256, batch = 64, seq = 128, reps = 5, threads = 1;
  std::string only;  // --only fused|reference: one kernel (for profilers)
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--only") {
      only = argv[i + 1];
      continue;
    }
    const int64_t v = std::atoll(argv[i + 1]);
    if (a == "--layers")
      layers = v;
    else if (a == "--hidden")
      hidden = v;
    else if (a == "--batch")
      batch = v;
    else if (a == "--seq")
      seq = v;
    else if (a == "--reps")
      reps = v;
    else if (a == "--threads")
      threads = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  torch::set_num_threads(static_cast<int>(threads));
  torch::manual_seed(1);
  torch::nn::LSTM lstm(torch::nn::LSTMOptions(hidden, hidden).num_layers(layers).batch_first(true));
  torch::Tensor x = torch::randn({batch, seq, hidden}).requires_grad_();
  torch::Tensor gy = torch::randn({batch, seq, hidden});
  double best[2][2] = {{1e30, 1e30}, {1e30, 1e30}};  // [fused][forward, backward]
  for (int64_t r = 0; r < reps + 1; ++r) {
    for (int fused = 0; fused < 2; ++fused) {
      if (!only.empty() && only != (fused ? "fused" : "reference")) continue;
      const double t0 = Now();
      torch::Tensor y =
          fused ? std::get<0>(abcrnn::FusedLstm(x, {}, {}, lstm->all_weights(), 0, true))
                : std::get<0>(lstm->forward(x));
      torch::Tensor loss = (y * gy).sum();
      const double t1 = Now();
      loss.backward();
      const double t2 = Now();
      if (r == 0) continue;  // warm-up
      best[fused][0] = std::min(best[fused][0], t1 - t0);
      best[fused][1] = std::min(best[fused][1], t2 - t1);
    }
  }
  for (int fused = 0; fused < 2; ++fused)
    if (only.empty() || only == (fused ? "fused" : "reference"))
      std::printf(
          "{\"kernel\": \"%s\", \"layers\": %lld, \"hidden\": %lld, \"batch\": %lld, \"seq\": "
          "%lld, "
          "\"threads\": %lld, \"forward_ms\": %.1f, \"backward_ms\": %.1f}\n",
          fused ? "fused" : "reference", static_cast<long long>(layers),
          static_cast<long long>(hidden), static_cast<long long>(batch),
          static_cast<long long>(seq), static_cast<long long>(threads), best[fused][0] * 1e3,
          best[fused][1] * 1e3);
  return 0;
}
