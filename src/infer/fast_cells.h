// The fast engines of the cells (internal to src/infer; everyone else asks NewFastEngine, which
// picks one by the checkpoint's architecture name): B sequences stepped at once on weights packed
// once, keeping FastEngine's reproducibility contract (infer/engine.h). The reference engines
// they are tested against are in infer/lstm.h and infer/gru.h.
#pragma once

#include <memory>

#include "abcrnn/infer/engine.h"

namespace abcrnn::infer {

// The fast LSTM. At construction the weights are packed once: layer 0's input product becomes a
// (V,4H) table (embedding times W_ih0 plus both biases) so feeding a token is a row copy; above
// layer 0, [W_ih | W_hh] form one (4H, 2H) matrix applied to [x, h]; matrices are stored in panels
// of 16 output rows interleaved along the input, the layout the kernels stream.
// REQUIRES: weights.config.architecture == "lstm".
std::unique_ptr<FastEngine> NewFastLstm(const RnnWeights& weights, FastEngineOptions options);

// The fast GRU. Packed once: layer 0's input product becomes a (V,3H) table (embedding times
// W_ih0 plus b_ih0, plus b_hh0's r and z rows) so feeding a token is a row copy; W_hh (and W_ih
// above layer 0) are (3H,H) matrices in panels of 16 rows. The hidden product's n rows stay apart
// (r multiplies them), so unlike the LSTM the two products are not fused into one matrix.
// REQUIRES: weights.config.architecture == "gru".
std::unique_ptr<FastEngine> NewFastGru(const RnnWeights& weights, FastEngineOptions options);

}  // namespace abcrnn::infer
