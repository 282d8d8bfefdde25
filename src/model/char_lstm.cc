// CharLSTM's construction, forward pass and weight conversion (see char_lstm.h).
#include "model/char_lstm.h"

#include <torch/nn/functional/activation.h>
#include <torch/torch.h>

#include <cstring>
#include <map>

#include "abcrnn/abc/form_clock.h"
#include "model/fused_lstm.h"

namespace abcrnn {

CharLSTMImpl::CharLSTMImpl(const ModelConfig& config, LstmKernel kernel) : config_(config), kernel_(kernel) {
  embed = register_module("embed", torch::nn::Embedding(config.vocab_size, config.embed));
  // Registered right after embed: named_parameters() then follows ExpectedWeights' order.
  if (config.form_clock != 0) {
    // Zeros, drawing nothing from the generator: training starts as the character model alone
    // (the same initial weights), and the clock rows grow as they help. With PyTorch's N(0,1) the
    // three rows outweigh the character's embedding three to one, and a tiny model learnt its
    // tunes at 1.30 bits/char where it reached 0.47 without the clock.
    const int rows = abc::FormClockRows(config.form_clock);
    clock = register_module("clock",
                            torch::nn::Embedding(torch::nn::EmbeddingOptions(rows, config.embed)
                                                     ._weight(torch::zeros({rows, config.embed}))));
  }
  const double dropout = config.layers > 1 ? config.dropout : 0.0;
  if (config.architecture == "gru") {
    gru = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(config.embed, config.hidden)
                                                    .num_layers(config.layers)
                                                    .dropout(dropout)
                                                    .batch_first(true)));
  } else {
    lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(config.embed, config.hidden)
                                                       .num_layers(config.layers)
                                                       .dropout(dropout)
                                                       .batch_first(true)));
  }
  head = register_module("head", torch::nn::Linear(config.hidden, config.vocab_size));
}

std::vector<torch::Tensor> CharLSTMImpl::CellWeights(const RowDropout* row_dropout) const {
  std::vector<torch::Tensor> weights = gru ? gru->all_weights() : lstm->all_weights();
  const double w = config_.weight_drop;
  if (row_dropout == nullptr || !is_training() || w <= 0) return weights;
  for (int64_t l = 0; l < config_.layers; ++l) {
    torch::Tensor& w_hh = weights[4 * l + 1];  // w_ih, w_hh, b_ih, b_hh per layer
    w_hh = w_hh * WeightDropMask(*row_dropout, l, w_hh.size(0), w_hh.size(1), w);
  }
  return weights;
}

std::tuple<torch::Tensor, LstmState> CharLSTMImpl::ByLayer(const torch::Tensor& x, const LstmState& state,
                                                           const std::vector<torch::Tensor>& weights,
                                                           const std::vector<torch::Tensor>& masks) {
  const int64_t layers = config_.layers, batch = x.size(0), hidden = config_.hidden;
  const torch::Tensor zeros = torch::zeros({1, batch, hidden}, x.options());
  auto layer_of = [&](const torch::Tensor& t, int64_t l) { return t.defined() ? t.narrow(0, l, 1) : zeros; };
  std::vector<torch::Tensor> hs, cs;
  torch::Tensor input = x;
  for (int64_t l = 0; l < layers; ++l) {
    const std::vector<torch::Tensor> params(weights.begin() + 4 * l, weights.begin() + 4 * l + 4);
    torch::Tensor y;
    if (gru) {
      torch::Tensor h;
      std::tie(y, h) = at::gru(input, layer_of(std::get<0>(state), l), params, /*has_biases=*/true, 1, 0.0,
                               is_training(), /*bidirectional=*/false, /*batch_first=*/true);
      hs.push_back(h);
    } else {
      torch::Tensor h, c;
      std::tie(y, h, c) = at::lstm(input, {layer_of(std::get<0>(state), l), layer_of(std::get<1>(state), l)}, params,
                                   true, 1, 0.0, is_training(), false, true);
      hs.push_back(h);
      cs.push_back(c);
    }
    input = l + 1 < layers && !masks.empty() ? y * masks[l] : y;
  }
  return {input, LstmState{torch::cat(hs), gru ? torch::Tensor() : torch::cat(cs)}};
}

std::tuple<torch::Tensor, LstmState> CharLSTMImpl::forward(const torch::Tensor& ids, const LstmState& state,
                                                           const torch::Tensor& clock_rows,
                                                           const RowDropout* row_dropout) {
  torch::Tensor x = embed->forward(ids);  // (B,T,E)
  if (clock) {
    torch::Tensor rows = clock_rows;
    if (!rows.defined()) {
      const abc::FormClock none = abc::HeaderClock();
      rows = torch::tensor(std::vector<int64_t>(none.begin(), none.end()), torch::kLong)
                 .expand({ids.size(0), ids.size(1), abc::kFormClockFields});
    }
    // The fields the model's scheme reads: (B,T,F,E) -> (B,T,E).
    x = x + clock->forward(rows.narrow(2, 0, abc::FormClockFields(config_.form_clock))).sum(2);
  }
  const double p = gru ? gru->options.dropout() : lstm->options.dropout();
  const double q = is_training() ? config_.output_dropout : 0.0;
  const double w = is_training() ? config_.weight_drop : 0.0;
  // Weight drop needs masks keyed by the step; without a caller's, one drawn from the global
  // generator keys them all (no longer the same however the batch is split).
  RowDropout drawn;
  if (w > 0 && row_dropout == nullptr) {
    drawn.seed = static_cast<uint64_t>(torch::randint(0, int64_t{1} << 62, {1}, torch::kLong).item<int64_t>());
    row_dropout = &drawn;
  }
  torch::Tensor y;  // (B,T,H), the last layer's output
  LstmState next;
  if (row_dropout != nullptr && is_training() && (p > 0 || q > 0 || w > 0)) {
    std::vector<torch::Tensor> masks;
    for (int64_t l = 0; p > 0 && l + 1 < config_.layers; ++l)
      masks.push_back(RowDropoutMask(*row_dropout, l, ids.size(0), ids.size(1), config_.hidden, p));
    const std::vector<torch::Tensor> weights = CellWeights(row_dropout);
    if (lstm && kernel_ == LstmKernel::kFused) {
      auto [out, h, c] = FusedLstm(x, std::get<0>(state), std::get<1>(state), weights, p, true, masks);
      y = out;
      next = LstmState{h, c};
    } else {
      std::tie(y, next) = ByLayer(x, state, weights, masks);
    }
    // The output's mask is "layer" L-1, which no mask between layers uses (those are 0 to L-2).
    if (q > 0) y = y * RowDropoutMask(*row_dropout, config_.layers - 1, ids.size(0), ids.size(1), config_.hidden, q);
    return {head->forward(y), next};  // logits (B,T,V)
  }
  if (gru) {  // torch::nn::GRU: h alone is carried
    const torch::Tensor& h = std::get<0>(state);
    auto [out, h_n] = h.defined() ? gru->forward(x, h) : gru->forward(x);
    y = out;
    next = LstmState{h_n, torch::Tensor()};
  } else if (kernel_ == LstmKernel::kFused) {
    auto [out, h, c] = FusedLstm(x, std::get<0>(state), std::get<1>(state), lstm->all_weights(),
                                 lstm->options.dropout(), lstm->is_training());
    y = out;
    next = LstmState{h, c};
  } else {
    std::tuple<torch::Tensor, std::tuple<torch::Tensor, torch::Tensor>> out;
    if (std::get<0>(state).defined()) {
      out = lstm->forward(x, state);
    } else {
      out = lstm->forward(x);
    }
    y = std::get<0>(out);
    next = std::get<1>(out);
  }
  if (q > 0) y = at::dropout(y, q, true);
  return {head->forward(y), next};  // logits (B,T,V)
}

NamedTensor ToNamed(const std::string& name, const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  NamedTensor n;
  n.name = name;
  n.shape.assign(c.sizes().begin(), c.sizes().end());
  n.data.resize(c.numel());
  if (c.numel() > 0) std::memcpy(n.data.data(), c.data_ptr<float>(), c.numel() * sizeof(float));
  return n;
}

torch::Tensor FromNamed(const NamedTensor& t) {
  torch::Tensor out = torch::empty(t.shape, torch::kFloat32);
  if (!t.data.empty()) std::memcpy(out.data_ptr<float>(), t.data.data(), t.data.size() * sizeof(float));
  return out;
}

std::vector<NamedTensor> ExportWeights(CharLSTM& model) {
  // named_parameters() registers in PyTorch's order: embed, the cell layer by layer, head.
  std::vector<NamedTensor> out;
  for (const auto& p : model->named_parameters()) out.push_back(ToNamed(p.key(), p.value()));
  return out;
}

Status ImportWeights(CharLSTM& model, const std::vector<NamedTensor>& weights) {
  std::map<std::string, const NamedTensor*> given;
  for (const auto& w : weights) given[w.name] = &w;
  auto params = model->named_parameters();
  if (given.size() != params.size())
    return Status::Corruption("weights: expected " + std::to_string(params.size()) + " tensors, got " +
                              std::to_string(given.size()));
  torch::NoGradGuard no_grad;
  for (auto& p : params) {
    auto it = given.find(p.key());
    if (it == given.end()) return Status::Corruption("weights: expected a tensor named " + p.key() + ", got none");
    std::vector<int64_t> shape(p.value().sizes().begin(), p.value().sizes().end());
    if (it->second->shape != shape)
      return Status::Corruption("weights: " + p.key() + " has the wrong shape (expected " +
                                std::to_string(shape.size()) + "-d " + c10::str(p.value().sizes()) + ")");
    p.value().copy_(FromNamed(*it->second));
  }
  return Status::OK();
}

}  // namespace abcrnn
