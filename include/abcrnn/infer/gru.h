// The GRU cell (torch.nn.GRU: PyTorch's names, layouts and gate order r, z, n) for inference
// without LibTorch: the readable reference engine that steps one sequence. Its fast engine is
// NewFastEngine's (infer/engine.h) for a "gru" checkpoint.
// Shapes: V = vocabulary, E = embedding, H = hidden, L = layers, B = sequences in a batch.
#pragma once

#include <vector>

#include "abcrnn/infer/engine.h"

namespace abcrnn {

// The reference: one sequence, plain loops in the order of PyTorch's equations, std::exp and
// std::tanh. Per layer, with a = W_ih x + b_ih and b = W_hh h + b_hh (3H each, rows r, z, n):
// r = sigmoid(a_r + b_r), z = sigmoid(a_z + b_z), n = tanh(a_n + r*b_n), h' = (1-z)*n + z*h.
// Logits = head_w h_top + head_b. Immutable; thread-safe.
// REQUIRES: weights.config.architecture == "gru".
class ReferenceGru {
 public:
  explicit ReferenceGru(RnnWeights weights);

  struct State {
    std::vector<std::vector<float>> h;  // per layer (H)
  };
  State InitialState() const;  // zeros, as PyTorch's default
  // Feeds token `id` (0 <= id < V), advances `state`, writes the next token's logits (V). With a
  // form clock, `clock` holds the step's abc::kFormClockFields clock rows, added to the embedding;
  // nullptr means abc::HeaderClock().
  void Step(int id, State* state, float* logits, const int* clock = nullptr) const;
  const ModelConfig& config() const { return w_.config; }

 private:
  RnnWeights w_;
};

}  // namespace abcrnn
