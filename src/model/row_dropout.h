// Dropout between stacked layers whose masks do not depend on how a batch is split between
// processes (doc/distributed.md): the mask of global batch row g at layer l is drawn from its own
// generator, seeded from (seed, l, g), so W processes that each run rows [row_begin, row_begin +
// rows) of a global batch draw, between them, exactly the masks one process draws for all of it.
// Weight drop (DropConnect on the recurrent weights, AWD-LSTM's WeightDrop) draws one mask per
// layer and step from (seed, layer) alone, so every process drops the same weights.
// Legend: B = rows run here, T = time steps, H = hidden.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace abcrnn {

struct RowDropout {
  uint64_t seed = 0;      // one per training step (a resumed run draws the same masks)
  int64_t row_begin = 0;  // the first global row of this forward's batch
};

// The multiplier of rows [d.row_begin, d.row_begin + rows) at layer `layer`: (B,T,H) float32,
// each element 0 with probability p and 1/(1-p) otherwise (inverted dropout, as at::dropout).
at::Tensor RowDropoutMask(const RowDropout& d, int64_t layer, int64_t rows, int64_t steps, int64_t hidden, double p);

// The multiplier of layer `layer`'s hidden-to-hidden weights (rows, cols) float32 in the step of
// `d.seed`, whatever d.row_begin: 0 with probability p, 1/(1-p) otherwise.
at::Tensor WeightDropMask(const RowDropout& d, int64_t layer, int64_t rows, int64_t cols, double p);

}  // namespace abcrnn
