// Specification: the engines of every cell agree with PyTorch (Debian's python3-torch running
// tests/torch_logits_dump.py on the same checkpoint file: torch.nn.LSTM or torch.nn.GRU) within
// 1e-4 over 1,200 steps.
// Skips, saying so, when python3-torch is absent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "abcrnn/abc/form_clock.h"
#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/infer/engine.h"
#include "abcrnn/infer/sampler.h"
#include "support/paths.h"
#include "support/reference_engine.h"

namespace abcrnn {
namespace {
namespace fs = std::filesystem;

bool HaveTorch() {
  return testing::RunCommand("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1").exit_code == 0;
}

struct Case {
  int layers, hidden, embed;
  float scale;
  int steps;
  int form_clock = 0;  // the model's form clock scheme (0: none), fed random rows of each field
  const char* cell = "lstm";  // the architecture
};

// Writes a checkpoint per case with random weights and random ids, runs PyTorch on all of them in
// one Python process, and checks both engines against its logits: |engine - torch| / max(1, |torch|)
// <= 1e-4 at every step.
void CompareWithTorch(const std::vector<Case>& cases) {
  const fs::path dir = fs::temp_directory_path() / ("abcrnn_torch_agree_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::vector<Checkpoint> models;
  std::vector<RnnWeights> weights;
  std::vector<std::vector<int>> sequences;
  std::vector<std::vector<int>> clocks;  // per case: abc::kFormClockFields rows per step, or empty
  std::string command = "/usr/bin/python3 " + testing::SourceDir() + "/tests/torch_logits_dump.py";
  for (size_t k = 0; k < cases.size(); ++k) {
    const Case& cs = cases[k];
    Checkpoint c;
    c.vocab = Vocab::Build({"M:6/8\nL:1/8\nK:Dmix\n|:ABc dBG|A2B c3:|\"Am\"efg^f=e_d,'(3z>2\n"});
    c.model = {c.vocab.size(), cs.embed, cs.hidden, cs.layers, 0.0f};
    c.model.form_clock = cs.form_clock;
    c.model.architecture = cs.cell;
    weights.push_back(RandomRnnWeights(c.model, 21 + k, cs.scale));
    c.weights = RnnWeightsToTensors(weights.back());
    const std::string stem = (dir / std::to_string(k)).string();
    ASSERT_TRUE(WriteCheckpoint(stem + ".ckpt", c).ok());
    Rng rng(4 + k);
    std::vector<int> ids = {Vocab::kBos};
    while (static_cast<int>(ids.size()) < cs.steps) ids.push_back(2 + static_cast<int>(rng.Next() % (c.vocab.size() - 2)));
    std::ofstream out(stem + ".ids");
    for (int id : ids) out << id << ' ';
    sequences.push_back(ids);
    clocks.emplace_back();
    if (cs.form_clock) {
      // Rows 0..16 bars written, 17..35 bars left, 36..40 parts left, 41..53 the type, 54..66 the
      // final (abc/form_clock.h); a scheme 1 model reads the first three, scheme 2 the first four.
      std::ofstream clock_out(stem + ".ids.clock");
      for (int t = 0; t < cs.steps; ++t) {
        const int rows[abc::kFormClockFields] = {
            static_cast<int>(rng.Next() % 17), 17 + static_cast<int>(rng.Next() % 19),
            36 + static_cast<int>(rng.Next() % 5), 41 + static_cast<int>(rng.Next() % 13),
            54 + static_cast<int>(rng.Next() % 13)};
        for (int r : rows) {
          clocks.back().push_back(r);
          clock_out << r << ' ';
        }
      }
    }
    models.push_back(std::move(c));
    command += " " + stem + ".ckpt " + stem + ".ids " + stem + ".f32";
  }
  auto r = testing::RunCommand(command, true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (size_t k = 0; k < cases.size(); ++k) {
    const Case& cs = cases[k];
    const std::vector<int>& ids = sequences[k];
    const int V = models[k].vocab.size(), steps = cs.steps;
    std::vector<float> torch_logits(static_cast<size_t>(steps) * V);
    std::ifstream in(dir / (std::to_string(k) + ".f32"), std::ios::binary);
    in.read(reinterpret_cast<char*>(torch_logits.data()), torch_logits.size() * sizeof(float));
    ASSERT_EQ(in.gcount(), static_cast<std::streamsize>(torch_logits.size() * sizeof(float)));
    testing::ReferenceSequence ref = testing::NewReferenceSequence(weights[k]);
    auto fast = testing::NewFast(weights[k]);
    FastEngine::Batch batch = fast->NewBatch(1);
    std::vector<float> a(V), b(V);
    double worst_ref = 0, worst_fast = 0, largest = 0;
    for (int t = 0; t < steps; ++t) {
      const int* clock = clocks[k].empty() ? nullptr : &clocks[k][abc::kFormClockFields * t];
      ref(ids[t], a.data(), clock);
      fast->Step(&ids[t], 1, &batch, b.data(), clock);
      for (int v = 0; v < V; ++v) {
        const double want = torch_logits[static_cast<size_t>(t) * V + v];
        const double scale_v = std::max(1.0, std::abs(want));
        worst_ref = std::max(worst_ref, std::abs(a[v] - want) / scale_v);
        worst_fast = std::max(worst_fast, std::abs(b[v] - want) / scale_v);
        largest = std::max(largest, std::abs(want));
      }
    }
    EXPECT_LE(worst_ref, 1e-4) << "case " << k;
    EXPECT_LE(worst_fast, 1e-4) << "case " << k;
    EXPECT_GT(largest, 0.5) << "case " << k << ": logits too small to be a meaningful comparison";
    std::printf(
        "%s layers %d hidden %d, form clock scheme %d, %d steps: largest |logit| %.3f, worst gap "
        "reference %.2e, fast %.2e\n",
        cs.cell, cs.layers, cs.hidden, cs.form_clock, steps, largest, worst_ref, worst_fast);
  }
  fs::remove_all(dir);
}

TEST(TorchAgreementTest, EnginesMatchPyTorchOver1200Steps) {
  if (!HaveTorch()) GTEST_SKIP() << "python3-torch is not installed: PyTorch agreement not checked";
  // Two layers, and three layers with large weights that saturate the gates.
  CompareWithTorch({{2, 64, 32, 2.0f, 1200}, {3, 40, 16, 3.0f, 1000}});
}

TEST(TorchAgreementTest, GruEnginesMatchTorchNnGruOver1200Steps) {
  if (!HaveTorch()) GTEST_SKIP() << "python3-torch is not installed: PyTorch agreement not checked";
  // One, two and three layers; hidden sizes that are and are not whole panels (3H = 192, 120, 39);
  // large weights that saturate the gates; a form clock.
  CompareWithTorch({{2, 64, 32, 2.0f, 1200, 0, "gru"},
                    {3, 40, 16, 3.0f, 1000, 0, "gru"},
                    {1, 13, 5, 1.0f, 600, 0, "gru"},
                    {2, 64, 32, 2.0f, 800, 2, "gru"}});
}

TEST(TorchAgreementTest, EnginesWithAFormClockMatchPyTorch) {
  if (!HaveTorch()) GTEST_SKIP() << "python3-torch is not installed: PyTorch agreement not checked";
  CompareWithTorch({{2, 64, 32, 2.0f, 800, 1}, {2, 64, 32, 2.0f, 800, 2}, {2, 64, 32, 2.0f, 800, 3}});
}

}  // namespace
}  // namespace abcrnn
