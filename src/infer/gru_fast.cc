// The fast GRU engine: weights packed once (layer-0 input table, W_ih and W_hh above it in panels
// of 16 rows), B sequences stepped together over the engine's threads (infer/fast_step.h). See
// infer/engine.h for the reproducibility contract and infer/kernels.h for the arithmetic.
#include <algorithm>
#include <cstring>

#include "abcrnn/abc/form_clock.h"
#include "infer/fast_cells.h"
#include "infer/fast_parts.h"
#include "infer/fast_step.h"

namespace abcrnn {

using infer::PackedMatrix;

// The engine behind infer::NewFastGru (infer/fast_cells.h).
class FastGru : public FastEngine {
 public:
  explicit FastGru(const RnnWeights& weights, Options options = Options());
  ~FastGru() override;

  Batch NewBatch(int capacity) const override;
  void Step(const int* ids, int n, Batch* batch, float* logits,
            const int* clock = nullptr) const override;

  struct Packed;  // packed matrices (internal)

 private:
  std::unique_ptr<Packed> packed_;
};

// gp = 3H padded; input: (V, gp) embed W_ih0^T + b_ih0 + b_hh0's r, z rows, and the clock's rows.
struct FastGru::Packed : infer::PackedCell {
  std::vector<PackedMatrix> w_ih;          // per layer (3H,H); empty for layer 0 (the table)
  std::vector<PackedMatrix> w_hh;          // per layer (3H,H)
  std::vector<std::vector<float>> bias_x;  // per layer (gp): b_ih + b_hh's r, z rows (unused for 0)
  std::vector<std::vector<float>> bias_h;  // per layer (gp): b_hh's n rows, zero for r and z
};

namespace {

// b_hh split by where it is added: r and z rows beside the input product (`rz`), n rows inside
// r * (W_hn h + b_hn) (`n`). Both padded to gp.
void SplitHiddenBias(const std::vector<float>& b_hh, int H, int gp, std::vector<float>* rz,
                     std::vector<float>* n) {
  rz->assign(gp, 0.0f);
  n->assign(gp, 0.0f);
  std::copy_n(b_hh.begin(), 2 * H, rz->begin());
  std::copy_n(b_hh.begin() + 2 * H, H, n->begin() + 2 * H);
}

}  // namespace

FastGru::FastGru(const RnnWeights& wt, Options options)
    : FastEngine(wt.config, options), packed_(std::make_unique<Packed>()) {
  Packed& p = *packed_;
  infer::PackCell(wt, 3, options, &p);
  const int H = p.H, G = 3 * H;
  for (int l = 0; l < p.L; ++l) {
    std::vector<float> rz, n;
    SplitHiddenBias(wt.b_hh[l], H, p.gp, &rz, &n);
    const std::vector<float> bias_x = infer::PaddedSum(wt.b_ih[l], rz, p.gp);
    if (l == 0) {
      p.input = infer::BuildInputTable(wt, bias_x, p.gp, p.kernel);
      p.w_ih.emplace_back();
      p.bias_x.emplace_back();
    } else {
      p.w_ih.push_back(infer::PackRows(wt.w_ih[l].data(), G, H, p.precision));
      p.bias_x.push_back(bias_x);
    }
    p.w_hh.push_back(infer::PackRows(wt.w_hh[l].data(), G, H, p.precision));
    p.bias_h.push_back(n);
  }
}

FastGru::~FastGru() = default;

// State buffers: h of every layer ((capacity, H)). Scratch: the input products (capacity, gp), the
// hidden products (capacity, gp), logits (capacity, V padded).
FastEngine::Batch FastGru::NewBatch(int capacity) const {
  const Packed& p = *packed_;
  const size_t gp = p.gp;
  return MakeBatch(capacity, std::vector<size_t>(p.L, static_cast<size_t>(p.H)),
                   {gp, gp, static_cast<size_t>(p.head.vp)});
}

namespace {

// Rows [b0, b1) of a step through every layer and the head. `gemm(w, x, ldx, y, ldy, rows)` does
// y += x W^T for `rows` rows.
template <typename Gemm>
void StepRows(const FastGru::Packed& p, const int* ids, const int* clock, int b0, int b1,
              std::vector<std::vector<float>>& state, float* gx_all, float* gh_all, float* out,
              float* logits, const Gemm& gemm) {
  const int H = p.H, n = b1 - b0;
  float* gx = gx_all + static_cast<size_t>(b0) * p.gp;
  float* gh = gh_all + static_cast<size_t>(b0) * p.gp;
  for (int l = 0; l < p.L; ++l) {
    float* h = state[l].data() + static_cast<size_t>(b0) * H;
    for (int b = 0; b < n; ++b) {
      float* xb = gx + static_cast<size_t>(b) * p.gp;
      if (l == 0) {
        p.input.Write(ids[b0 + b],
                      clock ? clock + abc::kFormClockFields * static_cast<size_t>(b0 + b) : nullptr,
                      xb);
      } else {
        std::memcpy(xb, p.bias_x[l].data(), sizeof(float) * p.gp);
      }
      std::memcpy(gh + static_cast<size_t>(b) * p.gp, p.bias_h[l].data(), sizeof(float) * p.gp);
    }
    if (l > 0) gemm(p.w_ih[l], state[l - 1].data() + static_cast<size_t>(b0) * H, H, gx, p.gp, n);
    gemm(p.w_hh[l], h, H, gh, p.gp, n);
    for (int b = 0; b < n; ++b)
      infer::GruCell(gx + static_cast<size_t>(b) * p.gp, gh + static_cast<size_t>(b) * p.gp,
                     h + static_cast<size_t>(b) * H, H);
  }
  p.head.Apply(state[p.L - 1].data() + static_cast<size_t>(b0) * H, H, b0, b1, out, logits, gemm);
}

}  // namespace

void FastGru::Step(const int* ids, int n, Batch* batch, float* logits, const int* clock) const {
  const Packed& p = *packed_;
  auto& state = StateOf(batch);
  auto& scratch = ScratchOf(batch);
  infer::SplitStep(pool(), p.kernel, n, [&](int b0, int b1, const auto& gemm) {
    StepRows(p, ids, clock, b0, b1, state, scratch[0].data(), scratch[1].data(), scratch[2].data(),
             logits, gemm);
  });
}

namespace infer {
std::unique_ptr<FastEngine> NewFastGru(const RnnWeights& weights, FastEngineOptions options) {
  return std::make_unique<FastGru>(weights, options);
}
}  // namespace infer

}  // namespace abcrnn
