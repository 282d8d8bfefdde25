// CharLSTM: the character model as a LibTorch module with PyTorch's parameter names (embed.weight,
// lstm.weight_ih_l{k} ..., head.weight, head.bias; gates i, f, g, o), so weights mean the same in
// PyTorch, and its conversion to and from the checkpoint's NamedTensors. The LSTM runs either the
// fused layers of model/fused_lstm.h (the default, faster) or torch::nn::LSTM (the reference), on
// the same parameters. With config.architecture "gru" (the class keeps its older name) the cell
// is torch::nn::GRU registered as "gru" (gru.weight_ih_l{k} ...; gates r, z, n) instead.
// Legend: B = batch, T = time steps, V = vocabulary, E = embedding, H = hidden, L = layers.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>

#include <tuple>
#include <vector>

#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/util/status.h"
#include "model/row_dropout.h"

namespace abcrnn {

// The cell's carried state: h and c, each (L,B,H). Undefined tensors mean zeros; a GRU carries h
// alone (c stays undefined).
using LstmState = std::tuple<torch::Tensor, torch::Tensor>;

// Which code computes the LSTM; both give the same numbers to float rounding
// (tests/torch/fused_lstm_test.cc) and draw the same dropout masks. A GRU ignores it.
enum class LstmKernel {
  kFused,      // model/fused_lstm.h: one autograd node per layer
  kReference,  // torch::nn::LSTM (ATen's at::lstm)
};

class CharLSTMImpl : public torch::nn::Module {
 public:
  // Parameters initialised as PyTorch does (from the global torch generator; seed it first).
  explicit CharLSTMImpl(const ModelConfig& config, LstmKernel kernel = LstmKernel::kFused);

  // ids (B,T) int64 -> logits (B,T,V) and the state after the last step. Dropout between LSTM
  // layers, and config().output_dropout on the last layer's output, apply in train() mode only. With a form clock (config().form_clock), `clock`
  // (B,T,abc::kFormClockFields) int64 holds each input's clock rows (abc/form_clock.h), added to
  // the character's embedding; undefined means abc::HeaderClock() at every step. Given
  // `row_dropout`, the masks between layers are those of model/row_dropout.h (the same whatever
  // rows of a global batch this forward runs) instead of draws from the global generator; so is
  // the output's, as the mask of layer L-1. With config().weight_drop, training multiplies each
  // layer's hidden-to-hidden weights by its WeightDropMask for the whole forward (keyed by
  // `row_dropout`'s seed, or by a seed drawn from the global generator when none is given).
  std::tuple<torch::Tensor, LstmState> forward(const torch::Tensor& ids, const LstmState& state = {},
                                               const torch::Tensor& clock = {},
                                               const RowDropout* row_dropout = nullptr);

  const ModelConfig& config() const { return config_; }
  LstmKernel lstm_kernel() const { return kernel_; }
  void set_lstm_kernel(LstmKernel kernel) { kernel_ = kernel; }

  torch::nn::Embedding embed{nullptr};
  torch::nn::Embedding clock{nullptr};  // with a form clock: (abc::FormClockRows(scheme), E)
  torch::nn::LSTM lstm{nullptr};  // for architecture "lstm"
  torch::nn::GRU gru{nullptr};    // for architecture "gru"
  torch::nn::Linear head{nullptr};

 private:
  // The cell's parameters as all_weights() orders them (4 per layer), each hidden-to-hidden
  // matrix multiplied by its WeightDropMask in training with config().weight_drop and `row_dropout`.
  std::vector<torch::Tensor> CellWeights(const RowDropout* row_dropout) const;
  // The cell layer by layer (at::lstm / at::gru of one layer each) on `weights` (CellWeights),
  // each output but the last multiplied by its mask (none when `masks` is empty): x (B,T,E) -> y
  // (B,T,H) and the state (L,B,H).
  std::tuple<torch::Tensor, LstmState> ByLayer(const torch::Tensor& x, const LstmState& state,
                                               const std::vector<torch::Tensor>& weights,
                                               const std::vector<torch::Tensor>& masks);

  ModelConfig config_;
  LstmKernel kernel_;
};
TORCH_MODULE(CharLSTM);

// A float32 tensor as a NamedTensor (copied, contiguous) and back (a new tensor).
NamedTensor ToNamed(const std::string& name, const torch::Tensor& t);
torch::Tensor FromNamed(const NamedTensor& t);

// Every parameter by PyTorch name, in PyTorch's order (that of ExpectedWeights).
std::vector<NamedTensor> ExportWeights(CharLSTM& model);
// Copies `weights` into the model's parameters; Corruption naming the first missing, extra or
// mis-shaped tensor.
Status ImportWeights(CharLSTM& model, const std::vector<NamedTensor>& weights);

}  // namespace abcrnn
