// The fused LSTM layer's element-wise kernels (see lstm_cell_kernels.h): compiled for AVX2 and
// for the baseline (GCC picks one per CPU at load time, the same one every run), exp from the
// inference engine's polynomial (infer/kernels.h, about 2 ulp).
#include "model/lstm_cell_kernels.h"

#include "infer/kernels.h"

namespace abcrnn::model {
namespace {

inline float Sigmoid(float x) { return 1.0f / (1.0f + infer::ExpApprox(-x)); }
inline float Tanh(float x) { return 1.0f - 2.0f / (1.0f + infer::ExpApprox(2.0f * x)); }

// One row: gates (4H), c_prev, c, tanh_c, h (H). Separate restrict parameters let GCC vectorise
// without run-time overlap checks.
inline void ForwardRow(float* __restrict__ gi, float* __restrict__ gf, float* __restrict__ gg,
                       float* __restrict__ go, const float* __restrict__ cp, float* __restrict__ c,
                       float* __restrict__ tanh_c, float* __restrict__ h, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    const float i = Sigmoid(gi[j]);
    const float f = Sigmoid(gf[j]);
    const float g = Tanh(gg[j]);
    const float o = Sigmoid(go[j]);
    gi[j] = i;
    gf[j] = f;
    gg[j] = g;
    go[j] = o;
    const float cn = f * cp[j] + i * g;
    const float tc = Tanh(cn);
    c[j] = cn;
    tanh_c[j] = tc;
    h[j] = o * tc;
  }
}

// One row: activations a* (4H), c_prev, tanh_c, dy, dh_next (H) in; dc (H) in and out; d* (4H) out.
inline void BackwardRow(const float* __restrict__ ai, const float* __restrict__ af,
                        const float* __restrict__ ag, const float* __restrict__ ao,
                        const float* __restrict__ cp, const float* __restrict__ tanh_c,
                        const float* __restrict__ dy, const float* __restrict__ dh_next,
                        float* __restrict__ dc, float* __restrict__ di, float* __restrict__ df,
                        float* __restrict__ dg, float* __restrict__ dout, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    const float i = ai[j], f = af[j], g = ag[j], o = ao[j], tc = tanh_c[j];
    const float dh = dy[j] + dh_next[j];
    // h = o * tanh(c); c = f * c_prev + i * g.
    const float dcn = dc[j] + dh * o * (1.0f - tc * tc);
    dout[j] = dh * tc * (o * (1.0f - o));
    di[j] = dcn * g * (i * (1.0f - i));
    df[j] = dcn * cp[j] * (f * (1.0f - f));
    dg[j] = dcn * i * (1.0f - g * g);
    dc[j] = dcn * f;
  }
}

}  // namespace

__attribute__((target_clones("avx2", "default"))) void LstmCellForward(float* gates,
                                                                       const float* c_prev,
                                                                       float* c, float* tanh_c,
                                                                       float* h, int64_t hidden,
                                                                       int64_t b0, int64_t b1) {
  const int64_t n = hidden;
  for (int64_t b = b0; b < b1; ++b) {
    float* g = gates + b * 4 * n;
    ForwardRow(g, g + n, g + 2 * n, g + 3 * n, c_prev + b * n, c + b * n, tanh_c + b * n, h + b * n,
               n);
  }
}

__attribute__((target_clones("avx2", "default"))) void LstmCellBackward(
    const float* gates, const float* c_prev, const float* tanh_c, const float* dy,
    const float* dh_next, float* dc, float* dgates, int64_t hidden, int64_t b0, int64_t b1) {
  const int64_t n = hidden;
  for (int64_t b = b0; b < b1; ++b) {
    const float* a = gates + b * 4 * n;
    float* d = dgates + b * 4 * n;
    BackwardRow(a, a + n, a + 2 * n, a + 3 * n, c_prev + b * n, tanh_c + b * n, dy + b * n,
                dh_next + b * n, dc + b * n, d, d + n, d + 2 * n, d + 3 * n, n);
  }
}

__attribute__((target_clones("avx2", "default"))) void SumRows(const float* m, int64_t rows,
                                                               int64_t cols, float* out, int64_t j0,
                                                               int64_t j1) {
  float* __restrict__ o = out;
  for (int64_t j = j0; j < j1; ++j) o[j] = 0.0f;
  for (int64_t r = 0; r < rows; ++r) {
    const float* __restrict__ row = m + r * cols;
    for (int64_t j = j0; j < j1; ++j) o[j] += row[j];
  }
}

}  // namespace abcrnn::model
