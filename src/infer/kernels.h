// Internal kernels of the fast engines: weight matrices packed in panels of 16 output rows,
// the batched product that streams them (AVX-512 or AVX2+FMA, chosen at run time by what the CPU
// has, else scalar std::fma with the same rounding), and the element-wise LSTM and GRU cell
// updates with a polynomial exp. Every output is one chain of fused multiply-adds in input order:
// results do not depend on the batch size, the tile a row falls in, the kernel or the thread that
// computes it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "abcrnn/infer/precision.h"

namespace abcrnn::infer {

constexpr int kPanel = 16;  // output rows per panel: one AVX-512 vector, two AVX2 vectors

// The product's code paths. Each gives the same bits; they differ in speed only.
enum class Kernel { kScalar, kAvx2, kAvx512 };

// "scalar", "avx2" (AVX2 + FMA), "avx512" (AVX-512F).
const char* KernelName(Kernel kernel);
// Whether this CPU runs `kernel` (scalar: always).
bool CpuRuns(Kernel kernel);
// The fastest kernel this CPU runs: avx512, else avx2, else scalar.
Kernel BestKernel();
// The kernel named `name` ("" or "auto": BestKernel()); false, with `error` set, for a name that is
// not a kernel or a kernel this CPU does not run.
bool ParseKernel(const std::string& name, Kernel* kernel, std::string* error);

// W (rows,cols) row-major, stored as (panels, cols, 16): data[(p*cols + k)*16 + r] = W[p*16 + r][k],
// zero for rows past the end. Packed in bfloat16, `bf16` holds the same layout (each weight
// rounded to the nearest bfloat16, ties to even) and `data` is empty: half the bytes to stream.
// Packed in int8, `q` holds the same layout and `scale` one float per row (panels*16, zero past
// the end): W[j][k] ~ scale[j] * q[..j..k..], scale[j] = max_k |W[j][k]| / 127 and q the nearest
// integer to W[j][k] / scale[j] (ties to even), so each weight moves by at most scale[j] / 2.
struct PackedMatrix {
  int rows = 0;
  int cols = 0;
  int panels = 0;
  WeightPrecision precision = WeightPrecision::kFloat32;
  std::vector<float> data;
  std::vector<uint16_t> bf16;
  std::vector<int8_t> q;
  std::vector<float> scale;
};
PackedMatrix PackRows(const float* w, int rows, int cols, WeightPrecision precision = WeightPrecision::kFloat32);

// The bfloat16 nearest to `x` (ties to even), and back: the top 16 bits of a float.
uint16_t ToBf16(float x);
float FromBf16(uint16_t b);

// For rows b < n of x (n,K; row stride ldx) and the outputs of panels [p0,p1):
//   y[b][j] <- fma chain: acc = y[b][j]; for k = 0..K-1: acc = fma(x[b][k], W[j][k], acc)
// (W[j][k] widened exactly from bfloat16 when w is packed so: the same chain, other weights).
// Packed in int8: acc = 0; for k: acc = fma(x[b][k], float(q[j][k]), acc); y[b][j] =
// fma(scale[j], acc, y[b][j]).
// y has row stride ldy >= panels*16 (the padding columns are written too).
// REQUIRES: CpuRuns(kernel).
void GemmAccumulate(const PackedMatrix& w, const float* x, int ldx, int n, float* y, int ldy,
                    int p0, int p1, Kernel kernel);

// exp(x) to about 2 ulp (Cephes' polynomial), x clamped to [-87.3, 88.3]; plain float + - * only,
// inline so that the cell loop vectorises.
inline float ExpApprox(float x) {
  x = x < -87.3f ? -87.3f : x;
  x = x > 88.3f ? 88.3f : x;
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


// The LSTM cell for one sequence: gates (4H: i, f, g, o pre-activations) and c (H) in, c updated in
// place, h' written to h (H). i, f, o = sigmoid, g = tanh; c' = f*c + i*g; h' = o*tanh(c').
void LstmCell(const float* gates, float* c, float* h, int hidden);

// The GRU cell for one sequence: gx (3H: W_ih x + b_ih + b_hh's r and z rows) and gh (3H: W_hh h
// + b_hh's n rows, zero bias on r and z) in, h (H) updated in place. r = sigmoid(gx_r + gh_r),
// z = sigmoid(gx_z + gh_z), n = tanh(gx_n + r*gh_n), h' = (1-z)*n + z*h (PyTorch's torch.nn.GRU).
void GruCell(const float* gx, const float* gh, float* h, int hidden);

}  // namespace abcrnn::infer
