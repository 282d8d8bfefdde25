// The fast LSTM engine: weights packed once (layer-0 input table, [W_ih | W_hh] above it, panels of
// 8 rows), B sequences stepped together over a small pool of threads: whole rows per thread when
// there are enough of them, else each product split by panels. See lstm.h for the
// reproducibility contract and infer/kernels.h for the arithmetic.
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "abcrnn/abc/form_clock.h"
#include "abcrnn/infer/lstm.h"
#include "infer/kernels.h"

namespace abcrnn {

using infer::kPanel;
using infer::PackedMatrix;

// ---- the pool: threads-1 workers plus the caller ---------------------------------------------------
// A product takes from about 10 us (batch 1) to a few ms, so waiting threads spin briefly (about
// 50 us) before sleeping on a condition variable: fast hand-offs within a step, no CPU burnt
// between runs.
class FastLstm::Pool {
 public:
  explicit Pool(int threads) {
    for (int t = 1; t < threads; ++t) workers_.emplace_back([this, t] { Work(t); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_.store(true);
    }
    start_.notify_all();
    for (auto& w : workers_) w.join();
  }
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(t) for t = 0..size()-1 (t = 0 on the calling thread); returns when all are done.
  void Run(const std::function<void(int)>& fn) {
    if (workers_.empty()) return fn(0);
    fn_ = &fn;
    pending_.store(static_cast<int>(workers_.size()));
    {
      std::lock_guard<std::mutex> lock(mu_);
      generation_.fetch_add(1);
    }
    start_.notify_all();
    fn(0);
    for (int i = 0; i < kSpins && pending_.load() > 0; ++i) _mm_pause();
    if (pending_.load() > 0) {
      std::unique_lock<std::mutex> lock(mu_);
      done_.wait(lock, [this] { return pending_.load() == 0; });
    }
  }

 private:
  static constexpr int kSpins = 4000;

  void Work(int t) {
    uint64_t seen = 0;
    for (;;) {
      for (int i = 0; i < kSpins && generation_.load() == seen && !stop_.load(); ++i) _mm_pause();
      if (generation_.load() == seen && !stop_.load()) {
        std::unique_lock<std::mutex> lock(mu_);
        start_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
      }
      if (stop_.load()) return;
      seen = generation_.load();
      (*fn_)(t);
      if (pending_.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lock(mu_);
        done_.notify_one();
      }
    }
  }

  std::mutex mu_;
  std::condition_variable start_, done_;
  const std::function<void(int)>* fn_ = nullptr;  // published by the generation increment
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

// ---- packed weights ----------------------------------------------------------------------------------
struct FastLstm::Packed {
  bool avx2 = false;
  int V = 0, H = 0, L = 0;
  int gp = 0;  // 4H padded to whole panels
  int vp = 0;  // V padded to whole panels
  std::vector<float> table;              // (V, gp): embed W_ih0^T + b_ih0 + b_hh0
  std::vector<float> clock_table;        // with a form clock: (FormClockRows, gp): clock W_ih0^T
  int clock_fields = 0;                  // the clock fields the model reads
  std::vector<PackedMatrix> w;           // layer 0: W_hh0 (4H,H); above: [W_ih | W_hh] (4H,2H)
  std::vector<std::vector<float>> bias;  // per layer (gp): b_ih + b_hh (unused for layer 0)
  PackedMatrix head;                     // (V,H)
  std::vector<float> head_b;             // (vp)

  int K(int l) const { return l == 0 ? H : 2 * H; }  // inputs of layer l's packed matrix
};

namespace {

std::vector<float> PaddedSum(const std::vector<float>& a, const std::vector<float>& b, int padded) {
  std::vector<float> out(padded, 0.0f);
  for (size_t i = 0; i < a.size(); ++i) out[i] = b.empty() ? a[i] : a[i] + b[i];
  return out;
}

}  // namespace

FastLstm::FastLstm(const LstmWeights& wt, Options options)
    : config_(wt.config), packed_(std::make_unique<Packed>()),
      pool_(std::make_unique<Pool>(std::max(1, options.threads))) {
  Packed& p = *packed_;
  p.avx2 = infer::CpuHasAvx2Fma();
  p.V = config_.vocab_size;
  p.H = config_.hidden;
  p.L = config_.layers;
  const int H = p.H, E = config_.embed, G = 4 * H;
  p.gp = (G + kPanel - 1) / kPanel * kPanel;
  p.vp = (p.V + kPanel - 1) / kPanel * kPanel;

  // Layer 0's input product for every token: table[v] = b_ih0 + b_hh0 + W_ih0 embed[v].
  const std::vector<float> bias0 = PaddedSum(wt.b_ih[0], wt.b_hh[0], p.gp);
  p.table.resize(static_cast<size_t>(p.V) * p.gp);
  for (int v = 0; v < p.V; ++v) std::copy(bias0.begin(), bias0.end(), p.table.begin() + static_cast<size_t>(v) * p.gp);
  const PackedMatrix w_ih0 = infer::PackRows(wt.w_ih[0].data(), G, E);
  infer::GemmAccumulate(w_ih0, wt.embed.data(), E, p.V, p.table.data(), p.gp, 0, w_ih0.panels, p.avx2);
  if (config_.form_clock != 0) {  // the clock rows' input products, added to the token's row per step
    const int rows = abc::FormClockRows(config_.form_clock);
    p.clock_fields = abc::FormClockFields(config_.form_clock);
    p.clock_table.assign(static_cast<size_t>(rows) * p.gp, 0.0f);
    infer::GemmAccumulate(w_ih0, wt.clock.data(), E, rows, p.clock_table.data(), p.gp, 0,
                          w_ih0.panels, p.avx2);
  }

  for (int l = 0; l < p.L; ++l) {
    if (l == 0) {
      p.w.push_back(infer::PackRows(wt.w_hh[0].data(), G, H));
      p.bias.emplace_back();
      continue;
    }
    std::vector<float> cat(static_cast<size_t>(G) * 2 * H);
    for (int r = 0; r < G; ++r) {
      std::copy_n(wt.w_ih[l].begin() + static_cast<size_t>(r) * H, H, cat.begin() + static_cast<size_t>(r) * 2 * H);
      std::copy_n(wt.w_hh[l].begin() + static_cast<size_t>(r) * H, H, cat.begin() + static_cast<size_t>(r) * 2 * H + H);
    }
    p.w.push_back(infer::PackRows(cat.data(), G, 2 * H));
    p.bias.push_back(PaddedSum(wt.b_ih[l], wt.b_hh[l], p.gp));
  }
  p.head = infer::PackRows(wt.head_w.data(), p.V, H);
  p.head_b = PaddedSum(wt.head_b, {}, p.vp);
}

FastLstm::~FastLstm() = default;

int FastLstm::threads() const { return pool_->size(); }

void FastLstm::ForRows(int n, const std::function<void(int b0, int b1)>& fn) const {
  const int threads = pool_->size();
  if (threads == 1 || n <= 1) return fn(0, n);
  pool_->Run([&](int t) {
    const int b0 = n * t / threads, b1 = n * (t + 1) / threads;
    if (b0 < b1) fn(b0, b1);
  });
}

FastLstm::Batch FastLstm::NewBatch(int capacity) const {
  const Packed& p = *packed_;
  Batch b;
  b.capacity_ = capacity;
  for (int l = 0; l < p.L; ++l) {
    b.xh_.emplace_back(static_cast<size_t>(capacity) * p.K(l), 0.0f);
    b.c_.emplace_back(static_cast<size_t>(capacity) * p.H, 0.0f);
  }
  b.gates_.assign(static_cast<size_t>(capacity) * p.gp, 0.0f);
  b.logits_.assign(static_cast<size_t>(capacity) * p.vp, 0.0f);
  return b;
}

void FastLstm::ResetRow(Batch* batch, int row) const {
  const Packed& p = *packed_;
  for (int l = 0; l < p.L; ++l) {
    std::fill_n(batch->xh_[l].begin() + static_cast<size_t>(row) * p.K(l), p.K(l), 0.0f);
    std::fill_n(batch->c_[l].begin() + static_cast<size_t>(row) * p.H, p.H, 0.0f);
  }
}

void FastLstm::CopyRow(Batch* batch, int from, int to) const {
  const Packed& p = *packed_;
  if (from == to) return;
  for (int l = 0; l < p.L; ++l) {
    const size_t k = p.K(l);
    std::copy_n(batch->xh_[l].begin() + from * k, k, batch->xh_[l].begin() + to * k);
    std::copy_n(batch->c_[l].begin() + static_cast<size_t>(from) * p.H, p.H,
                batch->c_[l].begin() + static_cast<size_t>(to) * p.H);
  }
}

std::vector<float> FastLstm::SaveRow(const Batch& batch, int row) const {
  const Packed& p = *packed_;
  std::vector<float> state;
  for (int l = 0; l < p.L; ++l) {
    const size_t k = p.K(l);
    state.insert(state.end(), batch.xh_[l].begin() + row * k, batch.xh_[l].begin() + (row + 1) * k);
    state.insert(state.end(), batch.c_[l].begin() + static_cast<size_t>(row) * p.H,
                 batch.c_[l].begin() + static_cast<size_t>(row + 1) * p.H);
  }
  return state;
}

void FastLstm::LoadRow(Batch* batch, int row, const std::vector<float>& state) const {
  const Packed& p = *packed_;
  size_t at = 0;
  for (int l = 0; l < p.L; ++l) {
    const size_t k = p.K(l);
    std::copy_n(state.begin() + at, k, batch->xh_[l].begin() + row * k);
    at += k;
    std::copy_n(state.begin() + at, p.H, batch->c_[l].begin() + static_cast<size_t>(row) * p.H);
    at += p.H;
  }
}

namespace {

constexpr int kRowsPerThread = 16;  // below this many rows per thread, split the panels instead

// Rows [b0, b1) of a step through every layer and the head. `gemm(w, x, ldx, y, ldy, rows)` does
// y += x W^T for `rows` rows.
template <typename Gemm>
void StepRows(const FastLstm::Packed& p, const int* ids, const int* clock, int b0, int b1, std::vector<std::vector<float>>& xh_all,
              std::vector<std::vector<float>>& c_all, float* gates, float* out, float* logits, const Gemm& gemm) {
  const int H = p.H, n = b1 - b0;
  for (int l = 0; l < p.L; ++l) {
    const int K = p.K(l);
    float* xh = xh_all[l].data() + static_cast<size_t>(b0) * K;
    float* c = c_all[l].data() + static_cast<size_t>(b0) * H;
    float* g = gates + static_cast<size_t>(b0) * p.gp;
    for (int b = 0; b < n; ++b) {
      const float* init = l == 0 ? p.table.data() + static_cast<size_t>(ids[b0 + b]) * p.gp : p.bias[l].data();
      float* gb = g + static_cast<size_t>(b) * p.gp;
      std::memcpy(gb, init, sizeof(float) * p.gp);
      if (l == 0 && !p.clock_table.empty()) {  // + the clock rows' products, in row order
        const abc::FormClock none = abc::HeaderClock();
        const int* rows =
            clock ? clock + abc::kFormClockFields * static_cast<size_t>(b0 + b) : none.data();
        const float* r0 = p.clock_table.data() + static_cast<size_t>(rows[0]) * p.gp;
        const float* r1 = p.clock_table.data() + static_cast<size_t>(rows[1]) * p.gp;
        const float* r2 = p.clock_table.data() + static_cast<size_t>(rows[2]) * p.gp;
        if (p.clock_fields == 3) {
          for (int j = 0; j < p.gp; ++j) gb[j] += (r0[j] + r1[j]) + r2[j];
        } else {
          const float* r3 = p.clock_table.data() + static_cast<size_t>(rows[3]) * p.gp;
          for (int j = 0; j < p.gp; ++j) gb[j] += ((r0[j] + r1[j]) + r2[j]) + r3[j];
        }
      }
    }
    gemm(p.w[l], xh, K, g, p.gp, n);
    const int own = l == 0 ? 0 : H;  // where this layer's h sits in its [x | h] rows
    for (int b = 0; b < n; ++b) {
      float* h = xh + static_cast<size_t>(b) * K + own;
      infer::LstmCell(g + static_cast<size_t>(b) * p.gp, c + static_cast<size_t>(b) * H, h, H);
      if (l + 1 < p.L) std::memcpy(xh_all[l + 1].data() + static_cast<size_t>(b0 + b) * 2 * H, h, sizeof(float) * H);
    }
  }
  float* o = out + static_cast<size_t>(b0) * p.vp;
  for (int b = 0; b < n; ++b) std::memcpy(o + static_cast<size_t>(b) * p.vp, p.head_b.data(), sizeof(float) * p.vp);
  const int top = p.L - 1;
  gemm(p.head, xh_all[top].data() + static_cast<size_t>(b0) * p.K(top) + (top == 0 ? 0 : H), p.K(top), o, p.vp, n);
  for (int b = b0; b < b1; ++b)
    std::memcpy(logits + static_cast<size_t>(b) * p.V, out + static_cast<size_t>(b) * p.vp, sizeof(float) * p.V);
}

}  // namespace

void FastLstm::Step(const int* ids, int n, Batch* batch, float* logits, const int* clock) const {
  const Packed& p = *packed_;
  const int threads = pool_->size();
  float* gates = batch->gates_.data();
  float* out = batch->logits_.data();
  // Enough rows: each thread takes whole rows (multiples of 4, the tile height) through every
  // layer and the head, one hand-off per step. Few rows: each product is split by panels instead.
  // Either way every output is the same chain of multiply-adds, so the bits do not change.
  if (threads > 1 && n >= kRowsPerThread * threads) {
    pool_->Run([&](int t) {
      const int b0 = n * t / threads / 4 * 4, b1 = t + 1 == threads ? n : n * (t + 1) / threads / 4 * 4;
      StepRows(p, ids, clock, b0, b1, batch->xh_, batch->c_, gates, out, logits,
               [&](const PackedMatrix& w, const float* x, int ldx, float* y, int ldy, int rows) {
                 infer::GemmAccumulate(w, x, ldx, rows, y, ldy, 0, w.panels, p.avx2);
               });
    });
    return;
  }
  StepRows(p, ids, clock, 0, n, batch->xh_, batch->c_, gates, out, logits,
           [&](const PackedMatrix& w, const float* x, int ldx, float* y, int ldy, int rows) {
             if (threads == 1) return infer::GemmAccumulate(w, x, ldx, rows, y, ldy, 0, w.panels, p.avx2);
             pool_->Run([&](int t) {
               const int p0 = w.panels * t / threads, p1 = w.panels * (t + 1) / threads;
               infer::GemmAccumulate(w, x, ldx, rows, y, ldy, p0, p1, p.avx2);
             });
           });
}

}  // namespace abcrnn
