// Specification of an ensemble of networks (NewModelEngine, checkpoint model.members): its logits
// are the log of the mean of the networks' distributions, computed here from each network's
// reference engine in double; a row's logits do not depend on its batch or the threads; a row's
// state is every network's, saved and restored whole; and the checkpoint gives back each network.
#include <gtest/gtest.h>

#include <cmath>

#include "abcrnn/abc/form_clock.h"
#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/infer/engine.h"
#include "abcrnn/infer/sampler.h"
#include "support/cells.h"
#include "support/reference_engine.h"

namespace abcrnn {
namespace {

using testing::NewReferenceSequence;
using testing::ReferenceSequence;

class EnsembleTest : public ::testing::TestWithParam<const char*> {  // the networks' cell
 protected:
  // `count` networks of one shape, each drawn from its own seed.
  std::vector<RnnWeights> Networks(int count, int form_clock = 0) const {
    ModelConfig c;
    c.vocab_size = 13;
    c.embed = 6;
    c.hidden = 20;
    c.layers = 2;
    c.form_clock = form_clock;
    c.architecture = GetParam();
    std::vector<RnnWeights> out;
    for (int k = 0; k < count; ++k) out.push_back(RandomRnnWeights(c, 100 + k, 1.5f));
    return out;
  }
  static std::unique_ptr<FastEngine> Engine(const std::vector<RnnWeights>& networks, int threads = 1,
                                            std::vector<double> shares = {}) {
    FastEngineOptions options;
    options.threads = threads;
    auto engine = NewModelEngine(networks, options, std::move(shares));
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    return std::move(engine).value();
  }
};

// log(sum_k w_k softmax(logits_k)) in double, from each network's logits; w_k = 1/K without shares.
std::vector<double> LogMeanSoftmax(const std::vector<std::vector<float>>& logits,
                                   const std::vector<double>& shares = {}) {
  const size_t V = logits[0].size();
  std::vector<double> mean(V, 0.0);
  for (size_t k = 0; k < logits.size(); ++k) {
    const auto& l = logits[k];
    const double w = shares.empty() ? 1.0 / logits.size() : shares[k];
    double z = 0;
    for (float x : l) z += std::exp(static_cast<double>(x));
    for (size_t v = 0; v < V; ++v) mean[v] += w * std::exp(static_cast<double>(l[v])) / z;
  }
  for (auto& m : mean) m = std::log(m);
  return mean;
}

// Equal shares (none given) and shares of their own: the logits are the log of the (weighted)
// mean of the networks' distributions, already normalised.
void ExpectLogOfTheMixture(const std::vector<RnnWeights>& networks, FastEngine* engine,
                           const std::vector<double>& shares) {
  const int rows = 4, steps = 30, V = 13;
  std::vector<std::vector<ReferenceSequence>> refs(rows);
  for (auto& r : refs)
    for (const auto& w : networks) r.push_back(NewReferenceSequence(w));
  FastEngine::Batch batch = engine->NewBatch(rows);
  Rng rng(3);
  std::vector<float> got(rows * V);
  std::vector<int> ids(rows);
  double worst = 0;
  for (int t = 0; t < steps; ++t) {
    for (int& id : ids) id = static_cast<int>(rng.Next() % V);
    engine->Step(ids.data(), rows, &batch, got.data());
    for (int b = 0; b < rows; ++b) {
      std::vector<std::vector<float>> each(networks.size(), std::vector<float>(V));
      for (size_t k = 0; k < networks.size(); ++k) refs[b][k](ids[b], each[k].data(), nullptr);
      const auto want = LogMeanSoftmax(each, shares);
      double total = 0;
      for (int v = 0; v < V; ++v) {
        worst = std::max(worst, std::abs(got[b * V + v] - want[v]));
        total += std::exp(static_cast<double>(got[b * V + v]));
      }
      EXPECT_NEAR(total, 1.0, 1e-5);  // already normalised: softmax of the logits is the mixture
    }
  }
  EXPECT_LT(worst, 1e-4);
  EXPECT_GT(worst, 0.0);  // computed, not copied from the reference
}

TEST_P(EnsembleTest, NetworksInSharesGiveTheLogOfTheWeightedMeanAndBadSharesAreRefused) {
  const auto networks = Networks(3);
  const std::vector<double> shares = {0.6, 0.3, 0.1};
  auto engine = Engine(networks, 1, shares);
  EXPECT_EQ(engine->config().member_weights, shares);
  ExpectLogOfTheMixture(networks, engine.get(), shares);
  // Not the equal mixture: the first step's logits differ from it.
  auto equal = Engine(networks);
  FastEngine::Batch a = engine->NewBatch(1), b = equal->NewBatch(1);
  std::vector<float> la(13), lb(13);
  const int id = 4;
  engine->Step(&id, 1, &a, la.data());
  equal->Step(&id, 1, &b, lb.data());
  EXPECT_NE(la, lb);
  for (const auto& bad : std::vector<std::vector<double>>{{0.5, 0.5}, {0.5, 0.6, -0.1}, {0.2, 0.2, 0.2}}) {
    auto r = NewModelEngine(networks, {}, bad);
    ASSERT_FALSE(r.ok()) << bad.size();
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find("ensemble weights: expected"), std::string::npos) << r.status().message();
  }
}

TEST_P(EnsembleTest, LogitsAreTheLogOfTheMeanOfTheNetworksDistributions) {
  const auto networks = Networks(3);
  auto engine = Engine(networks);
  EXPECT_EQ(engine->config().members, 3);
  EXPECT_EQ(engine->config().architecture, GetParam());
  EXPECT_TRUE(engine->config().member_weights.empty());
  ExpectLogOfTheMixture(networks, engine.get(), {});
}

TEST_P(EnsembleTest, OneNetworkIsItsOwnFastEngineBitForBit) {
  const auto networks = Networks(1);
  auto one = Engine(networks);
  auto fast = testing::NewFast(networks[0]);
  EXPECT_EQ(one->config().members, 1);
  FastEngine::Batch a = one->NewBatch(2), b = fast->NewBatch(2);
  std::vector<float> la(2 * 13), lb(2 * 13);
  for (int t = 0; t < 12; ++t) {
    const int ids[2] = {t % 13, (5 * t) % 13};
    one->Step(ids, 2, &a, la.data());
    fast->Step(ids, 2, &b, lb.data());
    ASSERT_EQ(la, lb) << t;
  }
}

TEST_P(EnsembleTest, ARowsLogitsAreBitIdenticalAloneInABatchAndWithTwoThreads) {
  const auto networks = Networks(2, /*form_clock=*/3);
  auto alone_engine = Engine(networks);
  auto threaded = Engine(networks, 2);
  const int rows = 5, V = 13;
  FastEngine::Batch alone = alone_engine->NewBatch(1), many = threaded->NewBatch(rows);
  Rng rng(9);
  std::vector<float> one(V), all(rows * V);
  std::vector<int> ids(rows), clock(rows * abc::kFormClockFields);
  for (int t = 0; t < 25; ++t) {
    for (int& id : ids) id = static_cast<int>(rng.Next() % V);
    for (int b = 0; b < rows; ++b) {
      const auto c = abc::HeaderClock();
      for (int f = 0; f < abc::kFormClockFields; ++f) clock[b * abc::kFormClockFields + f] = c[f];
    }
    threaded->Step(ids.data(), rows, &many, all.data(), clock.data());
    alone_engine->Step(&ids[2], 1, &alone, one.data(), &clock[2 * abc::kFormClockFields]);
    ASSERT_TRUE(std::equal(one.begin(), one.end(), all.begin() + 2 * V)) << "step " << t;
  }
}

TEST_P(EnsembleTest, ARowsStateIsEveryNetworksSavedAndRestoredWhole) {
  const auto networks = Networks(2);
  auto engine = Engine(networks);
  auto single = testing::NewFast(networks[0]);
  FastEngine::Batch batch = engine->NewBatch(3), one = single->NewBatch(1);
  std::vector<float> logits(3 * 13), again(3 * 13);
  int ids[3] = {1, 2, 3};
  for (int t = 0; t < 6; ++t) engine->Step(ids, 3, &batch, logits.data());
  const std::vector<float> saved = engine->SaveRow(batch, 1);
  EXPECT_EQ(saved.size(), 2 * single->SaveRow(one, 0).size());
  engine->Step(ids, 3, &batch, logits.data());  // row 1 moves on ...
  engine->LoadRow(&batch, 0, saved);             // ... and row 0 takes its earlier state
  engine->CopyRow(&batch, 0, 2);
  const int next[3] = {4, 2, 4};
  engine->Step(next, 3, &batch, again.data());
  EXPECT_TRUE(std::equal(again.begin(), again.begin() + 13, again.begin() + 26));
  // Rows 0 and 1 both from the saved state, row 2 from nothing: rows 0 and 1 give what row 0 gave
  // from that state with the same symbol, row 2 something else.
  engine->LoadRow(&batch, 0, saved);
  engine->LoadRow(&batch, 1, saved);
  engine->ResetRow(&batch, 2);
  const int same[3] = {4, 4, 4};
  engine->Step(same, 3, &batch, logits.data());
  EXPECT_TRUE(std::equal(logits.begin(), logits.begin() + 13, again.begin()));
  EXPECT_TRUE(std::equal(logits.begin(), logits.begin() + 13, logits.begin() + 13));
  EXPECT_FALSE(std::equal(logits.begin(), logits.begin() + 13, logits.begin() + 26));
}

TEST_P(EnsembleTest, ACheckpointGivesBackEachNetworkAndAPlainReaderRefusesIt) {
  const auto networks = Networks(3);
  Checkpoint ckpt;
  ckpt.vocab = Vocab::Build({"abcdefghz|:"});
  ASSERT_EQ(ckpt.vocab.size(), 13);
  ckpt.model = networks[0].config;
  ckpt.model.members = 3;
  for (int k = 0; k < 3; ++k)
    for (auto& t : RnnWeightsToTensors(networks[k], k)) ckpt.weights.push_back(std::move(t));
  ASSERT_TRUE(ValidateCheckpoint(ckpt).ok()) << ValidateCheckpoint(ckpt).message();
  auto plain = RnnWeightsFromCheckpoint(ckpt);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(plain.status().message().find("ensemble of 3 networks"), std::string::npos);
  auto back = NetworkWeightsFromCheckpoint(std::move(ckpt));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 3u);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ((*back)[k].config.members, 1);
    EXPECT_EQ((*back)[k].w_hh, networks[k].w_hh) << k;
    EXPECT_EQ((*back)[k].head_b, networks[k].head_b) << k;
    EXPECT_EQ((*back)[k].embed, networks[k].embed) << k;
  }
}

TEST_P(EnsembleTest, NetworksOfAnotherVocabularyOrClockAreRefused) {
  auto networks = Networks(2);
  networks[1].config.form_clock = 3;
  auto engine = NewModelEngine(networks);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(engine.status().message().find("ensemble network 1"), std::string::npos) << engine.status().message();
  EXPECT_FALSE(NewModelEngine({}).ok());
}

ABCRNN_FOR_EVERY_CELL(EnsembleTest);

}  // namespace
}  // namespace abcrnn
