// The reference LSTM: one sequence, one token at a time, the equations as plain loops. Slow and
// obvious on purpose; the fast engine (lstm_fast.cc) is tested against it.
#include <cmath>

#include "abcrnn/abc/form_clock.h"
#include "abcrnn/infer/lstm.h"

namespace abcrnn {
namespace {

float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// y (rows) = W (rows,cols) x (cols) + b (rows)
void MatVec(const std::vector<float>& w, const float* x, const std::vector<float>& b, int rows,
            int cols, float* y) {
  for (int r = 0; r < rows; ++r) {
    float s = b[r];
    for (int k = 0; k < cols; ++k) s += w[static_cast<size_t>(r) * cols + k] * x[k];
    y[r] = s;
  }
}

}  // namespace

ReferenceLstm::ReferenceLstm(LstmWeights weights) : w_(std::move(weights)) {}

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
  std::vector<float> x(w_.embed.begin() + static_cast<size_t>(id) * c.embed,
                       w_.embed.begin() + static_cast<size_t>(id + 1) * c.embed);
  if (c.form_clock != 0) {  // embed[id] + the clock's rows, as PyTorch adds them
    const abc::FormClock none = abc::HeaderClock();
    std::vector<float> sum(c.embed, 0.0f);
    for (int k = 0; k < abc::FormClockFields(c.form_clock); ++k) {
      const float* row = w_.clock.data() + static_cast<size_t>(clock ? clock[k] : none[k]) * c.embed;
      for (int e = 0; e < c.embed; ++e) sum[e] += row[e];
    }
    for (int e = 0; e < c.embed; ++e) x[e] += sum[e];
  }
  std::vector<float> a(4 * H), b(4 * H);
  for (int l = 0; l < c.layers; ++l) {
    std::vector<float>& h = state->h[l];
    std::vector<float>& cell = state->c[l];
    MatVec(w_.w_ih[l], x.data(), w_.b_ih[l], 4 * H, static_cast<int>(x.size()), a.data());
    MatVec(w_.w_hh[l], h.data(), w_.b_hh[l], 4 * H, H, b.data());
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
  MatVec(w_.head_w, x.data(), w_.head_b, c.vocab_size, H, logits);
}

}  // namespace abcrnn
