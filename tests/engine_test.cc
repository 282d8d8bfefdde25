// Specification of the inference engines of every cell (LSTM, GRU): the fast batched engine equals
// the reference loop, and a sequence's logits do not depend on its batch, its row or the thread
// count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "abcrnn/abc/form_clock.h"
#include "abcrnn/infer/engine.h"
#include "abcrnn/infer/sampler.h"
#include "infer/kernels.h"
#include "support/cells.h"
#include "support/reference_engine.h"

namespace abcrnn {
namespace {

using testing::NewFast;
using testing::NewReferenceSequence;
using testing::ReferenceSequence;

// The tests are run for every cell, their parameter.
class EngineTest : public ::testing::TestWithParam<const char*> {
 protected:
  ModelConfig Config(int vocab, int embed, int hidden, int layers) const {
    ModelConfig c;
    c.vocab_size = vocab;
    c.embed = embed;
    c.hidden = hidden;
    c.layers = layers;
    c.architecture = GetParam();
    return c;
  }
};

// A random id sequence per row, fixed by `seed`.
std::vector<std::vector<int>> RandomIds(int rows, int steps, int vocab, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<int>> ids(rows, std::vector<int>(steps));
  for (auto& row : ids)
    for (auto& id : row) id = static_cast<int>(rng.Next() % vocab);
  return ids;
}

// Largest |fast - ref| / max(1, |ref|) over every logit of every step.
double MaxRelativeGap(const ModelConfig& c, float scale, int rows, int steps, int threads) {
  RnnWeights w = RandomRnnWeights(c, 7, scale);
  std::vector<ReferenceSequence> refs;
  for (int b = 0; b < rows; ++b) refs.push_back(NewReferenceSequence(w));
  auto fast_engine = NewFast(w, threads);
  const FastEngine& fast = *fast_engine;
  auto ids = RandomIds(rows, steps, c.vocab_size, 11);
  FastEngine::Batch batch = fast.NewBatch(rows);
  std::vector<float> got(static_cast<size_t>(rows) * c.vocab_size), want(c.vocab_size);
  std::vector<int> step_ids(rows);
  double worst = 0;
  for (int t = 0; t < steps; ++t) {
    for (int b = 0; b < rows; ++b) step_ids[b] = ids[b][t];
    fast.Step(step_ids.data(), rows, &batch, got.data());
    for (int b = 0; b < rows; ++b) {
      refs[b](ids[b][t], want.data(), nullptr);
      for (int v = 0; v < c.vocab_size; ++v)
        worst = std::max(worst, std::abs(double(got[b * c.vocab_size + v]) - want[v]) /
                                    std::max(1.0, std::abs(double(want[v]))));
    }
  }
  return worst;
}

TEST_P(EngineTest, FastEqualsReferenceForOneSequenceOverManySteps) {
  EXPECT_LE(MaxRelativeGap(Config(40, 16, 32, 2), 1.0f, 1, 400, 1), 1e-5);
}

TEST_P(EngineTest, FastEqualsReferenceForABatchOfSequences) {
  // 7 rows: one 4-row tile plus 3 single rows; hidden 13 makes 4H = 52, not a whole panel.
  EXPECT_LE(MaxRelativeGap(Config(29, 5, 13, 3), 1.0f, 7, 300, 1), 1e-5);
  EXPECT_LE(MaxRelativeGap(Config(50, 24, 40, 1), 1.0f, 9, 200, 1), 1e-5);
}

TEST_P(EngineTest, FastEqualsReferenceWithLargeWeightsThatSaturateTheGates) {
  EXPECT_LE(MaxRelativeGap(Config(30, 8, 24, 2), 4.0f, 5, 200, 1), 1e-5);
}

TEST_P(EngineTest, FastEqualsReferenceWithTwoThreads) {
  EXPECT_LE(MaxRelativeGap(Config(33, 16, 48, 2), 1.0f, 6, 150, 2), 1e-5);
}

// Runs `rows` sequences together for `steps` and returns all their logits (steps, rows, V).
std::vector<float> RunBatch(const FastEngine& fast, const std::vector<std::vector<int>>& ids, int steps) {
  const int rows = static_cast<int>(ids.size()), V = fast.config().vocab_size;
  FastEngine::Batch batch = fast.NewBatch(rows);
  std::vector<float> all, logits(static_cast<size_t>(rows) * V);
  std::vector<int> step_ids(rows);
  for (int t = 0; t < steps; ++t) {
    for (int b = 0; b < rows; ++b) step_ids[b] = ids[b][t];
    fast.Step(step_ids.data(), rows, &batch, logits.data());
    all.insert(all.end(), logits.begin(), logits.end());
  }
  return all;
}

TEST_P(EngineTest, SequenceLogitsAreBitIdenticalAloneInABatchAndWithTwoThreads) {
  ModelConfig c = Config(37, 12, 40, 2);
  RnnWeights w = RandomRnnWeights(c, 3);
  auto one_engine = NewFast(w, 1), two_engine = NewFast(w, 2);
  const FastEngine &one = *one_engine, &two = *two_engine;
  auto ids = RandomIds(11, 120, c.vocab_size, 5);
  const int V = c.vocab_size;
  auto batched = RunBatch(one, ids, 120);
  auto batched2 = RunBatch(two, ids, 120);
  EXPECT_EQ(0, std::memcmp(batched.data(), batched2.data(), batched.size() * sizeof(float)));
  for (int row : {0, 3, 4, 10}) {  // in a 4-row tile, and a leftover single row
    auto alone = RunBatch(one, {ids[row]}, 120);
    for (int t = 0; t < 120; ++t)
      ASSERT_EQ(0, std::memcmp(&alone[static_cast<size_t>(t) * V],
                               &batched[(static_cast<size_t>(t) * 11 + row) * V], V * sizeof(float)))
          << "row " << row << " step " << t;
  }
}

TEST_P(EngineTest, ManyRowsSplitOverThreadsByRowsGiveTheSameBits) {
  // Enough rows for each thread to take whole rows through the step (infer/fast_step.h), with row
  // counts that do not divide evenly, against one thread.
  ModelConfig c = Config(37, 12, 40, 2);
  RnnWeights w = RandomRnnWeights(c, 4);
  auto one = NewFast(w, 1);
  for (int rows : {32, 50, 67}) {
    auto ids = RandomIds(rows, 40, c.vocab_size, rows);
    auto expected = RunBatch(*one, ids, 40);
    for (int threads : {2, 3}) {
      auto got = RunBatch(*NewFast(w, threads), ids, 40);
      EXPECT_EQ(0, std::memcmp(expected.data(), got.data(), expected.size() * sizeof(float)))
          << rows << " rows, " << threads << " threads";
    }
  }
  EXPECT_LE(MaxRelativeGap(Config(33, 16, 48, 3), 1.0f, 40, 100, 2), 1e-5);
}

TEST_P(EngineTest, CopyRowAndResetRowMoveWholeStates) {
  ModelConfig c = Config(20, 6, 16, 2);
  auto engine = NewFast(RandomRnnWeights(c, 9), 1);
  const FastEngine& fast = *engine;
  FastEngine::Batch batch = fast.NewBatch(3);
  std::vector<float> logits(3 * 20), fresh(20), moved(20);
  int ids[3] = {4, 5, 6};
  fast.Step(ids, 3, &batch, logits.data());
  fast.Step(ids, 3, &batch, logits.data());
  // Row 2's state copied to row 0 then stepped alone equals row 2 stepped.
  fast.CopyRow(&batch, 2, 0);
  fast.ResetRow(&batch, 1);
  int next[2] = {7, 7};
  fast.Step(next, 2, &batch, logits.data());
  FastEngine::Batch ref = fast.NewBatch(1);
  for (int id : {6, 6, 7}) fast.Step(&id, 1, &ref, moved.data());
  EXPECT_EQ(0, std::memcmp(moved.data(), logits.data(), 20 * sizeof(float)));
  FastEngine::Batch zero = fast.NewBatch(1);
  int seven = 7;
  fast.Step(&seven, 1, &zero, fresh.data());
  EXPECT_EQ(0, std::memcmp(fresh.data(), logits.data() + 20, 20 * sizeof(float)));
}

TEST(KernelTest, ExpApproxIsWithinFourUlpOfExp) {
  double worst = 0;
  for (float x = -87.0f; x < 88.0f; x += 0.01357f)
    worst = std::max(worst, std::abs(double(infer::ExpApprox(x)) / std::exp(double(x)) - 1.0));
  EXPECT_LE(worst, 4 * 5.97e-8);
  EXPECT_EQ(infer::ExpApprox(0.0f), 1.0f);
}

// The kernels this CPU runs besides the scalar one (which every other is compared with).
std::vector<infer::Kernel> VectorKernels() {
  std::vector<infer::Kernel> out;
  for (infer::Kernel k : {infer::Kernel::kAvx2, infer::Kernel::kAvx512})
    if (infer::CpuRuns(k)) out.push_back(k);
  return out;
}

TEST(KernelTest, EveryKernelThisCpuRunsGivesTheScalarBits) {
  const std::vector<infer::Kernel> kernels = VectorKernels();
  if (kernels.empty()) GTEST_SKIP() << "CPU without AVX2+FMA or AVX-512: only the scalar path runs";
  Rng rng(1);
  // Row counts around every tile height (6 for AVX2, 8 for AVX-512, a lone row going wide), and
  // every range of panels [p0, p1) of 9: every group size (1 to 3 for AVX-512) and every width of
  // a wide pass (1 to 8 panels).
  const int rows = 8 * infer::kPanel + 5, cols = 77;
  std::vector<float> w(rows * cols);
  for (auto& v : w) v = static_cast<float>(rng.Normal());
  const infer::PackedMatrix m = infer::PackRows(w.data(), rows, cols);
  ASSERT_EQ(m.panels, 9);
  const int ld = m.panels * infer::kPanel + 3;  // a row stride that is not a multiple of the panel
  for (int n : {1, 2, 5, 6, 7, 8, 9, 13, 17, 64}) {
    std::vector<float> x(n * (cols + 1));
    for (auto& v : x) v = static_cast<float>(rng.Normal());
    for (int p0 = 0; p0 < m.panels; ++p0)
    for (int p1 = p0 + 1; p1 <= m.panels; ++p1) {
      std::vector<float> want(n * ld, 0.5f);
      infer::GemmAccumulate(m, x.data(), cols + 1, n, want.data(), ld, p0, p1, infer::Kernel::kScalar);
      for (infer::Kernel k : kernels) {
        std::vector<float> got(n * ld, 0.5f);
        infer::GemmAccumulate(m, x.data(), cols + 1, n, got.data(), ld, p0, p1, k);
        ASSERT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float)))
            << infer::KernelName(k) << ", " << n << " rows, panels [" << p0 << ", " << p1 << ")";
      }
      // Each value is the product within float rounding, and columns outside [p0, p1) are untouched.
      for (int r = 0; r < n; ++r)
        for (int j = 0; j < ld; ++j) {
          const bool inside = j >= p0 * infer::kPanel && j < p1 * infer::kPanel;
          double s = 0.5;
          if (inside && j < rows)
            for (int k = 0; k < cols; ++k) s += double(x[r * (cols + 1) + k]) * w[j * cols + k];
          ASSERT_NEAR(want[r * ld + j], s, 1e-4) << "row " << r << " column " << j;
        }
    }
  }
}

TEST(KernelTest, KernelsAreChosenByNameAndRefusedWhenTheCpuLacksThem) {
  infer::Kernel k;
  std::string error;
  ASSERT_TRUE(infer::ParseKernel("", &k, &error));
  EXPECT_EQ(k, infer::BestKernel());
  ASSERT_TRUE(infer::ParseKernel("scalar", &k, &error));
  EXPECT_EQ(k, infer::Kernel::kScalar);
  EXPECT_FALSE(infer::ParseKernel("sse9", &k, &error));
  EXPECT_NE(error.find("unknown kernel 'sse9'"), std::string::npos) << error;
  for (infer::Kernel want : {infer::Kernel::kAvx2, infer::Kernel::kAvx512}) {
    error.clear();
    EXPECT_EQ(infer::ParseKernel(infer::KernelName(want), &k, &error), infer::CpuRuns(want));
    if (!infer::CpuRuns(want)) {
      EXPECT_NE(error.find("lacks"), std::string::npos) << error;
    }
  }
  // The best kernel is one the CPU runs, and none it runs is better.
  EXPECT_TRUE(infer::CpuRuns(infer::BestKernel()));
  if (infer::CpuRuns(infer::Kernel::kAvx512)) {
    EXPECT_EQ(infer::BestKernel(), infer::Kernel::kAvx512);
  }
}

TEST(KernelTest, Bf16ProductsAreTheSameChainsOfTheRoundedWeightsOnEveryPath) {
  Rng rng(2);
  const int rows = 8 * infer::kPanel + 5, cols = 77, n = 9;
  std::vector<float> w(rows * cols), x(n * cols);
  for (auto& v : w) v = static_cast<float>(rng.Normal());
  for (auto& v : x) v = static_cast<float>(rng.Normal());
  // Rounding to the nearest bfloat16, ties to even: 1 + 2^-8 is a tie (to 1), 1 + 3*2^-8 rounds up.
  EXPECT_EQ(infer::FromBf16(infer::ToBf16(1.0f + 1.0f / 256)), 1.0f);
  EXPECT_EQ(infer::FromBf16(infer::ToBf16(1.0f + 3.0f / 256)), 1.0f + 4.0f / 256);
  EXPECT_EQ(infer::FromBf16(infer::ToBf16(-2.5f)), -2.5f);
  std::vector<float> rounded(w.size());
  for (size_t i = 0; i < w.size(); ++i) rounded[i] = infer::FromBf16(infer::ToBf16(w[i]));
  const infer::PackedMatrix half = infer::PackRows(w.data(), rows, cols, WeightPrecision::kBf16);
  const infer::PackedMatrix full = infer::PackRows(rounded.data(), rows, cols);
  ASSERT_TRUE(half.precision == WeightPrecision::kBf16 && half.data.empty());
  const int ld = half.panels * infer::kPanel;
  std::vector<float> want(n * ld, 0.5f);
  infer::GemmAccumulate(full, x.data(), cols, n, want.data(), ld, 0, full.panels, infer::Kernel::kScalar);
  std::vector<infer::Kernel> kernels = VectorKernels();
  kernels.push_back(infer::Kernel::kScalar);
  for (infer::Kernel k : kernels) {
    std::vector<float> got(n * ld, 0.5f);
    infer::GemmAccumulate(half, x.data(), cols, n, got.data(), ld, 0, half.panels, k);
    EXPECT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float))) << infer::KernelName(k);
  }
}

// --precision int8: each row's scale is its largest weight / 127, each weight the nearest multiple
// of it, and every kernel computes the same chains: fma over the integers from 0, then
// y = fma(scale, acc, y). Batch 9 takes the tiles and a lone row; batch 1 the wide kernel alone.
TEST(KernelTest, Int8ProductsAreTheScaledChainsOfTheRoundedWeightsOnEveryPath) {
  Rng rng(3);
  const int rows = 8 * infer::kPanel + 5, cols = 77;
  std::vector<float> w(rows * cols);
  for (auto& v : w) v = static_cast<float>(rng.Normal());
  for (int k = 0; k < cols; ++k) w[3 * cols + k] = 0.0f;  // a row of zeros: scale 0, all q 0
  const infer::PackedMatrix m = infer::PackRows(w.data(), rows, cols, WeightPrecision::kInt8);
  ASSERT_TRUE(m.precision == WeightPrecision::kInt8 && m.data.empty() && m.bf16.empty());
  const int ld = m.panels * infer::kPanel;
  ASSERT_EQ(m.scale.size(), static_cast<size_t>(ld));
  auto q = [&](int j, int k) {
    return m.q[(static_cast<size_t>(j / infer::kPanel) * cols + k) * infer::kPanel + j % infer::kPanel];
  };
  for (int j = 0; j < rows; ++j) {
    float most = 0;
    int largest = 0;
    for (int k = 0; k < cols; ++k) {
      most = std::max(most, std::abs(w[j * cols + k]));
      largest = std::max(largest, std::abs(int{q(j, k)}));
      ASSERT_LE(std::abs(m.scale[j] * q(j, k) - w[j * cols + k]), m.scale[j] * 0.5f * 1.0001f) << j << " " << k;
    }
    EXPECT_EQ(m.scale[j], most / 127.0f) << j;
    EXPECT_EQ(largest, j == 3 ? 0 : 127) << j;
  }
  for (int j = rows; j < ld; ++j) EXPECT_EQ(m.scale[j], 0.0f);
  for (int n : {9, 1}) {
    std::vector<float> x(n * cols);
    for (auto& v : x) v = static_cast<float>(rng.Normal());
    std::vector<float> want(n * ld, 0.5f);
    for (int b = 0; b < n; ++b)
      for (int j = 0; j < ld; ++j) {
        float acc = 0;
        for (int k = 0; k < cols && j < rows; ++k) acc = std::fma(x[b * cols + k], static_cast<float>(q(j, k)), acc);
        want[b * ld + j] = std::fma(m.scale[j], acc, 0.5f);
      }
    std::vector<infer::Kernel> kernels = VectorKernels();
    kernels.push_back(infer::Kernel::kScalar);
    for (infer::Kernel k : kernels) {
      std::vector<float> got(n * ld, 0.5f);
      infer::GemmAccumulate(m, x.data(), cols, n, got.data(), ld, 0, m.panels, k);
      EXPECT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float)))
          << infer::KernelName(k) << ", " << n << " rows";
    }
  }
}

// The engine's logits are the same bits whatever product kernel runs, in float32, bfloat16 and
// int8, on one thread and two, and a kernel the CPU lacks is refused with its name.
TEST_P(EngineTest, EveryKernelThisCpuRunsGivesTheSameLogits) {
  ModelConfig c = Config(37, 12, 40, 2);
  RnnWeights w = RandomRnnWeights(c, 4);
  auto ids = RandomIds(37, 60, c.vocab_size, 6);  // 37 rows: two threads take rows, not panels
  for (WeightPrecision precision : {WeightPrecision::kFloat32, WeightPrecision::kBf16, WeightPrecision::kInt8}) {
    const auto want = RunBatch(*NewFast(w, 1, precision, "scalar"), ids, 60);
    // 5 rows: two threads split each product's panels; 37: they take rows.
    const std::vector<std::vector<int>> few(ids.begin(), ids.begin() + 5);
    const auto want_few = RunBatch(*NewFast(w, 1, precision, "scalar"), few, 60);
    for (infer::Kernel k : VectorKernels())
      for (int threads : {1, 2}) {
        auto engine = NewFast(w, threads, precision, infer::KernelName(k));
        EXPECT_EQ(engine->kernel(), infer::KernelName(k));
        const auto got = RunBatch(*engine, ids, 60);
        ASSERT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float)))
            << infer::KernelName(k) << ", " << threads << " threads, " << PrecisionName(precision);
        const auto got_few = RunBatch(*engine, few, 60);
        ASSERT_EQ(0, std::memcmp(want_few.data(), got_few.data(), want_few.size() * sizeof(float)))
            << infer::KernelName(k) << ", " << threads << " threads, 5 rows, " << PrecisionName(precision);
      }
  }
  EXPECT_EQ(NewFast(w)->kernel(), infer::KernelName(infer::BestKernel()));
  FastEngineOptions options;
  options.kernel = "avx1024";
  auto refused = NewFastEngine(w, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("unknown kernel 'avx1024'"), std::string::npos);
}

// --precision bf16 and int8: the engine with its weights so keeps the engine's contract (a row's
// logits do not depend on its batch or the threads) and stays near the float32 logits: bfloat16
// keeps 8 bits of mantissa, so each weight moves by at most 2^-9 of itself; int8 moves each by at
// most half its row's largest / 127 (PyTorch's random weights are uniform: about 0.4% of a typical
// weight). Largest relative logit gaps measured here: bf16 0.0003-0.0006, int8 0.0003-0.0012.
TEST_P(EngineTest, ReducedPrecisionWeightsGiveLogitsNearFloat32AndKeepTheContract) {
  for (WeightPrecision precision : {WeightPrecision::kBf16, WeightPrecision::kInt8}) {
    SCOPED_TRACE(PrecisionName(precision));
    ModelConfig c = Config(37, 12, 40, 2);
    RnnWeights w = RandomRnnWeights(c, 3);
    auto f32 = NewFast(w, 1), one = NewFast(w, 1, precision), two = NewFast(w, 2, precision);
    auto ids = RandomIds(11, 120, c.vocab_size, 5);
    auto exact = RunBatch(*f32, ids, 120), half = RunBatch(*one, ids, 120),
         half2 = RunBatch(*two, ids, 120);
    EXPECT_EQ(0, std::memcmp(half.data(), half2.data(), half.size() * sizeof(float)));
    auto alone = RunBatch(*one, {ids[4]}, 120);
    const int V = c.vocab_size;
    for (int t = 0; t < 120; ++t)
      ASSERT_EQ(0, std::memcmp(&alone[static_cast<size_t>(t) * V],
                               &half[(static_cast<size_t>(t) * 11 + 4) * V], V * sizeof(float)));
    double worst = 0;
    bool differs = false;
    for (size_t i = 0; i < exact.size(); ++i) {
      worst = std::max(
          worst, std::abs(double(half[i]) - exact[i]) / std::max(1.0, std::abs(double(exact[i]))));
      differs = differs || half[i] != exact[i];
    }
    EXPECT_TRUE(differs);  // the weights are rounded: not the float32 engine under another name
    EXPECT_LT(worst, 0.01) << "largest relative logit gap";
  }
}

TEST_P(EngineTest, ASavedRowStateLoadedAgainGivesTheSameLogitsInAnyRow) {
  // Strict generation goes back to an earlier point of a tune by saving and loading its row.
  ModelConfig c = Config(37, 12, 40, 2);
  RnnWeights w = RandomRnnWeights(c, 9);
  auto fast = NewFast(w, 1);
  const FastEngine& engine = *fast;
  const int V = c.vocab_size;
  FastEngine::Batch batch = engine.NewBatch(3);
  for (int r = 0; r < 3; ++r) engine.ResetRow(&batch, r);
  std::vector<int> in = {5, 7, 9};
  std::vector<float> logits(3 * V), first(3 * V), again(3 * V);
  for (int t = 0; t < 10; ++t) engine.Step(in.data(), 3, &batch, logits.data());
  const std::vector<float> saved = engine.SaveRow(batch, 1);
  std::vector<int> next = {2, 3, 4};
  engine.Step(next.data(), 3, &batch, first.data());
  for (int t = 0; t < 5; ++t) engine.Step(in.data(), 3, &batch, logits.data());  // the row moves on
  engine.LoadRow(&batch, 2, saved);  // row 1's saved state, into row 2
  std::vector<int> replay = {0, 0, 3};
  engine.Step(replay.data(), 3, &batch, again.data());
  EXPECT_EQ(0, std::memcmp(&first[1 * V], &again[2 * V], V * sizeof(float)));
}

// With a form clock: the fast engine adds the clock rows' products as the reference adds the rows
// to the embedding, and a row's logits stay those of its own ids and clocks whatever the batch.
TEST_P(EngineTest, FastEqualsReferenceWithAFormClockAndRowsStayIndependent) {
  for (int scheme = 1; scheme <= abc::kFormClockFinalScheme; ++scheme) {
    SCOPED_TRACE("form clock scheme " + std::to_string(scheme));
    ModelConfig c = Config(30, 12, 24, 2);
    c.form_clock = scheme;
    RnnWeights w = RandomRnnWeights(c, 5, 1.5f);
    auto fast_engine = NewFast(w, 1), fast2_engine = NewFast(w, 2);
    const FastEngine &fast = *fast_engine, &fast2 = *fast2_engine;
    const int rows = 3, steps = 120;
    auto ids = RandomIds(rows, steps, c.vocab_size, 2);
    Rng rng(9);
    constexpr int F = abc::kFormClockFields;
    std::vector<std::vector<int>> clocks(rows);
    for (auto& cl : clocks)
      for (int t = 0; t < steps; ++t)
        for (int r :
             {static_cast<int>(rng.Next() % 17), 17 + static_cast<int>(rng.Next() % 19),
              36 + static_cast<int>(rng.Next() % 5), 41 + static_cast<int>(rng.Next() % 13),
              54 + static_cast<int>(rng.Next() % 13)})
          cl.push_back(r);
    std::vector<ReferenceSequence> refs;
    for (int b = 0; b < rows; ++b) refs.push_back(NewReferenceSequence(w));
    FastEngine::Batch batch = fast.NewBatch(rows), alone = fast2.NewBatch(1);
    std::vector<float> got(rows * c.vocab_size), want(c.vocab_size), single(c.vocab_size),
        no_clock(c.vocab_size);
    ReferenceSequence plain = NewReferenceSequence(w);
    double worst = 0, clock_effect = 0;
    for (int t = 0; t < steps; ++t) {
      std::vector<int> step_ids(rows), step_clock;
      for (int b = 0; b < rows; ++b) {
        step_ids[b] = ids[b][t];
        step_clock.insert(step_clock.end(), clocks[b].begin() + F * t,
                          clocks[b].begin() + F * t + F);
      }
      fast.Step(step_ids.data(), rows, &batch, got.data(), step_clock.data());
      fast2.Step(&ids[2][t], 1, &alone, single.data(), &clocks[2][F * t]);
      EXPECT_EQ(0, std::memcmp(single.data(), &got[2 * c.vocab_size], sizeof(float) * c.vocab_size))
          << "step " << t;
      for (int b = 0; b < rows; ++b) {
        refs[b](ids[b][t], want.data(), &clocks[b][F * t]);
        for (int v = 0; v < c.vocab_size; ++v)
          worst = std::max(worst, std::abs(double(got[b * c.vocab_size + v]) - want[v]) /
                                      std::max(1.0, std::abs(double(want[v]))));
        if (b == 0) {  // the same ids with the header's clock throughout: other logits
          plain(ids[0][t], no_clock.data(), nullptr);
          for (int v = 0; v < c.vocab_size; ++v)
            clock_effect = std::max(clock_effect, std::abs(double(no_clock[v]) - want[v]));
        }
      }
    }
    EXPECT_LE(worst, 1e-5);
    EXPECT_GT(clock_effect, 0.1);  // the clock reaches the logits
  }
}

ABCRNN_FOR_EVERY_CELL(EngineTest);

TEST(EngineChoiceTest, TheFastEngineIsChosenByTheArchitectureNameAndAnUnknownOneIsRefused) {
  // Each cell's engine gives its reference's logits: the name chose the engine.
  for (const char* cell : {"lstm", "gru"}) {
    ModelConfig c{12, 4, 8, 2, 0.0f, 0, cell};
    RnnWeights w = RandomRnnWeights(c, 1);
    auto engine = NewFastEngine(w);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    FastEngine::Batch batch = (*engine)->NewBatch(1);
    ReferenceSequence ref = NewReferenceSequence(w);
    std::vector<float> got(12), want(12);
    for (int id : {0, 5, 7, 3}) {
      (*engine)->Step(&id, 1, &batch, got.data());
      ref(id, want.data(), nullptr);
      for (int v = 0; v < 12; ++v) EXPECT_NEAR(got[v], want[v], 1e-5) << cell;
    }
  }
  ModelConfig c{12, 4, 8, 1, 0.0f, 0, "lstm"};
  RnnWeights w = RandomRnnWeights(c, 1);
  w.config.architecture = "transformer";
  auto unknown = NewFastEngine(w);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(unknown.status().message().find("'transformer'"), std::string::npos) << unknown.status().message();
}

}  // namespace
}  // namespace abcrnn
