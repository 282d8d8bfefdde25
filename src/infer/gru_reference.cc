// The reference GRU: one sequence, one token at a time, PyTorch's equations as plain loops. Slow
// and obvious on purpose; the fast engine (gru_fast.cc) is tested against it.
#include <cmath>

#include "abcrnn/infer/gru.h"
#include "infer/reference_ops.h"

namespace abcrnn {

using infer::Sigmoid;

ReferenceGru::ReferenceGru(RnnWeights weights) : w_(std::move(weights)) {}

ReferenceGru::State ReferenceGru::InitialState() const {
  const ModelConfig& c = w_.config;
  State s;
  s.h.assign(c.layers, std::vector<float>(c.hidden, 0.0f));
  return s;
}

void ReferenceGru::Step(int id, State* state, float* logits, const int* clock) const {
  const ModelConfig& c = w_.config;
  const int H = c.hidden;
  std::vector<float> x = infer::ReferenceInput(w_, id, clock);
  std::vector<float> a(3 * H), b(3 * H);  // W_ih x + b_ih and W_hh h + b_hh, rows r, z, n
  for (int l = 0; l < c.layers; ++l) {
    std::vector<float>& h = state->h[l];
    infer::MatVec(w_.w_ih[l], x.data(), w_.b_ih[l], 3 * H, static_cast<int>(x.size()), a.data());
    infer::MatVec(w_.w_hh[l], h.data(), w_.b_hh[l], 3 * H, H, b.data());
    for (int j = 0; j < H; ++j) {
      const float r = Sigmoid(a[j] + b[j]);
      const float z = Sigmoid(a[H + j] + b[H + j]);
      const float n = std::tanh(a[2 * H + j] + r * b[2 * H + j]);
      h[j] = (1.0f - z) * n + z * h[j];
    }
    x = h;
  }
  infer::MatVec(w_.head_w, x.data(), w_.head_b, c.vocab_size, H, logits);
}

}  // namespace abcrnn
