// The reference LSTM: one sequence, one token at a time, the equations as plain loops. Slow and
// obvious on purpose; the fast engine (lstm_fast.cc) is tested against it.
#include <cmath>

#include "abcrnn/infer/lstm.h"
#include "infer/reference_ops.h"

namespace abcrnn {

using infer::Sigmoid;

ReferenceLstm::ReferenceLstm(RnnWeights weights) : w_(std::move(weights)) {}

ReferenceLstm::State ReferenceLstm::InitialState() const {
  const ModelConfig& c = w_.config;
  State s;
  s.h.assign(c.layers, std::vector<float>(c.hidden, 0.0f));
  s.c.assign(c.layers, std::vector<float>(c.hidden, 0.0f));
  return s;
}

void ReferenceLstm::Step(int id, State* state, float* logits, const int* clock) const {
  const ModelConfig& c = w_.config;
  const int H = c.hidden;
  std::vector<float> x = infer::ReferenceInput(w_, id, clock);
  std::vector<float> a(4 * H), b(4 * H);
  for (int l = 0; l < c.layers; ++l) {
    std::vector<float>& h = state->h[l];
    std::vector<float>& cell = state->c[l];
    infer::MatVec(w_.w_ih[l], x.data(), w_.b_ih[l], 4 * H, static_cast<int>(x.size()), a.data());
    infer::MatVec(w_.w_hh[l], h.data(), w_.b_hh[l], 4 * H, H, b.data());
    for (int j = 0; j < H; ++j) {
      const float i = Sigmoid(a[j] + b[j]);
      const float f = Sigmoid(a[H + j] + b[H + j]);
      const float g = std::tanh(a[2 * H + j] + b[2 * H + j]);
      const float o = Sigmoid(a[3 * H + j] + b[3 * H + j]);
      cell[j] = f * cell[j] + i * g;
      h[j] = o * std::tanh(cell[j]);
    }
    x = h;
  }
  infer::MatVec(w_.head_w, x.data(), w_.head_b, c.vocab_size, H, logits);
}

}  // namespace abcrnn
