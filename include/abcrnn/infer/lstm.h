// The LSTM cell (torch.nn.LSTM: PyTorch's names, layouts and gate order i, f, g, o) for inference
// without LibTorch: a readable reference engine that steps one sequence, and the fast engine
// (infer/engine.h) that steps B sequences at once on pre-packed weights.
// Shapes: V = vocabulary, E = embedding, H = hidden, L = layers, B = sequences in a batch.
#pragma once

#include <memory>
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

// The fast LSTM. At construction the weights are packed once: layer 0's input product becomes a
// (V,4H) table (embedding times W_ih0 plus both biases) so feeding a token is a row copy; above
// layer 0, [W_ih | W_hh] form one (4H, 2H) matrix applied to [x, h]; matrices are stored in panels
// of 8 output rows interleaved along the input, the layout the kernels stream. Keeps
// FastEngine's reproducibility contract. REQUIRES: weights.config.architecture == "lstm".

class FastLstm : public FastEngine {
 public:
  explicit FastLstm(const RnnWeights& weights, Options options = Options());
  ~FastLstm() override;

  Batch NewBatch(int capacity) const override;
  void Step(const int* ids, int n, Batch* batch, float* logits, const int* clock = nullptr) const override;

  struct Packed;  // packed matrices (internal)

 private:
  std::unique_ptr<Packed> packed_;
};

}  // namespace abcrnn
