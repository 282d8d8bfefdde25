// The fast engines' shared part: a batch's rows as buffers of floats (reset, copied, saved and
// restored the same way for every cell), the worker threads, and the choice of engine by the
// checkpoint's architecture name.
#include "abcrnn/infer/engine.h"

#include <algorithm>

#include "infer/fast_cells.h"
#include "infer/kernels.h"
#include "infer/thread_pool.h"

namespace abcrnn {

FastEngine::FastEngine(const ModelConfig& config, Options options)
    : config_(config),
      kernel_(options.kernel),
      pool_(std::make_unique<infer::ThreadPool>(std::max(1, options.threads))) {}

FastEngine::~FastEngine() = default;

int FastEngine::threads() const { return pool_->size(); }

void FastEngine::ForRows(int n, const std::function<void(int b0, int b1)>& fn) const {
  const int threads = pool_->size();
  if (threads == 1 || n <= 1) return fn(0, n);
  pool_->Run([&](int t) {
    const int b0 = n * t / threads, b1 = n * (t + 1) / threads;
    if (b0 < b1) fn(b0, b1);
  });
}

FastEngine::Batch FastEngine::MakeBatch(int capacity, const std::vector<size_t>& widths,
                                        const std::vector<size_t>& scratch_rows) {
  Batch b;
  b.capacity_ = capacity;
  for (size_t w : widths) b.state_.emplace_back(static_cast<size_t>(capacity) * w, 0.0f);
  for (size_t w : scratch_rows) b.scratch_.emplace_back(static_cast<size_t>(capacity) * w, 0.0f);
  return b;
}

namespace {
// Floats per row of a state buffer.
size_t Width(const std::vector<float>& buffer, int capacity) {
  return capacity > 0 ? buffer.size() / static_cast<size_t>(capacity) : 0;
}
}  // namespace

void FastEngine::ResetRow(Batch* batch, int row) const {
  for (auto& s : batch->state_) {
    const size_t k = Width(s, batch->capacity_);
    std::fill_n(s.begin() + row * k, k, 0.0f);
  }
}

void FastEngine::CopyRow(Batch* batch, int from, int to) const {
  if (from == to) return;
  for (auto& s : batch->state_) {
    const size_t k = Width(s, batch->capacity_);
    std::copy_n(s.begin() + from * k, k, s.begin() + to * k);
  }
}

std::vector<float> FastEngine::SaveRow(const Batch& batch, int row) const {
  std::vector<float> state;
  for (const auto& s : batch.state_) {
    const size_t k = Width(s, batch.capacity_);
    state.insert(state.end(), s.begin() + row * k, s.begin() + (row + 1) * k);
  }
  return state;
}

void FastEngine::LoadRow(Batch* batch, int row, const std::vector<float>& state) const {
  size_t at = 0;
  for (auto& s : batch->state_) {
    const size_t k = Width(s, batch->capacity_);
    std::copy_n(state.begin() + at, k, s.begin() + row * k);
    at += k;
  }
}

Status CheckKernelName(const std::string& name) {
  infer::Kernel kernel;
  std::string error;
  return infer::ParseKernel(name, &kernel, &error) ? Status::OK() : Status::InvalidArgument(error);
}

Result<std::unique_ptr<FastEngine>> NewFastEngine(const RnnWeights& weights,
                                                  FastEngineOptions options) {
  const std::string& arch = weights.config.architecture;
  infer::Kernel kernel;
  std::string error;
  if (!infer::ParseKernel(options.kernel, &kernel, &error)) return Status::InvalidArgument(error);
  options.kernel = infer::KernelName(kernel);
  if (arch == "lstm") return infer::NewFastLstm(weights, options);
  if (arch == "gru") return infer::NewFastGru(weights, options);
  return Status::Unsupported("model architecture '" + arch + "': this sampler runs " +
                             KnownArchitectures() + "; use the abcrnn that wrote it");
}

}  // namespace abcrnn
