// Specification of the Kneser-Ney character n-gram baseline: hand-computed probabilities on a
// tiny corpus, discount estimates from counts of counts, normalisation, scoring and sampling.
#include "abcrnn/eval/ngram.h"

#include <gtest/gtest.h>

#include <cmath>

namespace abcrnn::eval {
namespace {

// Vocabulary of {"ab", "b"}: <bos>=0, <eos>=1, a=2, b=3.
constexpr int kEos = 1, kA = 2, kB = 3;

NgramModel TinyBigram() {
  NgramOptions options;
  options.order = 2;
  options.fixed_discounts = std::array<double, 3>{0.5, 1.0, 1.5};
  auto model = NgramModel::Train({"ab", "b"}, options);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return std::move(model).value();
}

// Counts (padded "<bos> a b <eos>", "<bos> b <eos>"): bigrams bos-a 1, a-b 1, b-eos 2, bos-b 1;
// unigram continuation counts a 1, b 2, eos 1 (total 4, one of count 2, two of count 1).
// P1(w) = (max(c - D, 0) + (0.5*2 + 1.0*1) * 1/3) / 4 → a 7/24, b 10/24, eos 7/24.
TEST(NgramTest, UnigramLevelUsesContinuationCountsAndUniformBackoff) {
  NgramModel m = TinyBigram();
  // After "b" the bigram context holds only b-eos (count 2, D2 = 1, gamma mass 1):
  EXPECT_NEAR(m.Probability({kB}, kEos), (1.0 + 7.0 / 24) / 2, 1e-12);
  EXPECT_NEAR(m.Probability({kB}, kA), (7.0 / 24) / 2, 1e-12);
  EXPECT_NEAR(m.Probability({kB}, kB), (10.0 / 24) / 2, 1e-12);
}

TEST(NgramTest, StartOfTuneContextIsBosPadding) {
  NgramModel m = TinyBigram();
  // Context <bos>: bos-a 1, bos-b 1 (two of count 1, gamma mass 0.5 * 2 = 1, total 2).
  EXPECT_NEAR(m.Probability({}, kA), (0.5 + 7.0 / 24) / 2, 1e-12);
  EXPECT_NEAR(m.Probability({}, kB), (0.5 + 10.0 / 24) / 2, 1e-12);
  EXPECT_NEAR(m.Probability({}, kEos), (7.0 / 24) / 2, 1e-12);
}

TEST(NgramTest, ScoreIsSumOfMinusLog2OverCharactersAndEos) {
  NgramModel m = TinyBigram();
  // P(a|bos) = 19/48, P(b|a) = 0.5 + 0.5 * 10/24 = 17/24, P(eos|b) = 31/48.
  NgramScore s = m.Score({"ab"});
  EXPECT_EQ(s.symbols, 3);
  EXPECT_EQ(s.unknown, 0);
  EXPECT_NEAR(s.bits, -std::log2(19.0 / 48 * 17.0 / 24 * 31.0 / 48), 1e-9);
  EXPECT_NEAR(s.bits_per_char(), s.bits / 3, 1e-12);
}

TEST(NgramTest, UnknownCharactersAreCountedNotScored) {
  NgramModel m = TinyBigram();
  NgramScore s = m.Score({"azb"});
  EXPECT_EQ(s.unknown, 1);
  EXPECT_EQ(s.symbols, 3);  // a, b, <eos>
}

TEST(NgramTest, DiscountsFollowChenGoodmanFromCountsOfCounts) {
  // Order 1, raw counts a 1, b 2, c 3, d 4, eos 1: n1 = 2, n2 = n3 = n4 = 1; Y = 2 / (2 + 2).
  NgramOptions options;
  options.order = 1;
  auto m = NgramModel::Train({"abbcccdddd"}, options);
  ASSERT_TRUE(m.ok());
  auto d = m->discounts();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NEAR(d[0][0], 1 - 2 * 0.5 * 1 / 2.0, 1e-12);  // 0.5
  EXPECT_NEAR(d[0][1], 2 - 3 * 0.5 * 1 / 1.0, 1e-12);  // 0.5
  EXPECT_NEAR(d[0][2], 3 - 4 * 0.5 * 1 / 1.0, 1e-12);  // 1.0
  // P(d) = (4 - 1 + (0.5 * 2 + 0.5 * 1 + 1.0 * 2) / 5) / 11.
  EXPECT_NEAR(m->Probability({}, m->vocab().Id("d")), (3 + 3.5 / 5) / 11, 1e-12);
}

TEST(NgramTest, DistributionSumsToOneOverTheVocabularyForSeenAndUnseenContexts) {
  std::vector<std::string> tunes = {
      "M:6/8\nL:1/8\nK:D\n|:dAF DFA|dAF d2e|fdf ece|dBA A3:|\n",
      "M:4/4\nL:1/8\nK:G\n|:GABc dedB|dedB dedB|c2ec B2dB|A2AG FGAB:|\n",
      "M:3/4\nL:1/4\nK:Ador\nA B c|d2 e|c A B|A3|]\n"};
  for (int order : {1, 3, 5, 7}) {
    NgramOptions options;
    options.order = order;
    auto m = NgramModel::Train(tunes, options);
    ASSERT_TRUE(m.ok());
    const Vocab& v = m->vocab();
    std::vector<std::vector<int>> histories = {{},
                                               *v.Encode("M:6/8\nL:1/8\nK:D\n|:dA"),
                                               *v.Encode("3:3:3:"),
                                               *v.Encode("GABc"),
                                               *v.Encode("K:G\n|:dAF")};
    for (const auto& h : histories) {
      auto p = m->Distribution(h);
      double sum = 0;
      for (int w = 0; w < v.size(); ++w) {
        EXPECT_GE(p[w], 0.0);
        sum += p[w];
      }
      EXPECT_EQ(p[Vocab::kBos], 0.0);
      EXPECT_NEAR(sum, 1.0, 1e-12) << "order " << order << " history size " << h.size();
    }
  }
}

TEST(NgramTest, HigherOrderFitsTrainingTextBetter) {
  std::vector<std::string> tunes = {"K:D\n|:dAF DFA|dAF d2e|fdf ece|dBA A3:|\n",
                                    "K:G\n|:GABc dedB|dedB dedB|c2ec B2dB|A2AG FGAB:|\n"};
  double previous = 1e9;
  for (int order : {1, 2, 4, 6}) {
    NgramOptions options;
    options.order = order;
    auto m = NgramModel::Train(tunes, options);
    ASSERT_TRUE(m.ok());
    double bpc = m->Score(tunes).bits_per_char();
    EXPECT_LT(bpc, previous) << "order " << order;
    previous = bpc;
  }
}

TEST(NgramTest, SamplingIsReproducibleBySeedAndUsesOnlyVocabulary) {
  std::vector<std::string> tunes = {"K:D\n|:dAF DFA|dAF d2e|fdf ece|dBA A3:|\n",
                                    "K:G\n|:GABc dedB|dedB dedB|c2ec B2dB|A2AG FGAB:|\n"};
  NgramOptions options;
  options.order = 3;
  auto m = NgramModel::Train(tunes, options);
  ASSERT_TRUE(m.ok());
  Rng r1(42), r2(42), r3(43);
  std::string a = m->Sample(&r1, 500), b = m->Sample(&r2, 500), c = m->Sample(&r3, 500);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(m->vocab().Encode(a).ok());
  EXPECT_LE(a.size(), 500u);
}

TEST(NgramTest, RejectsBadOptions) {
  NgramOptions options;
  options.order = 0;
  EXPECT_FALSE(NgramModel::Train({"a"}, options).ok());
  options.order = 17;
  EXPECT_FALSE(NgramModel::Train({"a"}, options).ok());
  options.order = 3;
  EXPECT_FALSE(NgramModel::Train({}, options).ok());
  options.fixed_discounts = std::array<double, 3>{1.5, 1.0, 1.0};
  auto bad = NgramModel::Train({"a"}, options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("expected 0..1"), std::string::npos);
}

TEST(RngTest, SameSeedSameStreamAndUniformInUnitInterval) {
  Rng a(7), b(7);
  for (int i = 0; i < 1000; ++i) {
    double u = a.Uniform();
    EXPECT_EQ(u, b.Uniform());
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
  // splitmix64 reference value (Vigna's splitmix64.c with state 0): 0xE220A8397B1DCDAF.
  // One step from state 0 adds the golden gamma, then mixes.
  EXPECT_EQ(SplitMix64Mix(0x9E3779B97F4A7C15ull), 0xE220A8397B1DCDAFull);
}

}  // namespace
}  // namespace abcrnn::eval
