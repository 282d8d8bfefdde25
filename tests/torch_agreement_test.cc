// Specification: the LSTM engines agree with PyTorch (Debian's python3-torch running
// tests/torch_reference_dump.py on the same checkpoint file) within 1e-4 over 1,200 steps.
// Skips, saying so, when python3-torch is absent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/infer/lstm.h"
#include "abcrnn/infer/sampler.h"
#include "support/paths.h"

namespace abcrnn {
namespace {
namespace fs = std::filesystem;

bool HaveTorch() {
  return testing::RunCommand("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1").exit_code == 0;
}

// Writes a checkpoint of shape (layers, hidden, embed) with random weights, runs PyTorch on `steps`
// random ids, and returns the largest |engine - torch| / max(1, |torch|) of both engines.
void CompareWithTorch(int layers, int hidden, int embed, float scale, int steps) {
  const fs::path dir = fs::temp_directory_path() / ("abcrnn_torch_agree_" + std::to_string(getpid()));
  fs::create_directories(dir);
  Checkpoint c;
  c.vocab = Vocab::Build({"M:6/8\nL:1/8\nK:Dmix\n|:ABc dBG|A2B c3:|\"Am\"efg^f=e_d,'(3z>2\n"});
  c.model = {c.vocab.size(), embed, hidden, layers, 0.0f};
  LstmWeights w = RandomLstmWeights(c.model, 21, scale);
  c.weights = LstmWeightsToTensors(w);
  ASSERT_TRUE(WriteCheckpoint((dir / "m.ckpt").string(), c).ok());
  Rng rng(4);
  std::vector<int> ids = {Vocab::kBos};
  while (static_cast<int>(ids.size()) < steps) ids.push_back(2 + static_cast<int>(rng.Next() % (c.vocab.size() - 2)));
  {
    std::ofstream out(dir / "ids.txt");
    for (int id : ids) out << id << ' ';
  }
  auto r = testing::RunCommand("/usr/bin/python3 " + testing::SourceDir() + "/tests/torch_reference_dump.py " +
                                   (dir / "m.ckpt").string() + " " + (dir / "ids.txt").string() + " " +
                                   (dir / "logits.f32").string(), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const int V = c.vocab.size();
  std::vector<float> torch_logits(static_cast<size_t>(steps) * V);
  std::ifstream in(dir / "logits.f32", std::ios::binary);
  in.read(reinterpret_cast<char*>(torch_logits.data()), torch_logits.size() * sizeof(float));
  ASSERT_EQ(in.gcount(), static_cast<std::streamsize>(torch_logits.size() * sizeof(float)));
  fs::remove_all(dir);

  ReferenceLstm ref(w);
  FastLstm fast(w);
  auto state = ref.InitialState();
  FastLstm::Batch batch = fast.NewBatch(1);
  std::vector<float> a(V), b(V);
  double worst_ref = 0, worst_fast = 0, largest = 0;
  for (int t = 0; t < steps; ++t) {
    ref.Step(ids[t], &state, a.data());
    fast.Step(&ids[t], 1, &batch, b.data());
    for (int v = 0; v < V; ++v) {
      const double want = torch_logits[static_cast<size_t>(t) * V + v];
      const double scale_v = std::max(1.0, std::abs(want));
      worst_ref = std::max(worst_ref, std::abs(a[v] - want) / scale_v);
      worst_fast = std::max(worst_fast, std::abs(b[v] - want) / scale_v);
      largest = std::max(largest, std::abs(want));
    }
  }
  EXPECT_LE(worst_ref, 1e-4);
  EXPECT_LE(worst_fast, 1e-4);
  EXPECT_GT(largest, 0.5) << "logits too small to be a meaningful comparison";
  std::printf("layers %d hidden %d: largest |logit| %.3f, worst gap reference %.2e, fast %.2e\n", layers,
              hidden, largest, worst_ref, worst_fast);
}

TEST(TorchAgreementTest, EnginesMatchPyTorchOver1200StepsTwoLayers) {
  if (!HaveTorch()) GTEST_SKIP() << "python3-torch is not installed: PyTorch agreement not checked";
  CompareWithTorch(2, 64, 32, 2.0f, 1200);
}

TEST(TorchAgreementTest, EnginesMatchPyTorchWithLargeWeightsThreeLayers) {
  if (!HaveTorch()) GTEST_SKIP() << "python3-torch is not installed: PyTorch agreement not checked";
  CompareWithTorch(3, 40, 16, 3.0f, 1000);
}

}  // namespace
}  // namespace abcrnn
