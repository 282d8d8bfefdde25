// The reference engines' shared arithmetic (see reference_ops.h): plain loops, nothing clever.
#include "infer/reference_ops.h"

#include "abcrnn/abc/form_clock.h"

namespace abcrnn::infer {

void MatVec(const std::vector<float>& w, const float* x, const std::vector<float>& b, int rows,
            int cols, float* y) {
  for (int r = 0; r < rows; ++r) {
    float s = b[r];
    for (int k = 0; k < cols; ++k) s += w[static_cast<size_t>(r) * cols + k] * x[k];
    y[r] = s;
  }
}

std::vector<float> ReferenceInput(const RnnWeights& w, int id, const int* clock) {
  const ModelConfig& c = w.config;
  std::vector<float> x(w.embed.begin() + static_cast<size_t>(id) * c.embed,
                       w.embed.begin() + static_cast<size_t>(id + 1) * c.embed);
  if (c.form_clock != 0) {  // embed[id] + the clock's rows, as PyTorch adds them
    const abc::FormClock none = abc::HeaderClock();
    std::vector<float> sum(c.embed, 0.0f);
    for (int k = 0; k < abc::FormClockFields(c.form_clock); ++k) {
      const float* row = w.clock.data() + static_cast<size_t>(clock ? clock[k] : none[k]) * c.embed;
      for (int e = 0; e < c.embed; ++e) sum[e] += row[e];
    }
    for (int e = 0; e < c.embed; ++e) x[e] += sum[e];
  }
  return x;
}

}  // namespace abcrnn::infer
