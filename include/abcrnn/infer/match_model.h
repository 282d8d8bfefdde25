// The match model: a tune's own earlier text as a predictor of its next character, mixed with the
// LSTM's distribution. Folk tunes repeat themselves (a real reel brings back about a third of its
// four-interval figures and a quarter of its bars), a character LSTM trained on 64-character
// windows rarely does (its reels: 8% and 1%). The match model finds the longest run of the latest
// symbols that occurred earlier in the same tune (PPM's and lpaq's match models) and predicts what
// followed it there; its weight depends on the length of that run and is fitted to training tunes
// by EM on their likelihood (the cache language model of Kuhn and De Mori, 1990). No LibTorch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "abcrnn/util/status.h"

namespace abcrnn {

// What the match model predicts after ids[0..n): `length` is the longest suffix length (at least
// min_match, at most max_match) that also ends earlier in ids, 0 when none does; `next` holds each
// id that followed such an earlier occurrence (of that longest length) with its share of them.
struct MatchPrediction {
  int length = 0;
  std::vector<std::pair<int, double>> next;  // (id, probability), ids ascending, summing to 1
  // The latest earlier occurrence overlaps the run itself (it ends less than `length` symbols
  // before the end): the tune is going round a loop ("G2G|G2G|G2G|"), where real tunes break off
  // sooner than a plain match of that length would say.
  bool periodic = false;
};

// Two predictions at one point: `plain` from every earlier place, `aligned` only from places at
// the same point of the form (the same bars left in the part, from the form clock: the last bar
// of the second part where the first part's last bar was). A cadence comes back where the form
// asks for one, which a plain match cannot know (its jigs ended on the tonic 61% of the time
// against 80% for real jigs).
struct MatchPredictions {
  MatchPrediction plain, aligned;
};

// The match model's settings and fitted weights (checkpoint metadata "match_model",
// doc/checkpoint-format.md). Weight(length) is the share of the mixture given to the plain
// prediction for a match of that length: weights[k] for lengths[k] <= length < lengths[k+1];
// AlignedWeight(length) that of the aligned one, from aligned_weights (the same buckets; empty
// for a model without a form clock: no aligned prediction). A periodic plain match takes its
// weight from periodic_weights (the same buckets; empty: from weights).
struct MatchMix {
  int max_match = 32;
  std::vector<int> lengths;              // ascending bucket starts; lengths[0] is the shortest match used
  std::vector<double> weights;           // one per bucket, in [0, 1)
  std::vector<double> periodic_weights;  // one per bucket, in [0, 1), or none
  std::vector<double> aligned_weights;   // one per bucket, in [0, 1), or none

  bool empty() const { return lengths.empty(); }
  bool aligned() const { return !aligned_weights.empty(); }
  int min_match() const { return lengths.empty() ? 0 : lengths.front(); }
  double Weight(int length, bool periodic = false) const;
  double Weight(const MatchPrediction& plain) const { return Weight(plain.length, plain.periodic); }
  double AlignedWeight(int length) const;
  // The buckets used before fitting: 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, every weight 0.1
  // (periodic weights too), with aligned weights (0.1) when `aligned`.
  static MatchMix Initial(bool aligned);
};

// The tag of a part's last bar (the form clock's "bars left in the part" row for one bar left).
// In the last kMatchCadenceBars bars of a part only the aligned match is used: a plain one there
// drew the model's tunes away from their cadence (shipped model, temperature 0.8, 300 tunes each:
// jigs ended on the tonic 66% of the time with it in the last bar, 84% without, real jigs 80%;
// songs 66% with it in the last bar, 77% without it in the last two, real songs 81%).
inline constexpr int kMatchTagLastBar = 18;
inline constexpr int kMatchCadenceBars = 2;
// True for the tags of a part's last kMatchCadenceBars bars.
bool InCadenceBars(int tag);

// REQUIRES: 1 <= min_match <= max_match. O(n * mean match length).
MatchPrediction PredictMatch(const int* ids, size_t n, int min_match, int max_match);
// Both predictions after ids[0..n); tags[j] is where in the form the symbol ids[j] was predicted
// (for j < n) and `tag` where the next one is. tags null: no aligned prediction. With tags, no
// plain prediction where InCadenceBars(tag).
MatchPredictions PredictMatches(const int* ids, const int* tags, size_t n, int tag, int min_match, int max_match);
// PredictMatches over the tune's music only, ids[music..n): the header is not music, and copying
// it ("L:1/8\nK:" after a bar ending in "/8" and a line break) writes a field where a bar belongs.
// music >= n (the header not over): no prediction.
MatchPredictions PredictMusicMatches(const int* ids, const int* tags, size_t n, size_t music, int tag, int min_match,
                                     int max_match);
// Where the music of a tune in training form starts, in symbols of `text`: after the header's K:
// line; 0 for a text that starts with music (no field line first); SIZE_MAX while the header is
// not over, or the text too short to tell.
size_t MusicStartSymbol(std::string_view text);

// probs (V values summing to 1) becomes (1 - w) probs + w match, w = mix.Weight(prediction);
// unchanged when there is no prediction.
void MixMatch(const MatchMix& mix, const MatchPrediction& prediction, double* probs, int V);
// The plain prediction mixed in (MixMatch), then the aligned one with its weight:
// (1 - wa) ((1 - w) probs + w plain) + wa aligned.
void MixMatches(const MatchMix& mix, const MatchPredictions& predictions, double* probs, int V);

// The logits of the mixture (MixMatches of softmax(logits)) as logs into out (V values), computed
// in double; the same as `logits` up to a constant when there is no prediction.
void MixMatchLogits(const MatchMix& mix, const MatchPredictions& predictions, const float* logits, int V,
                    std::vector<float>* out);

// One predicted character of a fitting set where the match model had a prediction: the match
// lengths (0: none), and the probability each model gave the character that came.
struct MatchObservation {
  int length = 0;
  double p_model = 0;
  double p_match = 0;
  int aligned_length = 0;
  double p_aligned = 0;
  bool periodic = false;  // the plain match's MatchPrediction::periodic
};

// The mixture's probability of the observed character (MixMatches for one character):
// (1 - wa) ((1 - w) p_model + w p_match) + wa p_aligned.
double MixedProbability(const MatchMix& mix, const MatchObservation& o);

// EM on the mixture weights (the nested mixture of MixMatches: which of the three produced each
// character), starting from `start`: maximises the likelihood of the observations. A bucket with
// no observations keeps its weight; aligned weights are fitted when `start` has them.
MatchMix FitMatchMix(const std::vector<MatchObservation>& observations, const MatchMix& start, int iterations = 100);

// FitMatchMix on the characters of `texts` (training form) under `engine`, and what it gives: bits
// per character of the texts under the LSTM alone and under the fitted mixture (both as
// ScoreTexts counts them). Texts the vocabulary cannot spell are skipped and counted.
struct MatchFit {
  MatchMix mix;
  double bits_alone = 0, bits_mixed = 0;  // per character (<eos> included)
  int64_t observations = 0;               // characters the match model predicted
  int64_t symbols = 0;                    // characters scored (<eos> included)
  int skipped = 0;
};
class FastEngine;
class Vocab;
MatchFit FitMatchModel(const FastEngine& engine, const Vocab& vocab, const std::vector<std::string>& texts);

// As JSON text, and back. FromJson checks every field ("expected ... got ...").
std::string MatchMixToJson(const MatchMix& mix);
Result<MatchMix> MatchMixFromJson(const std::string& json);

}  // namespace abcrnn
