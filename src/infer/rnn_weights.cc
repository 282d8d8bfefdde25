// RnnWeights from and to checkpoint tensors, and PyTorch-like random weights for tests and benches.
// The cell's tensors are named after the architecture (lstm.*, gru.*), G = gates * H rows each.
#include <cmath>
#include <string>

#include "abcrnn/abc/form_clock.h"
#include "abcrnn/infer/engine.h"
#include "abcrnn/infer/sampler.h"

namespace abcrnn {

Result<RnnWeights> RnnWeightsFromCheckpoint(const Checkpoint& ckpt) {
  Checkpoint copy = ckpt;
  return RnnWeightsFromCheckpoint(std::move(copy));
}

namespace {

// Network `member`'s weights moved out of `ckpt`. REQUIRES: ValidateCheckpoint(ckpt) is OK.
RnnWeights TakeNetwork(Checkpoint& ckpt, int member) {
  RnnWeights w;
  w.config = ckpt.model;
  w.config.members = 1;
  const std::string prefix = MemberPrefix(member);
  auto get = [&ckpt, &prefix](const std::string& name) {
    return std::move(const_cast<NamedTensor*>(ckpt.Find(prefix + name))->data);
  };
  w.embed = get("embed.weight");
  if (w.config.form_clock != 0) w.clock = get("clock.weight");
  const std::string cell = w.config.architecture + ".";
  for (int k = 0; k < w.config.layers; ++k) {
    const std::string s = std::to_string(k);
    w.w_ih.push_back(get(cell + "weight_ih_l" + s));
    w.w_hh.push_back(get(cell + "weight_hh_l" + s));
    w.b_ih.push_back(get(cell + "bias_ih_l" + s));
    w.b_hh.push_back(get(cell + "bias_hh_l" + s));
  }
  w.head_w = get("head.weight");
  w.head_b = get("head.bias");
  return w;
}

}  // namespace

Result<RnnWeights> RnnWeightsFromCheckpoint(Checkpoint&& ckpt) {
  Status st = ValidateCheckpoint(ckpt);
  if (!st.ok()) return st;
  if (ckpt.model.members != 1)
    return Status::InvalidArgument("the checkpoint is an ensemble of " + std::to_string(ckpt.model.members) +
                                   " networks, not one");
  return TakeNetwork(ckpt, 0);
}

Result<std::vector<RnnWeights>> NetworkWeightsFromCheckpoint(Checkpoint&& ckpt) {
  Status st = ValidateCheckpoint(ckpt);
  if (!st.ok()) return st;
  std::vector<RnnWeights> networks;
  for (int m = 0; m < ckpt.model.members; ++m) networks.push_back(TakeNetwork(ckpt, m));
  return networks;
}

std::vector<NamedTensor> RnnWeightsToTensors(const RnnWeights& w, int member) {
  std::vector<NamedTensor> out;
  auto expected = ExpectedWeights(w.config);
  const std::string prefix = MemberPrefix(member);
  size_t i = 0;
  auto add = [&](const std::vector<float>& data) {
    out.push_back({prefix + expected[i].first, expected[i].second, data});
    ++i;
  };
  add(w.embed);
  if (w.config.form_clock != 0) add(w.clock);
  for (int k = 0; k < w.config.layers; ++k) {
    add(w.w_ih[k]);
    add(w.w_hh[k]);
    add(w.b_ih[k]);
    add(w.b_hh[k]);
  }
  add(w.head_w);
  add(w.head_b);
  return out;
}

RnnWeights RandomRnnWeights(const ModelConfig& c, uint64_t seed, float scale) {
  Rng rng(seed);
  const float bound = scale / std::sqrt(static_cast<float>(c.hidden));
  auto uniform = [&](size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>((2.0 * rng.Uniform() - 1.0) * bound);
    return v;
  };
  const size_t V = c.vocab_size, E = c.embed, H = c.hidden;
  const size_t G = static_cast<size_t>(ArchitectureGates(c.architecture)) * H;
  RnnWeights w;
  w.config = c;
  w.embed.resize(V * E);
  for (auto& x : w.embed) x = static_cast<float>(rng.Normal() * scale);
  for (int k = 0; k < c.layers; ++k) {
    w.w_ih.push_back(uniform(G * (k == 0 ? E : H)));
    w.w_hh.push_back(uniform(G * H));
    w.b_ih.push_back(uniform(G));
    w.b_hh.push_back(uniform(G));
  }
  w.head_w = uniform(V * H);
  w.head_b = uniform(V);
  if (c.form_clock != 0) {  // drawn last: models without a clock keep their weights
    w.clock.resize(static_cast<size_t>(abc::FormClockRows(c.form_clock)) * E);
    for (auto& x : w.clock) x = static_cast<float>(rng.Normal() * scale);
  }
  return w;
}

}  // namespace abcrnn
