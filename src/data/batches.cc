// EpochPlan: packing (lanes over the concatenated tunes) and bucketing (groups of tunes of similar
// length, padded and masked), cut into windows on demand.
#include "abcrnn/data/batches.h"

#include <algorithm>

#include "abcrnn/vocab/vocab.h"

namespace abcrnn {
namespace {

// splitmix64: a tiny, fully specified generator, so permutations are the same everywhere.
struct SplitMix64 {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

// Bucketing sorts by predictions per tune in steps of this many characters (shuffled inside).
constexpr int64_t kBucketWidth = 16;

}  // namespace

const char* BatchingName(Batching b) { return b == Batching::kPack ? "pack" : "bucket"; }

Result<Batching> ParseBatching(const std::string& name) {
  if (name == "pack") return Batching::kPack;
  if (name == "bucket") return Batching::kBucket;
  return Status::InvalidArgument("batching: expected 'pack' or 'bucket', got '" + name + "'");
}

std::vector<int> Permutation(int n, uint64_t seed, int64_t epoch) {
  std::vector<int> p(n);
  for (int i = 0; i < n; ++i) p[i] = i;
  SplitMix64 rng{seed * 0x100000001b3ull ^ static_cast<uint64_t>(epoch) * 0x9e3779b97f4a7c15ull};
  for (int i = n - 1; i > 0; --i) std::swap(p[i], p[rng.Next() % static_cast<uint64_t>(i + 1)]);
  return p;
}

EpochPlan::EpochPlan(const std::vector<std::vector<int>>& tunes, Batching mode, int batch, int seq,
                     uint64_t seed, int64_t epoch, bool shuffle,
                     const std::vector<std::vector<abc::FormClock>>* clocks, const std::vector<int>* repeats)
    : mode_(mode), batch_(batch), seq_(seq), tunes_(&tunes), clocks_(clocks) {
  // Each tune's entries in the epoch: itself once, or repeats[i] times. With every tune once the
  // order is the permutation itself (the resume contract), and repeats only lengthen the list.
  std::vector<int> entries;
  for (int i = 0; i < static_cast<int>(tunes.size()); ++i)
    entries.insert(entries.end(), repeats ? static_cast<size_t>(std::max(0, (*repeats)[i])) : 1, i);
  const int n = static_cast<int>(entries.size());
  std::vector<int> order = entries;
  if (shuffle) {
    const std::vector<int> p = Permutation(n, seed, epoch);
    for (int k = 0; k < n; ++k) order[k] = entries[p[k]];
  }
  if (mode == Batching::kPack) {
    for (int i : order) {
      stream_.insert(stream_.end(), tunes[i].begin(), tunes[i].end());
      if (clocks) stream_clock_.insert(stream_clock_.end(), (*clocks)[i].begin(), (*clocks)[i].end());
    }
    lane_ = stream_.empty() ? 0 : (static_cast<int64_t>(stream_.size()) - 1) / batch;
    for (int64_t off = 0; off < lane_; off += seq) starts_.emplace_back(0, off);
    for (int b = 0; b < batch; ++b)
      for (int64_t k = b * lane_; k < (b + 1) * lane_; ++k) counted_ += stream_[k + 1] != Vocab::kBos;
    cells_ = static_cast<int64_t>(starts_.size()) * batch * seq;
    return;
  }
  // Bucketing: shuffled, then stably sorted by coarse length, so each group holds tunes of
  // similar length drawn at random; the order of the groups is shuffled too.
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return static_cast<int64_t>(tunes[a].size()) / kBucketWidth < static_cast<int64_t>(tunes[b].size()) / kBucketWidth;
  });
  // Longest first inside a group (ties in shuffled order), so the rows that still hold a tune at
  // any offset are a prefix: Window::rows.
  for (int i = 0; i < n; i += batch) {
    groups_.emplace_back(order.begin() + i, order.begin() + std::min(n, i + batch));
    std::stable_sort(groups_.back().begin(), groups_.back().end(),
                     [&](int a, int b) { return tunes[a].size() > tunes[b].size(); });
  }
  std::vector<int> group_order(groups_.size());
  if (shuffle) {
    group_order = Permutation(static_cast<int>(groups_.size()), seed ^ 0x5bd1e995ull, epoch);
  } else {
    for (size_t g = 0; g < groups_.size(); ++g) group_order[g] = static_cast<int>(g);
  }
  longest_.assign(groups_.size(), 0);
  for (int g : group_order) {
    for (int i : groups_[g]) {
      int64_t predictions = std::max<int64_t>(0, static_cast<int64_t>(tunes[i].size()) - 1);
      longest_[g] = std::max(longest_[g], predictions);
      counted_ += predictions;
    }
    for (int64_t off = 0; off < longest_[g]; off += seq) {
      starts_.emplace_back(g, off);
      int64_t rows = 0;  // as Window::rows
      for (int i : groups_[g]) rows += static_cast<int64_t>(tunes[i].size()) - 1 > off;
      cells_ += rows * std::min<int64_t>(seq, longest_[g] - off);
    }
  }
}

Window EpochPlan::At(int64_t i) const {
  const auto [g, off] = starts_[i];
  Window w;
  w.batch = batch_;
  w.rows = batch_;
  // A bucket window stops at its group's longest tune: with --seq as long as a tune, steps that
  // would be padding in every row are not computed.
  w.seq = mode_ == Batching::kBucket ? static_cast<int>(std::min<int64_t>(seq_, longest_[g] - off)) : seq_;
  const size_t cells = static_cast<size_t>(w.batch) * w.seq;
  w.inputs.assign(cells, Vocab::kEos);  // padding input: <eos>, never scored
  w.targets.assign(cells, kIgnoreTarget);
  if (clocks_) {
    const abc::FormClock none = abc::HeaderClock();
    w.clock.resize(cells * abc::kFormClockFields);
    for (size_t k = 0; k < cells; ++k)
      std::copy(none.begin(), none.end(), w.clock.begin() + abc::kFormClockFields * k);
  }
  auto set_clock = [&](size_t cell, const abc::FormClock& c) {
    if (clocks_) std::copy(c.begin(), c.end(), w.clock.begin() + abc::kFormClockFields * cell);
  };
  if (mode_ == Batching::kPack) {
    w.reset_state = off == 0;
    for (int b = 0; b < batch_; ++b) {
      for (int t = 0; t < seq_ && off + t < lane_; ++t) {
        int64_t k = b * lane_ + off + t;
        w.inputs[b * seq_ + t] = stream_[k];
        if (clocks_) set_clock(b * seq_ + t, stream_clock_[k]);
        if (stream_[k + 1] != Vocab::kBos) {  // the <eos> -> <bos> seam is not scored
          w.targets[b * seq_ + t] = stream_[k + 1];
          ++w.counted;
        }
      }
    }
    return w;
  }
  w.reset_state = off == 0;
  const auto& group = groups_[g];
  w.rows = 0;
  for (size_t r = 0; r < group.size(); ++r) {
    const auto& ids = (*tunes_)[group[r]];
    const std::vector<abc::FormClock>* clock = clocks_ ? &(*clocks_)[group[r]] : nullptr;
    const int64_t predictions = static_cast<int64_t>(ids.size()) - 1;
    if (predictions > off) w.rows = static_cast<int>(r) + 1;
    for (int t = 0; t < w.seq && off + t < predictions; ++t) {
      w.inputs[r * w.seq + t] = ids[off + t];
      if (clock) set_clock(r * w.seq + t, (*clock)[off + t]);
      w.targets[r * w.seq + t] = ids[off + t + 1];
      ++w.counted;
    }
  }
  return w;
}

}  // namespace abcrnn
