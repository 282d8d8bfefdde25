// The parts of a fast engine that do not depend on the cell (internal to src/infer): the layer-0
// input table (every token's input product, plus the form clock's rows) and the linear head.
// Shapes: V = vocabulary, E = embedding, H = hidden, gp = the cell's gate rows padded to panels.
#pragma once

#include <cstring>
#include <vector>

#include "abcrnn/infer/engine.h"
#include "infer/kernels.h"

namespace abcrnn::infer {

// `a` + `b` (b may be empty: a alone), zero-padded to `padded` values.
std::vector<float> PaddedSum(const std::vector<float>& a, const std::vector<float>& b, int padded);

// Layer 0's input product for every token: row v = bias + W_ih0 embed[v], and with a form clock
// the same product (without bias) for every clock row, added to the token's row per step.
struct InputTable {
  int gp = 0;
  std::vector<float> table;        // (V, gp)
  std::vector<float> clock_table;  // with a form clock: (FormClockRows, gp)
  int clock_fields = 0;            // the clock fields the model reads

  // Writes the input product of token `id` with clock rows `clock` (abc::kFormClockFields of them;
  // nullptr: abc::HeaderClock()) to out (gp).
  void Write(int id, const int* clock, float* out) const;
};
// REQUIRES: bias has gp values; w_ih0 is (rows, E) with rows <= gp.
InputTable BuildInputTable(const RnnWeights& w, const std::vector<float>& bias, int gp, Kernel kernel);

// The head: logits (V) = head_w h + head_b, packed.
struct PackedHead {
  int V = 0, vp = 0;     // vocabulary, padded to panels
  PackedMatrix w;        // (V,H)
  std::vector<float> b;  // (vp)

  // Rows [b0, b1): out (rows, vp; scratch) = b + W h, copied to logits (rows, V) at row b0.
  // h: row b0's top hidden state, rows ldh apart. gemm as in infer/fast_step.h.
  template <typename Gemm>
  void Apply(const float* h, int ldh, int b0, int b1, float* out, float* logits,
             const Gemm& gemm) const {
    float* o = out + static_cast<size_t>(b0) * vp;
    for (int b = 0; b < b1 - b0; ++b)
      std::memcpy(o + static_cast<size_t>(b) * vp, this->b.data(), sizeof(float) * vp);
    gemm(w, h, ldh, o, vp, b1 - b0);
    for (int b = b0; b < b1; ++b)
      std::memcpy(logits + static_cast<size_t>(b) * V, out + static_cast<size_t>(b) * vp,
                  sizeof(float) * V);
  }
};
PackedHead BuildHead(const RnnWeights& w, WeightPrecision precision);

// What every cell's packed weights hold: sizes, code path, the layer-0 input table (built by the
// cell, whose biases differ) and the head. A cell's Packed adds its layers.
struct PackedCell {
  Kernel kernel = Kernel::kScalar;  // the product's code path (FastEngineOptions::kernel)
  WeightPrecision precision = WeightPrecision::kFloat32;  // FastEngineOptions::precision
  int H = 0, L = 0;
  int gp = 0;  // the cell's gate rows (gates * H) padded to whole panels
  InputTable input;
  PackedHead head;
};
// Sets `p`'s sizes, code path, precision and head for `w`, whose cell has `gates` blocks of H gate
// rows. REQUIRES: options.kernel names a kernel this CPU runs (NewFastEngine checks).
void PackCell(const RnnWeights& w, int gates, const FastEngineOptions& options, PackedCell* p);

}  // namespace abcrnn::infer
