// The fast engine's kernels: panel packing (float32, bfloat16, int8 with a scale per row), the
// batched fused-multiply-add product (AVX-512 tiles of 8 rows x 3 panels, AVX2 tiles of 6 rows x 1
// panel, and for a lone row 8 vectors of one row; a scalar path with identical rounding) and the
// LSTM and GRU cells. The vector paths exist on x86 only (ABCRNN_X86); elsewhere every product
// takes the portable path, which gives the same bits.
#include "infer/kernels.h"

#include "util/arch.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <utility>

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

PackedMatrix PackRows(const float* w, int rows, int cols, WeightPrecision precision) {
  PackedMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.precision = precision;
  m.panels = (rows + kPanel - 1) / kPanel;
  const size_t size = static_cast<size_t>(m.panels) * cols * kPanel;
  switch (precision) {
    case WeightPrecision::kFloat32: m.data.assign(size, 0.0f); break;
    case WeightPrecision::kBf16: m.bf16.assign(size, 0); break;
    case WeightPrecision::kInt8:
      m.q.assign(size, 0);
      m.scale.assign(static_cast<size_t>(m.panels) * kPanel, 0.0f);
      break;
  }
  for (int j = 0; j < rows; ++j) {
    const float* row = w + static_cast<size_t>(j) * cols;
    float scale = 0.0f;
    if (precision == WeightPrecision::kInt8) {
      float most = 0.0f;
      for (int k = 0; k < cols; ++k) most = std::max(most, std::abs(row[k]));
      scale = most / 127.0f;
      m.scale[j] = scale;
    }
    const int p = j / kPanel, r = j % kPanel;
    const size_t base = static_cast<size_t>(p) * cols * kPanel + r;
    for (int k = 0; k < cols; ++k) {
      const size_t at = base + static_cast<size_t>(k) * kPanel;
      switch (precision) {
        case WeightPrecision::kFloat32: m.data[at] = row[k]; break;
        case WeightPrecision::kBf16: m.bf16[at] = ToBf16(row[k]); break;
        case WeightPrecision::kInt8:
          // |row[k] / scale| <= 127 up to rounding; nearbyint rounds ties to even.
          m.q[at] = scale == 0.0f ? 0
                                  : static_cast<int8_t>(std::clamp(std::nearbyint(row[k] / scale), -127.0f, 127.0f));
          break;
      }
    }
  }
  return m;
}

const char* KernelName(Kernel kernel) {
  switch (kernel) {
    case Kernel::kAvx512: return "avx512";
    case Kernel::kAvx2: return "avx2";
    case Kernel::kScalar: break;
  }
  return "scalar";
}

bool CpuRuns(Kernel kernel) {
  switch (kernel) {
#if ABCRNN_X86
    case Kernel::kAvx512: return __builtin_cpu_supports("avx512f");
    case Kernel::kAvx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    case Kernel::kAvx512:
    case Kernel::kAvx2: return false;
#endif
    case Kernel::kScalar: break;
  }
  return true;
}

Kernel BestKernel() {
  for (Kernel k : {Kernel::kAvx512, Kernel::kAvx2})
    if (CpuRuns(k)) return k;
  return Kernel::kScalar;
}

bool ParseKernel(const std::string& name, Kernel* kernel, std::string* error) {
  if (name.empty() || name == "auto") {
    *kernel = BestKernel();
    return true;
  }
  for (Kernel k : {Kernel::kScalar, Kernel::kAvx2, Kernel::kAvx512}) {
    if (name != KernelName(k)) continue;
    if (!CpuRuns(k)) {
      *error = std::string("kernel '") + name + "' needs an instruction set this CPU lacks; it runs " +
               KernelName(BestKernel()) + " and below";
      return false;
    }
    *kernel = k;
    return true;
  }
  *error = "unknown kernel '" + name + "' (expected auto, avx512, avx2 or scalar)";
  return false;
}

namespace {

// Each kernel computes, for every output, acc = y; acc = fma(x[k], W[j][k], acc) for k = 0..K-1,
// with its accumulators in named registers (an array of vectors is kept in memory by GCC, storing
// every iteration; named variables stay in registers). Weights are float, or bfloat16 widened
// exactly to float as they are loaded (T = uint16_t). Int8 weights (T = int8_t, converted exactly)
// start acc at 0 and end with y = fma(s[j], acc, y), s the rows' scales (at the tile's first output).
template <typename T>
using TileFn = void (*)(const T* w, size_t ps, int K, const float* x, int ldx, float* y, int ldy, const float* s);
template <typename T>
constexpr bool kScaled = std::is_same_v<T, int8_t>;

#if ABCRNN_X86
// ---- AVX2 + FMA: a panel is two vectors of 8 ------------------------------------------------------
template <typename T>
__attribute__((target("avx2,fma"))) inline __m256 Load8(const T* p) {
  if constexpr (std::is_same_v<T, float>) {
    return _mm256_loadu_ps(p);
  } else if constexpr (kScaled<T>) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
  } else {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
}

// R rows (R <= 6) x one panel: 12 accumulators, 2 weight vectors and a broadcast fill the 16
// registers; each weight load serves R rows.
#define ABCRNN_Y8_ROW(i)                                                                   \
  if constexpr (R > i) {                                                                   \
    const __m256 b = _mm256_broadcast_ss(x + i * ldx + k);                                 \
    l##i = _mm256_fmadd_ps(b, v0, l##i);                                                   \
    h##i = _mm256_fmadd_ps(b, v1, h##i);                                                   \
  }
#define ABCRNN_Y8_LOAD(i)                                   \
  if constexpr (R > i && !kScaled<T>) {                     \
    l##i = _mm256_loadu_ps(y + i * ldy);                    \
    h##i = _mm256_loadu_ps(y + i * ldy + 8);                \
  }
#define ABCRNN_Y8_STORE(i)                                                                   \
  if constexpr (R > i) {                                                                     \
    if constexpr (kScaled<T>) {                                                              \
      l##i = _mm256_fmadd_ps(_mm256_loadu_ps(s), l##i, _mm256_loadu_ps(y + i * ldy));        \
      h##i = _mm256_fmadd_ps(_mm256_loadu_ps(s + 8), h##i, _mm256_loadu_ps(y + i * ldy + 8)); \
    }                                                                                        \
    _mm256_storeu_ps(y + i * ldy, l##i);                                                     \
    _mm256_storeu_ps(y + i * ldy + 8, h##i);                                                 \
  }
template <int R, typename T>
__attribute__((target("avx2,fma"))) void Avx2Rows(const T* w, size_t /*ps*/, int K, const float* x, int ldx,
                                                   float* y, int ldy, const float* s) {
  __m256 l0, h0, l1, h1, l2, h2, l3, h3, l4, h4, l5, h5;
  l0 = h0 = l1 = h1 = l2 = h2 = l3 = h3 = l4 = h4 = l5 = h5 = _mm256_setzero_ps();
  ABCRNN_Y8_LOAD(0) ABCRNN_Y8_LOAD(1) ABCRNN_Y8_LOAD(2) ABCRNN_Y8_LOAD(3) ABCRNN_Y8_LOAD(4) ABCRNN_Y8_LOAD(5)
  for (int k = 0; k < K; ++k) {
    const T* wk = w + static_cast<size_t>(k) * kPanel;
    const __m256 v0 = Load8(wk), v1 = Load8(wk + 8);
    ABCRNN_Y8_ROW(0) ABCRNN_Y8_ROW(1) ABCRNN_Y8_ROW(2) ABCRNN_Y8_ROW(3) ABCRNN_Y8_ROW(4) ABCRNN_Y8_ROW(5)
  }
  ABCRNN_Y8_STORE(0) ABCRNN_Y8_STORE(1) ABCRNN_Y8_STORE(2) ABCRNN_Y8_STORE(3) ABCRNN_Y8_STORE(4) ABCRNN_Y8_STORE(5)
}
#undef ABCRNN_Y8_ROW
#undef ABCRNN_Y8_LOAD
#undef ABCRNN_Y8_STORE

// One row x P half-panels (P <= 8, 4 panels): 8 independent chains hide the FMA latency (the
// one-sequence case, bound by streaming the weights).
#define ABCRNN_Y8_WIDE(i) \
  if constexpr (P > i) a##i = _mm256_fmadd_ps(b, Load8(w + (i / 2) * ps + o + (i % 2) * 8), a##i)
// y + 8i: a_i starts there (0 for int8 weights) and is scaled and added there at the end.
#define ABCRNN_Y8_WIDE_IN(i) \
  if constexpr (P > i && !kScaled<T>) a##i = _mm256_loadu_ps(y + 8 * i);
#define ABCRNN_Y8_WIDE_OUT(i)                                                                  \
  if constexpr (P > i) {                                                                      \
    if constexpr (kScaled<T>)                                                                 \
      a##i = _mm256_fmadd_ps(_mm256_loadu_ps(s + 8 * i), a##i, _mm256_loadu_ps(y + 8 * i));   \
    _mm256_storeu_ps(y + 8 * i, a##i);                                                        \
  }
template <int P, typename T>
__attribute__((target("avx2,fma"))) void Avx2Wide(const T* w, size_t ps, int K, const float* x, int /*ldx*/,
                                                   float* y, int /*ldy*/, const float* s) {
  __m256 a0, a1, a2, a3, a4, a5, a6, a7;
  a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = _mm256_setzero_ps();
  ABCRNN_Y8_WIDE_IN(0) ABCRNN_Y8_WIDE_IN(1) ABCRNN_Y8_WIDE_IN(2) ABCRNN_Y8_WIDE_IN(3)
  ABCRNN_Y8_WIDE_IN(4) ABCRNN_Y8_WIDE_IN(5) ABCRNN_Y8_WIDE_IN(6) ABCRNN_Y8_WIDE_IN(7)
  for (int k = 0; k < K; ++k) {
    const size_t o = static_cast<size_t>(k) * kPanel;
    const __m256 b = _mm256_broadcast_ss(x + k);
    ABCRNN_Y8_WIDE(0); ABCRNN_Y8_WIDE(1); ABCRNN_Y8_WIDE(2); ABCRNN_Y8_WIDE(3);
    ABCRNN_Y8_WIDE(4); ABCRNN_Y8_WIDE(5); ABCRNN_Y8_WIDE(6); ABCRNN_Y8_WIDE(7);
  }
  ABCRNN_Y8_WIDE_OUT(0) ABCRNN_Y8_WIDE_OUT(1) ABCRNN_Y8_WIDE_OUT(2) ABCRNN_Y8_WIDE_OUT(3)
  ABCRNN_Y8_WIDE_OUT(4) ABCRNN_Y8_WIDE_OUT(5) ABCRNN_Y8_WIDE_OUT(6) ABCRNN_Y8_WIDE_OUT(7)
}
#undef ABCRNN_Y8_WIDE
#undef ABCRNN_Y8_WIDE_IN
#undef ABCRNN_Y8_WIDE_OUT

// ---- AVX-512: a panel is one vector of 16 ---------------------------------------------------------
template <typename T>
__attribute__((target("avx512f"))) inline __m512 Load16(const T* p) {
  if constexpr (std::is_same_v<T, float>) {
    return _mm512_loadu_ps(p);
  } else if constexpr (kScaled<T>) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm512_maskz_cvtepi32_ps(0xFFFF, _mm512_maskz_cvtepi8_epi32(0xFFFF, b));
  } else {
    // (The maskz forms: GCC 12's unmasked ones read an "undefined" vector and warn.)
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(0xFFFF, _mm512_maskz_cvtepu16_epi32(0xFFFF, h), 16));
  }
}

// R rows (R <= 8) x P panels (P <= 3): 24 accumulators and 3 weight vectors of the 32 registers
// (the row's value is broadcast from memory); each weight load serves R rows.
#define ABCRNN_Z_ROW(i)                                                            \
  if constexpr (R > i) {                                                           \
    const __m512 b = _mm512_set1_ps(x[i * ldx + k]);                               \
    a##i##0 = _mm512_fmadd_ps(b, v0, a##i##0);                                     \
    if constexpr (P > 1) a##i##1 = _mm512_fmadd_ps(b, v1, a##i##1);                \
    if constexpr (P > 2) a##i##2 = _mm512_fmadd_ps(b, v2, a##i##2);                \
  }
#define ABCRNN_Z_LOAD(i)                                                           \
  if constexpr (R > i && !kScaled<T>) {                                            \
    a##i##0 = _mm512_loadu_ps(y + i * ldy);                                        \
    if constexpr (P > 1) a##i##1 = _mm512_loadu_ps(y + i * ldy + 16);              \
    if constexpr (P > 2) a##i##2 = _mm512_loadu_ps(y + i * ldy + 32);              \
  }
#define ABCRNN_Z_SCALE(i, q) \
  a##i##q = _mm512_fmadd_ps(_mm512_loadu_ps(s + 16 * q), a##i##q, _mm512_loadu_ps(y + i * ldy + 16 * q))
#define ABCRNN_Z_STORE(i)                                                          \
  if constexpr (R > i) {                                                           \
    if constexpr (kScaled<T>) {                                                    \
      ABCRNN_Z_SCALE(i, 0);                                                        \
      if constexpr (P > 1) ABCRNN_Z_SCALE(i, 1);                                   \
      if constexpr (P > 2) ABCRNN_Z_SCALE(i, 2);                                   \
    }                                                                              \
    _mm512_storeu_ps(y + i * ldy, a##i##0);                                        \
    if constexpr (P > 1) _mm512_storeu_ps(y + i * ldy + 16, a##i##1);              \
    if constexpr (P > 2) _mm512_storeu_ps(y + i * ldy + 32, a##i##2);              \
  }
template <int R, int P, typename T>
__attribute__((target("avx512f"))) void Avx512Rows(const T* w, size_t ps, int K, const float* x, int ldx, float* y,
                                                   int ldy, const float* s) {
  __m512 a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32;
  __m512 a40, a41, a42, a50, a51, a52, a60, a61, a62, a70, a71, a72;
  a00 = a01 = a02 = a10 = a11 = a12 = a20 = a21 = a22 = a30 = a31 = a32 = _mm512_setzero_ps();
  a40 = a41 = a42 = a50 = a51 = a52 = a60 = a61 = a62 = a70 = a71 = a72 = _mm512_setzero_ps();
  ABCRNN_Z_LOAD(0) ABCRNN_Z_LOAD(1) ABCRNN_Z_LOAD(2) ABCRNN_Z_LOAD(3)
  ABCRNN_Z_LOAD(4) ABCRNN_Z_LOAD(5) ABCRNN_Z_LOAD(6) ABCRNN_Z_LOAD(7)
  const __m512 z = _mm512_setzero_ps();
  for (int k = 0; k < K; ++k) {
    const size_t o = static_cast<size_t>(k) * kPanel;
    const __m512 v0 = Load16(w + o);
    const __m512 v1 = P > 1 ? Load16(w + ps + o) : z;
    const __m512 v2 = P > 2 ? Load16(w + 2 * ps + o) : z;
    ABCRNN_Z_ROW(0) ABCRNN_Z_ROW(1) ABCRNN_Z_ROW(2) ABCRNN_Z_ROW(3)
    ABCRNN_Z_ROW(4) ABCRNN_Z_ROW(5) ABCRNN_Z_ROW(6) ABCRNN_Z_ROW(7)
  }
  ABCRNN_Z_STORE(0) ABCRNN_Z_STORE(1) ABCRNN_Z_STORE(2) ABCRNN_Z_STORE(3)
  ABCRNN_Z_STORE(4) ABCRNN_Z_STORE(5) ABCRNN_Z_STORE(6) ABCRNN_Z_STORE(7)
}
#undef ABCRNN_Z_ROW
#undef ABCRNN_Z_LOAD
#undef ABCRNN_Z_SCALE
#undef ABCRNN_Z_STORE

// One row x P panels (P <= 8): 8 independent chains.
#define ABCRNN_Z_WIDE(i) if constexpr (P > i) a##i = _mm512_fmadd_ps(b, Load16(w + i * ps + o), a##i)
#define ABCRNN_Z_WIDE_IN(i) \
  if constexpr (P > i && !kScaled<T>) a##i = _mm512_loadu_ps(y + 16 * i);
#define ABCRNN_Z_WIDE_OUT(i)                                                                     \
  if constexpr (P > i) {                                                                        \
    if constexpr (kScaled<T>)                                                                   \
      a##i = _mm512_fmadd_ps(_mm512_loadu_ps(s + 16 * i), a##i, _mm512_loadu_ps(y + 16 * i));  \
    _mm512_storeu_ps(y + 16 * i, a##i);                                                         \
  }
template <int P, typename T>
__attribute__((target("avx512f"))) void Avx512Wide(const T* w, size_t ps, int K, const float* x, int /*ldx*/,
                                                   float* y, int /*ldy*/, const float* s) {
  __m512 a0, a1, a2, a3, a4, a5, a6, a7;
  a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = _mm512_setzero_ps();
  ABCRNN_Z_WIDE_IN(0) ABCRNN_Z_WIDE_IN(1) ABCRNN_Z_WIDE_IN(2) ABCRNN_Z_WIDE_IN(3)
  ABCRNN_Z_WIDE_IN(4) ABCRNN_Z_WIDE_IN(5) ABCRNN_Z_WIDE_IN(6) ABCRNN_Z_WIDE_IN(7)
  for (int k = 0; k < K; ++k) {
    const size_t o = static_cast<size_t>(k) * kPanel;
    const __m512 b = _mm512_set1_ps(x[k]);
    ABCRNN_Z_WIDE(0); ABCRNN_Z_WIDE(1); ABCRNN_Z_WIDE(2); ABCRNN_Z_WIDE(3);
    ABCRNN_Z_WIDE(4); ABCRNN_Z_WIDE(5); ABCRNN_Z_WIDE(6); ABCRNN_Z_WIDE(7);
  }
  ABCRNN_Z_WIDE_OUT(0) ABCRNN_Z_WIDE_OUT(1) ABCRNN_Z_WIDE_OUT(2) ABCRNN_Z_WIDE_OUT(3)
  ABCRNN_Z_WIDE_OUT(4) ABCRNN_Z_WIDE_OUT(5) ABCRNN_Z_WIDE_OUT(6) ABCRNN_Z_WIDE_OUT(7)
}
#undef ABCRNN_Z_WIDE
#undef ABCRNN_Z_WIDE_IN
#undef ABCRNN_Z_WIDE_OUT

// Tables of instantiations, indexed by size - 1.
template <typename T, int... R>
constexpr std::array<TileFn<T>, sizeof...(R)> Avx2RowsTable(std::integer_sequence<int, R...>) {
  return {Avx2Rows<R + 1, T>...};
}
template <typename T, int... P>
constexpr std::array<TileFn<T>, sizeof...(P)> Avx2WideTable(std::integer_sequence<int, P...>) {
  return {Avx2Wide<P + 1, T>...};
}
template <typename T, int P, int... R>
constexpr std::array<TileFn<T>, sizeof...(R)> Avx512RowsTable(std::integer_sequence<int, R...>) {
  return {Avx512Rows<R + 1, P, T>...};
}
template <typename T, int... P>
constexpr std::array<TileFn<T>, sizeof...(P)> Avx512WideTable(std::integer_sequence<int, P...>) {
  return {Avx512Wide<P + 1, T>...};
}

// A kernel's tiles: `rows[g-1][r-1]` computes r rows (r <= max_rows) of g panels (g <= group);
// `wide[h-1]` one row of h vectors (h <= wide_max; `vectors_per_panel` of them per panel).
template <typename T>
struct Tiles {
  int max_rows, group, wide_max, vectors_per_panel;
  std::array<std::array<TileFn<T>, 8>, 3> rows;
  std::array<TileFn<T>, 8> wide;
};

template <typename T>
const Tiles<T>& Avx2Tiles() {
  static const Tiles<T> tiles = [] {
    Tiles<T> t{6, 1, 8, 2, {}, {}};
    auto r = Avx2RowsTable<T>(std::make_integer_sequence<int, 6>());
    std::copy(r.begin(), r.end(), t.rows[0].begin());
    auto w = Avx2WideTable<T>(std::make_integer_sequence<int, 8>());
    std::copy(w.begin(), w.end(), t.wide.begin());
    return t;
  }();
  return tiles;
}

template <typename T>
const Tiles<T>& Avx512Tiles() {
  static const Tiles<T> tiles = [] {
    Tiles<T> t{8, 3, 8, 1, {}, {}};
    auto r1 = Avx512RowsTable<T, 1>(std::make_integer_sequence<int, 8>());
    auto r2 = Avx512RowsTable<T, 2>(std::make_integer_sequence<int, 8>());
    auto r3 = Avx512RowsTable<T, 3>(std::make_integer_sequence<int, 8>());
    std::copy(r1.begin(), r1.end(), t.rows[0].begin());
    std::copy(r2.begin(), r2.end(), t.rows[1].begin());
    std::copy(r3.begin(), r3.end(), t.rows[2].begin());
    auto w = Avx512WideTable<T>(std::make_integer_sequence<int, 8>());
    std::copy(w.begin(), w.end(), t.wide.begin());
    return t;
  }();
  return tiles;
}

// Panels outside, rows inside: a group of panels (up to 3 x K x 64 bytes, 192 KB at K = 1024)
// stays in L2 while every block of rows uses it, so the matrix crosses from L3 once per call, not
// once per block. A lone row (batch 1, or one left over) takes the wide tile instead, whose
// independent chains keep the FMA units busy while the weights stream.
template <typename T>
void GemmTiled(const Tiles<T>& tiles, const T* data, const PackedMatrix& w, const float* x, int ldx, int n, float* y,
               int ldy, int p0, int p1) {
  const size_t ps = static_cast<size_t>(w.cols) * kPanel;
  const float* s = kScaled<T> ? w.scale.data() : nullptr;  // at panel p: s + p * kPanel
  const int K = w.cols;
  const int lone = n % tiles.max_rows == 1 ? 1 : 0;  // a last row left alone goes wide
  const int blocked = n - lone;
  for (int p = p0; p < p1; p += tiles.group) {
    const int g = std::min(tiles.group, p1 - p);
    for (int b = 0; b < blocked; b += tiles.max_rows) {
      const int r = std::min(tiles.max_rows, blocked - b);
      tiles.rows[g - 1][r - 1](data + p * ps, ps, K, x + b * ldx, ldx, y + b * ldy + p * kPanel, ldy,
                               s ? s + p * kPanel : nullptr);
    }
  }
  if (lone == 0) return;
  const int b = n - 1;
  const int step = tiles.wide_max / tiles.vectors_per_panel;  // panels per wide pass
  for (int p = p0; p < p1; p += step) {
    const int h = std::min(step, p1 - p) * tiles.vectors_per_panel;
    tiles.wide[h - 1](data + p * ps, ps, K, x + b * ldx, ldx, y + b * ldy + p * kPanel, ldy,
                      s ? s + p * kPanel : nullptr);
  }
}

#endif  // ABCRNN_X86

// ---- portable path: the same chains with std::fma ------------------------------------------------
inline float Widen(float v) { return v; }
inline float Widen(uint16_t v) { return FromBf16(v); }
inline float Widen(int8_t v) { return static_cast<float>(v); }

template <typename T>
void GemmScalar(const T* data, const PackedMatrix& w, const float* x, int ldx, int n, float* y, int ldy, int p0,
                int p1) {
  const size_t stride = static_cast<size_t>(w.cols) * kPanel;
  for (int b = 0; b < n; ++b)
    for (int p = p0; p < p1; ++p) {
      const T* wp = data + p * stride;
      float* out = y + b * ldy + p * kPanel;
      float acc[kPanel] = {};
      if constexpr (!kScaled<T>) std::memcpy(acc, out, sizeof acc);
      for (int k = 0; k < w.cols; ++k) {
        const float xv = x[b * ldx + k];
        for (int r = 0; r < kPanel; ++r) acc[r] = std::fma(xv, Widen(wp[k * kPanel + r]), acc[r]);
      }
      if constexpr (kScaled<T>)
        for (int r = 0; r < kPanel; ++r) acc[r] = std::fma(w.scale[p * kPanel + r], acc[r], out[r]);
      std::memcpy(out, acc, sizeof acc);
    }
}

template <typename T>
void Gemm(const T* data, const PackedMatrix& w, const float* x, int ldx, int n, float* y, int ldy, int p0, int p1,
          Kernel kernel) {
#if ABCRNN_X86
  switch (kernel) {
    case Kernel::kAvx512: return GemmTiled(Avx512Tiles<T>(), data, w, x, ldx, n, y, ldy, p0, p1);
    case Kernel::kAvx2: return GemmTiled(Avx2Tiles<T>(), data, w, x, ldx, n, y, ldy, p0, p1);
    case Kernel::kScalar: break;
  }
#else
  (void)kernel;  // only the portable path exists here (CpuRuns refuses the others)
#endif
  GemmScalar(data, w, x, ldx, n, y, ldy, p0, p1);
}

}  // namespace

void GemmAccumulate(const PackedMatrix& w, const float* x, int ldx, int n, float* y, int ldy,
                    int p0, int p1, Kernel kernel) {
  if (n <= 0 || p0 >= p1) return;
  switch (w.precision) {
    case WeightPrecision::kBf16: return Gemm(w.bf16.data(), w, x, ldx, n, y, ldy, p0, p1, kernel);
    case WeightPrecision::kInt8: return Gemm(w.q.data(), w, x, ldx, n, y, ldy, p0, p1, kernel);
    case WeightPrecision::kFloat32: break;
  }
  Gemm(w.data.data(), w, x, ldx, n, y, ldy, p0, p1, kernel);
}

// ---- element-wise ---------------------------------------------------------------------------------
namespace {
inline float Sigmoid(float x) { return 1.0f / (1.0f + ExpApprox(-x)); }
inline float Tanh(float x) { return 1.0f - 2.0f / (1.0f + ExpApprox(2.0f * x)); }
}  // namespace

// Compiled for AVX-512, AVX2 and the baseline; without FMA contraction (-ffp-contract=off) all give
// the same bits.
__attribute__((target_clones("avx512f", "avx2", "default"))) void LstmCell(const float* gates, float* c,
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

__attribute__((target_clones("avx512f", "avx2", "default"))) void GruCell(const float* gx, const float* gh, float* h,
                                                               int hidden) {
  for (int j = 0; j < hidden; ++j) {
    const float r = Sigmoid(gx[j] + gh[j]);
    const float z = Sigmoid(gx[hidden + j] + gh[hidden + j]);
    const float n = Tanh(gx[2 * hidden + j] + r * gh[2 * hidden + j]);
    h[j] = (1.0f - z) * n + z * h[j];
  }
}

}  // namespace abcrnn::infer
