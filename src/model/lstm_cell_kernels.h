// The element-wise halves of the fused LSTM layer (model/fused_lstm.h): one step's cell update
// forward and its gradient backward, over rows [b0,b1) of a batch, as plain loops over raw floats
// (no LibTorch). The matrix products are the caller's. Gate order i, f, g, o as PyTorch's.
// Legend: B = batch rows, H = hidden; a gates row is 4H floats (i | f | g | o).
#pragma once

#include <cstdint>

namespace abcrnn::model {

// Forward of one time step for rows [b0,b1):
//   gates (B,4H) in: pre-activations; out: activations i, f, o = sigmoid, g = tanh (kept for the
//   backward pass); c = f*c_prev + i*g (B,H); tanh_c = tanh(c) (B,H); h = o*tanh_c (B,H).
// c_prev, c, tanh_c and h are (B,H) row-major; no pointer may alias another.
void LstmCellForward(float* gates, const float* c_prev, float* c, float* tanh_c, float* h,
                     int64_t hidden, int64_t b0, int64_t b1);

// Backward of one time step for rows [b0,b1), from the forward's saved activations:
//   dh = dy + dh_next (both (B,H)): the loss's gradient with respect to this step's h, from its
//   output and from the next step; dc (B,H) in: gradient with respect to this step's c from later
//   steps; out: with respect to c_prev. dgates (B,4H) out: gradient with respect to the gates'
//   pre-activations (i, f, g, o).
void LstmCellBackward(const float* gates, const float* c_prev, const float* tanh_c, const float* dy,
                      const float* dh_next, float* dc, float* dgates, int64_t hidden, int64_t b0,
                      int64_t b1);

// out[j] = sum over rows r = 0..rows-1 of m[r][j] (m is (rows,cols) row-major), for columns
// [j0,j1), rows summed in order (the same bits for any split of the columns).
void SumRows(const float* m, int64_t rows, int64_t cols, float* out, int64_t j0, int64_t j1);

}  // namespace abcrnn::model
