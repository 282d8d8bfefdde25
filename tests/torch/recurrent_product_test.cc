// PackedProduct (model/recurrent_product.h), the fused LSTM's per-step products: the plain product
// within float rounding, plain and transposed, for batch sizes on either side of the rows-per-thread
// split; the same bits for a row whatever the batch; shapes it refuses.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "model/recurrent_product.h"

namespace abcrnn::model {
namespace {

std::vector<float> Random(size_t n, std::mt19937& gen) {
  std::normal_distribution<float> d;
  std::vector<float> v(n);
  for (auto& x : v) x = d(gen);
  return v;
}

TEST(PackedProductTest, EqualsThePlainProductPlainAndTransposedForEveryBatchSize) {
  if (!PackedProduct::Supported(64)) GTEST_SKIP() << "CPU without AVX2 or AVX-512: the fused LSTM keeps OpenBLAS";
  std::mt19937 gen(3);
  const int rows = 64, cols = 48;  // W (64, 48): forward outputs 64, transposed outputs 48
  const std::vector<float> w = Random(static_cast<size_t>(rows) * cols, gen);
  for (bool transposed : {false, true}) {
    const int in = transposed ? rows : cols, out = transposed ? cols : rows;
    const PackedProduct p(w.data(), rows, cols, transposed);
    EXPECT_EQ(p.inputs(), in);
    EXPECT_EQ(p.outputs(), out);
    std::vector<float> first_row;
    for (int n : {1, 3, 17, 40, 64}) {
      const std::vector<float> x = Random(static_cast<size_t>(n) * in, gen);
      std::vector<float> y(static_cast<size_t>(n) * out, 0.25f);
      p.Accumulate(x.data(), n, y.data());
      for (int b = 0; b < n; ++b)
        for (int j = 0; j < out; ++j) {
          double s = 0.25;
          for (int k = 0; k < in; ++k)
            s += double(x[static_cast<size_t>(b) * in + k]) *
                 (transposed ? w[static_cast<size_t>(k) * cols + j] : w[static_cast<size_t>(j) * cols + k]);
          ASSERT_NEAR(y[static_cast<size_t>(b) * out + j], s, 1e-4)
              << "transposed " << transposed << ", " << n << " rows, row " << b << " column " << j;
        }
      // A row alone gives the bits it has inside the batch (threads split 40 and 64 rows by row).
      std::vector<float> alone(out, 0.25f);
      const size_t last = static_cast<size_t>(n - 1);
      p.Accumulate(x.data() + last * in, 1, alone.data());
      EXPECT_EQ(0, std::memcmp(alone.data(), y.data() + last * out, sizeof(float) * out)) << n << " rows";
    }
  }
}

TEST(PackedProductTest, OutputsThatAreNotWholePanelsAreLeftToTheCaller) {
  EXPECT_FALSE(PackedProduct::Supported(12));
  EXPECT_FALSE(PackedProduct::Supported(0));
  EXPECT_FALSE(PackedProduct::Supported(28));
}

}  // namespace
}  // namespace abcrnn::model
