// Every cell's reference engine behind one face, for tests that hold the fast engines (and
// PyTorch) against it whatever the architecture: a sequence is a function that feeds one id and
// writes the next logits.
#pragma once

#include <functional>
#include <memory>

#include "abcrnn/infer/engine.h"
#include "abcrnn/infer/gru.h"
#include "abcrnn/infer/lstm.h"

namespace abcrnn::testing {

// Feeds `id` (with `clock`'s rows, or nullptr) and writes the next token's logits (V).
using ReferenceSequence = std::function<void(int id, float* logits, const int* clock)>;

template <typename Engine>
ReferenceSequence SequenceOf(std::shared_ptr<const Engine> engine) {
  auto state = std::make_shared<typename Engine::State>(engine->InitialState());
  return [engine, state](int id, float* logits, const int* clock) {
    engine->Step(id, state.get(), logits, clock);
  };
}

// A new sequence, from the zero state, of the reference engine of `weights`' architecture.
inline ReferenceSequence NewReferenceSequence(const RnnWeights& weights) {
  if (weights.config.architecture == "gru")
    return SequenceOf(std::make_shared<const ReferenceGru>(weights));
  return SequenceOf(std::make_shared<const ReferenceLstm>(weights));
}

// The fast engine of `weights`' architecture (NewFastEngine, which must succeed).
inline std::unique_ptr<FastEngine> NewFast(const RnnWeights& weights, int threads = 1,
                                           WeightPrecision precision = WeightPrecision::kFloat32,
                                           const std::string& kernel = "") {
  FastEngineOptions options;
  options.threads = threads;
  options.precision = precision;
  options.kernel = kernel;
  auto engine = NewFastEngine(weights, options);
  if (!engine.ok()) std::abort();
  return std::move(engine).value();
}

}  // namespace abcrnn::testing
