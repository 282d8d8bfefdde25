// Batches for training and evaluation: tunes (ids with <bos> first and <eos> last) cut into
// windows of B rows x T steps. Two layouts: packing (every tune of the epoch laid end to end in
// B lanes, hidden state carried from window to window) and bucketing (B tunes of similar length
// side by side, padded and masked, state carried only within the group). No LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "abcrnn/abc/form_clock.h"
#include "abcrnn/util/status.h"

namespace abcrnn {

enum class Batching { kPack, kBucket };
// "pack" / "bucket".
const char* BatchingName(Batching b);
Result<Batching> ParseBatching(const std::string& name);

// A target that contributes no loss (padding, and the <eos> -> <bos> seam between packed tunes).
constexpr int kIgnoreTarget = -1;

// One step's data. inputs and targets are (B,T) row-major ids; targets[b][t] is the id that
// follows inputs[b][t], or kIgnoreTarget.
struct Window {
  int batch = 0;  // B
  int seq = 0;    // T: --seq, or less for a bucket group's last window (no all-padding steps)
  // Rows 0..rows-1 hold data and rows..B-1 only padding, so a consumer may compute the first
  // `rows` alone (and keep the first `rows` of its carried state). Bucket groups put their longest
  // tunes first, so rows falls as a group's shorter tunes end (and a last group of fewer than B
  // tunes starts with fewer); packing fills all B.
  int rows = 0;
  std::vector<int> inputs;
  std::vector<int> targets;
  // With form clocks: (B,T,3) row-major, the clock rows of each input (abc/form_clock.h); padding
  // gets abc::HeaderClock(). Empty without.
  std::vector<int> clock;
  bool reset_state = false;  // zero the carried LSTM state (h, c) before this window
  int64_t counted = 0;       // targets that are not kIgnoreTarget
};

// The windows of one pass over `tunes`, in a deterministic order given by (seed, epoch).
// Windows are computed on demand (At) so an epoch over the whole corpus costs no extra memory.
class EpochPlan {
 public:
  // `tunes`: each tune's ids, <bos> first and <eos> last (EncodeTunes). `shuffle` false keeps the
  // input order (evaluation). `clocks`, when given, holds each tune's form clock per id
  // (Corpus::train_clock) and fills Window::clock. REQUIRES: batch >= 1, seq >= 1, `tunes` and
  // `clocks` outlive the plan, clocks[i].size() == tunes[i].size(). `repeats`, when given, says
  // how many times each tune is in the epoch (0 leaves it out; TuneRepeats, data/oversample.h);
  // REQUIRES: repeats->size() == tunes.size().
  EpochPlan(const std::vector<std::vector<int>>& tunes, Batching mode, int batch, int seq, uint64_t seed,
            int64_t epoch, bool shuffle, const std::vector<std::vector<abc::FormClock>>* clocks = nullptr,
            const std::vector<int>* repeats = nullptr);

  int64_t size() const { return static_cast<int64_t>(starts_.size()); }
  // REQUIRES: 0 <= i < size().
  Window At(int64_t i) const;
  // Targets counted over the whole plan.
  int64_t counted() const { return counted_; }
  // Cells a consumer computes over the whole plan: each window's rows x seq (Window::rows).
  int64_t cells() const { return cells_; }

 private:
  Batching mode_;
  int batch_, seq_;
  // kPack: the stream of every tune end to end; lane b is stream_[b*lane_ .. (b+1)*lane_] (the
  // extra last id is the final target). seam_[k] is true when stream_[k] is a <bos> that follows
  // an <eos>, i.e. the target at k-1 is the seam and is ignored.
  std::vector<int> stream_;
  std::vector<abc::FormClock> stream_clock_;  // with clocks: stream_'s
  int64_t lane_ = 0;
  // kBucket: groups_[g] holds up to B tune indices; a window is (group, offset in steps).
  std::vector<std::vector<int>> groups_;
  std::vector<int64_t> longest_;  // kBucket: predictions of each group's longest tune
  const std::vector<std::vector<int>>* tunes_ = nullptr;
  const std::vector<std::vector<abc::FormClock>>* clocks_ = nullptr;
  std::vector<std::pair<int, int64_t>> starts_;  // kBucket: (group, offset); kPack: (0, offset)
  int64_t counted_ = 0;
  int64_t cells_ = 0;
};

// The Fisher-Yates permutation of 0..n-1 for (seed, epoch), with splitmix64: identical on every
// platform (std::shuffle is not).
std::vector<int> Permutation(int n, uint64_t seed, int64_t epoch);

}  // namespace abcrnn
