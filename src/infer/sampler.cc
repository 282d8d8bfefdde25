// Rng (xoshiro256**, splitmix64 seeding) and the sampling distribution: temperature, top-k, top-p.
// Everything here is integer arithmetic or correctly rounded double operations plus std::exp, so
// the draws depend only on the seed and the logits.
#include "abcrnn/infer/sampler.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace abcrnn {
namespace {

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

}  // namespace

uint64_t SplitMix64Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) {
    x += kGolden;
    s = SplitMix64Mix(x);
  }
}

Rng Rng::ForStream(uint64_t seed, uint64_t stream) {
  return stream == 0 ? Rng(seed) : Rng(SplitMix64Mix(seed + stream * kGolden));
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double Rng::Normal() {
  double u1 = 1.0 - Uniform();  // (0,1]
  double u2 = Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

std::vector<double> SamplingDistribution(const float* logits, int n, const SamplerOptions& options,
                                         const uint8_t* mask) {
  std::vector<double> p(n, 0.0);
  // Candidates: allowed ids; sorted most likely first (ties by lower id) only when top-k or top-p
  // need the order, else order[0] is just moved to the arg-max.
  std::vector<int> order;
  order.reserve(n);
  for (int i = 0; i < n; ++i)
    if (!mask || mask[i]) order.push_back(i);
  assert(!order.empty());
  const bool need_order = options.temperature > 0.0 && (options.top_k > 0 || options.top_p < 1.0);
  if (need_order) {
    std::stable_sort(order.begin(), order.end(),
                     [logits](int a, int b) { return logits[a] > logits[b]; });
  } else {
    size_t best = 0;
    for (size_t r = 1; r < order.size(); ++r)
      if (logits[order[r]] > logits[order[best]]) best = r;
    std::swap(order[0], order[best]);
  }
  if (options.temperature <= 0.0) {
    p[order[0]] = 1.0;
    return p;
  }
  if (options.top_k > 0 && static_cast<int>(order.size()) > options.top_k) order.resize(options.top_k);
  // Softmax of logits / T over the candidates (max subtracted).
  const double top = static_cast<double>(logits[order[0]]) / options.temperature;
  double sum = 0.0;
  for (int id : order) {
    p[id] = std::exp(static_cast<double>(logits[id]) / options.temperature - top);
    sum += p[id];
  }
  for (int id : order) p[id] /= sum;
  if (options.top_p < 1.0) {
    double cumulative = 0.0;
    size_t keep = 0;
    while (keep < order.size()) {
      cumulative += p[order[keep]];
      ++keep;
      if (cumulative >= options.top_p) break;
    }
    for (size_t r = keep; r < order.size(); ++r) p[order[r]] = 0.0;
    double kept = 0.0;
    for (size_t r = 0; r < keep; ++r) kept += p[order[r]];
    for (size_t r = 0; r < keep; ++r) p[order[r]] /= kept;
  }
  return p;
}

int DrawFrom(const std::vector<double>& probs, Rng& rng) {
  const double u = rng.Uniform();
  double cumulative = 0.0;
  int last = -1;
  for (int i = 0; i < static_cast<int>(probs.size()); ++i) {
    if (probs[i] <= 0.0) continue;
    last = i;
    cumulative += probs[i];
    if (u < cumulative) return i;
  }
  return last;
}

int SampleNext(const float* logits, int n, const SamplerOptions& options, Rng& rng,
               const uint8_t* mask) {
  std::vector<double> p = SamplingDistribution(logits, n, options, mask);
  if (options.temperature <= 0.0)
    return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
  return DrawFrom(p, rng);
}

}  // namespace abcrnn
