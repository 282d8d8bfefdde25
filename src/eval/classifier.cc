// The classifier two-sample test: per-tune style vectors, L2-regularised logistic regression fit
// by Newton's method, and its stratified k-fold cross-validation on balanced classes. The
// features come from stats.h (ExtractFeatures); the random draws from eval's Rng.
#include "abcrnn/eval/classifier.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "abcrnn/eval/rng.h"
#include "abcrnn/eval/stats.h"

namespace abcrnn::eval {
namespace {

// ---------------------------------------------------------------- logistic regression

// log(1 + exp(z)) without overflow.
double Softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

double Sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// theta = (bias, w_1 .. w_d); z = theta . (1, x).
double Linear(const std::vector<double>& theta, const std::vector<double>& x) {
  double z = theta[0];
  for (size_t j = 0; j < x.size(); ++j) z += theta[j + 1] * x[j];
  return z;
}

double Objective(const std::vector<std::vector<double>>& x, const std::vector<int>& y,
                 const std::vector<double>& theta, double l2) {
  double f = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double z = Linear(theta, x[i]);
    f += Softplus(z) - y[i] * z;
  }
  for (size_t j = 1; j < theta.size(); ++j) f += 0.5 * l2 * theta[j] * theta[j];
  return f;
}

// Solves a x = b for symmetric positive definite a (n x n, row-major) by Cholesky; a tiny ridge is
// added to a pivot that is not positive (an all-zero feature column with l2 = 0).
std::vector<double> SolveSpd(std::vector<double> a, std::vector<double> b) {
  const size_t n = b.size();
  for (size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    d = std::sqrt(std::max(d, 1e-12));
    a[j * n + j] = d;
    for (size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  for (size_t i = 0; i < n; ++i) {  // L y = b
    for (size_t k = 0; k < i; ++k) b[i] -= a[i * n + k] * b[k];
    b[i] /= a[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {  // L^T x = y
    for (size_t k = i + 1; k < n; ++k) b[i] -= a[k * n + i] * b[k];
    b[i] /= a[i * n + i];
  }
  return b;
}

// ---------------------------------------------------------------- cross-validation

// Uniform in 0..n-1. REQUIRES: n > 0.
size_t Below(Rng& rng, size_t n) {
  return std::min(n - 1, static_cast<size_t>(rng.Uniform() * static_cast<double>(n)));
}

// 0..n-1 in a random order (Fisher-Yates from the back).
std::vector<size_t> Shuffled(size_t n, Rng& rng) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[Below(rng, i)]);
  return order;
}

// Centres and scales every column by the mean and standard deviation of `train` (a constant
// column is centred only), in place on both.
void Standardise(std::vector<std::vector<double>>* train, std::vector<std::vector<double>>* test) {
  const size_t d = train->front().size();
  const double n = static_cast<double>(train->size());
  for (size_t j = 0; j < d; ++j) {
    double mean = 0, ss = 0;
    for (const auto& row : *train) mean += row[j];
    mean /= n;
    for (const auto& row : *train) ss += (row[j] - mean) * (row[j] - mean);
    const double sd = std::sqrt(ss / n);
    const double scale = sd > 1e-12 ? 1.0 / sd : 1.0;
    for (auto* rows : {train, test})
      for (auto& row : *rows) row[j] = (row[j] - mean) * scale;
  }
}

}  // namespace

// ---------------------------------------------------------------- features

const std::vector<std::string>& StyleVectorNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (int k = 0; k < 12; ++k) v.push_back("pitch_class_" + std::to_string(k));
    for (int k = -12; k <= 12; ++k) v.push_back("interval_" + std::to_string(k));
    for (int k = 0; k < 13; ++k) v.push_back("note_length_" + std::to_string(k));
    for (const char* s : {"pitch_range", "notes", "notes_per_bar", "ends_on_tonic"}) v.push_back(s);
    return v;
  }();
  return names;
}

std::vector<double> StyleVector(const Melody& melody, int ends_on_tonic) {
  const TuneFeatures f = ExtractFeatures(melody);
  std::vector<double> v;
  v.reserve(kStyleVectorSize);
  v.insert(v.end(), f.pitch_class.begin(), f.pitch_class.end());
  v.insert(v.end(), f.interval.begin(), f.interval.end());
  v.insert(v.end(), f.note_length.begin(), f.note_length.end());
  v.push_back(f.pitch_range);
  v.push_back(melody.note_count());
  v.push_back(f.notes_per_bar);
  v.push_back(ends_on_tonic > 0 ? 1.0 : ends_on_tonic == 0 ? 0.0 : 0.5);
  return v;
}

TuneFeatures FeaturesOfStyleVector(const std::vector<double>& v) {
  TuneFeatures f;
  f.pitch_class.assign(v.begin(), v.begin() + 12);
  f.interval.assign(v.begin() + 12, v.begin() + 37);
  f.note_length.assign(v.begin() + 37, v.begin() + 50);
  f.pitch_range = v[50];
  f.notes_per_bar = v[52];
  return f;
}

double LogisticModel::Probability(const std::vector<double>& x) const {
  double z = bias;
  for (size_t j = 0; j < x.size(); ++j) z += weights[j] * x[j];
  return Sigmoid(z);
}

Result<LogisticModel> FitLogistic(const std::vector<std::vector<double>>& x,
                                  const std::vector<int>& y, const LogisticOptions& options) {
  if (x.empty()) return Status::InvalidArgument("logistic regression: expected rows, got none");
  if (y.size() != x.size())
    return Status::InvalidArgument("logistic regression: expected one label per row (" +
                                   std::to_string(x.size()) + "), got " + std::to_string(y.size()));
  if (options.l2 < 0)
    return Status::InvalidArgument("logistic regression: expected l2 >= 0, got " +
                                   std::to_string(options.l2));
  const size_t d = x.front().size(), p = d + 1;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].size() != d)
      return Status::InvalidArgument("logistic regression: expected rows of " + std::to_string(d) +
                                     " values, got " + std::to_string(x[i].size()) + " in row " +
                                     std::to_string(i));
    if (y[i] != 0 && y[i] != 1)
      return Status::InvalidArgument("logistic regression: expected labels 0 or 1, got " +
                                     std::to_string(y[i]) + " in row " + std::to_string(i));
  }
  std::vector<double> theta(p, 0.0);
  double f = Objective(x, y, theta, options.l2);
  int it = 0;
  for (; it < options.max_iterations; ++it) {
    // Gradient g = X1^T (prob - y) + l2 w; Hessian H = X1^T diag(prob (1 - prob)) X1 + l2 I_w,
    // X1 = (1, x). Both (p) and (p x p), row-major.
    std::vector<double> g(p, 0.0), h(p * p, 0.0), row(p);
    for (size_t i = 0; i < x.size(); ++i) {
      row[0] = 1.0;
      std::copy(x[i].begin(), x[i].end(), row.begin() + 1);
      const double prob = Sigmoid(Linear(theta, x[i]));
      const double r = prob - y[i], w = prob * (1 - prob);
      for (size_t a = 0; a < p; ++a) {
        g[a] += r * row[a];
        const double wa = w * row[a];
        for (size_t b = 0; b <= a; ++b) h[a * p + b] += wa * row[b];
      }
    }
    for (size_t a = 0; a < p; ++a)
      for (size_t b = 0; b < a; ++b) h[b * p + a] = h[a * p + b];
    for (size_t a = 1; a < p; ++a) g[a] += options.l2 * theta[a], h[a * p + a] += options.l2;
    const std::vector<double> step = SolveSpd(h, g);
    // Newton step, halved until the objective falls (at most 30 halvings).
    double t = 1.0, f_new = f;
    std::vector<double> next(p);
    for (int half = 0; half < 30; ++half, t *= 0.5) {
      for (size_t a = 0; a < p; ++a) next[a] = theta[a] - t * step[a];
      f_new = Objective(x, y, next, options.l2);
      if (f_new <= f) break;
    }
    if (!(f_new <= f)) break;  // no descent left: at the optimum to rounding
    theta = next;
    const double decrease = f - f_new;
    f = f_new;
    if (decrease < options.tolerance * (1 + std::fabs(f))) {
      ++it;
      break;
    }
  }
  LogisticModel model;
  model.bias = theta[0];
  model.weights.assign(theta.begin() + 1, theta.end());
  model.iterations = it;
  return model;
}

Result<ClassifierTestResult> ClassifierTest(const std::vector<std::vector<double>>& a,
                                            const std::vector<std::vector<double>>& b,
                                            const ClassifierTestOptions& options) {
  if (options.folds < 2)
    return Status::InvalidArgument("classifier test: expected 2 or more folds, got " +
                                   std::to_string(options.folds));
  const size_t need = static_cast<size_t>(std::max(options.min_per_class, options.folds));
  if (a.size() < need || b.size() < need)
    return Status::InvalidArgument("classifier test: expected at least " + std::to_string(need) +
                                   " tunes in each set, got " + std::to_string(a.size()) + " and " +
                                   std::to_string(b.size()));
  const size_t d = a.front().size();
  for (const auto* set : {&a, &b})
    for (const auto& row : *set)
      if (row.size() != d)
        return Status::InvalidArgument("classifier test: expected rows of " + std::to_string(d) +
                                       " values, got one of " + std::to_string(row.size()));

  Rng rng(options.seed);
  const size_t n = std::min(a.size(), b.size());
  // The rows of each class: all of the smaller set, a random subset of the larger (in its order).
  auto take = [&](const std::vector<std::vector<double>>& set) {
    std::vector<size_t> pick = Shuffled(set.size(), rng);
    pick.resize(n);
    std::sort(pick.begin(), pick.end());
    return pick;
  };
  const std::vector<size_t> rows_a = take(a), rows_b = take(b);
  // fold_of[c][k]: the fold of row k of class c, dealt round-robin in a random order.
  std::vector<int> fold_of[2];
  for (auto& folds : fold_of) {
    folds.assign(n, 0);
    const std::vector<size_t> order = Shuffled(n, rng);
    for (size_t r = 0; r < n; ++r) folds[order[r]] = static_cast<int>(r % options.folds);
  }

  ClassifierTestResult result;
  result.folds = options.folds;
  result.per_class = static_cast<int>(n);
  result.seed = options.seed;
  for (int fold = 0; fold < options.folds; ++fold) {
    std::vector<std::vector<double>> train, test;
    std::vector<int> train_y, test_y;
    for (int c = 0; c < 2; ++c) {
      const auto& set = c == 0 ? a : b;
      const auto& rows = c == 0 ? rows_a : rows_b;
      for (size_t k = 0; k < n; ++k) {
        const bool held_out = fold_of[c][k] == fold;
        (held_out ? test : train).push_back(set[rows[k]]);
        (held_out ? test_y : train_y).push_back(c);
      }
    }
    Standardise(&train, &test);
    auto model = FitLogistic(train, train_y, options.logistic);
    if (!model.ok()) return model.status();
    int right = 0;
    for (size_t i = 0; i < test.size(); ++i)
      right += (model->Probability(test[i]) >= 0.5 ? 1 : 0) == test_y[i];
    result.fold_accuracy.push_back(static_cast<double>(right) / static_cast<double>(test.size()));
  }
  const double k = options.folds;
  result.accuracy =
      std::accumulate(result.fold_accuracy.begin(), result.fold_accuracy.end(), 0.0) / k;
  double ss = 0;
  for (double v : result.fold_accuracy) ss += (v - result.accuracy) * (v - result.accuracy);
  result.sd = std::sqrt(ss / (k - 1));
  return result;
}

}  // namespace abcrnn::eval
