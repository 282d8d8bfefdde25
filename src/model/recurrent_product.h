// The fused LSTM's per-step products (h W_hh^T forward, dgates W_hh backward) on the sampler's
// packed kernels (infer/kernels.h: AVX-512 or AVX2, chosen at run time) and on a pool of threads
// of its own, instead of OpenBLAS. Batch-sized products are where OpenBLAS is weakest (64 rows),
// and where its kernels are fixed for the machine (OPENBLAS_CORETYPE) while these use the CPU's
// full width. No LibTorch here: the fused layer hands over plain float arrays.
#pragma once

#include <memory>

namespace abcrnn::model {

class PackedProduct {
 public:
  // Whether products with `outputs` output columns run here (a vector kernel on this CPU, and
  // outputs a multiple of the 16-row panel, so that rows of y need no padding). Else the caller
  // keeps its own product.
  static bool Supported(int outputs);

  // W (rows, cols) row-major. Not transposed: y (n, rows) += x (n, cols) W^T. Transposed:
  // y (n, cols) += x (n, rows) W. REQUIRES: Supported(outputs) for outputs = rows (not transposed)
  // or cols (transposed).
  PackedProduct(const float* w, int rows, int cols, bool transposed);
  ~PackedProduct();
  PackedProduct(const PackedProduct&) = delete;
  PackedProduct& operator=(const PackedProduct&) = delete;

  // y += x W^T (or x W) for n rows; rows of x and y are contiguous (strides = inputs, outputs).
  // Each output is one chain of fused multiply-adds in input order: the same bits whatever n, the
  // threads or the kernel.
  void Accumulate(const float* x, int n, float* y) const;

  int inputs() const;
  int outputs() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace abcrnn::model
