// Specification of the classifier two-sample test: logistic regression reaches its regularised
// optimum, separates clearly different synthetic sets, cannot separate two samples of one
// distribution, balances the classes and gives the same folds for the same seed.
#include "abcrnn/eval/classifier.h"

#include <gtest/gtest.h>

#include <cmath>

#include "abcrnn/eval/rng.h"
#include "support/melody_builder.h"

namespace abcrnn::eval {
namespace {

using Rows = std::vector<std::vector<double>>;

// n rows of `dims` independent normals; the first coordinate shifted by `shift`.
Rows Gaussian(int n, int dims, double shift, uint64_t seed) {
  Rng rng(seed);
  Rows rows(n, std::vector<double>(dims));
  for (auto& row : rows) {
    for (double& v : row) v = rng.Normal();
    row[0] += shift;
  }
  return rows;
}

ClassifierTestOptions Seeded(uint64_t seed) {
  ClassifierTestOptions options;
  options.seed = seed;
  return options;
}

TEST(ClassifierTest, LogisticFitHasZeroGradientOfTheRegularisedObjective) {
  Rows x = Gaussian(60, 3, 0.0, 7);
  std::vector<int> y;
  for (const auto& row : x) y.push_back(row[0] + 0.5 * row[1] > 0.3 ? 1 : 0);
  y[0] = 1 - y[0];  // not separable, so the optimum is finite even without the penalty
  LogisticOptions options;
  options.l2 = 0.5;
  auto model = FitLogistic(x, y, options);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  // d/dbias = sum (p - y); d/dw_j = sum (p - y) x_j + l2 w_j.
  std::vector<double> grad(4, 0.0);
  for (size_t i = 0; i < x.size(); ++i) {
    const double r = model->Probability(x[i]) - y[i];
    grad[0] += r;
    for (int j = 0; j < 3; ++j) grad[j + 1] += r * x[i][j];
  }
  for (int j = 0; j < 3; ++j) grad[j + 1] += options.l2 * model->weights[j];
  for (double g : grad) EXPECT_NEAR(g, 0.0, 1e-6);
  EXPECT_GT(model->weights[0], 0);
  EXPECT_LT(model->iterations, 30);
}

TEST(ClassifierTest, LogisticFitStaysFiniteOnSeparableData) {
  const Rows x = {{-2}, {-1}, {1}, {2}};
  auto model = FitLogistic(x, {0, 0, 1, 1});
  ASSERT_TRUE(model.ok());
  EXPECT_TRUE(std::isfinite(model->weights[0]));
  EXPECT_LT(model->Probability({-2}), 0.5);
  EXPECT_GT(model->Probability({2}), 0.5);
}

TEST(ClassifierTest, BadLogisticInputsAreInvalidArguments) {
  EXPECT_FALSE(FitLogistic({}, {}).ok());
  EXPECT_FALSE(FitLogistic({{1}, {2}}, {0}).ok());
  EXPECT_FALSE(FitLogistic({{1}, {2, 3}}, {0, 1}).ok());
  EXPECT_FALSE(FitLogistic({{1}, {2}}, {0, 2}).ok());
}

TEST(ClassifierTest, SeparatesTwoClearlyDifferentSets) {
  auto r = ClassifierTest(Gaussian(100, 10, 0.0, 1), Gaussian(100, 10, 4.0, 2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->accuracy, 0.9);
  EXPECT_EQ(r->folds, 5);
  EXPECT_EQ(r->fold_accuracy.size(), 5u);
  EXPECT_EQ(r->per_class, 100);
}

TEST(ClassifierTest, CannotSeparateTwoSamplesOfOneDistribution) {
  for (uint64_t seed : {1, 2, 3}) {
    auto r = ClassifierTest(Gaussian(200, 10, 0.0, 10 + seed), Gaussian(200, 10, 0.0, 20 + seed),
                            Seeded(seed));
    ASSERT_TRUE(r.ok());
    EXPECT_NEAR(r->accuracy, 0.5, 0.15) << "seed " << seed;
  }
}

TEST(ClassifierTest, CrossValidationIsDeterministicForASeed) {
  const Rows a = Gaussian(40, 5, 0.0, 3), b = Gaussian(70, 5, 0.5, 4);
  auto first = ClassifierTest(a, b, Seeded(42));
  auto again = ClassifierTest(a, b, Seeded(42));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->fold_accuracy, again->fold_accuracy);
  EXPECT_EQ(first->accuracy, again->accuracy);
  EXPECT_EQ(first->sd, again->sd);
  EXPECT_EQ(first->seed, 42u);
  // Balanced on the smaller set; every fold holds 8 of each class, so accuracies are k/16.
  EXPECT_EQ(first->per_class, 40);
  for (double acc : first->fold_accuracy) EXPECT_DOUBLE_EQ(acc * 16, std::round(acc * 16));
  bool some_seed_differs = false;
  for (uint64_t seed = 1; seed <= 5 && !some_seed_differs; ++seed)
    some_seed_differs = ClassifierTest(a, b, Seeded(seed))->fold_accuracy != first->fold_accuracy;
  EXPECT_TRUE(some_seed_differs);
}

TEST(ClassifierTest, TooFewTunesOrFoldsAreInvalidArguments) {
  EXPECT_FALSE(ClassifierTest(Gaussian(9, 3, 0, 1), Gaussian(50, 3, 0, 2)).ok());
  EXPECT_TRUE(ClassifierTest(Gaussian(10, 3, 0, 1), Gaussian(50, 3, 0, 2)).ok());
  ClassifierTestOptions one_fold;
  one_fold.folds = 1;
  EXPECT_FALSE(ClassifierTest(Gaussian(20, 3, 0, 1), Gaussian(20, 3, 0, 2), one_fold).ok());
  EXPECT_FALSE(ClassifierTest(Gaussian(20, 3, 0, 1), Gaussian(20, 4, 0, 2)).ok());
}

TEST(ClassifierTest, StyleVectorHoldsTheHistogramsAndTheScalarsInOrder) {
  // D F# A d | r A: ends on A over the tonic D.
  const Melody m = testing::MakeMelody("62:1/8 66:1/8 69:1/8 74:1/8 | r:1/4 69:1/4", 2, 1, 2);
  const std::vector<double> v = StyleVector(m, /*ends_on_tonic=*/0);
  ASSERT_EQ(v.size(), static_cast<size_t>(kStyleVectorSize));
  ASSERT_EQ(StyleVectorNames().size(), v.size());
  EXPECT_DOUBLE_EQ(v[0], 2.0 / 5);         // pitch class 0 above the tonic: D, d
  EXPECT_DOUBLE_EQ(v[12 + 12 + 4], 0.25);  // interval +4
  EXPECT_DOUBLE_EQ(v[12 + 25 + 3], 0.8);   // quavers
  EXPECT_DOUBLE_EQ(v[50], 12);             // pitch range
  EXPECT_DOUBLE_EQ(v[51], 5);              // notes
  EXPECT_DOUBLE_EQ(v[52], 2.5);            // notes per bar
  EXPECT_DOUBLE_EQ(v[53], 0);              // does not end on the tonic
  EXPECT_EQ(StyleVectorNames()[53], "ends_on_tonic");
  EXPECT_DOUBLE_EQ(StyleVector(m, -1)[53], 0.5);
  EXPECT_DOUBLE_EQ(StyleVector(m, 1)[53], 1);
}

TEST(ClassifierTest, AStyleVectorGivesBackTheFeaturesItWasMadeFrom) {
  // eval keeps style vectors only and rebuilds the features of the style comparison from them.
  const Melody m = testing::MakeMelody("62:1/8 66:1/8 69:1/8 74:1/8 | r:1/4 69:1/4 | 61:3/8 64:1/8", 2, 1, 2);
  const TuneFeatures want = ExtractFeatures(m);
  const TuneFeatures got = FeaturesOfStyleVector(StyleVector(m, 1));
  EXPECT_EQ(got.pitch_class, want.pitch_class);
  EXPECT_EQ(got.interval, want.interval);
  EXPECT_EQ(got.note_length, want.note_length);
  EXPECT_EQ(got.pitch_range, want.pitch_range);
  EXPECT_EQ(got.notes_per_bar, want.notes_per_bar);
}

TEST(ClassifierTest, TellsArpeggiosFromScalesByTheirStyleVectors) {
  Rng rng(5);
  Rows arpeggios, scales;
  for (int i = 0; i < 30; ++i) {
    const int root = 60 + static_cast<int>(rng.Uniform() * 12);
    arpeggios.push_back(
        StyleVector(testing::MakeMelody(std::to_string(root) + ":1/8 " + std::to_string(root + 4) +
                                            ":1/8 " + std::to_string(root + 7) + ":1/8 " +
                                            std::to_string(root + 12) + ":1/8",
                                        root % 12, 1, 2),
                    1));
    scales.push_back(
        StyleVector(testing::MakeMelody(std::to_string(root) + ":1/8 " + std::to_string(root + 2) +
                                            ":1/8 " + std::to_string(root + 4) + ":1/8 " +
                                            std::to_string(root + 5) + ":1/8",
                                        root % 12, 1, 2),
                    0));
  }
  auto r = ClassifierTest(arpeggios, scales);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->accuracy, 0.9);
}

}  // namespace
}  // namespace abcrnn::eval
