// The GRU cell (torch.nn.GRU: PyTorch's names, layouts and gate order r, z, n) for inference
// without LibTorch: a readable reference engine that steps one sequence, and the fast engine
// (infer/engine.h) that steps B sequences at once on pre-packed weights.
// Shapes: V = vocabulary, E = embedding, H = hidden, L = layers, B = sequences in a batch.
#pragma once

#include <memory>
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

// The fast GRU. Packed once: layer 0's input product becomes a (V,3H) table (embedding times
// W_ih0 plus b_ih0, plus b_hh0's r and z rows) so feeding a token is a row copy; W_hh (and W_ih
// above layer 0) are (3H,H) matrices in panels of 8 rows. The hidden product's n rows stay apart
// (r multiplies them), so unlike the LSTM the two products are not fused into one matrix.
// Keeps FastEngine's reproducibility contract. REQUIRES: weights.config.architecture == "gru".
class FastGru : public FastEngine {
 public:
  explicit FastGru(const RnnWeights& weights, Options options = Options());
  ~FastGru() override;

  Batch NewBatch(int capacity) const override;
  void Step(const int* ids, int n, Batch* batch, float* logits,
            const int* clock = nullptr) const override;

  struct Packed;  // packed matrices (internal)

 private:
  std::unique_ptr<Packed> packed_;
};

}  // namespace abcrnn
