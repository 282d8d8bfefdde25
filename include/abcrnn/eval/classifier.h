// A two-sample test by classification: can an L2-regularised logistic regression tell the tunes of
// one set from those of another by their style features? Classes balanced by a seeded subset,
// stratified seeded k-fold cross-validation; 0.5 held-out accuracy = the sets cannot be told apart.
// Fit by Newton's method (IRLS). Definitions in doc/eval.md. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "abcrnn/eval/melody.h"
#include "abcrnn/eval/stats.h"
#include "abcrnn/util/status.h"

namespace abcrnn::eval {

// The per-tune features the classifier reads (kStyleVectorSize values, in this order): the
// pitch-class (12), interval (25) and note-length (13) histograms of ExtractFeatures, the pitch
// range (semitones), the note count, notes per bar, and whether the tune ends on the tonic
// (`ends_on_tonic` as TuneForm has it: 1 yes, 0 no, -1 unknown, given as 1, 0 and 0.5).
inline constexpr int kStyleVectorSize = 12 + 25 + 13 + 4;
// The names of StyleVector's values, in order ("pitch_class_0" .. "ends_on_tonic").
const std::vector<std::string>& StyleVectorNames();
std::vector<double> StyleVector(const Melody& melody, int ends_on_tonic);
// The ExtractFeatures a style vector was made from, exactly (so a set can keep style vectors
// alone). REQUIRES: v.size() == kStyleVectorSize.
TuneFeatures FeaturesOfStyleVector(const std::vector<double>& v);

struct LogisticOptions {
  double l2 = 1.0;           // penalty (l2 / 2) |w|^2 on the weights, not on the bias
  int max_iterations = 100;  // Newton steps at most
  double tolerance = 1e-10;  // stop when a step lowers the objective by less than
                             // tolerance * (1 + objective)
};

// P(y = 1 | x) = 1 / (1 + exp(-(bias + weights . x))).
struct LogisticModel {
  std::vector<double> weights;
  double bias = 0;
  int iterations = 0;  // Newton steps taken
  // REQUIRES: x.size() == weights.size().
  double Probability(const std::vector<double>& x) const;
};

// Minimises sum_i [log(1 + exp(z_i)) - y_i z_i] + (l2 / 2) |w|^2, z_i = bias + w . x_i, by Newton's
// method (Cholesky solve, step halved until the objective falls). Deterministic.
// InvalidArgument when x is empty, rows differ in length, y is not parallel to x or holds values
// other than 0 and 1, or l2 is negative.
Result<LogisticModel> FitLogistic(const std::vector<std::vector<double>>& x,
                                  const std::vector<int>& y, const LogisticOptions& options = {});

struct ClassifierTestOptions {
  int folds = 5;
  uint64_t seed = 1;       // Rng seed of the balancing subset and the folds
  int min_per_class = 10;  // fewer rows in either set: InvalidArgument
  LogisticOptions logistic;
};

struct ClassifierTestResult {
  double accuracy = 0;  // mean over the folds of the held-out accuracy
  double sd = 0;        // standard deviation of the folds' accuracies (n - 1 in the denominator)
  int folds = 0;
  int per_class = 0;  // rows taken from each set: the smaller set's size
  uint64_t seed = 0;
  std::vector<double> fold_accuracy;  // one per fold
};

// Class 0 = `a`, class 1 = `b`. Takes min(|a|, |b|) rows of each (all of the smaller set, a
// seeded random subset of the larger), deals each class's rows to `folds` folds in a seeded
// random order (stratified: every fold holds the same number of each class, +-1), and for each
// fold standardises every feature by the other folds' mean and standard deviation, fits
// FitLogistic on the other folds and counts the held-out rows it classifies right (P >= 0.5 is
// class 1). The same inputs and seed give the same result.
// InvalidArgument when a set has fewer than max(min_per_class, folds) rows, folds < 2, or the
// rows differ in length.
Result<ClassifierTestResult> ClassifierTest(const std::vector<std::vector<double>>& a,
                                            const std::vector<std::vector<double>>& b,
                                            const ClassifierTestOptions& options = {});

}  // namespace abcrnn::eval
