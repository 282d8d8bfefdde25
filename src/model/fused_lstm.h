// The fused LSTM: a stacked LSTM with torch::nn::LSTM's semantics (batch_first, dropout between
// layers in training, gates i, f, g, o) computed by a custom autograd Function per layer: one
// matrix product per step plus one element-wise loop forward, the same backward, and the weight
// gradients as one product over all steps. tests/torch/fused_lstm_test.cc holds it equal to
// torch::nn::LSTM. Legend: B = batch, T = time steps, E = input, H = hidden, L = layers.
#pragma once

#include <ATen/core/Tensor.h>

#include <tuple>
#include <vector>

namespace abcrnn {

// One layer, time-major. x (T,B,E) float32 CPU; h0, c0 (B,H) or undefined (zeros); w_ih (4H,E),
// w_hh (4H,H), b_ih, b_hh (4H). Returns y (T,B,H) and the state after the last step h, c (B,H),
// all differentiable with respect to every input (first derivatives only: no double backward).
// Deterministic for a given thread count. y shares memory with what backward reads: do not
// modify it in place.
std::tuple<at::Tensor, at::Tensor, at::Tensor> FusedLstmLayer(
    const at::Tensor& x, const at::Tensor& h0, const at::Tensor& c0, const at::Tensor& w_ih,
    const at::Tensor& w_hh, const at::Tensor& b_ih, const at::Tensor& b_hh);

// L layers, as torch::nn::LSTM(...batch_first(true)) would compute them with the same parameters.
// x (B,T,E); h0, c0 (L,B,H) or undefined (zeros); weights as torch::nn::LSTM::all_weights()
// (w_ih, w_hh, b_ih, b_hh per layer, 4L tensors). `dropout` applies to every layer's output but
// the last when `train` (drawn from the global generator like torch::nn::LSTM's, in the same
// order and shape, so the same seed gives the same masks). Given `masks` (L-1 multipliers (B,T,H),
// model/row_dropout.h), those multiply the layers' outputs instead (dropout and train unused).
// Returns y (B,T,H) (a transposed view) and the final state h, c (L,B,H).
std::tuple<at::Tensor, at::Tensor, at::Tensor> FusedLstm(const at::Tensor& x, const at::Tensor& h0,
                                                         const at::Tensor& c0,
                                                         const std::vector<at::Tensor>& weights,
                                                         double dropout, bool train,
                                                         const std::vector<at::Tensor>& masks = {});

}  // namespace abcrnn
