// Specification of the match model (infer/match_model.h): the longest earlier match and what
// followed it, the mixture, the EM fit against a likelihood worked out by hand, the JSON form,
// and its use in scoring (against the reference engine) and in drawing.
#include "abcrnn/infer/match_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "abcrnn/infer/generate.h"
#include "support/reference_engine.h"
#include "support/tiny_model.h"

namespace abcrnn {
namespace {

std::vector<int> Ids(const std::string& s) {
  std::vector<int> v;
  for (char c : s) v.push_back(static_cast<unsigned char>(c));
  return v;
}

TEST(PredictMatchTest, TheLongestEarlierMatchPredictsWhatFollowedIt) {
  // "abc" occurs twice before the end, followed by X and by Y; "dabc" only once (then X).
  auto ids = Ids("dabcX.abcY.dabc");
  MatchPrediction p = PredictMatch(ids.data(), ids.size(), 3, 32);
  EXPECT_EQ(p.length, 4);
  ASSERT_EQ(p.next.size(), 1u);
  EXPECT_EQ(p.next[0].first, 'X');
  EXPECT_DOUBLE_EQ(p.next[0].second, 1.0);

  auto two = Ids("eabcX.fabcY.gabc");
  p = PredictMatch(two.data(), two.size(), 3, 32);
  EXPECT_EQ(p.length, 3);
  ASSERT_EQ(p.next.size(), 2u);
  EXPECT_EQ(p.next[0].first, 'X');
  EXPECT_EQ(p.next[1].first, 'Y');
  EXPECT_DOUBLE_EQ(p.next[0].second, 0.5);
  EXPECT_DOUBLE_EQ(p.next[0].second + p.next[1].second, 1.0);
}

TEST(PredictMatchTest, MatchesShorterThanTheMinimumPredictNothingAndLongOnesAreCapped) {
  auto ids = Ids("abX..ab");
  EXPECT_EQ(PredictMatch(ids.data(), ids.size(), 3, 32).length, 0);
  EXPECT_TRUE(PredictMatch(ids.data(), ids.size(), 3, 32).next.empty());
  EXPECT_EQ(PredictMatch(ids.data(), ids.size(), 2, 32).length, 2);
  // A run repeating itself: the suffix matches as far back as the cap allows.
  auto run = Ids("abababababababab");
  MatchPrediction p = PredictMatch(run.data(), run.size(), 3, 6);
  EXPECT_EQ(p.length, 6);
  ASSERT_EQ(p.next.size(), 1u);
  EXPECT_EQ(p.next[0].first, 'a');
  EXPECT_EQ(PredictMatch(run.data(), 0, 3, 6).length, 0);
}

TEST(PredictMatchTest, TheAlignedMatchCountsOnlyPlacesAtTheSamePointOfTheForm) {
  // "abc" was followed by X at tag 5 and by Y at tag 7; the next symbol is at tag 7.
  auto ids = Ids("abcX-abcY.abc");
  std::vector<int> tags(ids.size() + 1, 0);
  tags[3] = 5;  // X
  tags[8] = 7;  // Y
  MatchPredictions p = PredictMatches(ids.data(), tags.data(), ids.size(), 7, 3, 32);
  EXPECT_EQ(p.plain.length, 3);
  EXPECT_EQ(p.plain.next.size(), 2u);
  EXPECT_EQ(p.aligned.length, 3);
  ASSERT_EQ(p.aligned.next.size(), 1u);
  EXPECT_EQ(p.aligned.next[0].first, 'Y');
  // At a tag no earlier place had: no aligned prediction.
  EXPECT_EQ(PredictMatches(ids.data(), tags.data(), ids.size(), 9, 3, 32).aligned.length, 0);
  // Without tags: the plain prediction alone.
  p = PredictMatches(ids.data(), nullptr, ids.size(), 7, 3, 32);
  EXPECT_EQ(p.plain.length, 3);
  EXPECT_EQ(p.aligned.length, 0);
}

TEST(PredictMatchTest, InAPartsLastTwoBarsOnlyTheAlignedMatchCounts) {
  auto ids = Ids("abcX-abcY.abc");
  for (int tag : {kMatchTagLastBar, kMatchTagLastBar + 1}) {
    std::vector<int> tags(ids.size() + 1, 0);
    tags[8] = tag;
    MatchPredictions p = PredictMatches(ids.data(), tags.data(), ids.size(), tag, 3, 32);
    EXPECT_EQ(p.plain.length, 0) << tag;
    ASSERT_EQ(p.aligned.next.size(), 1u) << tag;
    EXPECT_EQ(p.aligned.next[0].first, 'Y');
  }
  // Three bars before the end: both.
  std::vector<int> tags(ids.size() + 1, 0);
  tags[8] = kMatchTagLastBar + 2;
  MatchPredictions p = PredictMatches(ids.data(), tags.data(), ids.size(), kMatchTagLastBar + 2, 3, 32);
  EXPECT_EQ(p.plain.length, 3);
  EXPECT_EQ(p.aligned.length, 3);
}

TEST(PredictMatchTest, ALoopIsPeriodicAndARepeatFromAfarIsNot) {
  auto loop = Ids("xG2G|G2G|G2G|");
  MatchPrediction p = PredictMatch(loop.data(), loop.size(), 3, 32);
  EXPECT_EQ(p.length, 8);  // "G2G|G2G|" ends 4 symbols before the end: overlapping
  EXPECT_TRUE(p.periodic);
  auto far = Ids("abcdX......abcd");
  p = PredictMatch(far.data(), far.size(), 3, 32);
  EXPECT_EQ(p.length, 4);
  EXPECT_FALSE(p.periodic);
  MatchMix m = MatchMix::Initial(false);
  m.weights.assign(m.lengths.size(), 0.8);
  m.periodic_weights.assign(m.lengths.size(), 0.2);
  EXPECT_EQ(m.Weight(PredictMatch(loop.data(), loop.size(), 3, 32)), 0.2);
  EXPECT_EQ(m.Weight(p), 0.8);
  m.periodic_weights.clear();  // none fitted: the plain weights
  EXPECT_EQ(m.Weight(8, true), 0.8);
}

// The header is not music: "L:1/8\nK:" followed by "C" must not be what a bar ending in "/8" and a
// line break is followed by (the shipped model wrote K: lines full of music that way).
TEST(PredictMatchTest, OnlyTheMusicIsSearched) {
  const std::string header = "M:6/8\nL:1/8\nK:C\n";
  auto ids = Ids(header + "abc def|ab/8\n");
  EXPECT_EQ(PredictMatches(ids.data(), nullptr, ids.size(), 0, 3, 32).plain.next.front().first, 'K');
  const size_t music = MusicStartSymbol(header + "abc");
  EXPECT_EQ(music, header.size());
  EXPECT_EQ(PredictMusicMatches(ids.data(), nullptr, ids.size(), music, 0, 3, 32).plain.length, 0);
  // Music repeated within the music is still found.
  auto again = Ids(header + "abc def|abc");
  MatchPredictions p = PredictMusicMatches(again.data(), nullptr, again.size(), music, 0, 3, 32);
  EXPECT_EQ(p.plain.length, 3);
  EXPECT_EQ(p.plain.next.front().first, ' ');
  EXPECT_EQ(PredictMusicMatches(again.data(), nullptr, 5, SIZE_MAX, 0, 3, 32).plain.length, 0);  // in the header

  EXPECT_EQ(MusicStartSymbol("M:6/8\nL:1/8\nK:D"), SIZE_MAX);  // the K: line is not over
  EXPECT_EQ(MusicStartSymbol(""), SIZE_MAX);
  EXPECT_EQ(MusicStartSymbol("M"), SIZE_MAX);
  EXPECT_EQ(MusicStartSymbol("ABc dBG|"), 0u);  // music alone, as a prime may be
  EXPECT_EQ(MusicStartSymbol("T:\xc3\x89t\xc3\xa9\nK:C\nabc"), 10u);  // "T:Été\nK:C\n": symbols, not bytes
}

TEST(MatchMixTest, WeightsGoByMatchLengthBuckets) {
  MatchMix m;
  m.lengths = {3, 5, 8};
  m.weights = {0.1, 0.4, 0.7};
  EXPECT_EQ(m.Weight(0), 0.0);
  EXPECT_EQ(m.Weight(2), 0.0);
  EXPECT_EQ(m.Weight(3), 0.1);
  EXPECT_EQ(m.Weight(4), 0.1);
  EXPECT_EQ(m.Weight(5), 0.4);
  EXPECT_EQ(m.Weight(7), 0.4);
  EXPECT_EQ(m.Weight(8), 0.7);
  EXPECT_EQ(m.Weight(40), 0.7);
}

TEST(MatchMixTest, MixingMovesTheWeightsShareOntoThePredictionAndStillSumsToOne) {
  MatchMix m;
  m.lengths = {3};
  m.weights = {0.25};
  MatchPrediction p;
  p.length = 4;
  p.next = {{1, 0.5}, {2, 0.5}};
  std::vector<double> probs = {0.5, 0.25, 0.25, 0.0};
  MixMatch(m, p, probs.data(), 4);
  EXPECT_DOUBLE_EQ(probs[0], 0.375);
  EXPECT_DOUBLE_EQ(probs[1], 0.25 * 0.75 + 0.125);
  EXPECT_DOUBLE_EQ(probs[3], 0.0);
  EXPECT_NEAR(probs[0] + probs[1] + probs[2] + probs[3], 1.0, 1e-15);

  // As logits: the same mixture, up to a constant.
  const float logits[4] = {1.0f, 0.0f, -1.0f, -30.0f};
  std::vector<float> mixed;
  MixMatchLogits(m, MatchPredictions{p, {}}, logits, 4, &mixed);
  double z = 0, zl = 0;
  for (int v = 0; v < 4; ++v) zl += std::exp(static_cast<double>(logits[v]));
  for (float l : mixed) z += std::exp(static_cast<double>(l));
  for (int v = 0; v < 4; ++v) {
    double expected = 0.75 * std::exp(static_cast<double>(logits[v])) / zl + (v == 1 || v == 2 ? 0.125 : 0.0);
    EXPECT_NEAR(std::exp(static_cast<double>(mixed[v])) / z, expected, 1e-6) << v;
  }
  // No prediction: the logits as they were.
  MixMatchLogits(m, MatchPredictions{}, logits, 4, &mixed);
  EXPECT_EQ(mixed, std::vector<float>(logits, logits + 4));
}

TEST(FitMatchMixTest, EmFindsTheWeightOfMaximumLikelihood) {
  // Half the characters: the LSTM gives 0.1, the match 1; half: 0.5 and 0. The likelihood
  // 0.5 log(0.1 + 0.9 w) + 0.5 log(0.5 (1 - w)) peaks where 0.9 (1 - w) = 0.1 + 0.9 w: w = 4/9.
  std::vector<MatchObservation> obs;
  for (int i = 0; i < 50; ++i) {
    obs.push_back({4, 0.1, 1.0});
    obs.push_back({4, 0.5, 0.0});
  }
  // Another bucket where the match is always right and the LSTM never: the weight goes to its cap.
  for (int i = 0; i < 10; ++i) obs.push_back({9, 0.0, 1.0});
  MatchMix start;
  start.lengths = {3, 8, 16};
  start.weights = {0.1, 0.1, 0.3};
  MatchMix fit = FitMatchMix(obs, start, 500);
  EXPECT_NEAR(fit.weights[0], 4.0 / 9.0, 1e-4);
  EXPECT_NEAR(fit.weights[1], 0.999, 1e-9);
  EXPECT_EQ(fit.weights[2], 0.3);  // no observations: kept
}

TEST(FitMatchMixTest, TheAlignedMatchTakesTheCharactersOnlyItPredicts) {
  // Where the aligned match is right and the plain one wrong, the aligned weight rises; where the
  // plain one is right and the aligned one wrong, the plain weight does: both against an LSTM
  // that gives every character 0.2.
  std::vector<MatchObservation> obs;
  for (int i = 0; i < 40; ++i) obs.push_back({5, 0.2, 0.0, 5, 1.0});
  for (int i = 0; i < 40; ++i) obs.push_back({9, 0.2, 1.0, 9, 0.0});
  MatchMix start = MatchMix::Initial(true);
  MatchMix fit = FitMatchMix(obs, start, 300);
  EXPECT_GT(fit.AlignedWeight(5), 0.9);
  EXPECT_LT(fit.Weight(5), 0.05);
  EXPECT_GT(fit.Weight(9), 0.9);
  EXPECT_LT(fit.AlignedWeight(9), 0.05);
  // The nested mixture's likelihood is higher than at the start.
  auto loglik = [&](const MatchMix& m) {
    double l = 0;
    for (const auto& o : obs) {
      const double w = m.Weight(o.length), wa = m.AlignedWeight(o.aligned_length);
      l += std::log((1 - wa) * ((1 - w) * o.p_model + w * o.p_match) + wa * o.p_aligned);
    }
    return l;
  };
  EXPECT_GT(loglik(fit), loglik(start) + 10);
}

TEST(MatchMixJsonTest, RoundTripsAndRefusesBadFields) {
  MatchMix m = MatchMix::Initial(true);
  m.weights[2] = 0.375;
  auto back = MatchMixFromJson(MatchMixToJson(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->lengths, m.lengths);
  EXPECT_EQ(back->weights, m.weights);
  EXPECT_EQ(back->max_match, m.max_match);
  EXPECT_EQ(back->aligned_weights, m.aligned_weights);
  EXPECT_EQ(back->periodic_weights, m.periodic_weights);
  auto plain = MatchMixFromJson(MatchMixToJson(MatchMix::Initial(false)));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->aligned());
  for (const char* bad : {R"([1,2])", R"({"lengths":[3],"weights":[0.1]})",
                          R"({"max_match":32,"lengths":[3,4],"weights":[0.1]})",
                          R"({"max_match":32,"lengths":[4,3],"weights":[0.1,0.2]})",
                          R"({"max_match":32,"lengths":[3],"weights":[1.5]})",
                          R"({"max_match":2,"lengths":[3],"weights":[0.5]})",
                          R"({"max_match":32,"lengths":[3],"weights":[0.5],"aligned_weights":[0.1,0.2]})",
                          R"({"max_match":32,"lengths":[3],"weights":[0.5],"aligned_weights":[-0.1]})", "not json"}) {
    auto r = MatchMixFromJson(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("match_model: expected"), std::string::npos) << bad;
    }
  }
}

using testing::TinyModel;

TEST(MatchScoreTest, MixedBitsAreTheReferenceEnginesProbabilitiesMixedWithTheMatches) {
  TinyModel m;
  auto fast = testing::NewFast(m.weights);
  const FastEngine& engine = *fast;
  MatchMix mix;
  mix.lengths = {3, 6};
  mix.weights = {0.3, 0.8};
  const std::vector<std::string> texts = {"ABc dBG|ABc dBG|ABc dBG|A2B c3|\n", "cBA|cBA|cBA|"};
  std::vector<MatchObservation> obs;
  auto scores = ScoreTexts(engine, m.vocab, texts, 2, &mix, &obs);
  auto alone = ScoreTexts(engine, m.vocab, texts, 2);
  int64_t predicted_by_match = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE(scores[i].status.ok());
    const testing::ReferenceSteps r = testing::ReferenceStepsOf(m.weights, m.vocab, texts[i]);
    double bits = 0;
    for (size_t t = 0; t < r.probs.size(); ++t) {
      std::vector<double> p = r.probs[t];
      MatchPredictions c = PredictMusicMatches(r.ids.data() + 1, nullptr, t, MusicStartSymbol(texts[i]), 0, 3, mix.max_match);
      predicted_by_match += c.plain.length > 0;
      MixMatches(mix, c, p.data(), static_cast<int>(p.size()));
      bits -= std::log2(p[r.ids[t + 1]]);
    }
    EXPECT_NEAR(scores[i].bits, bits, 1e-4 * bits) << i;
    // These texts repeat themselves: the matches make them likelier.
    EXPECT_LT(scores[i].bits, alone[i].bits) << i;
  }
  EXPECT_EQ(static_cast<int64_t>(obs.size()), predicted_by_match);
}

TEST(MatchGenerateTest, TheMatchModelBringsBackThePrimesFiguresAndKeepsTunesIndependentOfBatching) {
  TinyModel m;
  auto fast = testing::NewFast(m.weights);
  const FastEngine& engine = *fast;
  GenerateOptions o;
  o.num = 40;
  o.length = 48;
  o.seed = 5;
  o.sampler.temperature = 1.0;
  o.prime = "ABc dBG|ABc dBG|AB";
  auto make = [&](const GenerateOptions& opt) {
    std::vector<GeneratedTune> out;
    EXPECT_TRUE(GenerateTunes(engine, m.vocab, opt, [&](const GeneratedTune& t) {
      out.push_back(t);
      return true;
    }).ok());
    return out;
  };
  auto alone = make(o);
  o.match.lengths = {3};
  o.match.weights = {0.97};
  auto mixed = make(o);
  // The next characters after "...|AB" repeat "c dBG|" far more often with the match model.
  int copied_alone = 0, copied_mixed = 0;
  for (const auto& t : alone) copied_alone += t.text.rfind(o.prime + "c dBG|", 0) == 0;
  for (const auto& t : mixed) copied_mixed += t.text.rfind(o.prime + "c dBG|", 0) == 0;
  EXPECT_GE(copied_mixed, 25);
  EXPECT_GT(copied_mixed, copied_alone + 10);
  // A boost gives the plain match a larger share: more copies still.
  o.match.weights = {0.5};
  auto fitted = make(o);
  o.match_boost = 0.9;
  auto boosted = make(o);
  int copied_fitted = 0, copied_boosted = 0;
  for (const auto& t : fitted) copied_fitted += t.text.rfind(o.prime + "c dBG|", 0) == 0;
  for (const auto& t : boosted) copied_boosted += t.text.rfind(o.prime + "c dBG|", 0) == 0;
  EXPECT_GT(copied_boosted, copied_fitted + 10);
  o.match_boost = 1.0;
  EXPECT_EQ(GenerateTunes(engine, m.vocab, o, [](const GeneratedTune&) { return true; }).code(),
            Status::Code::kInvalidArgument);
  o.match_boost = 0.0;
  o.match.weights = {0.97};
  o.batch = 3;
  auto small = make(o);
  ASSERT_EQ(small.size(), mixed.size());
  for (size_t i = 0; i < mixed.size(); ++i) EXPECT_EQ(small[i].text, mixed[i].text) << i;
}

}  // namespace
}  // namespace abcrnn
