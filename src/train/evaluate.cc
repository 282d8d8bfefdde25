// Validation loss (nats per character over whole tunes, each from a zero state) and the sample
// tune shown at each validation. Legend: B = batch, T = time steps, V = vocabulary.
#include <torch/torch.h>

#include <cmath>

#include "abcrnn/data/batches.h"
#include "abcrnn/infer/sampler.h"
#include "train/train_internal.h"

namespace abcrnn::train {

uint64_t MixSeed(uint64_t seed, uint64_t salt) {
  uint64_t z = seed * 0x9e3779b97f4a7c15ull + salt + 0x632be59bd9b4e019ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

torch::Tensor ClockTensor(const Window& w) {
  if (w.clock.empty()) return {};
  return torch::tensor(w.clock, torch::kLong).view({w.batch, w.seq, abc::kFormClockFields});
}

LstmState FirstRows(const LstmState& state, int64_t rows) {
  auto first = [rows](const torch::Tensor& t) {
    TORCH_CHECK(!t.defined() || t.size(1) >= rows, "FirstRows: a state of ", t.size(1), " rows, asked for ", rows);
    return t.defined() && t.size(1) > rows ? t.narrow(1, 0, rows) : t;
  };
  return {first(std::get<0>(state)), first(std::get<1>(state))};
}

double EvaluateLoss(CharLSTM& model, const std::vector<std::vector<int>>& tunes, int batch, int seq,
                    const std::vector<std::vector<abc::FormClock>>* clocks) {
  if (tunes.empty()) return std::nan("");
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  // Bucketing in input order: every tune starts from a zero state, padding is masked.
  EpochPlan plan(tunes, Batching::kBucket, batch, seq, 0, 0, /*shuffle=*/false, clocks);
  double total = 0;
  LstmState carry;
  for (int64_t i = 0; i < plan.size(); ++i) {
    Window w = plan.At(i);
    if (w.reset_state) carry = {};
    carry = FirstRows(carry, w.rows);  // the rows after w.rows are padding: not computed
    auto ids = torch::tensor(w.inputs, torch::kLong).view({w.batch, w.seq}).narrow(0, 0, w.rows);
    auto targets = torch::tensor(w.targets, torch::kLong).view({w.batch, w.seq}).narrow(0, 0, w.rows).reshape({-1});
    torch::Tensor clock = ClockTensor(w);
    if (clock.defined()) clock = clock.narrow(0, 0, w.rows);
    auto [logits, next] = model->forward(ids, carry, clock);  // (rows,T,V)
    carry = next;
    total += torch::nn::functional::cross_entropy(
                 logits.reshape({-1, logits.size(2)}), targets,
                 torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreTarget).reduction(torch::kSum))
                 .item<double>();
  }
  model->train(was_training);
  return total / static_cast<double>(plan.counted());
}

std::string SampleTune(CharLSTM& model, const Vocab& vocab, int max_chars, uint64_t seed) {
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  std::vector<int> out;
  LstmState state;
  int id = Vocab::kBos;
  Rng rng(seed);  // the sampler's draw, at temperature 1; <bos> is never drawn
  std::vector<uint8_t> mask(vocab.size(), 1);
  mask[Vocab::kBos] = 0;
  std::string text;  // for the form clock
  abc::FormClock clock = abc::HeaderClock();
  for (int chars = 0; chars < max_chars;) {
    torch::Tensor rows;
    if (model->config().form_clock != 0)
      rows = torch::tensor(std::vector<int64_t>(clock.begin(), clock.end()), torch::kLong)
                 .view({1, 1, abc::kFormClockFields});
    auto [logits, next] = model->forward(torch::tensor({int64_t{id}}, torch::kLong).view({1, 1}), state, rows);
    state = next;
    torch::Tensor last = logits.view({-1}).contiguous();  // (V)
    const int pick = SampleNext(last.data_ptr<float>(), static_cast<int>(last.size(0)), SamplerOptions(), rng,
                                mask.data());
    if (pick == Vocab::kEos) break;
    id = pick;
    out.push_back(pick);
    chars += vocab.chars(pick);
    text += vocab.symbol(pick);
    clock = abc::AdvanceFormClock(text, clock);
  }
  model->train(was_training);
  return vocab.Decode(out);
}

}  // namespace abcrnn::train
