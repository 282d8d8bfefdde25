// The fused LSTM layer as a custom autograd Function, and the stack of layers (see fused_lstm.h).
// Forward keeps, per layer, the gate activations (T,B,4H), h and c for steps -1..T-1 (T+1,B,H)
// and tanh(c) (T,B,H) for backward; the element-wise work is model/lstm_cell_kernels.h's.
#include "model/fused_lstm.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <memory>

#include "model/lstm_cell_kernels.h"
#include "model/recurrent_product.h"

namespace abcrnn {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kRowsPerTask = 8;       // batch rows per parallel task in the element-wise loops
constexpr int64_t kColumnsPerTask = 256;  // bias-gradient columns per parallel task

// Inputs: x (T,B,E), h0, c0 (B,H), w_ih (4H,E), w_hh (4H,H), b_ih, b_hh (4H), all defined.
// Outputs: y (T,B,H), h, c (B,H) after the last step.
struct LstmLayerFunction : public torch::autograd::Function<LstmLayerFunction> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& h0,
                               const at::Tensor& c0, const at::Tensor& w_ih, const at::Tensor& w_hh,
                               const at::Tensor& b_ih, const at::Tensor& b_hh) {
    at::AutoDispatchBelowADInplaceOrView below_autograd;  // plain tensors inside, no view tracking
    const int64_t t_len = x.size(0), batch = x.size(1), in = x.size(2), hidden = w_hh.size(1);
    const auto opts = x.options();
    // gates: pre-activations, then activations.
    at::Tensor gates = at::empty({t_len, batch, 4 * hidden}, opts);
    at::Tensor hs = at::empty({t_len + 1, batch, hidden}, opts);  // hs[t+1] = h after step t
    at::Tensor cs = at::empty({t_len + 1, batch, hidden}, opts);  // cs[t+1] = c after step t
    at::Tensor tanh_c = at::empty({t_len, batch, hidden}, opts);
    hs.select(0, 0).copy_(h0);
    cs.select(0, 0).copy_(c0);
    // Input projections of every step at once: x W_ih^T + b_ih + b_hh.
    at::Tensor gates2 = gates.view({t_len * batch, 4 * hidden});
    at::addmm_out(gates2, b_ih + b_hh, x.reshape({t_len * batch, in}), w_ih.t());
    const at::Tensor w_hh_t = w_hh.t();
    // h W_hh^T on the packed kernels where they run (model/recurrent_product.h), else OpenBLAS.
    const at::Tensor w_hh_c = w_hh.contiguous();
    std::unique_ptr<model::PackedProduct> packed;
    if (model::PackedProduct::Supported(static_cast<int>(4 * hidden)))
      packed = std::make_unique<model::PackedProduct>(w_hh_c.data_ptr<float>(), static_cast<int>(4 * hidden),
                                                      static_cast<int>(hidden), /*transposed=*/false);
    float* g = gates.data_ptr<float>();
    float* h = hs.data_ptr<float>();
    float* c = cs.data_ptr<float>();
    float* tc = tanh_c.data_ptr<float>();
    const int64_t state = batch * hidden, gate_step = batch * 4 * hidden;
    for (int64_t t = 0; t < t_len; ++t) {
      float* gt = g + t * gate_step;
      if (packed)
        packed->Accumulate(h + t * state, static_cast<int>(batch), gt);
      else
        gates.select(0, t).addmm_(hs.select(0, t), w_hh_t);
      at::parallel_for(0, batch, kRowsPerTask, [&](int64_t b0, int64_t b1) {
        model::LstmCellForward(gt, c + t * state, c + (t + 1) * state, tc + t * state,
                               h + (t + 1) * state, hidden, b0, b1);
      });
    }
    ctx->save_for_backward({x, w_ih, w_hh});
    ctx->saved_data["gates"] = gates;
    ctx->saved_data["hs"] = hs;
    ctx->saved_data["cs"] = cs;
    ctx->saved_data["tanh_c"] = tanh_c;
    ctx->set_materialize_grads(false);
    // y shares hs's memory (saved above, not through save_for_backward: no cycle through y's
    // grad_fn).
    return {hs.slice(0, 1), hs.select(0, t_len).clone(), cs.select(0, t_len).clone()};
  }

  // grad_out: dy (T,B,H), dh, dc (B,H) of the last step; any may be undefined (zeros).
  static variable_list backward(AutogradContext* ctx, variable_list grad_out) {
    at::AutoDispatchBelowADInplaceOrView below_autograd;
    const variable_list saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const at::Tensor& w_ih = saved[1];
    const at::Tensor& w_hh = saved[2];
    const at::Tensor gates = ctx->saved_data["gates"].toTensor();
    const at::Tensor hs = ctx->saved_data["hs"].toTensor();
    const at::Tensor cs = ctx->saved_data["cs"].toTensor();
    const at::Tensor tanh_c = ctx->saved_data["tanh_c"].toTensor();
    const int64_t t_len = x.size(0), batch = x.size(1), in = x.size(2), hidden = w_hh.size(1);
    const auto opts = x.options();

    at::Tensor dy =
        grad_out[0].defined() ? grad_out[0].contiguous() : at::zeros({t_len, batch, hidden}, opts);
    at::Tensor dh = at::zeros({batch, hidden},
                              opts);  // gradient reaching h of the current step from later ones
    at::Tensor dc = at::zeros({batch, hidden}, opts);  // ... and reaching c
    if (grad_out[1].defined()) dh.copy_(grad_out[1]);
    if (grad_out[2].defined()) dc.copy_(grad_out[2]);
    at::Tensor dgates = at::empty({t_len, batch, 4 * hidden}, opts);
    const bool want_state = ctx->needs_input_grad(1) || ctx->needs_input_grad(2);

    const float* g = gates.data_ptr<float>();
    const float* c = cs.data_ptr<float>();
    const float* tc = tanh_c.data_ptr<float>();
    const float* dyp = dy.data_ptr<float>();
    float* dhp = dh.data_ptr<float>();
    float* dcp = dc.data_ptr<float>();
    float* dg = dgates.data_ptr<float>();
    const int64_t state = batch * hidden, gate_step = batch * 4 * hidden;
    // dgates W_hh on the packed kernels where they run, else OpenBLAS.
    const at::Tensor w_hh_c = w_hh.contiguous();
    std::unique_ptr<model::PackedProduct> packed;
    if (model::PackedProduct::Supported(static_cast<int>(hidden)))
      packed = std::make_unique<model::PackedProduct>(w_hh_c.data_ptr<float>(), static_cast<int>(4 * hidden),
                                                      static_cast<int>(hidden), /*transposed=*/true);
    for (int64_t t = t_len - 1; t >= 0; --t) {
      at::parallel_for(0, batch, kRowsPerTask, [&](int64_t b0, int64_t b1) {
        model::LstmCellBackward(g + t * gate_step, c + t * state, tc + t * state, dyp + t * state,
                                dhp, dcp, dg + t * gate_step, hidden, b0, b1);
      });
      if (t == 0 && !want_state) continue;
      if (packed) {  // to h of step t-1
        std::fill_n(dhp, state, 0.0f);
        packed->Accumulate(dg + t * gate_step, static_cast<int>(batch), dhp);
      } else {
        at::mm_out(dh, dgates.select(0, t), w_hh);
      }
    }

    const at::Tensor dg2 = dgates.view({t_len * batch, 4 * hidden});
    variable_list out(7);
    // The products over every step and row stay OpenBLAS's: the packed kernels stream a whole
    // input row per tile, which at K = T*B (8,192) leaves them waiting on memory (measured slower).
    if (ctx->needs_input_grad(0)) out[0] = at::mm(dg2, w_ih).view({t_len, batch, in});
    if (ctx->needs_input_grad(1)) out[1] = dh;
    if (ctx->needs_input_grad(2)) out[2] = dc;
    if (ctx->needs_input_grad(3)) out[3] = at::mm(dg2.t(), x.reshape({t_len * batch, in}));
    if (ctx->needs_input_grad(4))
      out[4] = at::mm(dg2.t(), hs.slice(0, 0, t_len).reshape({t_len * batch, hidden}));
    if (ctx->needs_input_grad(5) || ctx->needs_input_grad(6)) {
      at::Tensor db = at::empty({4 * hidden}, opts);
      float* dbp = db.data_ptr<float>();
      at::parallel_for(0, 4 * hidden, kColumnsPerTask, [&](int64_t j0, int64_t j1) {
        model::SumRows(dg2.data_ptr<float>(), t_len * batch, 4 * hidden, dbp, j0, j1);
      });
      if (ctx->needs_input_grad(5)) out[5] = db;
      if (ctx->needs_input_grad(6)) out[6] = ctx->needs_input_grad(5) ? db.clone() : db;
    }
    return out;
  }
};

}  // namespace

std::tuple<at::Tensor, at::Tensor, at::Tensor> FusedLstmLayer(
    const at::Tensor& x, const at::Tensor& h0, const at::Tensor& c0, const at::Tensor& w_ih,
    const at::Tensor& w_hh, const at::Tensor& b_ih, const at::Tensor& b_hh) {
  TORCH_CHECK(x.dim() == 3 && x.size(0) > 0 && x.scalar_type() == at::kFloat && x.device().is_cpu(),
              "fused LSTM: expected x (T,B,E) float32 on the CPU with T > 0, got ", x.sizes(), " ",
              x.dtype());
  const int64_t batch = x.size(1), hidden = w_hh.size(1);
  TORCH_CHECK(w_ih.dim() == 2 && w_ih.size(0) == 4 * hidden && w_ih.size(1) == x.size(2) &&
                  w_hh.size(0) == 4 * hidden && b_ih.numel() == 4 * hidden &&
                  b_hh.numel() == 4 * hidden,
              "fused LSTM: expected w_ih (4H,E), w_hh (4H,H), biases (4H) for E = ", x.size(2),
              ", got ", w_ih.sizes(), ", ", w_hh.sizes(), ", ", b_ih.sizes(), ", ", b_hh.sizes());
  const at::Tensor zeros =
      (h0.defined() && c0.defined()) ? at::Tensor() : at::zeros({batch, hidden}, x.options());
  const at::Tensor& h = h0.defined() ? h0 : zeros;
  const at::Tensor& c = c0.defined() ? c0 : zeros;
  TORCH_CHECK(h.sizes() == c.sizes() && h.dim() == 2 && h.size(0) == batch && h.size(1) == hidden,
              "fused LSTM: expected h0 and c0 (B,H) = (", batch, ",", hidden, "), got ", h.sizes(),
              " and ", c.sizes());
  variable_list out = LstmLayerFunction::apply(x.contiguous(), h, c, w_ih, w_hh, b_ih, b_hh);
  return {out[0], out[1], out[2]};
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> FusedLstm(const at::Tensor& x, const at::Tensor& h0,
                                                         const at::Tensor& c0,
                                                         const std::vector<at::Tensor>& weights,
                                                         double dropout, bool train,
                                                         const std::vector<at::Tensor>& masks) {
  TORCH_CHECK(!weights.empty() && weights.size() % 4 == 0,
              "fused LSTM: expected 4 tensors per layer (w_ih, w_hh, b_ih, b_hh), got ",
              weights.size());
  TORCH_CHECK(x.dim() == 3, "fused LSTM: expected x (B,T,E), got ", x.sizes());
  const int64_t layers = static_cast<int64_t>(weights.size()) / 4;
  TORCH_CHECK(masks.empty() || static_cast<int64_t>(masks.size()) == layers - 1,
              "fused LSTM: expected ", layers - 1, " dropout masks, got ", masks.size());
  at::Tensor input = x.transpose(0, 1).contiguous();  // (T,B,E)
  std::vector<at::Tensor> hs, cs;
  for (int64_t l = 0; l < layers; ++l) {
    auto [y, h, c] = FusedLstmLayer(input, h0.defined() ? h0.select(0, l) : at::Tensor(),
                                    c0.defined() ? c0.select(0, l) : at::Tensor(), weights[4 * l],
                                    weights[4 * l + 1], weights[4 * l + 2], weights[4 * l + 3]);
    hs.push_back(h);
    cs.push_back(c);
    // As at::lstm: dropout on every layer's output but the last, (T,B,H) contiguous, in training.
    if (l + 1 < layers && !masks.empty())
      input = y * masks[l].transpose(0, 1);  // the mask is (B,T,H), y (T,B,H)
    else
      input = (dropout > 0 && train && l + 1 < layers) ? at::dropout(y, dropout, true) : y;
  }
  return {input.transpose(0, 1), at::stack(hs), at::stack(cs)};
}

}  // namespace abcrnn
