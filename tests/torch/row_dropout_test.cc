// Row-keyed dropout (model/row_dropout.h): a batch run whole and the same batch run as two slices
// (as two processes of a data-parallel run do) give the same logits and final state, and gradients
// that sum to the whole's, for the fused LSTM, the reference LSTM and the GRU; the masks really
// drop (training differs from evaluation) and change with the seed; the two LSTM kernels draw the
// same masks; with nothing dropped, training computes what evaluation does. Each case runs with
// dropout between layers, on the last layer's output (--output-dropout), or both, and some with
// weight drop on the recurrent weights (--weight-drop). Tolerance 1e-5 + 1e-4 * |whole| (float32 sums in another order).
#include "model/row_dropout.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/char_lstm.h"

namespace abcrnn {
namespace {

void ExpectClose(const torch::Tensor& got, const torch::Tensor& want, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what << ": undefined";
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  const double worst = (got - want).abs().sub(want.abs().mul(1e-4)).max().item<double>();
  EXPECT_LE(worst, 1e-5) << what << ": max |got - want| - 1e-4 * |want| = " << worst;
}

TEST(RowDropoutMaskTest, ARowsMaskIsTheSameWhateverSliceItIsDrawnIn) {
  const RowDropout whole{42, 0};
  const torch::Tensor all = RowDropoutMask(whole, 1, 6, 5, 7, 0.4);
  const torch::Tensor part = RowDropoutMask(RowDropout{42, 2}, 1, 3, 5, 7, 0.4);
  EXPECT_TRUE(torch::equal(part, all.narrow(0, 2, 3)));
  // Only 0 and 1/(1-p), and some of each.
  const torch::Tensor kept = all.gt(0);
  EXPECT_TRUE(torch::allclose(all.masked_select(kept), torch::full({kept.sum().item<int64_t>()}, 1 / 0.6)));
  const double share = kept.to(torch::kDouble).mean().item<double>();
  EXPECT_GT(share, 0.45);
  EXPECT_LT(share, 0.75);
  EXPECT_FALSE(torch::equal(all, RowDropoutMask(RowDropout{43, 0}, 1, 6, 5, 7, 0.4))) << "the seed changes it";
  EXPECT_FALSE(torch::equal(all, RowDropoutMask(whole, 0, 6, 5, 7, 0.4))) << "so does the layer";
}

TEST(WeightDropMaskTest, EveryProcessDrawsTheSameMaskAndItFollowsSeedAndLayer) {
  const torch::Tensor mask = WeightDropMask(RowDropout{42, 0}, 1, 40, 10, 0.25);
  ASSERT_EQ(mask.sizes(), (std::vector<int64_t>{40, 10}));
  EXPECT_TRUE(torch::equal(WeightDropMask(RowDropout{42, 3}, 1, 40, 10, 0.25), mask)) << "whatever rows run here";
  const torch::Tensor kept = mask.gt(0);
  EXPECT_TRUE(torch::allclose(mask.masked_select(kept), torch::full({kept.sum().item<int64_t>()}, 1 / 0.75)));
  const double share = kept.to(torch::kDouble).mean().item<double>();
  EXPECT_GT(share, 0.65);
  EXPECT_LT(share, 0.85);
  EXPECT_FALSE(torch::equal(mask, WeightDropMask(RowDropout{43, 0}, 1, 40, 10, 0.25))) << "the seed changes it";
  EXPECT_FALSE(torch::equal(mask, WeightDropMask(RowDropout{42, 0}, 0, 40, 10, 0.25))) << "so does the layer";
}

// A model small enough to check by hand: 3 layers (two places for dropout between them, and the
// output), dropout 0.3 between them, `output` on the last layer's output and `weight` on the
// recurrent weights.
ModelConfig SmallConfig(const std::string& cell, float between = 0.3f, float output = 0.0f, float weight = 0.0f) {
  ModelConfig config;
  config.architecture = cell;
  config.vocab_size = 11;
  config.embed = 6;
  config.hidden = 10;
  config.layers = 3;
  config.dropout = between;
  config.output_dropout = output;
  config.weight_drop = weight;
  return config;
}

struct Case {
  std::string cell;
  LstmKernel kernel;
  float between = 0.3f;
  float output = 0.0f;
  float weight = 0.0f;
};

class RowDropoutModelTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    config_ = SmallConfig(GetParam().cell, GetParam().between, GetParam().output, GetParam().weight);
    torch::manual_seed(4);
    model_ = CharLSTM(config_, GetParam().kernel);
    model_->train();
    torch::manual_seed(5);
    ids_ = torch::randint(0, config_.vocab_size, {6, 13}, torch::kLong);
  }
  // Logits, final h, and every parameter's gradient of sum(logits^2) over rows [begin, begin+rows).
  std::vector<torch::Tensor> Run(int64_t begin, int64_t rows, uint64_t seed) {
    model_->zero_grad();
    const RowDropout d{seed, begin};
    auto [logits, state] = model_->forward(ids_.narrow(0, begin, rows), {}, {}, &d);
    logits.pow(2).sum().backward();
    std::vector<torch::Tensor> out = {logits.detach(), std::get<0>(state).detach()};
    for (auto& p : model_->parameters()) out.push_back(p.grad().clone());
    return out;
  }
  ModelConfig config_;
  CharLSTM model_{nullptr};
  torch::Tensor ids_;
};

TEST_P(RowDropoutModelTest, TwoSlicesComputeWhatTheWholeBatchComputes) {
  const auto whole = Run(0, 6, 7);
  const auto a = Run(0, 2, 7);
  const auto b = Run(2, 4, 7);
  ExpectClose(torch::cat({a[0], b[0]}), whole[0], "logits");
  ExpectClose(torch::cat({a[1], b[1]}, 1), whole[1], "final h");
  for (size_t i = 2; i < whole.size(); ++i) ExpectClose(a[i] + b[i], whole[i], "gradient " + std::to_string(i - 2));
}

TEST_P(RowDropoutModelTest, TheMasksDropAndFollowTheSeed) {
  const auto trained = Run(0, 6, 7);
  EXPECT_TRUE(torch::equal(Run(0, 6, 7)[0], trained[0])) << "the same seed, the same masks";
  EXPECT_FALSE(torch::allclose(Run(0, 6, 8)[0], trained[0])) << "another seed, other masks";
  model_->eval();
  auto [plain, state] = model_->forward(ids_);
  EXPECT_FALSE(torch::allclose(plain.detach(), trained[0])) << "no dropout in evaluation, so other logits";
}

// With a dropout too small to drop anything, training runs the layers one by one (ByLayer, or
// the fused layers with masks) and must compute what the module computes whole in evaluation,
// from a carried state too.
TEST_P(RowDropoutModelTest, WithNothingDroppedTheLayerByLayerPathIsTheModulesOwn) {
  if (config_.dropout > 0) config_.dropout = 1e-7f;
  if (config_.output_dropout > 0) config_.output_dropout = 1e-7f;
  if (config_.weight_drop > 0) config_.weight_drop = 1e-7f;
  torch::manual_seed(4);
  model_ = CharLSTM(config_, GetParam().kernel);
  torch::manual_seed(6);
  const torch::Tensor h0 = torch::randn({config_.layers, 6, config_.hidden});
  const LstmState state{h0, config_.architecture == "gru" ? torch::Tensor() : torch::randn_like(h0)};
  model_->eval();
  auto [want, want_state] = model_->forward(ids_, state);
  model_->train();
  const RowDropout d{7, 0};
  auto [got, got_state] = model_->forward(ids_, state, {}, &d);
  ExpectClose(got.detach(), want.detach(), "logits");
  ExpectClose(std::get<0>(got_state).detach(), std::get<0>(want_state).detach(), "final h");
  if (config_.architecture != "gru")
    ExpectClose(std::get<1>(got_state).detach(), std::get<1>(want_state).detach(), "final c");
}

INSTANTIATE_TEST_SUITE_P(Cells, RowDropoutModelTest,
                         ::testing::Values(Case{"lstm", LstmKernel::kFused}, Case{"lstm", LstmKernel::kReference},
                                           Case{"gru", LstmKernel::kFused},
                                           Case{"lstm", LstmKernel::kFused, 0.3f, 0.25f},
                                           Case{"lstm", LstmKernel::kReference, 0.3f, 0.25f},
                                           Case{"gru", LstmKernel::kFused, 0.3f, 0.25f},
                                           Case{"lstm", LstmKernel::kFused, 0.0f, 0.25f},
                                           Case{"lstm", LstmKernel::kReference, 0.0f, 0.25f},
                                           Case{"gru", LstmKernel::kFused, 0.0f, 0.25f},
                                           Case{"lstm", LstmKernel::kFused, 0.3f, 0.25f, 0.2f},
                                           Case{"lstm", LstmKernel::kReference, 0.3f, 0.25f, 0.2f},
                                           Case{"gru", LstmKernel::kFused, 0.3f, 0.25f, 0.2f},
                                           Case{"lstm", LstmKernel::kFused, 0.0f, 0.0f, 0.2f},
                                           Case{"gru", LstmKernel::kFused, 0.0f, 0.0f, 0.2f}),
                         [](const auto& info) {
                           const Case& c = info.param;
                           return c.cell +
                                  (c.cell == "gru" ? "" : c.kernel == LstmKernel::kFused ? "Fused" : "Reference") +
                                  (c.output == 0 ? "" : c.between == 0 ? "OutputOnly" : "AndOutput") +
                                  (c.weight == 0 ? "" : c.between == 0 && c.output == 0 ? "WeightDropOnly" : "AndWeightDrop");
                         });

TEST(RowDropoutKernelsTest, BothLstmKernelsDrawTheSameMasks) {
  const ModelConfig config = SmallConfig("lstm", 0.3f, 0.25f);
  torch::manual_seed(4);
  CharLSTM model(config);
  model->train();
  const torch::Tensor ids = torch::randint(0, config.vocab_size, {4, 13}, torch::kLong);
  const RowDropout d{11, 0};
  model->set_lstm_kernel(LstmKernel::kReference);
  auto [want, s1] = model->forward(ids, {}, {}, &d);
  model->set_lstm_kernel(LstmKernel::kFused);
  auto [got, s2] = model->forward(ids, {}, {}, &d);
  ExpectClose(got.detach(), want.detach(), "logits");
  ExpectClose(std::get<1>(s2).detach(), std::get<1>(s1).detach(), "final c");
}

// Weight drop is DropConnect: training with it computes, for every cell and kernel, what evaluation
// computes with each layer's hidden-to-hidden weights multiplied by its WeightDropMask, and the
// gradient reaching those weights is the masked model's, times the mask. The other weights are
// used whole.
TEST(WeightDropTest, TrainingRunsTheMaskedRecurrentWeights) {
  for (const Case& c : {Case{"lstm", LstmKernel::kFused}, Case{"lstm", LstmKernel::kReference},
                       Case{"gru", LstmKernel::kFused}}) {
    const std::string what = c.cell + (c.kernel == LstmKernel::kFused ? " fused" : " reference");
    const ModelConfig config = SmallConfig(c.cell, 0.0f, 0.0f, 0.4f);
    torch::manual_seed(4);
    CharLSTM dropped(config, c.kernel);
    torch::manual_seed(4);
    CharLSTM masked(SmallConfig(c.cell, 0.0f, 0.0f, 0.0f), c.kernel);
    const RowDropout d{21, 0};
    std::vector<torch::Tensor> masks;
    {
      torch::NoGradGuard no_grad;
      for (int64_t l = 0; l < config.layers; ++l) {
        torch::Tensor w = masked->named_parameters()[c.cell + ".weight_hh_l" + std::to_string(l)];
        masks.push_back(WeightDropMask(d, l, w.size(0), w.size(1), 0.4));
        w.mul_(masks.back());
      }
    }
    const torch::Tensor ids = torch::randint(0, config.vocab_size, {4, 9}, torch::kLong);
    dropped->train();
    masked->eval();
    auto [got, got_state] = dropped->forward(ids, {}, {}, &d);
    auto [want, want_state] = masked->forward(ids);
    ExpectClose(got.detach(), want.detach(), what + ": logits");
    got.pow(2).sum().backward();
    want.pow(2).sum().backward();
    for (int64_t l = 0; l < config.layers; ++l) {
      const std::string name = c.cell + ".weight_hh_l" + std::to_string(l);
      ExpectClose(dropped->named_parameters()[name].grad(), masked->named_parameters()[name].grad() * masks[l],
                  what + ": gradient of " + name);
      const std::string input = c.cell + ".weight_ih_l" + std::to_string(l);
      ExpectClose(dropped->named_parameters()[input].grad(), masked->named_parameters()[input].grad(),
                  what + ": gradient of " + input);
    }
    dropped->eval();
    EXPECT_FALSE(torch::allclose(std::get<0>(dropped->forward(ids)).detach(), want.detach()))
        << what << ": evaluation uses the weights whole";
  }
}

// The output's dropout without row-keyed masks (the global generator, as at::dropout): it drops
// in training only, and zeroes whole units of the last layer's output, so the head sees only its
// bias for some (step, unit) pairs: the logits differ from a model without it on the same draws.
TEST(OutputDropoutTest, DropsInTrainingOnlyWithoutRowMasks) {
  for (const std::string cell : {"lstm", "gru"}) {
    torch::manual_seed(4);
    CharLSTM with(SmallConfig(cell, 0.0f, 0.5f));
    torch::manual_seed(4);
    CharLSTM without(SmallConfig(cell, 0.0f, 0.0f));
    const torch::Tensor ids = torch::randint(0, 11, {3, 9}, torch::kLong);
    with->eval();
    without->eval();
    EXPECT_TRUE(torch::equal(std::get<0>(with->forward(ids)), std::get<0>(without->forward(ids))))
        << cell << ": the same weights, and nothing dropped in evaluation";
    with->train();
    without->train();
    torch::manual_seed(9);
    const torch::Tensor dropped = std::get<0>(with->forward(ids)).detach();
    torch::manual_seed(9);
    const torch::Tensor kept = std::get<0>(without->forward(ids)).detach();
    EXPECT_FALSE(torch::allclose(dropped, kept)) << cell << ": training drops the output's units";
  }
}

}  // namespace
}  // namespace abcrnn
