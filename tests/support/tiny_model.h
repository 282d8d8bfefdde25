// Small random models for tests of generation, scoring and the checkpoint tools: an LSTM over a
// jig's characters for the engine, and random weights (optionally with Adam state) for a
// Checkpoint whose vocabulary and shape are set.
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/infer/lstm.h"
#include "abcrnn/vocab/vocab.h"

namespace abcrnn::testing {

// 2 layers x 24 units, embedding 8, weights drawn from seed 17 at scale 2; `eos_shift` is added to
// <eos>'s output bias (negative: tunes run longer). The vocabulary: a jig's characters, or one given.
struct TinyModel {
  Vocab vocab;
  RnnWeights weights;
  explicit TinyModel(float eos_shift = 0.0f)
      : TinyModel(Vocab::Build({"M:6/8\nL:1/8\nK:Dmix\n|:ABc dBG|A2B c3:|\n"}), eos_shift) {}
  TinyModel(Vocab v, float eos_shift) : vocab(std::move(v)) {
    ModelConfig c;
    c.vocab_size = vocab.size();
    c.embed = 8;
    c.hidden = 24;
    c.layers = 2;
    weights = RandomRnnWeights(c, 17, 2.0f);
    weights.head_b[Vocab::kEos] += eos_shift;
  }
};

// The ids a tune is scored as (<bos>, its characters, <eos>), and the reference engine's
// distribution (softmax in double) before each of them but the first: probs[t] predicts ids[t + 1].
// REQUIRES: the vocabulary spells `text`.
struct ReferenceSteps {
  std::vector<int> ids;
  std::vector<std::vector<double>> probs;
};
inline ReferenceSteps ReferenceStepsOf(const RnnWeights& weights, const Vocab& vocab, const std::string& text) {
  ReferenceSteps r;
  r.ids = {Vocab::kBos};
  auto enc = vocab.Encode(text);
  r.ids.insert(r.ids.end(), enc->begin(), enc->end());
  r.ids.push_back(Vocab::kEos);
  ReferenceLstm ref(weights);
  auto state = ref.InitialState();
  std::vector<float> logits(vocab.size());
  for (size_t t = 0; t + 1 < r.ids.size(); ++t) {
    ref.Step(r.ids[t], &state, logits.data());
    double z = 0;
    for (float l : logits) z += std::exp(double(l));
    std::vector<double> p(logits.size());
    for (size_t v = 0; v < p.size(); ++v) p[v] = std::exp(double(logits[v])) / z;
    r.probs.push_back(std::move(p));
  }
  return r;
}

// Fills c->weights (every tensor ExpectedWeights(c->model) names, normal(0, 0.3) from `seed`),
// and with `adam` an "adam.exp_avg.<name>" optimiser tensor beside each.
inline void FillRandomWeights(Checkpoint* c, unsigned seed, bool adam = false) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> n(0, 0.3f);
  for (auto& [name, shape] : ExpectedWeights(c->model)) {
    NamedTensor t{name, shape, {}};
    int64_t count = 1;
    for (auto d : shape) count *= d;
    for (int64_t i = 0; i < count; ++i) t.data.push_back(n(gen));
    if (adam) c->optimizer.push_back({"adam.exp_avg." + name, shape, t.data});
    c->weights.push_back(std::move(t));
  }
}

}  // namespace abcrnn::testing
