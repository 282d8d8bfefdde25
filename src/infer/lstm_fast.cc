// The fast LSTM engine: weights packed once (layer-0 input table, [W_ih | W_hh] above it, panels of
// 16 rows), B sequences stepped together over the engine's threads (infer/fast_step.h). See
// infer/engine.h for the reproducibility contract and infer/kernels.h for the arithmetic.
#include <algorithm>
#include <cstring>

#include "abcrnn/abc/form_clock.h"
#include "infer/fast_cells.h"
#include "infer/fast_parts.h"
#include "infer/fast_step.h"

namespace abcrnn {

using infer::PackedMatrix;

// The engine behind infer::NewFastLstm (infer/fast_cells.h).
class FastLstm : public FastEngine {
 public:
  explicit FastLstm(const RnnWeights& weights, Options options = Options());
  ~FastLstm() override;

  Batch NewBatch(int capacity) const override;
  void Step(const int* ids, int n, Batch* batch, float* logits, const int* clock = nullptr) const override;

  struct Packed;  // packed matrices (internal)

 private:
  std::unique_ptr<Packed> packed_;
};

// gp = 4H padded; input: (V, gp) embed W_ih0^T + b_ih0 + b_hh0, and the clock's rows.
struct FastLstm::Packed : infer::PackedCell {
  std::vector<PackedMatrix> w;           // layer 0: W_hh0 (4H,H); above: [W_ih | W_hh] (4H,2H)
  std::vector<std::vector<float>> bias;  // per layer (gp): b_ih + b_hh (unused for layer 0)

  int K(int l) const { return l == 0 ? H : 2 * H; }  // inputs of layer l's packed matrix
};

FastLstm::FastLstm(const RnnWeights& wt, Options options)
    : FastEngine(wt.config, options), packed_(std::make_unique<Packed>()) {
  Packed& p = *packed_;
  infer::PackCell(wt, 4, options, &p);
  const int H = p.H, G = 4 * H;
  p.input = infer::BuildInputTable(wt, infer::PaddedSum(wt.b_ih[0], wt.b_hh[0], p.gp), p.gp, p.kernel);
  for (int l = 0; l < p.L; ++l) {
    if (l == 0) {
      p.w.push_back(infer::PackRows(wt.w_hh[0].data(), G, H, p.precision));
      p.bias.emplace_back();
      continue;
    }
    std::vector<float> cat(static_cast<size_t>(G) * 2 * H);
    for (int r = 0; r < G; ++r) {
      std::copy_n(wt.w_ih[l].begin() + static_cast<size_t>(r) * H, H, cat.begin() + static_cast<size_t>(r) * 2 * H);
      std::copy_n(wt.w_hh[l].begin() + static_cast<size_t>(r) * H, H, cat.begin() + static_cast<size_t>(r) * 2 * H + H);
    }
    p.w.push_back(infer::PackRows(cat.data(), G, 2 * H, p.precision));
    p.bias.push_back(infer::PaddedSum(wt.b_ih[l], wt.b_hh[l], p.gp));
  }
}

FastLstm::~FastLstm() = default;

// State buffers: [x | h] of every layer ((capacity, K_l): layer 0 holds h alone), then c of every
// layer ((capacity, H)). Scratch: gates (capacity, gp), logits (capacity, V padded).
FastEngine::Batch FastLstm::NewBatch(int capacity) const {
  const Packed& p = *packed_;
  std::vector<size_t> widths;
  for (int l = 0; l < p.L; ++l) widths.push_back(p.K(l));
  for (int l = 0; l < p.L; ++l) widths.push_back(p.H);
  return MakeBatch(capacity, widths, {static_cast<size_t>(p.gp), static_cast<size_t>(p.head.vp)});
}

namespace {

// Rows [b0, b1) of a step through every layer and the head. `gemm(w, x, ldx, y, ldy, rows)` does
// y += x W^T for `rows` rows. state: L [x | h] buffers, then L c buffers.
template <typename Gemm>
void StepRows(const FastLstm::Packed& p, const int* ids, const int* clock, int b0, int b1,
              std::vector<std::vector<float>>& state, float* gates, float* out, float* logits, const Gemm& gemm) {
  const int H = p.H, n = b1 - b0;
  for (int l = 0; l < p.L; ++l) {
    const int K = p.K(l);
    float* xh = state[l].data() + static_cast<size_t>(b0) * K;
    float* c = state[p.L + l].data() + static_cast<size_t>(b0) * H;
    float* g = gates + static_cast<size_t>(b0) * p.gp;
    for (int b = 0; b < n; ++b) {
      float* gb = g + static_cast<size_t>(b) * p.gp;
      if (l == 0) {
        p.input.Write(ids[b0 + b], clock ? clock + abc::kFormClockFields * static_cast<size_t>(b0 + b) : nullptr, gb);
      } else {
        std::memcpy(gb, p.bias[l].data(), sizeof(float) * p.gp);
      }
    }
    gemm(p.w[l], xh, K, g, p.gp, n);
    const int own = l == 0 ? 0 : H;  // where this layer's h sits in its [x | h] rows
    for (int b = 0; b < n; ++b) {
      float* h = xh + static_cast<size_t>(b) * K + own;
      infer::LstmCell(g + static_cast<size_t>(b) * p.gp, c + static_cast<size_t>(b) * H, h, H);
      if (l + 1 < p.L) std::memcpy(state[l + 1].data() + static_cast<size_t>(b0 + b) * 2 * H, h, sizeof(float) * H);
    }
  }
  const int top = p.L - 1;
  p.head.Apply(state[top].data() + static_cast<size_t>(b0) * p.K(top) + (top == 0 ? 0 : H), p.K(top), b0, b1, out,
               logits, gemm);
}

}  // namespace

void FastLstm::Step(const int* ids, int n, Batch* batch, float* logits, const int* clock) const {
  const Packed& p = *packed_;
  auto& state = StateOf(batch);
  auto& scratch = ScratchOf(batch);
  infer::SplitStep(pool(), p.kernel, n, [&](int b0, int b1, const auto& gemm) {
    StepRows(p, ids, clock, b0, b1, state, scratch[0].data(), scratch[1].data(), logits, gemm);
  });
}

namespace infer {
std::unique_ptr<FastEngine> NewFastLstm(const RnnWeights& weights, FastEngineOptions options) {
  return std::make_unique<FastLstm>(weights, options);
}
}  // namespace infer

}  // namespace abcrnn
