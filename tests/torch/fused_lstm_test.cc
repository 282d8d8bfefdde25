// The fused LSTM (model/fused_lstm.h) against torch::nn::LSTM on the same weights: outputs, final
// state and the gradients of the input, the initial state and every parameter, for 1 to 3 layers,
// with and without an initial state, hidden sizes that are and are not multiples of 8; dropout
// draws the same masks for the same seed and applies between layers in training only; runs repeat
// bit for bit. Tolerance: 1e-5 + 1e-4 * |reference| (float32 sums in another order).
#include "model/fused_lstm.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/char_lstm.h"

namespace abcrnn {
namespace {

constexpr double kAtol = 1e-5;
constexpr double kRtol = 1e-4;

void ExpectClose(const torch::Tensor& got, const torch::Tensor& want, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what << ": undefined";
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  double worst = (got - want).abs().sub(want.abs().mul(kRtol)).max().item<double>();
  EXPECT_LE(worst, kAtol) << what << ": max |got - want| - rtol * |want| = " << worst;
}

struct Shape {
  int64_t layers, hidden;
  bool initial_state;
};

// Everything one forward and backward pass gives: outputs, then gradients.
struct Pass {
  std::vector<std::pair<std::string, torch::Tensor>> values;
};

class FusedLstmTest : public ::testing::TestWithParam<Shape> {};

constexpr int64_t kBatch = 3, kSteps = 9, kInput = 5;

// Runs `lstm` (reference) or the fused layers on its weights; the loss is a fixed random linear
// function of y, h and c so that every output gets a gradient.
Pass RunLstm(torch::nn::LSTM& lstm, bool fused, bool initial_state, double dropout, bool train,
             uint64_t seed) {
  const auto& o = lstm->options;
  torch::manual_seed(99);
  const int64_t l = o.num_layers(), h = o.hidden_size();
  torch::Tensor x = torch::randn({kBatch, kSteps, o.input_size()}).requires_grad_();
  torch::Tensor h0 = (torch::randn({l, kBatch, h}) * 0.5).requires_grad_();
  torch::Tensor c0 = (torch::randn({l, kBatch, h}) * 0.5).requires_grad_();
  torch::Tensor gy = torch::randn({kBatch, kSteps, h}), gh = torch::randn({l, kBatch, h}),
                gc = torch::randn({l, kBatch, h});
  for (auto& p : lstm->parameters()) p.mutable_grad() = torch::Tensor();
  torch::manual_seed(seed);
  torch::Tensor y, hn, cn;
  if (fused) {
    std::tie(y, hn, cn) =
        FusedLstm(x, initial_state ? h0 : torch::Tensor(), initial_state ? c0 : torch::Tensor(),
                  lstm->all_weights(), dropout, train);
  } else {
    lstm->train(train);
    auto out = initial_state ? lstm->forward(x, std::make_tuple(h0, c0)) : lstm->forward(x);
    y = std::get<0>(out);
    std::tie(hn, cn) = std::get<1>(out);
  }
  ((y * gy).sum() + (hn * gh).sum() + (cn * gc).sum()).backward();
  Pass p;
  p.values = {{"y", y.detach()}, {"h", hn.detach()}, {"c", cn.detach()}, {"dx", x.grad()}};
  if (initial_state) {
    p.values.push_back({"dh0", h0.grad()});
    p.values.push_back({"dc0", c0.grad()});
  }
  for (const auto& q : lstm->named_parameters())
    p.values.push_back({"d" + q.key(), q.value().grad().clone()});
  return p;
}

void ExpectSamePass(const Pass& got, const Pass& want) {
  ASSERT_EQ(got.values.size(), want.values.size());
  for (size_t i = 0; i < got.values.size(); ++i)
    ExpectClose(got.values[i].second, want.values[i].second, got.values[i].first);
}

torch::nn::LSTM MakeLstm(int64_t layers, int64_t hidden, double dropout) {
  torch::manual_seed(7);
  return torch::nn::LSTM(
      torch::nn::LSTMOptions(kInput, hidden).num_layers(layers).dropout(dropout).batch_first(true));
}

TEST_P(FusedLstmTest, OutputsFinalStateAndAllGradientsEqualTorchNnLstm) {
  const Shape s = GetParam();
  auto lstm = MakeLstm(s.layers, s.hidden, 0);
  Pass want = RunLstm(lstm, false, s.initial_state, 0, true, 1);
  Pass got = RunLstm(lstm, true, s.initial_state, 0, true, 1);
  ExpectSamePass(got, want);
}

INSTANTIATE_TEST_SUITE_P(Shapes, FusedLstmTest,
                         ::testing::Values(Shape{1, 7, false}, Shape{1, 7, true},
                                           Shape{2, 16, false}, Shape{2, 16, true},
                                           Shape{3, 12, false}, Shape{3, 12, true}),
                         [](const ::testing::TestParamInfo<Shape>& i) {
                           return std::to_string(i.param.layers) + "x" +
                                  std::to_string(i.param.hidden) +
                                  (i.param.initial_state ? "_state" : "_zeros");
                         });

TEST(FusedLstmDropoutTest, DrawsTheReferenceMasksForTheSameSeed) {
  auto lstm = MakeLstm(3, 16, 0.5);
  Pass want = RunLstm(lstm, false, true, 0.5, true, 1234);
  Pass got = RunLstm(lstm, true, true, 0.5, true, 1234);
  ExpectSamePass(got, want);
  // And the masks do something: without dropout the output differs.
  Pass plain = RunLstm(lstm, true, true, 0, true, 1234);
  EXPECT_FALSE(torch::allclose(plain.values[0].second, got.values[0].second));
}

TEST(FusedLstmDropoutTest, AppliesBetweenLayersOnlyAndOnlyInTraining) {
  auto one = MakeLstm(1, 8, 0);
  // One layer: nothing lies between layers, so dropout changes nothing.
  ExpectSamePass(RunLstm(one, true, true, 0.5, true, 3), RunLstm(one, true, true, 0, true, 3));
  auto two = MakeLstm(2, 8, 0);
  ExpectSamePass(RunLstm(two, true, true, 0.5, false, 3), RunLstm(two, true, true, 0, false, 3));
}

TEST(FusedLstmTest, RepeatsBitForBit) {
  auto lstm = MakeLstm(2, 16, 0.25);
  Pass a = RunLstm(lstm, true, true, 0.25, true, 5);
  Pass b = RunLstm(lstm, true, true, 0.25, true, 5);
  ASSERT_EQ(a.values.size(), b.values.size());
  for (size_t i = 0; i < a.values.size(); ++i)
    EXPECT_TRUE(torch::equal(a.values[i].second, b.values[i].second)) << a.values[i].first;
}

TEST(FusedLstmTest, RunsWithoutGradientsAsInEvaluation) {
  auto lstm = MakeLstm(2, 16, 0);
  torch::manual_seed(2);
  torch::Tensor x = torch::randn({kBatch, kSteps, kInput});
  auto [want, state] = lstm->forward(x);
  torch::NoGradGuard no_grad;
  auto [y, h, c] = FusedLstm(x, torch::Tensor(), torch::Tensor(), lstm->all_weights(), 0, false);
  EXPECT_FALSE(y.requires_grad());
  ExpectClose(y, want.detach(), "y");
  ExpectClose(h, std::get<0>(state).detach(), "h");
  ExpectClose(c, std::get<1>(state).detach(), "c");
}

TEST(CharLstmKernelTest, BothKernelsGiveTheSameLogitsStateAndGradientsWithDropout) {
  ModelConfig config;
  config.vocab_size = 11;
  config.embed = 6;
  config.hidden = 10;
  config.layers = 3;
  config.dropout = 0.3f;
  torch::manual_seed(4);
  CharLSTM model(config);
  model->train();
  torch::Tensor ids = torch::randint(0, config.vocab_size, {4, 13}, torch::kLong);
  auto pass = [&](LstmKernel kernel) {
    model->set_lstm_kernel(kernel);
    model->zero_grad();
    torch::manual_seed(17);
    auto [logits, state] = model->forward(ids);
    logits.pow(2).mean().backward();
    Pass p;
    p.values = {{"logits", logits.detach()},
                {"h", std::get<0>(state).detach()},
                {"c", std::get<1>(state).detach()}};
    for (const auto& q : model->named_parameters())
      p.values.push_back({"d" + q.key(), q.value().grad().clone()});
    return p;
  };
  Pass want = pass(LstmKernel::kReference);
  Pass got = pass(LstmKernel::kFused);
  ExpectSamePass(got, want);
  EXPECT_EQ(model->lstm_kernel(), LstmKernel::kFused);
}

}  // namespace
}  // namespace abcrnn
