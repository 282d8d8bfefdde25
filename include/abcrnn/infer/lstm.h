// LSTM inference without LibTorch: the weights of a CharLSTM (embedding, stacked LSTM, linear
// head; PyTorch's names, layouts and gate order i, f, g, o), a readable reference engine that
// steps one sequence, and a fast engine that steps B sequences at once on pre-packed weights.
// Shapes: V = vocabulary, E = embedding, H = hidden, L = layers, B = sequences in a batch.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/util/status.h"

namespace abcrnn {

// A CharLSTM's weights, row-major float32 exactly as PyTorch stores them.
struct LstmWeights {
  ModelConfig config;
  std::vector<float> embed;               // (V,E)
  std::vector<float> clock;               // (FormClockRows(scheme), E) with a form clock, or empty
  std::vector<std::vector<float>> w_ih;   // per layer: (4H, E for layer 0 else H)
  std::vector<std::vector<float>> w_hh;   // per layer: (4H,H)
  std::vector<std::vector<float>> b_ih;   // per layer: (4H)
  std::vector<std::vector<float>> b_hh;   // per layer: (4H)
  std::vector<float> head_w;              // (V,H)
  std::vector<float> head_b;              // (V)
};

// The weights of `ckpt` (names embed.weight, lstm.weight_ih_l{k}, ..., head.bias). Corruption
// naming the first missing or misshapen tensor.
Result<LstmWeights> LstmWeightsFromCheckpoint(const Checkpoint& ckpt);
// The same, moving the weights out of `ckpt` (its weight tensors are left empty): no copy.
Result<LstmWeights> LstmWeightsFromCheckpoint(Checkpoint&& ckpt);
// The weights as checkpoint tensors in ExpectedWeights order (for writing test models).
std::vector<NamedTensor> LstmWeightsToTensors(const LstmWeights& weights);
// Random weights like PyTorch's initialisation: embedding N(0,1), everything else
// U(-1/sqrt(H), 1/sqrt(H)), times `scale`. Deterministic in `seed`. For tests and benchmarks.
LstmWeights RandomLstmWeights(const ModelConfig& config, uint64_t seed, float scale = 1.0f);

// The reference: one sequence, plain loops in the order of the equations, std::exp and std::tanh.
// Per layer: gates = W_ih x + b_ih + W_hh h + b_hh (4H); i, f, o = sigmoid, g = tanh;
// c' = f*c + i*g; h' = o*tanh(c'). Logits = head_w h_top + head_b. Immutable; thread-safe.
class ReferenceLstm {
 public:
  explicit ReferenceLstm(LstmWeights weights);

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
  LstmWeights w_;
};

// The fast engine. At construction the weights are packed once: layer 0's input product becomes a
// (V,4H) table (embedding times W_ih0 plus both biases) so feeding a token is a row copy; above
// layer 0, [W_ih | W_hh] form one (4H, 2H) matrix applied to [x, h]; matrices are stored in panels
// of 8 output rows interleaved along the input, the layout the kernels stream.
//
// Reproducibility contract: each logit of a sequence is computed by the same sequence of fused
// multiply-adds (one per input, in input order) whatever the batch size, the row's position in the
// batch, the thread count or the CPU's vector width, and the element-wise functions use only
// correctly rounded +, -, *, /. So a sequence's logits are bit-for-bit independent of what else is
// in the batch and of `threads`. The constructor is not cheap; Step is const and thread-compatible
// (one Batch per caller).
struct FastLstmOptions {
  int threads = 1;  // threads for a step (1 = the calling thread only)
};

class FastLstm {
 public:
  using Options = FastLstmOptions;
  explicit FastLstm(const LstmWeights& weights, Options options = Options());
  ~FastLstm();
  FastLstm(const FastLstm&) = delete;
  FastLstm& operator=(const FastLstm&) = delete;

  // The state of up to `capacity` sequences (h and c of every layer), all zero.
  class Batch {
   public:
    int capacity() const { return capacity_; }

   private:
    friend class FastLstm;
    int capacity_ = 0;
    std::vector<std::vector<float>> xh_;  // per layer (capacity, K_l): [input h_{l-1} | own h_l]
    std::vector<std::vector<float>> c_;   // per layer (capacity, H)
    std::vector<float> gates_;            // (capacity, 4H padded) scratch
    std::vector<float> logits_;           // (capacity, V padded) scratch
  };
  Batch NewBatch(int capacity) const;
  // Sets row `row` to the zero state.
  void ResetRow(Batch* batch, int row) const;
  // Copies row `from`'s state to row `to` (to compact a batch when sequences finish).
  void CopyRow(Batch* batch, int from, int to) const;
  // Row `row`'s state (h and c of every layer) as one vector, and back: a sampler that backtracks
  // to an earlier point of a sequence restores it. REQUIRES (LoadRow): `state` came from SaveRow of
  // this engine.
  std::vector<float> SaveRow(const Batch& batch, int row) const;
  void LoadRow(Batch* batch, int row, const std::vector<float>& state) const;

  // Feeds ids[b] to rows b = 0..n-1 (n <= capacity), advances them, and writes their next-token
  // logits to `logits` (n,V) row-major. Rows n.. are left untouched. With a form clock, `clock`
  // holds each row's clock rows ((n, abc::kFormClockFields) row-major; nullptr: abc::HeaderClock()
  // for all).
  void Step(const int* ids, int n, Batch* batch, float* logits, const int* clock = nullptr) const;

  // Runs fn(b0, b1) over rows [0, n) split into contiguous ranges, one per thread of the engine
  // (the caller's included), and returns when all are done: per-row work after a Step, such as
  // sampling, on the same threads.
  void ForRows(int n, const std::function<void(int b0, int b1)>& fn) const;

  const ModelConfig& config() const { return config_; }
  int threads() const;

  struct Packed;  // packed matrices (internal)
  class Pool;     // worker threads (internal)

 private:
  ModelConfig config_;
  std::unique_ptr<Packed> packed_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace abcrnn
