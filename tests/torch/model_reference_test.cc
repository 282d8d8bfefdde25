// The LibTorch CharLSTM against PyTorch: tests/torch_reference_dump.py builds the same model in
// Python (Debian's python3-torch) and dumps weights, inputs, logits, loss, gradients and one
// clipped Adam step; we load its weights by name and compare. Tolerances: 1e-5 absolute on
// logits, state and loss; 1e-5 + 1e-4 * |reference| on gradients and updated weights (float32
// sums in a different order may differ in the last bits). Both LSTM kernels (fused, reference)
// are held to the dump. Skips when python3-torch is absent.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "abcrnn/util/file.h"
#include "model/char_lstm.h"
#include "support/paths.h"

namespace abcrnn {
namespace {

using nlohmann::json;

torch::Tensor Tensor(const json& j) {
  std::vector<float> data;
  for (double v : j["data"]) data.push_back(static_cast<float>(v));
  return torch::tensor(data).view(j["shape"].get<std::vector<int64_t>>());
}

torch::Tensor Ids(const json& j, int64_t b, int64_t t) {
  return torch::tensor(j.get<std::vector<int64_t>>(), torch::kLong).view({b, t});
}

void ExpectClose(const torch::Tensor& got, const torch::Tensor& want, double atol, double rtol, const std::string& what) {
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  double worst = (got - want).abs().sub(want.abs().mul(rtol)).max().item<double>();
  EXPECT_LE(worst, atol) << what << ": max |got - want| - rtol * |want| = " << worst;
}

class ModelReferenceTest : public ::testing::TestWithParam<LstmKernel> {
 protected:
  // The dump is made once for the suite (importing torch in Python takes seconds).
  static void SetUpTestSuite() {
    std::string out = ::testing::TempDir() + "/abcrnn_torch_reference.json";
    auto r = testing::RunCommand("/usr/bin/python3 " + testing::SourceDir() + "/tests/torch_reference_dump.py " + out, true);
    dump_error_ = r.out;
    no_torch_ = r.exit_code == 3 || r.exit_code == 127;  // the script's "no torch", or no python
    if (r.exit_code != 0) return;
    auto text = ReadFile(out);
    if (text.ok()) dump_ = new json(json::parse(*text));
  }
  static void TearDownTestSuite() {
    delete dump_;
    dump_ = nullptr;
  }

  void SetUp() override {
    if (no_torch_)
      GTEST_SKIP() << "/usr/bin/python3 with python3-torch absent: PyTorch reference test skipped";
    ASSERT_NE(dump_, nullptr) << "tests/torch_reference_dump.py failed: " << dump_error_;
    ref_ = *dump_;
    const json& c = ref_["config"];
    config_.vocab_size = c["vocab"];
    config_.embed = c["embed"];
    config_.hidden = c["hidden"];
    config_.layers = c["layers"];
    config_.dropout = 0;
    b_ = c["batch"];
    t_ = c["seq"];
    model_ = CharLSTM(config_, GetParam());
    std::vector<NamedTensor> w;
    for (const auto& [name, t] : ref_["weights"].items()) w.push_back(ToNamed(name, Tensor(t)));
    ASSERT_TRUE(ImportWeights(model_, w).ok());
  }

  static json* dump_;
  static std::string dump_error_;
  static bool no_torch_;
  json ref_;
  ModelConfig config_;
  int64_t b_ = 0, t_ = 0;
  CharLSTM model_{nullptr};
};

json* ModelReferenceTest::dump_ = nullptr;
std::string ModelReferenceTest::dump_error_;
bool ModelReferenceTest::no_torch_ = false;

TEST_P(ModelReferenceTest, ParameterNamesAndOrderArePyTorchs) {
  std::vector<std::string> names;
  for (const auto& w : ExportWeights(model_)) names.push_back(w.name);
  EXPECT_EQ(names, ref_["order"].get<std::vector<std::string>>());
}

TEST_P(ModelReferenceTest, ForwardLossAndCarriedStateMatchPyTorch) {
  auto [logits, state] = model_->forward(Ids(ref_["x"], b_, t_));
  ExpectClose(logits, Tensor(ref_["logits"]), 1e-5, 0, "logits");
  ExpectClose(std::get<0>(state), Tensor(ref_["h"]), 1e-5, 0, "h");
  ExpectClose(std::get<1>(state), Tensor(ref_["c"]), 1e-5, 0, "c");
  auto [logits2, unused] = model_->forward(Ids(ref_["x2"], b_, t_), state);
  ExpectClose(logits2, Tensor(ref_["logits2"]), 1e-5, 0, "logits after the carried state");
  auto loss = torch::nn::functional::cross_entropy(
      logits.view({-1, config_.vocab_size}), Ids(ref_["y"], b_, t_).view({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1));
  EXPECT_NEAR(loss.item<double>(), ref_["loss"].get<double>(), 1e-5);
}

TEST_P(ModelReferenceTest, GradientsAndOneClippedAdamStepMatchPyTorch) {
  torch::optim::Adam adam(model_->parameters(), torch::optim::AdamOptions(ref_["lr"].get<double>()));
  auto [logits, state] = model_->forward(Ids(ref_["x"], b_, t_));
  auto loss = torch::nn::functional::cross_entropy(
      logits.view({-1, config_.vocab_size}), Ids(ref_["y"], b_, t_).view({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1));
  loss.backward();
  for (const auto& p : model_->named_parameters())
    ExpectClose(p.value().grad(), Tensor(ref_["grads"][p.key()]), 1e-5, 1e-4, "gradient of " + p.key());
  double norm = torch::nn::utils::clip_grad_norm_(model_->parameters(), ref_["clip"].get<double>());
  EXPECT_NEAR(norm, ref_["grad_norm"].get<double>(), 1e-5);
  ASSERT_GT(norm, ref_["clip"].get<double>()) << "the reference must exercise clipping";
  adam.step();
  for (const auto& p : model_->named_parameters())
    ExpectClose(p.value(), Tensor(ref_["after_step"][p.key()]), 1e-5, 1e-4, "after one step: " + p.key());
}

INSTANTIATE_TEST_SUITE_P(Kernels, ModelReferenceTest,
                         ::testing::Values(LstmKernel::kFused, LstmKernel::kReference),
                         [](const ::testing::TestParamInfo<LstmKernel>& i) {
                           return i.param == LstmKernel::kFused ? "Fused" : "Reference";
                         });

}  // namespace
}  // namespace abcrnn
