// Specification of the Yang & Lerch style statistics: per-tune features with hand-computed
// values, kernel density estimates against analytic Gaussians, and set comparisons with known
// answers (a set against itself overlaps fully with zero divergence).
#include "abcrnn/eval/stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "abcrnn/eval/rng.h"
#include "support/melody_builder.h"

namespace abcrnn::eval {
namespace {

using abcrnn::testing::MakeMelody;
using abcrnn::testing::Transpose;

// D major arpeggio D F# A d as quavers in one bar, then a crotchet rest and a crotchet A.
Melody Arpeggio() {
  return MakeMelody("62:1/8 66:1/8 69:1/8 74:1/8 | r:1/4 69:1/4", /*tonic=*/2, 1, 2);
}

TEST(StatsTest, FeaturesOfAHandMadeTune) {
  TuneFeatures f = ExtractFeatures(Arpeggio());
  // Pitch classes above the tonic D: 0 (D, d), 4 (F#), 7 (A, A).
  EXPECT_DOUBLE_EQ(f.pitch_class[0], 2.0 / 5);
  EXPECT_DOUBLE_EQ(f.pitch_class[4], 1.0 / 5);
  EXPECT_DOUBLE_EQ(f.pitch_class[7], 2.0 / 5);
  // Intervals +4 +3 +5 -5 (the rest does not break the line).
  EXPECT_DOUBLE_EQ(f.interval[12 + 4], 0.25);
  EXPECT_DOUBLE_EQ(f.interval[12 + 3], 0.25);
  EXPECT_DOUBLE_EQ(f.interval[12 + 5], 0.25);
  EXPECT_DOUBLE_EQ(f.interval[12 - 5], 0.25);
  // Lengths: four quavers (class 3) and one crotchet (class 2); rests are not notes.
  EXPECT_DOUBLE_EQ(f.note_length[3], 0.8);
  EXPECT_DOUBLE_EQ(f.note_length[2], 0.2);
  EXPECT_DOUBLE_EQ(f.pitch_range, 12);
  EXPECT_DOUBLE_EQ(f.notes_per_bar, 2.5);
}

TEST(StatsTest, LeapsBeyondAnOctaveAndOddLengthsGoToEndBins) {
  TuneFeatures f = ExtractFeatures(MakeMelody("60:1/8 80:1/5 50:3/4"));
  EXPECT_DOUBLE_EQ(f.interval[24], 0.5);         // +20 clamped to +12
  EXPECT_DOUBLE_EQ(f.interval[0], 0.5);          // -30 clamped to -12
  EXPECT_DOUBLE_EQ(f.note_length[12], 1.0 / 3);  // 1/5 is no class
  EXPECT_DOUBLE_EQ(f.note_length[5], 1.0 / 3);   // dotted minim
}

TEST(StatsTest, FeaturesDoNotDependOnTheKey) {
  TuneFeatures a = ExtractFeatures(Arpeggio());
  TuneFeatures b = ExtractFeatures(Transpose(Arpeggio(), 5));
  EXPECT_EQ(a.pitch_class, b.pitch_class);
  EXPECT_EQ(a.interval, b.interval);
  EXPECT_EQ(a.note_length, b.note_length);
}

// Deterministic standard normal samples (Box-Muller on the project's RNG).
std::vector<double> Normal(int n, double mean, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> out;
  while (static_cast<int>(out.size()) < n) {
    double u1 = 1.0 - rng.Uniform(), u2 = rng.Uniform();
    out.push_back(mean + std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2));
  }
  return out;
}

TEST(StatsTest, OverlapAndKlOfTwoUnitGaussiansOneApartMatchTheory) {
  // OA = 2 * Phi(-1/2) = 0.6171; KL = 1/2 nat (KDE widens both by the bandwidth: within 0.03).
  Density p, q;
  EstimateDensities(Normal(20000, 0, 1), Normal(20000, 1, 2), 1024, &p, &q);
  EXPECT_NEAR(OverlapArea(p, q), 0.6171, 0.02);
  EXPECT_NEAR(KlDivergence(p, q), 0.5, 0.03);
  double area = 0;
  for (size_t i = 0; i + 1 < p.values.size(); ++i)
    area += 0.5 * (p.values[i] + p.values[i + 1]) * p.step;
  EXPECT_NEAR(area, 1.0, 1e-9);
}

TEST(StatsTest, FarApartSamplesBarelyOverlap) {
  Density p, q;
  EstimateDensities(Normal(2000, 0, 3), Normal(2000, 10, 4), 1024, &p, &q);
  EXPECT_LT(OverlapArea(p, q), 0.01);
  EXPECT_GT(KlDivergence(p, q), 5.0);
}

std::vector<TuneFeatures> FeatureSet(const std::vector<Melody>& tunes) {
  std::vector<TuneFeatures> out;
  for (const auto& t : tunes) out.push_back(ExtractFeatures(t));
  return out;
}

// `n` random-walk melodies of 32 notes (8 bars of 4), steps of up to `step` semitones.
std::vector<Melody> Varied(int n, int step, uint64_t seed) {
  Rng rng(seed);
  std::vector<Melody> out;
  for (int i = 0; i < n; ++i) {
    std::string text;
    int pitch = 60 + static_cast<int>(rng.Next() % 12);
    for (int k = 0; k < 32; ++k) {
      pitch += static_cast<int>(rng.Next() % (2 * step + 1)) - step;
      pitch = std::clamp(pitch, 30, 100);
      text += std::to_string(pitch) + (rng.Next() % 3 ? ":1/8 " : ":1/4 ");
      if (k % 4 == 3 && k < 31) text += "| ";
    }
    out.push_back(MakeMelody(text));
  }
  return out;
}

TEST(StatsTest, ASetAgainstItselfOverlapsFullyWithZeroDivergence) {
  auto set = FeatureSet(Varied(60, 3, 5));
  auto cmp = CompareSets(set, set);
  ASSERT_EQ(cmp.size(), FeatureNames().size());
  for (const auto& c : cmp) {
    EXPECT_NEAR(c.overlap, 1.0, 1e-9) << c.feature;
    EXPECT_NEAR(c.kl, 0.0, 1e-9) << c.feature;
  }
  EXPECT_TRUE(cmp[3].scalar);
  EXPECT_DOUBLE_EQ(cmp[3].set_mean, cmp[3].reference_mean);
}

TEST(StatsTest, ADifferentStyleOverlapsLessThanAnotherSampleOfTheSameStyle) {
  auto reference = FeatureSet(Varied(80, 2, 1));
  auto same_style = FeatureSet(Varied(80, 2, 2));
  auto wide_leaps = FeatureSet(Varied(80, 7, 3));
  auto same = CompareSets(same_style, reference);
  auto other = CompareSets(wide_leaps, reference);
  for (size_t k : {1, 3}) {  // intervals and pitch range
    EXPECT_GT(same[k].overlap, 0.8) << same[k].feature;
    EXPECT_LT(other[k].overlap, same[k].overlap - 0.2) << other[k].feature;
    EXPECT_GT(other[k].kl, same[k].kl) << other[k].feature;
  }
  EXPECT_GT(other[3].set_mean, same[3].set_mean);  // pitch range
}

}  // namespace
}  // namespace abcrnn::eval
