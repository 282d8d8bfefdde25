// The match model: longest earlier match of the latest symbols, its mixture with the LSTM, the EM
// fit of the mixture weights, and their JSON form.
#include "abcrnn/infer/match_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

#include "abcrnn/abc/form_clock.h"
#include "abc/text_util.h"
#include "abcrnn/vocab/vocab.h"

namespace abcrnn {

static_assert(kMatchTagLastBar == abc::kFormClockLeftBase + 1, "the tag is the clock's bars left in the part");

bool InCadenceBars(int tag) { return tag >= kMatchTagLastBar && tag < kMatchTagLastBar + kMatchCadenceBars; }

namespace {

// The bucket of a match of `length`; -1 below the shortest.
int Bucket(const std::vector<int>& lengths, int length) {
  if (lengths.empty() || length < lengths.front()) return -1;
  return static_cast<int>(std::upper_bound(lengths.begin(), lengths.end(), length) - lengths.begin()) - 1;
}

// Counts of what followed the longest matches, as a prediction.
MatchPrediction FromCounts(int length, const std::map<int, int>& counts) {
  MatchPrediction out;
  if (length == 0) return out;
  int total = 0;
  for (const auto& [id, c] : counts) total += c;
  out.length = length;
  for (const auto& [id, c] : counts) out.next.emplace_back(id, static_cast<double>(c) / total);
  return out;
}

void MixIn(double w, const MatchPrediction& p, double* probs, int V) {
  if (w <= 0 || p.next.empty()) return;
  for (int v = 0; v < V; ++v) probs[v] *= 1.0 - w;
  for (const auto& [id, q] : p.next)
    if (id >= 0 && id < V) probs[id] += w * q;
}

}  // namespace

double MatchMix::Weight(int length, bool periodic) const {
  const int b = Bucket(lengths, length);
  if (b < 0) return 0.0;
  return (periodic && !periodic_weights.empty() ? periodic_weights : weights)[static_cast<size_t>(b)];
}

double MatchMix::AlignedWeight(int length) const {
  const int b = Bucket(lengths, length);
  return b < 0 || aligned_weights.empty() ? 0.0 : aligned_weights[static_cast<size_t>(b)];
}

MatchMix MatchMix::Initial(bool aligned) {
  MatchMix m;
  m.lengths = {3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32};
  m.weights.assign(m.lengths.size(), 0.1);
  m.periodic_weights.assign(m.lengths.size(), 0.1);
  if (aligned) m.aligned_weights.assign(m.lengths.size(), 0.1);
  return m;
}

MatchPredictions PredictMusicMatches(const int* ids, const int* tags, size_t n, size_t music, int tag, int min_match,
                                     int max_match) {
  if (music >= n) return {};
  return PredictMatches(ids + music, tags == nullptr ? nullptr : tags + music, n - music, tag, min_match, max_match);
}

size_t MusicStartSymbol(std::string_view text) {
  // A text that starts with music has no header; one too short to tell may still get one.
  const bool letter = !text.empty() && std::isalpha(static_cast<unsigned char>(text[0]));
  if (text.empty() || (letter && text.size() == 1)) return SIZE_MAX;
  if (!letter || text[1] != ':') return 0;
  const size_t bytes = abc::MusicStart(text);
  if (bytes == std::string_view::npos) return SIZE_MAX;
  return SplitCharacters(text.substr(0, bytes)).size();
}

MatchPredictions PredictMatches(const int* ids, const int* tags, size_t n, int tag, int min_match, int max_match) {
  MatchPredictions out;
  if (n < static_cast<size_t>(min_match) + 1) return out;
  // j is the position that followed an earlier occurrence: the run ids[j-L..j) equals the
  // suffix ids[n-L..n).
  std::map<int, int> plain, aligned;
  int best = 0, best_aligned = 0;
  size_t latest = 0;  // the latest j of the longest plain match
  // In a part's last two bars only the aligned match counts.
  const bool use_plain = tags == nullptr || !InCadenceBars(tag);
  for (size_t j = static_cast<size_t>(min_match); j < n; ++j) {
    if (ids[j - 1] != ids[n - 1]) continue;
    int l = 1;
    while (l < max_match && static_cast<size_t>(l) < j && ids[j - 1 - l] == ids[n - 1 - l]) ++l;
    if (l < min_match) continue;
    if (use_plain && l >= best) {
      if (l > best) plain.clear();
      best = l;
      ++plain[ids[j]];
      latest = j;
    }
    if (tags != nullptr && tags[j] == tag && l >= best_aligned) {
      if (l > best_aligned) aligned.clear();
      best_aligned = l;
      ++aligned[ids[j]];
    }
  }
  out.plain = FromCounts(best, plain);
  out.plain.periodic = best > 0 && n - latest < static_cast<size_t>(best);
  out.aligned = FromCounts(best_aligned, aligned);
  return out;
}

MatchPrediction PredictMatch(const int* ids, size_t n, int min_match, int max_match) {
  return PredictMatches(ids, nullptr, n, 0, min_match, max_match).plain;
}

void MixMatch(const MatchMix& mix, const MatchPrediction& prediction, double* probs, int V) {
  MixIn(mix.Weight(prediction), prediction, probs, V);
}

void MixMatches(const MatchMix& mix, const MatchPredictions& predictions, double* probs, int V) {
  MixIn(mix.Weight(predictions.plain), predictions.plain, probs, V);
  MixIn(mix.AlignedWeight(predictions.aligned.length), predictions.aligned, probs, V);
}

void MixMatchLogits(const MatchMix& mix, const MatchPredictions& predictions, const float* logits, int V,
                    std::vector<float>* out) {
  out->assign(logits, logits + V);
  if (mix.Weight(predictions.plain) <= 0 && mix.AlignedWeight(predictions.aligned.length) <= 0) return;
  const double top = *std::max_element(logits, logits + V);
  std::vector<double> p(static_cast<size_t>(V));
  double sum = 0;
  for (int v = 0; v < V; ++v) sum += p[v] = std::exp(static_cast<double>(logits[v]) - top);
  for (double& x : p) x /= sum;
  MixMatches(mix, predictions, p.data(), V);
  for (int v = 0; v < V; ++v) (*out)[v] = static_cast<float>(std::log(std::max(p[v], 1e-300)));
}

double MixedProbability(const MatchMix& mix, const MatchObservation& o) {
  const double w = mix.Weight(o.length, o.periodic), wa = mix.AlignedWeight(o.aligned_length);
  return (1 - wa) * ((1 - w) * o.p_model + w * o.p_match) + wa * o.p_aligned;
}

MatchMix FitMatchMix(const std::vector<MatchObservation>& observations, const MatchMix& start, int iterations) {
  MatchMix mix = start;
  const size_t K = mix.lengths.size();
  const bool fit_aligned = mix.aligned();
  const bool fit_periodic = !mix.periodic_weights.empty();
  for (double& w : mix.weights) w = std::clamp(w, 1e-3, 0.999);
  for (double& w : mix.periodic_weights) w = std::clamp(w, 1e-3, 0.999);
  for (double& w : mix.aligned_weights) w = std::clamp(w, 1e-3, 0.999);
  for (int it = 0; it < iterations; ++it) {
    // E step: the posterior that the aligned match, the plain match or the LSTM produced each
    // character. M step: an aligned weight is the mean aligned posterior of its bucket; a plain
    // weight the plain posterior's share of what the aligned match left.
    // Plain buckets 0..K-1, periodic plain buckets K..2K-1.
    std::vector<double> plain_sum(2 * K, 0.0), plain_den(2 * K, 0.0), aligned_sum(K, 0.0), aligned_den(K, 0.0);
    for (const MatchObservation& o : observations) {
      const int bp = Bucket(mix.lengths, o.length);
      const int ba = fit_aligned ? Bucket(mix.lengths, o.aligned_length) : -1;
      const double wu = mix.Weight(o.length, o.periodic);
      const double wa = ba < 0 ? 0.0 : mix.aligned_weights[static_cast<size_t>(ba)];
      const double a = wa * o.p_aligned, u = (1 - wa) * wu * o.p_match, m = (1 - wa) * (1 - wu) * o.p_model;
      const double total = a + u + m;
      if (!(total > 0)) continue;
      const double ra = a / total, ru = u / total;
      if (ba >= 0) {
        aligned_sum[static_cast<size_t>(ba)] += ra;
        aligned_den[static_cast<size_t>(ba)] += 1;
      }
      if (bp >= 0) {
        const size_t k = static_cast<size_t>(bp) + (o.periodic && fit_periodic ? K : 0);
        plain_sum[k] += ru;
        plain_den[k] += 1 - ra;
      }
    }
    for (size_t k = 0; k < K; ++k) {
      if (plain_den[k] > 0) mix.weights[k] = std::clamp(plain_sum[k] / plain_den[k], 0.0, 0.999);
      if (fit_periodic && plain_den[K + k] > 0)
        mix.periodic_weights[k] = std::clamp(plain_sum[K + k] / plain_den[K + k], 0.0, 0.999);
      if (fit_aligned && aligned_den[k] > 0)
        mix.aligned_weights[k] = std::clamp(aligned_sum[k] / aligned_den[k], 0.0, 0.999);
    }
  }
  return mix;
}

std::string MatchMixToJson(const MatchMix& mix) {
  nlohmann::json j = {{"max_match", mix.max_match}, {"lengths", mix.lengths}, {"weights", mix.weights}};
  if (!mix.periodic_weights.empty()) j["periodic_weights"] = mix.periodic_weights;
  if (mix.aligned()) j["aligned_weights"] = mix.aligned_weights;
  return j.dump();
}

Result<MatchMix> MatchMixFromJson(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [](const std::string& what) {
    return Status::InvalidArgument("match_model: expected " + what);
  };
  if (!j.is_object()) return bad("a JSON object, got " + text.substr(0, 40));
  if (!j.contains("max_match") || !j["max_match"].is_number_integer()) return bad("an integer max_match");
  if (!j.contains("lengths") || !j["lengths"].is_array()) return bad("a lengths array");
  if (!j.contains("weights") || !j["weights"].is_array()) return bad("a weights array");
  MatchMix m;
  m.max_match = j["max_match"].get<int>();
  for (const auto& v : j["lengths"]) {
    if (!v.is_number_integer()) return bad("integer lengths, got " + v.dump());
    m.lengths.push_back(v.get<int>());
  }
  for (const auto& v : j["weights"]) {
    if (!v.is_number()) return bad("numeric weights, got " + v.dump());
    m.weights.push_back(v.get<double>());
  }
  // The optional tables, each one weight per bucket.
  for (const auto& [key, list] : {std::pair{"periodic_weights", &m.periodic_weights},
                                  std::pair{"aligned_weights", &m.aligned_weights}}) {
    if (!j.contains(key)) continue;
    const std::string name = key;
    if (!j[key].is_array()) return bad("a " + name + " array");
    for (const auto& v : j[key]) {
      if (!v.is_number()) return bad("numeric " + name + ", got " + v.dump());
      list->push_back(v.get<double>());
    }
    if (list->size() != m.lengths.size())
      return bad("as many " + name + " as lengths, got " + std::to_string(list->size()) + " and " +
                 std::to_string(m.lengths.size()));
  }
  if (m.lengths.empty() || m.lengths.size() != m.weights.size())
    return bad("as many weights as lengths (at least one), got " + std::to_string(m.lengths.size()) + " lengths and " +
               std::to_string(m.weights.size()) + " weights");
  if (m.lengths.front() < 1 || !std::is_sorted(m.lengths.begin(), m.lengths.end()) ||
      std::adjacent_find(m.lengths.begin(), m.lengths.end()) != m.lengths.end() || m.max_match < m.lengths.back())
    return bad("lengths ascending from 1 or more and max_match at least the last, got " + j["lengths"].dump() +
               " and " + std::to_string(m.max_match));
  for (const auto* list : {&m.weights, &m.periodic_weights, &m.aligned_weights})
    for (double w : *list)
      if (!(w >= 0 && w < 1)) return bad("weights in [0, 1), got " + std::to_string(w));
  return m;
}

}  // namespace abcrnn
