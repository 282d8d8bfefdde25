// Choosing the next character from logits: temperature, top-k, top-p (nucleus), an optional mask,
// and Rng, a fixed portable random generator (xoshiro256** seeded through splitmix64) so that the
// same seed draws the same numbers on every machine, compiler and thread count.
// Thread-compatible: one Rng per sequence; the functions keep no state.
#pragma once

#include <cstdint>
#include <vector>

namespace abcrnn {

// xoshiro256** (Blackman and Vigna, 2018), its 256-bit state filled by splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  // The generator of stream `stream` under `seed`: Rng(seed) for stream 0, and for stream s the
  // seed SplitMix64Mix(seed + s * 0x9E3779B97F4A7C15). Tune i of a run uses stream i, so it is the
  // same tune whether made alone or among others.
  static Rng ForStream(uint64_t seed, uint64_t stream);

  uint64_t Next();
  // Uniform in [0,1) with 53 random bits: (Next() >> 11) * 2^-53.
  double Uniform();
  // Standard normal (Box-Muller); for random test weights only (uses libm's log and cos).
  double Normal();

 private:
  uint64_t s_[4];
};

// splitmix64's output function: a bijective 64-bit mix.
uint64_t SplitMix64Mix(uint64_t x);

struct SamplerOptions {
  // Logits are divided by it; 0 picks the most likely character (greedy, ties to the lowest id).
  double temperature = 1.0;
  // Keep only the k most likely characters (ties broken by lower id); 0 = no limit.
  int top_k = 0;
  // Keep the smallest set of most likely characters whose probability reaches top_p (after
  // top-k, renormalised); 1 = no limit. At least one character is always kept.
  double top_p = 1.0;
};

// The distribution actually sampled from, over ids 0..n-1 (zeros for excluded ids), computed in
// double: softmax(logits / temperature) over the ids allowed by `mask` (mask[id] != 0; null =
// all), restricted by top_k, then by top_p, renormalised. REQUIRES: at least one allowed id.
std::vector<double> SamplingDistribution(const float* logits, int n, const SamplerOptions& options,
                                         const uint8_t* mask = nullptr);

// Draws from `probs` (summing to 1) by inverse CDF with one Uniform() in id order; when rounding
// leaves the draw past the end, the last id with non-zero probability.
int DrawFrom(const std::vector<double>& probs, Rng& rng);

// SamplingDistribution then DrawFrom; with temperature 0, the arg-max and no draw.
int SampleNext(const float* logits, int n, const SamplerOptions& options, Rng& rng,
               const uint8_t* mask = nullptr);

}  // namespace abcrnn
