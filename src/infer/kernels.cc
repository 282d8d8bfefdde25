// The fast engine's kernels: panel packing, the batched fused-multiply-add product (AVX2 tiles of
// 4 rows x 3 panels or 1 row x 8 panels; a scalar path with identical rounding) and the LSTM and
// GRU cells.
#include "infer/kernels.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace abcrnn::infer {

uint16_t ToBf16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  bits += 0x7FFFu + ((bits >> 16) & 1u);  // round to nearest, ties to even (weights are finite)
  return static_cast<uint16_t>(bits >> 16);
}

float FromBf16(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

PackedMatrix PackRows(const float* w, int rows, int cols, bool bf16) {
  PackedMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.panels = (rows + kPanel - 1) / kPanel;
  const size_t size = static_cast<size_t>(m.panels) * cols * kPanel;
  if (bf16)
    m.bf16.assign(size, 0);
  else
    m.data.assign(size, 0.0f);
  for (int j = 0; j < rows; ++j) {
    const int p = j / kPanel, r = j % kPanel;
    const size_t base = static_cast<size_t>(p) * cols * kPanel + r;
    for (int k = 0; k < cols; ++k) {
      const float v = w[static_cast<size_t>(j) * cols + k];
      const size_t at = base + static_cast<size_t>(k) * kPanel;
      if (bf16)
        m.bf16[at] = ToBf16(v);
      else
        m.data[at] = v;
    }
  }
  return m;
}

bool CpuHasAvx2Fma() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

namespace {

// ---- AVX2 + FMA: tiles with their accumulators in named registers ------------------------------
// Weights are float, or bfloat16 widened exactly to float as they are loaded (T = uint16_t).
template <typename T>
__attribute__((target("avx2,fma"))) inline __m256 Load8(const T* p) {
  if constexpr (std::is_same_v<T, float>) {
    return _mm256_loadu_ps(p);
  } else {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
}

// (An array of __m256 accumulators is kept in memory by GCC, storing every iteration; named
// variables stay in registers.)

// 4 rows x P panels (P <= 3): 12 accumulators, each weight load used by 4 rows.
template <int P, typename T>
__attribute__((target("avx2,fma"))) void Tile4(const T* w, size_t ps, int K, const float* x,
                                                int ldx, float* y, int ldy) {
  const __m256 z = _mm256_setzero_ps();
  float *y0 = y, *y1 = y + ldy, *y2 = y + 2 * ldy, *y3 = y + 3 * ldy;
  __m256 a00 = _mm256_loadu_ps(y0), a10 = _mm256_loadu_ps(y1), a20 = _mm256_loadu_ps(y2), a30 = _mm256_loadu_ps(y3);
  __m256 a01 = z, a11 = z, a21 = z, a31 = z, a02 = z, a12 = z, a22 = z, a32 = z;
  if constexpr (P > 1) {
    a01 = _mm256_loadu_ps(y0 + 8); a11 = _mm256_loadu_ps(y1 + 8);
    a21 = _mm256_loadu_ps(y2 + 8); a31 = _mm256_loadu_ps(y3 + 8);
  }
  if constexpr (P > 2) {
    a02 = _mm256_loadu_ps(y0 + 16); a12 = _mm256_loadu_ps(y1 + 16);
    a22 = _mm256_loadu_ps(y2 + 16); a32 = _mm256_loadu_ps(y3 + 16);
  }
  const float *x0 = x, *x1 = x + ldx, *x2 = x + 2 * ldx, *x3 = x + 3 * ldx;
  const T *w0 = w, *w1 = w + ps, *w2 = w + 2 * ps;
  for (int k = 0; k < K; ++k) {
    // 3 weight vectors + 1 broadcast + 12 accumulators = the 16 ymm registers.
    const size_t o = static_cast<size_t>(k) * kPanel;
    const __m256 v0 = Load8(w0 + o);
    const __m256 v1 = P > 1 ? Load8(w1 + o) : z;
    const __m256 v2 = P > 2 ? Load8(w2 + o) : z;
    __m256 b = _mm256_broadcast_ss(x0 + k);
    a00 = _mm256_fmadd_ps(b, v0, a00);
    if constexpr (P > 1) a01 = _mm256_fmadd_ps(b, v1, a01);
    if constexpr (P > 2) a02 = _mm256_fmadd_ps(b, v2, a02);
    b = _mm256_broadcast_ss(x1 + k);
    a10 = _mm256_fmadd_ps(b, v0, a10);
    if constexpr (P > 1) a11 = _mm256_fmadd_ps(b, v1, a11);
    if constexpr (P > 2) a12 = _mm256_fmadd_ps(b, v2, a12);
    b = _mm256_broadcast_ss(x2 + k);
    a20 = _mm256_fmadd_ps(b, v0, a20);
    if constexpr (P > 1) a21 = _mm256_fmadd_ps(b, v1, a21);
    if constexpr (P > 2) a22 = _mm256_fmadd_ps(b, v2, a22);
    b = _mm256_broadcast_ss(x3 + k);
    a30 = _mm256_fmadd_ps(b, v0, a30);
    if constexpr (P > 1) a31 = _mm256_fmadd_ps(b, v1, a31);
    if constexpr (P > 2) a32 = _mm256_fmadd_ps(b, v2, a32);
  }
  _mm256_storeu_ps(y0, a00); _mm256_storeu_ps(y1, a10); _mm256_storeu_ps(y2, a20); _mm256_storeu_ps(y3, a30);
  if constexpr (P > 1) {
    _mm256_storeu_ps(y0 + 8, a01); _mm256_storeu_ps(y1 + 8, a11);
    _mm256_storeu_ps(y2 + 8, a21); _mm256_storeu_ps(y3 + 8, a31);
  }
  if constexpr (P > 2) {
    _mm256_storeu_ps(y0 + 16, a02); _mm256_storeu_ps(y1 + 16, a12);
    _mm256_storeu_ps(y2 + 16, a22); _mm256_storeu_ps(y3 + 16, a32);
  }
}

// 1 row x P panels (P <= 8): 8 independent chains hide the FMA latency; streams 8 panels.
#define ABCRNN_ROW1_PANEL(i)                                                        \
  if constexpr (P > i) a##i = _mm256_fmadd_ps(b, Load8(w + i * ps + o), a##i)
template <int P, typename T>
__attribute__((target("avx2,fma"))) void Tile1(const T* w, size_t ps, int K, const float* x,
                                                int /*ldx*/, float* y, int /*ldy*/) {
  const __m256 z = _mm256_setzero_ps();
  __m256 a0 = _mm256_loadu_ps(y), a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
  if constexpr (P > 1) a1 = _mm256_loadu_ps(y + 8);
  if constexpr (P > 2) a2 = _mm256_loadu_ps(y + 16);
  if constexpr (P > 3) a3 = _mm256_loadu_ps(y + 24);
  if constexpr (P > 4) a4 = _mm256_loadu_ps(y + 32);
  if constexpr (P > 5) a5 = _mm256_loadu_ps(y + 40);
  if constexpr (P > 6) a6 = _mm256_loadu_ps(y + 48);
  if constexpr (P > 7) a7 = _mm256_loadu_ps(y + 56);
  for (int k = 0; k < K; ++k) {
    const size_t o = static_cast<size_t>(k) * kPanel;
    const __m256 b = _mm256_broadcast_ss(x + k);
    ABCRNN_ROW1_PANEL(0);
    ABCRNN_ROW1_PANEL(1);
    ABCRNN_ROW1_PANEL(2);
    ABCRNN_ROW1_PANEL(3);
    ABCRNN_ROW1_PANEL(4);
    ABCRNN_ROW1_PANEL(5);
    ABCRNN_ROW1_PANEL(6);
    ABCRNN_ROW1_PANEL(7);
  }
  _mm256_storeu_ps(y, a0);
  if constexpr (P > 1) _mm256_storeu_ps(y + 8, a1);
  if constexpr (P > 2) _mm256_storeu_ps(y + 16, a2);
  if constexpr (P > 3) _mm256_storeu_ps(y + 24, a3);
  if constexpr (P > 4) _mm256_storeu_ps(y + 32, a4);
  if constexpr (P > 5) _mm256_storeu_ps(y + 40, a5);
  if constexpr (P > 6) _mm256_storeu_ps(y + 48, a6);
  if constexpr (P > 7) _mm256_storeu_ps(y + 56, a7);
}
#undef ABCRNN_ROW1_PANEL

template <typename T>
using TileFn = void (*)(const T*, size_t, int, const float*, int, float*, int);

template <typename T>
TileFn<T> PickTile4(int panels) {
  switch (panels) {
    case 1: return Tile4<1, T>;
    case 2: return Tile4<2, T>;
    default: return Tile4<3, T>;
  }
}

template <typename T>
TileFn<T> PickTile1(int panels) {
  switch (panels) {
    case 1: return Tile1<1, T>;
    case 2: return Tile1<2, T>;
    case 3: return Tile1<3, T>;
    case 4: return Tile1<4, T>;
    case 5: return Tile1<5, T>;
    case 6: return Tile1<6, T>;
    case 7: return Tile1<7, T>;
    default: return Tile1<8, T>;
  }
}

template <typename T>
void GemmAvx2(const T* data, const PackedMatrix& w, const float* x, int ldx, int n, float* y, int ldy, int p0,
              int p1) {
  const size_t stride = static_cast<size_t>(w.cols) * kPanel;
  const int K = w.cols;
  // Blocks of 4 rows x 3 panels: 12 accumulators, each weight load used 4 times. Panels outside,
  // rows inside: a group of 3 panels (3 x K x 32 bytes, 48 KB at K = 512) stays in L1/L2 while
  // every block of rows uses it, so the matrix crosses from L3 once per step, not once per block.
  const int full = n / 4 * 4;
  for (int p = p0; p < p1; p += 3) {
    const int np = std::min(3, p1 - p);
    const TileFn<T> tile = PickTile4<T>(np);
    for (int b = 0; b < full; b += 4)
      tile(data + p * stride, stride, K, x + b * ldx, ldx, y + b * ldy + p * kPanel, ldy);
  }
  // Leftover rows one at a time, 8 panels per pass (8 independent chains hide the FMA latency).
  for (int b = full; b < n; ++b)
    for (int p = p0; p < p1; p += 8) {
      const int np = std::min(8, p1 - p);
      PickTile1<T>(np)(data + p * stride, stride, K, x + b * ldx, ldx, y + b * ldy + p * kPanel, ldy);
    }
}

// ---- portable path: the same chains with std::fma ------------------------------------------------
inline float Widen(float v) { return v; }
inline float Widen(uint16_t v) { return FromBf16(v); }

template <typename T>
void GemmScalar(const T* data, const PackedMatrix& w, const float* x, int ldx, int n, float* y, int ldy, int p0,
                int p1) {
  const size_t stride = static_cast<size_t>(w.cols) * kPanel;
  for (int b = 0; b < n; ++b)
    for (int p = p0; p < p1; ++p) {
      const T* wp = data + p * stride;
      float acc[kPanel];
      std::memcpy(acc, y + b * ldy + p * kPanel, sizeof acc);
      for (int k = 0; k < w.cols; ++k) {
        const float xv = x[b * ldx + k];
        for (int r = 0; r < kPanel; ++r) acc[r] = std::fma(xv, Widen(wp[k * kPanel + r]), acc[r]);
      }
      std::memcpy(y + b * ldy + p * kPanel, acc, sizeof acc);
    }
}

}  // namespace

void GemmAccumulate(const PackedMatrix& w, const float* x, int ldx, int n, float* y, int ldy,
                    int p0, int p1, bool avx2) {
  if (n <= 0 || p0 >= p1) return;
  if (w.is_bf16()) {
    if (avx2)
      GemmAvx2(w.bf16.data(), w, x, ldx, n, y, ldy, p0, p1);
    else
      GemmScalar(w.bf16.data(), w, x, ldx, n, y, ldy, p0, p1);
  } else if (avx2) {
    GemmAvx2(w.data.data(), w, x, ldx, n, y, ldy, p0, p1);
  } else {
    GemmScalar(w.data.data(), w, x, ldx, n, y, ldy, p0, p1);
  }
}

// ---- element-wise ---------------------------------------------------------------------------------
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

__attribute__((target_clones("avx2", "default"))) void GruCell(const float* gx, const float* gh, float* h,
                                                               int hidden) {
  for (int j = 0; j < hidden; ++j) {
    const float r = Sigmoid(gx[j] + gh[j]);
    const float z = Sigmoid(gx[hidden + j] + gh[hidden + j]);
    const float n = Tanh(gx[2 * hidden + j] + r * gh[2 * hidden + j]);
    h[j] = (1.0f - z) * n + z * h[j];
  }
}

}  // namespace abcrnn::infer
