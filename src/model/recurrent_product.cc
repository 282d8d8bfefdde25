// PackedProduct: matrices packed for infer::GemmAccumulate, the products shared out over a
// process-wide pool.
#include "model/recurrent_product.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "infer/fast_step.h"
#include "infer/kernels.h"
#include "infer/thread_pool.h"

namespace abcrnn::model {
namespace {

// One pool for every layer and step: as many threads as cores (the products run one at a time,
// between OpenBLAS's; the pool's threads sleep after a short spin).
infer::ThreadPool& Pool() {
  static infer::ThreadPool pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return pool;
}

// y (n, w.rows) += x (n, w.cols) W^T on the pool, split between its threads as the sampler's
// steps are (infer/fast_step.h: whole rows per thread when there are enough, else panels).
void Run(const infer::PackedMatrix& w, infer::Kernel kernel, const float* x, int n, float* y) {
  const int K = w.cols, N = w.rows;
  infer::SplitStep(Pool(), kernel, n, [&](int b0, int b1, const auto& gemm) {
    gemm(w, x + static_cast<size_t>(b0) * K, K, y + static_cast<size_t>(b0) * N, N, b1 - b0);
  });
}

// (rows, cols) row-major -> (cols, rows) row-major, in blocks of 32 x 32 that stay in cache.
std::vector<float> Transpose(const float* a, int rows, int cols) {
  std::vector<float> t(static_cast<size_t>(rows) * cols);
  constexpr int kBlock = 32;
  for (int r0 = 0; r0 < rows; r0 += kBlock)
    for (int c0 = 0; c0 < cols; c0 += kBlock)
      for (int r = r0; r < std::min(rows, r0 + kBlock); ++r)
        for (int c = c0; c < std::min(cols, c0 + kBlock); ++c)
          t[static_cast<size_t>(c) * rows + r] = a[static_cast<size_t>(r) * cols + c];
  return t;
}

}  // namespace

struct PackedProduct::Impl {
  infer::PackedMatrix w;
  infer::Kernel kernel = infer::Kernel::kScalar;
};

bool PackedProduct::Supported(int outputs) {
  return infer::BestKernel() != infer::Kernel::kScalar && outputs > 0 && outputs % infer::kPanel == 0;
}

PackedProduct::PackedProduct(const float* w, int rows, int cols, bool transposed) : impl_(std::make_unique<Impl>()) {
  impl_->kernel = infer::BestKernel();
  if (!transposed) {
    impl_->w = infer::PackRows(w, rows, cols);
    return;
  }
  const std::vector<float> t = Transpose(w, rows, cols);  // W^T (cols, rows)
  impl_->w = infer::PackRows(t.data(), cols, rows);
}

PackedProduct::~PackedProduct() = default;

int PackedProduct::inputs() const { return impl_->w.cols; }
int PackedProduct::outputs() const { return impl_->w.rows; }

void PackedProduct::Accumulate(const float* x, int n, float* y) const { Run(impl_->w, impl_->kernel, x, n, y); }

}  // namespace abcrnn::model
