// The cell-independent parts of the fast engines (see fast_parts.h).
#include "infer/fast_parts.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "abcrnn/abc/form_clock.h"

namespace abcrnn::infer {

std::vector<float> PaddedSum(const std::vector<float>& a, const std::vector<float>& b, int padded) {
  std::vector<float> out(padded, 0.0f);
  for (size_t i = 0; i < a.size(); ++i) out[i] = b.empty() ? a[i] : a[i] + b[i];
  return out;
}

InputTable BuildInputTable(const RnnWeights& w, const std::vector<float>& bias, int gp, Kernel kernel) {
  const ModelConfig& c = w.config;
  const int V = c.vocab_size, E = c.embed;
  const int rows = static_cast<int>(w.b_ih[0].size());
  InputTable t;
  t.gp = gp;
  t.table.resize(static_cast<size_t>(V) * gp);
  for (int v = 0; v < V; ++v)
    std::copy(bias.begin(), bias.end(), t.table.begin() + static_cast<size_t>(v) * gp);
  const PackedMatrix w_ih0 = PackRows(w.w_ih[0].data(), rows, E);
  GemmAccumulate(w_ih0, w.embed.data(), E, V, t.table.data(), gp, 0, w_ih0.panels, kernel);
  if (c.form_clock != 0) {
    const int clock_rows = abc::FormClockRows(c.form_clock);
    t.clock_fields = abc::FormClockFields(c.form_clock);
    t.clock_table.assign(static_cast<size_t>(clock_rows) * gp, 0.0f);
    GemmAccumulate(w_ih0, w.clock.data(), E, clock_rows, t.clock_table.data(), gp, 0, w_ih0.panels,
                   kernel);
  }
  return t;
}

void InputTable::Write(int id, const int* clock, float* out) const {
  std::memcpy(out, table.data() + static_cast<size_t>(id) * gp, sizeof(float) * gp);
  if (clock_table.empty()) return;
  // + the clock rows' products, in row order
  const abc::FormClock none = abc::HeaderClock();
  const int* rows = clock ? clock : none.data();
  const float* r0 = clock_table.data() + static_cast<size_t>(rows[0]) * gp;
  const float* r1 = clock_table.data() + static_cast<size_t>(rows[1]) * gp;
  const float* r2 = clock_table.data() + static_cast<size_t>(rows[2]) * gp;
  if (clock_fields == 3) {
    for (int j = 0; j < gp; ++j) out[j] += (r0[j] + r1[j]) + r2[j];
    return;
  }
  const float* r3 = clock_table.data() + static_cast<size_t>(rows[3]) * gp;
  if (clock_fields == 4) {
    for (int j = 0; j < gp; ++j) out[j] += ((r0[j] + r1[j]) + r2[j]) + r3[j];
  } else {
    const float* r4 = clock_table.data() + static_cast<size_t>(rows[4]) * gp;
    for (int j = 0; j < gp; ++j) out[j] += (((r0[j] + r1[j]) + r2[j]) + r3[j]) + r4[j];
  }
}

void PackCell(const RnnWeights& w, int gates, const FastEngineOptions& options, PackedCell* p) {
  std::string error;
  if (!ParseKernel(options.kernel, &p->kernel, &error)) std::abort();  // NewFastEngine refuses it first
  p->precision = options.precision;
  p->H = w.config.hidden;
  p->L = w.config.layers;
  p->gp = (gates * p->H + kPanel - 1) / kPanel * kPanel;
  p->head = BuildHead(w, options.precision);
}

PackedHead BuildHead(const RnnWeights& w, WeightPrecision precision) {
  PackedHead h;
  h.V = w.config.vocab_size;
  h.vp = (h.V + kPanel - 1) / kPanel * kPanel;
  // int8 keeps the head in float32: a quarter of the bytes matters for the recurrent matrices,
  // and the head's error would go straight into the logits.
  h.w = PackRows(w.head_w.data(), h.V, w.config.hidden,
                 precision == WeightPrecision::kInt8 ? WeightPrecision::kFloat32 : precision);
  h.b = PaddedSum(w.head_b, {}, h.vp);
  return h;
}

}  // namespace abcrnn::infer
