// Style statistics after Yang & Lerch, "On the evaluation of generative models in music" (2018):
// per-tune features (pitch-class, interval and note-length histograms, pitch range, notes per
// bar) and, for two sets, overlap area and KL divergence between the kernel density estimates of
// intra-set (reference) and inter-set distances. Our variants of their method: doc/eval.md.
#pragma once

#include <string>
#include <vector>

#include "abcrnn/eval/melody.h"

namespace abcrnn::eval {

// Feature vectors of one tune. Histograms are normalised to sum 1 (all zero for a tune
// without notes/intervals).
struct TuneFeatures {
  std::vector<double> pitch_class;  // 12 bins: semitones above the tonic (above C for K:none)
  std::vector<double> interval;     // 25 bins: -12..+12 semitones between consecutive notes,
                                    // larger leaps clamped into the end bins
  std::vector<double> note_length;  // 13 bins: kNoteLengthClasses then "other"
  double pitch_range = 0;           // highest minus lowest MIDI pitch (0 without notes)
  double notes_per_bar = 0;         // pitched notes / bars (0 without bars)
};

// Note-length classes in whole notes, Yang & Lerch's twelve: 1, 1/2, 1/4, 1/8, 1/16, dotted
// 3/4, 3/8, 3/16, 3/32, triplets 1/3, 1/6, 1/12. A note of another length counts as "other".
extern const double kNoteLengthClasses[12];

TuneFeatures ExtractFeatures(const Melody& melody);

// The names of the compared features, in report order: "pitch_class", "interval",
// "note_length", "pitch_range", "notes_per_bar".
const std::vector<std::string>& FeatureNames();
// The feature `name` of `f` as a vector (scalars as one element). REQUIRES: name in FeatureNames().
std::vector<double> FeatureVector(const TuneFeatures& f, const std::string& name);

// A one-dimensional Gaussian kernel density estimate on a regular grid (Scott's rule, as
// scipy.stats.gaussian_kde). Samples are binned linearly onto the grid before smoothing.
struct Density {
  double lo = 0, step = 1;     // grid point i is at lo + i * step
  std::vector<double> values;  // density at each grid point; integrates to 1 (trapezoid rule)
};
// Densities of `a` and `b` on one shared grid of `points` points covering both samples plus
// four bandwidths on each side. REQUIRES: a and b non-empty.
void EstimateDensities(const std::vector<double>& a, const std::vector<double>& b, int points,
                       Density* pa, Density* pb);
// Overlap area: integral of min(p, q), in [0, 1]. REQUIRES: the same grid.
double OverlapArea(const Density& p, const Density& q);
// KL(p || q) in nats, q floored at 1e-12 of its peak where p has mass. REQUIRES: the same grid.
double KlDivergence(const Density& p, const Density& q);

// Euclidean distances: every ordered pair (i, j) of a (self-pairs included, see doc/eval.md),
// and every pair (i in a, j in b).
std::vector<double> IntraSetDistances(const std::vector<std::vector<double>>& a);
std::vector<double> InterSetDistances(const std::vector<std::vector<double>>& a,
                                      const std::vector<std::vector<double>>& b);

// Comparison of one feature between a generated (or any) set and a reference set.
struct FeatureComparison {
  std::string feature;
  double overlap = 0;         // OA(intra(reference), inter(set, reference)); 1 = same spread
  double kl = 0;              // KL(intra(reference) || inter(set, reference)), nats; 0 = same
  bool scalar = false;        // pitch_range, notes_per_bar: the means below are meaningful
  double set_mean = 0;        // mean of a scalar feature over the set (0 for histograms)
  double reference_mean = 0;  // the same over the reference
};

// Every feature of FeatureNames(). Sets larger than `max_tunes` are thinned to an evenly spaced
// subset of that size (deterministic) to bound the pair count. REQUIRES: both sets non-empty.
std::vector<FeatureComparison> CompareSets(const std::vector<TuneFeatures>& set,
                                           const std::vector<TuneFeatures>& reference,
                                           int max_tunes = 1000);

}  // namespace abcrnn::eval
