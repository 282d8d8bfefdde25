// RowDropoutMask (see row_dropout.h): one CPU generator per row and layer.
#include "model/row_dropout.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ops/empty.h>

namespace abcrnn {
namespace {

// splitmix64's finaliser: nearby inputs give unrelated seeds.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

at::Tensor RowDropoutMask(const RowDropout& d, int64_t layer, int64_t rows, int64_t steps, int64_t hidden, double p) {
  at::Tensor mask = at::empty({rows, steps, hidden}, at::kFloat);
  const uint64_t layer_seed = Mix(d.seed ^ Mix(static_cast<uint64_t>(layer) + 1));
  for (int64_t r = 0; r < rows; ++r) {
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(Mix(layer_seed ^ static_cast<uint64_t>(d.row_begin + r)));
    mask.select(0, r).bernoulli_(1.0 - p, g);
  }
  return mask.div_(1.0 - p);
}

at::Tensor WeightDropMask(const RowDropout& d, int64_t layer, int64_t rows, int64_t cols, double p) {
  // Salted apart from RowDropoutMask's layer seeds, which hash small layer numbers.
  constexpr uint64_t kWeightSalt = 0x5745494748544452ULL;  // "WEIGHTDR"
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(Mix(d.seed ^ Mix(kWeightSalt + static_cast<uint64_t>(layer))));
  at::Tensor mask = at::empty({rows, cols}, at::kFloat);
  mask.bernoulli_(1.0 - p, g);
  return mask.div_(1.0 - p);
}

}  // namespace abcrnn
