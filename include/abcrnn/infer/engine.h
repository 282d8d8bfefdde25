// What generation needs of a recurrent character model, whatever its cell: the weights
// (embedding, stacked cell, linear head; PyTorch's names and layouts) and the fast engine's
// interface, which steps B sequences at once. NewFastEngine picks the cell's engine by the
// checkpoint's architecture name, the only place that does; the cells' reference engines are
// infer/lstm.h and infer/gru.h.
// Shapes: V = vocabulary, E = embedding, H = hidden, L = layers, G = gate rows (4H LSTM, 3H GRU).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/infer/precision.h"
#include "abcrnn/util/status.h"

namespace abcrnn {

namespace infer {
class ThreadPool;
}

// A model's weights, row-major float32 exactly as PyTorch stores them; the recurrent tensors are
// torch.nn.LSTM's or torch.nn.GRU's as config.architecture says (gate order i, f, g, o or r, z, n).
struct RnnWeights {
  ModelConfig config;
  std::vector<float> embed;              // (V,E)
  std::vector<float> clock;              // (FormClockRows(scheme), E) with a form clock, or empty
  std::vector<std::vector<float>> w_ih;  // per layer: (G, E for layer 0 else H)
  std::vector<std::vector<float>> w_hh;  // per layer: (G,H)
  std::vector<std::vector<float>> b_ih;  // per layer: (G)
  std::vector<std::vector<float>> b_hh;  // per layer: (G)
  std::vector<float> head_w;             // (V,H)
  std::vector<float> head_b;             // (V)
};

// The weights of `ckpt` (embed.weight, <architecture>.weight_ih_l{k}, ..., head.bias), validated
// (ValidateCheckpoint: an unknown architecture is Unsupported, a missing or misshapen tensor
// Corruption naming it). An ensemble (model.members > 1) is InvalidArgument: it is several
// networks (NetworkWeightsFromCheckpoint).
Result<RnnWeights> RnnWeightsFromCheckpoint(const Checkpoint& ckpt);
// The same, moving the weights out of `ckpt` (its weight tensors are left empty): no copy.
Result<RnnWeights> RnnWeightsFromCheckpoint(Checkpoint&& ckpt);
// Every network of `ckpt`, one for a single model, model.members for an ensemble (each with
// config.members = 1), moving the weights out; validated as RnnWeightsFromCheckpoint.
Result<std::vector<RnnWeights>> NetworkWeightsFromCheckpoint(Checkpoint&& ckpt);
// The weights as checkpoint tensors in ExpectedWeights order, named as network `member` of an
// ensemble (MemberPrefix; 0: the plain names).
std::vector<NamedTensor> RnnWeightsToTensors(const RnnWeights& weights, int member = 0);
// Random weights like PyTorch's initialisation: embedding N(0,1), everything else
// U(-1/sqrt(H), 1/sqrt(H)), times `scale`. Deterministic in `seed`. For tests and benchmarks.
// REQUIRES: config.architecture is known.
RnnWeights RandomRnnWeights(const ModelConfig& config, uint64_t seed, float scale = 1.0f);

struct FastEngineOptions {
  int threads = 1;  // threads for a step (1 = the calling thread only)
  // How the weights are held. float32: PyTorch's logits. bf16: the recurrent and head weights
  // rounded to bfloat16 and widened exactly as they are read (the same chains of float FMAs, of
  // other weights). int8: the recurrent weights as int8 times a float scale per output row (each
  // output a chain of FMAs over the integers, then scaled once); the head stays float32. Fewer
  // bytes a step streams, for the memory-bound one-tune case; not PyTorch's logits.
  WeightPrecision precision = WeightPrecision::kFloat32;
  // The product's code path: "" or "auto" (the fastest this CPU runs), "avx512", "avx2" or
  // "scalar". All give the same bits; NewFastEngine refuses a name this CPU cannot run.
  std::string kernel;
};

// The fast engine of any cell. Reproducibility contract (each engine keeps it): each logit of a
// sequence is computed by the same sequence of fused multiply-adds (one per input, in input order)
// whatever the batch size, the row's position in the batch, the thread count or the CPU's vector
// width, and the element-wise functions use only correctly rounded +, -, *, /. So a sequence's
// logits are bit-for-bit independent of what else is in the batch and of `threads`.
// Construction is not cheap. Thread-safe: Step and ForRows may be called from several threads at
// once, each with its own Batch (one engine for a server's requests). With threads > 1 the
// engine's worker threads serve one Step or ForRows at a time and the others wait their turn;
// with threads = 1 each caller steps on its own thread.
class FastEngine {
 public:
  using Options = FastEngineOptions;
  virtual ~FastEngine();
  FastEngine(const FastEngine&) = delete;
  FastEngine& operator=(const FastEngine&) = delete;

  // The state of up to `capacity` sequences, all zero. REQUIRES: used only with the engine that
  // made it.
  class Batch {
   public:
    int capacity() const { return capacity_; }

   private:
    friend class FastEngine;
    int capacity_ = 0;
    std::vector<std::vector<float>> state_;    // per buffer (capacity, width): what a row carries
    std::vector<std::vector<float>> scratch_;  // the engine's working space
  };
  virtual Batch NewBatch(int capacity) const = 0;
  // Sets row `row` to the zero state.
  void ResetRow(Batch* batch, int row) const;
  // Copies row `from`'s state to row `to` (to compact a batch when sequences finish).
  void CopyRow(Batch* batch, int from, int to) const;
  // Row `row`'s state as one vector, and back: a sampler that backtracks to an earlier point of a
  // sequence restores it. REQUIRES (LoadRow): `state` came from SaveRow of this engine.
  std::vector<float> SaveRow(const Batch& batch, int row) const;
  void LoadRow(Batch* batch, int row, const std::vector<float>& state) const;

  // Feeds ids[b] to rows b = 0..n-1 (n <= capacity), advances them, and writes their next-token
  // logits to `logits` (n,V) row-major. Rows n.. are left untouched. With a form clock, `clock`
  // holds each row's clock rows ((n, abc::kFormClockFields) row-major; nullptr: abc::HeaderClock()
  // for all).
  virtual void Step(const int* ids, int n, Batch* batch, float* logits,
                    const int* clock = nullptr) const = 0;

  // Runs fn(b0, b1) over rows [0, n) split into contiguous ranges, one per thread of the engine
  // (the caller's included), and returns when all are done: per-row work after a Step, such as
  // sampling, on the same threads.
  void ForRows(int n, const std::function<void(int b0, int b1)>& fn) const;

  const ModelConfig& config() const { return config_; }
  int threads() const;
  // The product's code path this engine runs ("avx512", "avx2" or "scalar").
  const std::string& kernel() const { return kernel_; }

 protected:
  FastEngine(const ModelConfig& config, Options options);
  // A batch of `capacity` rows whose state is buffers of widths[i] floats per row and whose
  // scratch is buffers of scratch_rows[i] floats per row, all zero.
  static Batch MakeBatch(int capacity, const std::vector<size_t>& widths,
                         const std::vector<size_t>& scratch_rows);
  static std::vector<std::vector<float>>& StateOf(Batch* batch) { return batch->state_; }
  static int& CapacityOf(Batch* batch) { return batch->capacity_; }
  static std::vector<std::vector<float>>& ScratchOf(Batch* batch) { return batch->scratch_; }
  infer::ThreadPool& pool() const { return *pool_; }

 private:
  ModelConfig config_;
  std::string kernel_;
  std::unique_ptr<infer::ThreadPool> pool_;
};

// OK when FastEngineOptions::kernel = `name` would run on this CPU; else why not.
Status CheckKernelName(const std::string& name);

// The fast engine of `weights`' architecture, "lstm" or "gru" (src/infer/fast_cells.h).
// Unsupported for an architecture this abcrnn does not run.
Result<std::unique_ptr<FastEngine>> NewFastEngine(const RnnWeights& weights,
                                                  FastEngineOptions options = {});

// The engine of a checkpoint's networks (NetworkWeightsFromCheckpoint): NewFastEngine's for one;
// for several, an ensemble that steps each network's fast engine and gives as logits the log of
// the mean of their next-symbol distributions, log((1/K) sum_k softmax(logits_k)) (so softmax of
// its logits is the mean, and a temperature applies to the mixture), or with `weights` (the
// checkpoint's model.member_weights: one share > 0 per network, summing to 1) the weighted mean,
// log(sum_k w_k softmax(logits_k)). Its config() is network 0's
// with members = K; a row's state is every network's. It keeps the reproducibility contract: the
// members' logits keep theirs, and the mixing is the same sequence of operations for every row.
// InvalidArgument when the networks differ in vocabulary size or form clock, or the weights are
// not one share > 0 per network summing to 1.
Result<std::unique_ptr<FastEngine>> NewModelEngine(const std::vector<RnnWeights>& networks,
                                                   FastEngineOptions options = {}, std::vector<double> weights = {});

}  // namespace abcrnn
