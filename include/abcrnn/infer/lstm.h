// The LSTM cell (torch.nn.LSTM: PyTorch's names, layouts and gate order i, f, g, o) for inference
// without LibTorch: the readable reference engine that steps one sequence. Its fast engine is
// NewFastEngine's (infer/engine.h) for an "lstm" checkpoint.
// Shapes: V = vocabulary, E = embedding, H = hidden, L = layers, B = sequences in a batch.
#pragma once

#include <vector>

#include "abcrnn/infer/engine.h"

namespace abcrnn {

// The reference: one sequence, plain loops in the order of the equations, std::exp and std::tanh.
// Per layer: gates = W_ih x + b_ih + W_hh h + b_hh (4H); i, f, o = sigmoid, g = tanh;
// c' = f*c + i*g; h' = o*tanh(c'). Logits = head_w h_top + head_b. Immutable; thread-safe.
// REQUIRES: weights.config.architecture == "lstm".
class ReferenceLstm {
 public:
  explicit ReferenceLstm(RnnWeights weights);

  struct State {
    std::vector<std::vector<float>> h, c;  // per layer (H)
  };
  State InitialState() const;  // zeros, as PyTorch's default
  // Feeds token `id` (0 <= id < V), advances `state`, writes the next token's logits (V). With a
  // form clock, `clock` holds the step's abc::kFormClockFields clock rows (abc/form_clock.h), added
  // to the embedding; nullptr means abc::HeaderClock().
  void Step(int id, State* state, float* logits, const int* clock = nullptr) const;
  const ModelConfig& config() const { return w_.config; }

 private:
  RnnWeights w_;
};

}  // namespace abcrnn
