// Specification of the sampler: the portable generator's fixed outputs, and temperature, top-k and
// top-p distributions checked against tables computed by hand.
#include "abcrnn/infer/sampler.h"

#include <gtest/gtest.h>

#include <cmath>

namespace abcrnn {
namespace {

TEST(RngTest, SplitMix64MatchesThePublishedSequence) {
  // splitmix64 seeded with 0: the first output is mix(0x9E3779B97F4A7C15) = 0xE220A8397B1DCDAF.
  EXPECT_EQ(SplitMix64Mix(0x9E3779B97F4A7C15ull), 0xE220A8397B1DCDAFull);
}

TEST(RngTest, Xoshiro256StarStarFromAKnownStateGivesKnownOutputs) {
  // Seed 0: state = splitmix64's first four outputs from 0; values checked against the authors'
  // C reference (xoshiro256starstar.c) fed the same state.
  Rng rng(0);
  EXPECT_EQ(rng.Next(), 0x99EC5F36CB75F2B4ull);
  EXPECT_EQ(rng.Next(), 0xBF6E1F784956452Aull);
  EXPECT_EQ(rng.Next(), 0x1A5F849D4933E6E0ull);
}

TEST(RngTest, SameSeedSameStreamSameNumbersDifferentStreamsDiffer) {
  Rng a = Rng::ForStream(42, 3), b = Rng::ForStream(42, 3), c = Rng::ForStream(42, 4);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(RngTest, UniformIsInHalfOpenUnitIntervalWithMeanNearHalf) {
  Rng rng(5);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
}

// logits ln(4), ln(2), ln(1), ln(1): softmax = 0.5, 0.25, 0.125, 0.125.
const float kLogits[4] = {std::log(4.0f), std::log(2.0f), 0.0f, 0.0f};

TEST(SamplerTest, TemperatureOneIsTheSoftmax) {
  auto p = SamplingDistribution(kLogits, 4, {});
  EXPECT_NEAR(p[0], 0.5, 1e-7);
  EXPECT_NEAR(p[1], 0.25, 1e-7);
  EXPECT_NEAR(p[2], 0.125, 1e-7);
  EXPECT_NEAR(p[3], 0.125, 1e-7);
}

TEST(SamplerTest, TemperatureHalfSquaresTheOdds) {
  // p ∝ 16, 4, 1, 1 -> /22.
  SamplerOptions o;
  o.temperature = 0.5;
  auto p = SamplingDistribution(kLogits, 4, o);
  EXPECT_NEAR(p[0], 16.0 / 22, 1e-7);
  EXPECT_NEAR(p[1], 4.0 / 22, 1e-7);
  EXPECT_NEAR(p[2], 1.0 / 22, 1e-7);
  EXPECT_NEAR(p[3], 1.0 / 22, 1e-7);
}

TEST(SamplerTest, TemperatureTwoTakesSquareRootsOfTheOdds) {
  // p ∝ 2, sqrt 2, 1, 1.
  SamplerOptions o;
  o.temperature = 2.0;
  auto p = SamplingDistribution(kLogits, 4, o);
  const double z = 2 + std::sqrt(2.0) + 2;
  EXPECT_NEAR(p[0], 2 / z, 1e-7);
  EXPECT_NEAR(p[1], std::sqrt(2.0) / z, 1e-7);
  EXPECT_NEAR(p[3], 1 / z, 1e-7);
}

TEST(SamplerTest, TopKKeepsTheKMostLikelyAndBreaksTiesByLowerId) {
  SamplerOptions o;
  o.top_k = 3;  // 0.5, 0.25, and of the tied 0.125s only id 2: /0.875
  auto p = SamplingDistribution(kLogits, 4, o);
  EXPECT_NEAR(p[0], 0.5 / 0.875, 1e-7);
  EXPECT_NEAR(p[1], 0.25 / 0.875, 1e-7);
  EXPECT_NEAR(p[2], 0.125 / 0.875, 1e-7);
  EXPECT_EQ(p[3], 0.0);
  o.top_k = 1;
  p = SamplingDistribution(kLogits, 4, o);
  EXPECT_EQ(p[0], 1.0);
}

TEST(SamplerTest, TopPKeepsTheSmallestPrefixReachingP) {
  SamplerOptions o;
  o.top_p = 0.7;  // 0.5 < 0.7 <= 0.75: ids 0 and 1, renormalised 2/3, 1/3
  auto p = SamplingDistribution(kLogits, 4, o);
  EXPECT_NEAR(p[0], 2.0 / 3, 1e-7);
  EXPECT_NEAR(p[1], 1.0 / 3, 1e-7);
  EXPECT_EQ(p[2], 0.0);
  EXPECT_EQ(p[3], 0.0);
  o.top_p = 0.5;  // exactly reached by the first
  p = SamplingDistribution(kLogits, 4, o);
  EXPECT_NEAR(p[0], 1.0, 1e-12);
  o.top_p = 0.1;  // at least one id is kept
  p = SamplingDistribution(kLogits, 4, o);
  EXPECT_EQ(p[0], 1.0);
}

TEST(SamplerTest, TopPAppliesAfterTopKOnTheRenormalisedMass) {
  SamplerOptions o;
  o.top_k = 2;    // 2/3, 1/3
  o.top_p = 0.6;  // 2/3 >= 0.6: only id 0
  auto p = SamplingDistribution(kLogits, 4, o);
  EXPECT_EQ(p[0], 1.0);
  EXPECT_EQ(p[1], 0.0);
}

TEST(SamplerTest, MaskExcludesIdsBeforeEverythingElse) {
  const uint8_t mask[4] = {0, 1, 1, 0};  // 0.25 and 0.125 left: 2/3, 1/3
  auto p = SamplingDistribution(kLogits, 4, {}, mask);
  EXPECT_EQ(p[0], 0.0);
  EXPECT_NEAR(p[1], 2.0 / 3, 1e-7);
  EXPECT_NEAR(p[2], 1.0 / 3, 1e-7);
  EXPECT_EQ(p[3], 0.0);
}

TEST(SamplerTest, TemperatureZeroIsGreedy) {
  SamplerOptions o;
  o.temperature = 0;
  Rng rng(1);
  EXPECT_EQ(SampleNext(kLogits, 4, o, rng), 0);
  const uint8_t mask[4] = {0, 0, 1, 1};
  EXPECT_EQ(SampleNext(kLogits, 4, o, rng, mask), 2);  // tie: lower id
}

TEST(SamplerTest, DrawFromFollowsTheDistribution) {
  Rng rng(9);
  std::vector<double> probs = {0.5, 0.0, 0.25, 0.25};
  int counts[4] = {0, 0, 0, 0};
  for (int i = 0; i < 40000; ++i) ++counts[DrawFrom(probs, rng)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[0] / 40000.0, 0.5, 0.01);
  EXPECT_NEAR(counts[2] / 40000.0, 0.25, 0.01);
  EXPECT_NEAR(counts[3] / 40000.0, 0.25, 0.01);
}

}  // namespace
}  // namespace abcrnn
