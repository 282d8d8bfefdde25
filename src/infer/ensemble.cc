// NewModelEngine: one network's fast engine, or an ensemble of several that draws from the mean of
// their next-symbol distributions. The ensemble's batch holds every member's buffers one after the
// other; a step lends each member its own buffers (moved, not copied), steps it, and mixes the
// members' logits row by row.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "abcrnn/infer/engine.h"

namespace abcrnn {
namespace {

class EnsembleEngine final : public FastEngine {
 public:
  EnsembleEngine(const ModelConfig& config, Options options, std::vector<std::unique_ptr<FastEngine>> members,
                 std::vector<double> weights)
      : FastEngine(config, std::move(options)), members_(std::move(members)), weights_(std::move(weights)) {
    for (const auto& m : members_) {
      Batch empty = m->NewBatch(0);
      state_buffers_.push_back(StateOf(&empty).size());
      scratch_buffers_.push_back(ScratchOf(&empty).size());
    }
  }

  Batch NewBatch(int capacity) const override {
    Batch batch;
    CapacityOf(&batch) = capacity;
    for (const auto& m : members_) {
      Batch own = m->NewBatch(capacity);
      for (auto& s : StateOf(&own)) StateOf(&batch).push_back(std::move(s));
      for (auto& s : ScratchOf(&own)) ScratchOf(&batch).push_back(std::move(s));
    }
    // The members' logits of a step, (K, capacity, V).
    ScratchOf(&batch).emplace_back(members_.size() * static_cast<size_t>(capacity) * config().vocab_size, 0.0f);
    return batch;
  }

  void Step(const int* ids, int n, Batch* batch, float* logits, const int* clock) const override {
    const size_t V = static_cast<size_t>(config().vocab_size);
    const size_t K = members_.size();
    float* member_logits = ScratchOf(batch).back().data();
    size_t state_at = 0, scratch_at = 0;
    for (size_t k = 0; k < K; ++k) {
      Batch own;
      CapacityOf(&own) = batch->capacity();
      Lend(&StateOf(batch), state_at, state_buffers_[k], &StateOf(&own));
      Lend(&ScratchOf(batch), scratch_at, scratch_buffers_[k], &ScratchOf(&own));
      members_[k]->Step(ids, n, &own, member_logits + k * n * V, clock);
      Lend(&StateOf(&own), 0, state_buffers_[k], &StateOf(batch), state_at);
      Lend(&ScratchOf(&own), 0, scratch_buffers_[k], &ScratchOf(batch), scratch_at);
      state_at += state_buffers_[k];
      scratch_at += scratch_buffers_[k];
    }
    std::vector<double> log_p(K), lse(K);  // per symbol, per row: each member's
    for (int b = 0; b < n; ++b) {
      // Each member's log-softmax normaliser for this row.
      for (size_t k = 0; k < K; ++k) {
        const float* l = member_logits + (k * n + b) * V;
        const double top = *std::max_element(l, l + V);
        double z = 0;
        for (size_t v = 0; v < V; ++v) z += std::exp(static_cast<double>(l[v]) - top);
        lse[k] = top + std::log(z);
      }
      for (size_t v = 0; v < V; ++v) {
        double top = -INFINITY;
        for (size_t k = 0; k < K; ++k) {
          log_p[k] = static_cast<double>(member_logits[(k * n + b) * V + v]) - lse[k];
          top = std::max(top, log_p[k]);
        }
        double sum = 0;
        if (weights_.empty()) {  // equal shares
          for (size_t k = 0; k < K; ++k) sum += std::exp(log_p[k] - top);
          logits[b * V + v] = static_cast<float>(top + std::log(sum / static_cast<double>(K)));
        } else {
          for (size_t k = 0; k < K; ++k) sum += weights_[k] * std::exp(log_p[k] - top);
          logits[b * V + v] = static_cast<float>(top + std::log(sum));
        }
      }
    }
  }

 private:
  // Moves buffers [from_at, from_at + count) of `from` to `to` (appended, or over [to_at, ...)).
  static void Lend(std::vector<std::vector<float>>* from, size_t from_at, size_t count,
                   std::vector<std::vector<float>>* to, size_t to_at = SIZE_MAX) {
    for (size_t i = 0; i < count; ++i) {
      if (to_at == SIZE_MAX) {
        to->push_back(std::move((*from)[from_at + i]));
      } else {
        (*to)[to_at + i] = std::move((*from)[from_at + i]);
      }
    }
  }

  std::vector<std::unique_ptr<FastEngine>> members_;
  std::vector<double> weights_;  // each member's share; empty: 1/K each
  std::vector<size_t> state_buffers_, scratch_buffers_;  // per member: its batch's buffer counts
};

}  // namespace

Result<std::unique_ptr<FastEngine>> NewModelEngine(const std::vector<RnnWeights>& networks,
                                                   FastEngineOptions options, std::vector<double> weights) {
  if (networks.empty()) return Status::InvalidArgument("a model needs at least one network, got none");
  if (!weights.empty())
    if (std::string problem = MemberSharesProblem(weights, static_cast<int>(networks.size())); !problem.empty())
      return Status::InvalidArgument("ensemble weights: " + problem);
  if (networks.size() == 1) return NewFastEngine(networks[0], options);
  const ModelConfig& first = networks[0].config;
  std::vector<std::unique_ptr<FastEngine>> members;
  for (size_t k = 0; k < networks.size(); ++k) {
    const ModelConfig& c = networks[k].config;
    if (c.vocab_size != first.vocab_size || c.form_clock != first.form_clock)
      return Status::InvalidArgument("ensemble network " + std::to_string(k) + ": expected network 0's vocabulary of " +
                                     std::to_string(first.vocab_size) + " symbols and form clock scheme " +
                                     std::to_string(first.form_clock) + ", got " + std::to_string(c.vocab_size) +
                                     " and " + std::to_string(c.form_clock));
    auto engine = NewFastEngine(networks[k], options);
    if (!engine.ok()) return engine.status();
    members.push_back(std::move(engine).value());
  }
  ModelConfig config = first;
  config.members = static_cast<int>(networks.size());
  options.kernel = members[0]->kernel();
  config.member_weights = weights;
  return std::unique_ptr<FastEngine>(
      new EnsembleEngine(config, std::move(options), std::move(members), std::move(weights)));
}

}  // namespace abcrnn
