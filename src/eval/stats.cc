// Yang & Lerch style statistics: feature extraction from a Melody, pairwise distances, binned
// Gaussian kernel density estimates on a shared grid, overlap area and KL divergence.
#include "abcrnn/eval/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace abcrnn::eval {

const double kNoteLengthClasses[12] = {1.0,   0.5,    0.25,    0.125,     0.0625,    0.75,
                                       0.375, 0.1875, 0.09375, 1.0 / 3.0, 1.0 / 6.0, 1.0 / 12.0};

namespace {

void Normalise(std::vector<double>* h) {
  double sum = std::accumulate(h->begin(), h->end(), 0.0);
  if (sum > 0)
    for (double& v : *h) v /= sum;
}

int NoteLengthClass(double d) {
  for (int k = 0; k < 12; ++k)
    if (std::fabs(d - kNoteLengthClasses[k]) < 1e-9) return k;
  return 12;
}

double Mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// Scott's rule as scipy.stats.gaussian_kde: sample standard deviation (ddof 1) * n^(-1/5);
// `floor` when that is zero (all samples equal).
double ScottBandwidth(const std::vector<double>& x, double floor) {
  const double n = static_cast<double>(x.size());
  if (x.size() < 2) return floor;
  const double mean = Mean(x);
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / (n - 1));
  return std::max(sd * std::pow(n, -0.2), floor);
}

double Trapezoid(const std::vector<double>& y, double step) {
  if (y.size() < 2) return 0.0;
  double s = 0.5 * (y.front() + y.back());
  for (size_t i = 1; i + 1 < y.size(); ++i) s += y[i];
  return s * step;
}

// Linear binning of `x` onto the grid, then convolution with a Gaussian of bandwidth h.
std::vector<double> Smooth(const std::vector<double>& x, double h, double lo, double step,
                           int points) {
  std::vector<double> bins(points, 0.0);
  for (double v : x) {
    double t = (v - lo) / step;
    int i = std::clamp(static_cast<int>(std::floor(t)), 0, points - 2);
    double frac = std::clamp(t - i, 0.0, 1.0);
    bins[i] += 1 - frac;
    bins[i + 1] += frac;
  }
  const double hs = h / step;  // bandwidth in grid steps
  const int half = std::min(points - 1, static_cast<int>(std::ceil(4 * hs)));
  std::vector<double> kernel(half + 1);
  for (int k = 0; k <= half; ++k) kernel[k] = std::exp(-0.5 * (k / hs) * (k / hs));
  std::vector<double> out(points, 0.0);
  for (int i = 0; i < points; ++i) {
    if (bins[i] == 0) continue;
    for (int j = std::max(0, i - half); j <= std::min(points - 1, i + half); ++j)
      out[j] += bins[i] * kernel[std::abs(j - i)];
  }
  double area = Trapezoid(out, step);
  if (area > 0)
    for (double& v : out) v /= area;
  return out;
}

std::vector<std::vector<double>> Column(const std::vector<TuneFeatures>& set,
                                        const std::string& name, int max_tunes) {
  std::vector<std::vector<double>> out;
  const size_t n = set.size();
  const size_t keep = std::min(n, static_cast<size_t>(std::max(1, max_tunes)));
  for (size_t k = 0; k < keep; ++k) out.push_back(FeatureVector(set[k * n / keep], name));
  return out;
}

double Distance(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

}  // namespace

TuneFeatures ExtractFeatures(const Melody& melody) {
  TuneFeatures f;
  f.pitch_class.assign(12, 0.0);
  f.interval.assign(25, 0.0);
  f.note_length.assign(13, 0.0);
  const int tonic = melody.tonic < 0 ? 0 : melody.tonic;
  int previous = -1, lowest = 1000, highest = -1, notes = 0;
  for (const auto& bar : melody.bars) {
    for (const auto& note : bar.notes) {
      if (note.is_rest()) continue;  // rests neither count nor break an interval
      ++notes;
      f.pitch_class[((note.pitch - tonic) % 12 + 12) % 12] += 1;
      f.note_length[NoteLengthClass(note.duration.ToDouble())] += 1;
      if (previous >= 0) f.interval[std::clamp(note.pitch - previous, -12, 12) + 12] += 1;
      previous = note.pitch;
      lowest = std::min(lowest, note.pitch);
      highest = std::max(highest, note.pitch);
    }
  }
  Normalise(&f.pitch_class);
  Normalise(&f.interval);
  Normalise(&f.note_length);
  f.pitch_range = notes ? highest - lowest : 0;
  f.notes_per_bar = melody.bars.empty() ? 0.0 : static_cast<double>(notes) / melody.bars.size();
  return f;
}

const std::vector<std::string>& FeatureNames() {
  static const std::vector<std::string> kNames = {"pitch_class", "interval", "note_length",
                                                  "pitch_range", "notes_per_bar"};
  return kNames;
}

std::vector<double> FeatureVector(const TuneFeatures& f, const std::string& name) {
  if (name == "pitch_class") return f.pitch_class;
  if (name == "interval") return f.interval;
  if (name == "note_length") return f.note_length;
  if (name == "pitch_range") return {f.pitch_range};
  return {f.notes_per_bar};
}

void EstimateDensities(const std::vector<double>& a, const std::vector<double>& b, int points,
                       Density* pa, Density* pb) {
  const auto [amin, amax] = std::minmax_element(a.begin(), a.end());
  const auto [bmin, bmax] = std::minmax_element(b.begin(), b.end());
  const double lo_data = std::min(*amin, *bmin), hi_data = std::max(*amax, *bmax);
  const double floor = hi_data > lo_data ? 0.01 * (hi_data - lo_data) : 1e-6;
  const double ha = ScottBandwidth(a, floor), hb = ScottBandwidth(b, floor);
  const double margin = 4 * std::max(ha, hb);
  const double lo = lo_data - margin, step = (hi_data + margin - lo) / (points - 1);
  pa->lo = pb->lo = lo;
  pa->step = pb->step = step;
  pa->values = Smooth(a, ha, lo, step, points);
  pb->values = Smooth(b, hb, lo, step, points);
}

double OverlapArea(const Density& p, const Density& q) {
  std::vector<double> m(p.values.size());
  for (size_t i = 0; i < m.size(); ++i) m[i] = std::min(p.values[i], q.values[i]);
  return std::min(1.0, Trapezoid(m, p.step));
}

double KlDivergence(const Density& p, const Density& q) {
  const double peak = *std::max_element(q.values.begin(), q.values.end());
  const double floor = 1e-12 * peak;
  std::vector<double> terms(p.values.size(), 0.0);
  for (size_t i = 0; i < terms.size(); ++i) {
    const double pv = p.values[i];
    if (pv > 0) terms[i] = pv * std::log(pv / std::max(q.values[i], floor));
  }
  return std::max(0.0, Trapezoid(terms, p.step));
}

std::vector<double> IntraSetDistances(const std::vector<std::vector<double>>& a) {
  std::vector<double> d;
  d.reserve(a.size() * a.size());
  for (const auto& x : a)
    for (const auto& y : a) d.push_back(Distance(x, y));
  return d;
}

std::vector<double> InterSetDistances(const std::vector<std::vector<double>>& a,
                                      const std::vector<std::vector<double>>& b) {
  std::vector<double> d;
  d.reserve(a.size() * b.size());
  for (const auto& x : a)
    for (const auto& y : b) d.push_back(Distance(x, y));
  return d;
}

std::vector<FeatureComparison> CompareSets(const std::vector<TuneFeatures>& set,
                                           const std::vector<TuneFeatures>& reference,
                                           int max_tunes) {
  std::vector<FeatureComparison> out;
  for (const auto& name : FeatureNames()) {
    auto s = Column(set, name, max_tunes);
    auto r = Column(reference, name, max_tunes);
    Density intra, inter;
    EstimateDensities(IntraSetDistances(r), InterSetDistances(s, r), 1024, &intra, &inter);
    FeatureComparison c;
    c.feature = name;
    c.overlap = OverlapArea(intra, inter);
    c.kl = KlDivergence(intra, inter);
    c.scalar = s.front().size() == 1;
    if (c.scalar) {
      for (const auto& v : s) c.set_mean += v[0] / static_cast<double>(s.size());
      for (const auto& v : r) c.reference_mean += v[0] / static_cast<double>(r.size());
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace abcrnn::eval
