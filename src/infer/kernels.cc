// The fast engine's kernels: panel packing, the batched fused-multiply-add product (AVX2 tiles of
// 4 rows x 3 panels or 1 row x 8 panels; a scalar path with identical rounding) and the LSTM cell.
#include "infer/kernels.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace abcrnn::infer {

PackedMatrix PackRows(const float* w, int rows, int cols) {
  PackedMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.panels = (rows + kPanel - 1) / kPanel;
  m.data.assign(static_cast<size_t>(m.panels) * cols * kPanel, 0.0f);
  for (int j = 0; j < rows; ++j) {
    const int p = j / kPanel, r = j % kPanel;
    float* dst = m.data.data() + static_cast<size_t>(p) * cols * kPanel + r;
    for (int k = 0; k < cols; ++k) dst[static_cast<size_t>(k) * kPanel] = w[static_cast<size_t>(j) * cols + k];
  }
  return m;
}

bool CpuHasAvx2Fma() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

namespace {

// ---- AVX2 + FMA: R rows x P panels, accumulators in registers ----------------------------------
template <int R, int P>
__attribute__((target("avx2,fma"))) void TileAvx2(const float* w, size_t panel_stride, int K,
                                                   const float* x, int ldx, float* y, int ldy) {
  __m256 acc[R][P];
  for (int r = 0; r < R; ++r)
    for (int p = 0; p < P; ++p) acc[r][p] = _mm256_loadu_ps(y + r * ldy + p * kPanel);
  for (int k = 0; k < K; ++k) {
    __m256 wv[P];
    for (int p = 0; p < P; ++p) wv[p] = _mm256_loadu_ps(w + p * panel_stride + static_cast<size_t>(k) * kPanel);
    for (int r = 0; r < R; ++r) {
      const __m256 xv = _mm256_broadcast_ss(x + r * ldx + k);
      for (int p = 0; p < P; ++p) acc[r][p] = _mm256_fmadd_ps(xv, wv[p], acc[r][p]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int p = 0; p < P; ++p) _mm256_storeu_ps(y + r * ldy + p * kPanel, acc[r][p]);
}

using TileFn = void (*)(const float*, size_t, int, const float*, int, float*, int);

template <int R>
TileFn PickTile(int panels) {
  switch (panels) {
    case 1: return TileAvx2<R, 1>;
    case 2: return TileAvx2<R, 2>;
    case 3: return TileAvx2<R, 3>;
    case 4: return TileAvx2<R, 4>;
    case 5: return TileAvx2<R, 5>;
    case 6: return TileAvx2<R, 6>;
    case 7: return TileAvx2<R, 7>;
    default: return TileAvx2<R, 8>;
  }
}

void GemmAvx2(const PackedMatrix& w, const float* x, int ldx, int n, float* y, int ldy, int p0, int p1) {
  const size_t stride = static_cast<size_t>(w.cols) * kPanel;
  const int K = w.cols;
  int b = 0;
  // Blocks of 4 rows x 3 panels: 12 accumulators, each weight load used 4 times.
  for (; b + 4 <= n; b += 4)
    for (int p = p0; p < p1; p += 3) {
      const int np = std::min(3, p1 - p);
      PickTile<4>(np)(w.data.data() + p * stride, stride, K, x + b * ldx, ldx, y + b * ldy + p * kPanel, ldy);
    }
  // Leftover rows one at a time, 8 panels per pass (8 independent chains hide the FMA latency).
  for (; b < n; ++b)
    for (int p = p0; p < p1; p += 8) {
      const int np = std::min(8, p1 - p);
      PickTile<1>(np)(w.data.data() + p * stride, stride, K, x + b * ldx, ldx, y + b * ldy + p * kPanel, ldy);
    }
}

// ---- portable path: the same chains with std::fma ------------------------------------------------
void GemmScalar(const PackedMatrix& w, const float* x, int ldx, int n, float* y, int ldy, int p0, int p1) {
  const size_t stride = static_cast<size_t>(w.cols) * kPanel;
  for (int b = 0; b < n; ++b)
    for (int p = p0; p < p1; ++p) {
      const float* wp = w.data.data() + p * stride;
      float acc[kPanel];
      std::memcpy(acc, y + b * ldy + p * kPanel, sizeof acc);
      for (int k = 0; k < w.cols; ++k) {
        const float xv = x[b * ldx + k];
        for (int r = 0; r < kPanel; ++r) acc[r] = std::fma(xv, wp[k * kPanel + r], acc[r]);
      }
      std::memcpy(y + b * ldy + p * kPanel, acc, sizeof acc);
    }
}

}  // namespace

void GemmAccumulate(const PackedMatrix& w, const float* x, int ldx, int n, float* y, int ldy,
                    int p0, int p1, bool avx2) {
  if (n <= 0 || p0 >= p1) return;
  if (avx2)
    GemmAvx2(w, x, ldx, n, y, ldy, p0, p1);
  else
    GemmScalar(w, x, ldx, n, y, ldy, p0, p1);
}

// ---- element-wise ---------------------------------------------------------------------------------
float ExpApprox(float x) {
  x = std::min(std::max(x, -87.3f), 88.3f);
  const float fx = x * 1.44269504088896341f;
  const float n = (fx + 12582912.0f) - 12582912.0f;  // round to nearest (|fx| < 2^22)
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e = p * (r * r) + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return e * scale;
}

namespace {
inline float Sigmoid(float x) { return 1.0f / (1.0f + ExpApprox(-x)); }
inline float Tanh(float x) { return 1.0f - 2.0f / (1.0f + ExpApprox(2.0f * x)); }
}  // namespace

// Compiled for AVX2 and the baseline; without FMA contraction (-ffp-contract=off) both give the
// same bits.
__attribute__((target_clones("avx2", "default"))) void LstmCell(const float* gates, float* c,
                                                                float* h, int hidden) {
  const float* gi = gates;
  const float* gf = gates + hidden;
  const float* gg = gates + 2 * hidden;
  const float* go = gates + 3 * hidden;
  for (int j = 0; j < hidden; ++j) {
    const float cn = Sigmoid(gf[j]) * c[j] + Sigmoid(gi[j]) * Tanh(gg[j]);
    c[j] = cn;
    h[j] = Sigmoid(go[j]) * Tanh(cn);
  }
}

}  // namespace abcrnn::infer
