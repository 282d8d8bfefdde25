// What the reference engines share (internal to src/infer): the sigmoid, the plain matrix-vector
// product and a step's input, the token's embedding plus its form-clock rows.
#pragma once

#include <cmath>
#include <vector>

#include "abcrnn/infer/engine.h"

namespace abcrnn::infer {

// The logistic function with std::exp.
inline float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// y (rows) = W (rows,cols) x (cols) + b (rows), one sum per row in input order.
void MatVec(const std::vector<float>& w, const float* x, const std::vector<float>& b, int rows,
            int cols, float* y);

// The first layer's input for token `id` (E): embed[id], plus with a form clock the clock's rows
// (`clock`: abc::kFormClockFields rows; nullptr: abc::HeaderClock()), as PyTorch adds them.
std::vector<float> ReferenceInput(const RnnWeights& w, int id, const int* clock);

}  // namespace abcrnn::infer
